import type { Row } from './results';
import { formatRps } from './report';

const ROW_HEIGHT = 26;
const TOP = 56;
const LABEL_WIDTH = 330;
const RPS_WIDTH = 330;
const GAP = 64;
const RATIO_WIDTH = 200;
const WIDTH = LABEL_WIDTH + RPS_WIDTH + GAP + RATIO_WIDTH + 70;
const COLOURS = { A: '#3b7dd8', B: '#e08a1e', C: '#2e9e5b', P: '#b0449c', none: '#8a8a8a' } as const;

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Log-scale decades 10^lo … 10^hi covering every value (at least 1 … 10). */
export function decades(values: readonly number[]): { lo: number; hi: number } {
  const positive = values.filter((value) => value > 0);
  const lo = Math.min(0, ...positive.map((value) => Math.floor(Math.log10(value))));
  const hi = Math.max(lo + 1, ...positive.map((value) => Math.ceil(Math.log10(value))));
  return { lo, hi };
}

const tickLabel = (power: number) => (power >= 3 ? `${10 ** (power - 3)}k` : String(10 ** power));

/**
 * A horizontal bar chart, one line per row: requests/s on a log scale, coloured by the row's main baseline (A bare
 * Fastify, B argon2id alone, C empty NestJS app, P the peer), and the ratio to that baseline on a linear scale.
 */
export function renderChart(rows: readonly Row[], title: string): string {
  const { lo, hi } = decades(rows.map((row) => row.measurement.rps));
  const ratioMax = Math.max(1.25, ...rows.map((row) => row.ratio ?? 0));
  const rpsX = (rps: number) => LABEL_WIDTH + (RPS_WIDTH * (Math.log10(Math.max(rps, 10 ** lo)) - lo)) / (hi - lo);
  const ratioLeft = LABEL_WIDTH + RPS_WIDTH + GAP;
  const ratioX = (ratio: number) => ratioLeft + (RATIO_WIDTH * Math.min(ratio, ratioMax)) / ratioMax;
  const height = TOP + rows.length * ROW_HEIGHT + 30;
  const bottom = TOP + rows.length * ROW_HEIGHT;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ` +
      'font-family="Helvetica, Arial, sans-serif" font-size="12">',
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${LABEL_WIDTH}" y="${TOP - 12}" fill="#444">requests/s (log scale)</text>`,
    `<text x="${ratioLeft}" y="${TOP - 12}" fill="#444">ratio to its baseline</text>`,
    `<text x="${WIDTH - 10}" y="20" text-anchor="end" fill="#444">` +
      `<tspan fill="${COLOURS.C}">■</tspan> vs C: empty NestJS` +
      `<tspan dx="14" fill="${COLOURS.A}">■</tspan> A: bare Fastify` +
      `<tspan dx="14" fill="${COLOURS.P}">■</tspan> P: jose peer` +
      `<tspan dx="14" fill="${COLOURS.B}">■</tspan> vs B: argon2id alone` +
      `<tspan dx="14" fill="${COLOURS.none}">■</tspan> probe</text>`,
  ];
  for (let power = lo; power <= hi; power += 1) {
    const x = round(rpsX(10 ** power));
    out.push(`<line x1="${x}" y1="${TOP - 4}" x2="${x}" y2="${bottom}" stroke="#ddd"/>`);
    out.push(`<text x="${x}" y="${bottom + 16}" text-anchor="middle" fill="#666">${tickLabel(power)}</text>`);
  }
  for (let tick = 0; tick <= ratioMax + 1e-9; tick += 0.25) {
    const x = round(ratioX(tick));
    const major = Math.abs(tick - 1) < 1e-9;
    out.push(`<line x1="${x}" y1="${TOP - 4}" x2="${x}" y2="${bottom}" stroke="${major ? '#999' : '#ddd'}"/>`);
    if (tick % 0.5 === 0) {
      out.push(`<text x="${x}" y="${bottom + 16}" text-anchor="middle" fill="#666">${tick}</text>`);
    }
  }
  rows.forEach((row, i) => {
    const y = TOP + i * ROW_HEIGHT;
    const colour = COLOURS[row.baseline ?? 'none'];
    const rps = row.measurement.rps;
    const rpsEnd = round(rpsX(rps));
    out.push(`<text x="${LABEL_WIDTH - 8}" y="${y + 17}" text-anchor="end">${escapeXml(row.title)}</text>`);
    out.push(
      `<rect x="${LABEL_WIDTH}" y="${y + 5}" width="${round(rpsEnd - LABEL_WIDTH)}" height="16" fill="${colour}"/>`,
    );
    out.push(`<text x="${rpsEnd + 4}" y="${y + 17}" fill="#222">${escapeXml(formatRps(rps))}</text>`);
    if (row.ratio !== undefined && row.baseline) {
      const end = round(ratioX(row.ratio));
      out.push(`<rect x="${ratioLeft}" y="${y + 5}" width="${round(end - ratioLeft)}" height="16" fill="${colour}"/>`);
      out.push(`<text x="${end + 4}" y="${y + 17}" fill="#222">${row.ratio.toFixed(2)} × ${row.baseline}</text>`);
    }
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
