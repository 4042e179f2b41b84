import { escapeXml, decades, renderChart } from './chart';
import { measurement } from './measurement.spec-helpers';
import { parseOptions } from './options';
import { markdownTable, renderMarkdown, renderText, rowCells, textTable } from './report';
import type { BenchReport, Row } from './results';

const rows: Row[] = [
  {
    id: 'baseline-http',
    title: 'baseline A',
    baseline: 'A',
    measurement: measurement(52_345.6),
    ratio: 1,
    cpu: { server: 0.96, bench: 0.874, other: 0.05 },
  },
  { id: 'me', title: 'GET /api/auth/me', baseline: 'A', measurement: measurement(31_000, { p99: 9.4 }), ratio: 0.59 },
  {
    id: 'login',
    title: 'POST /api/auth/login',
    baseline: 'B',
    measurement: measurement(87.25, { p50: 512 }, 2),
    cpu: { auth: 1.8 },
  },
  { id: 'live-under-login', title: 'GET /api/health/live <flood>', measurement: measurement(990) },
];

function report(quick: boolean): BenchReport {
  return {
    startedAt: '2026-01-02T03:04:05.000Z',
    machine: { cores: 2, cpu: 'Test CPU', node: 'v20.0.0', platform: 'linux x64', loadStart: 0.31, loadEnd: 1.5 },
    options: parseOptions(quick ? ['--quick'] : []),
    database: 'SQLite (temp file)',
    rows,
    growth: [
      {
        users: 1_000,
        seedS: 0.4,
        login: measurement(100, { p50: 400 }),
        sessions: measurement(3_000, { p50: 15 }),
        authRssMb: 180.4,
        sessionsRssMb: 170.2,
        loginRssMb: 180.4,
        loginP50Ratio: 1,
        sessionsP50Ratio: 1,
      },
    ],
    targets: [{ id: 'me-ratio', description: 'me ≥ 60% of A', measured: '59%', met: false }],
    notes: ['a note'],
  };
}

describe('report rendering', () => {
  it('formats one line per row: req/s, p50/p99/max, errors and the ratio to its baseline', () => {
    expect(rows.map(rowCells)).toEqual([
      ['baseline A', '52,346', '1.0 ms', '2.0 ms', '3.0 ms', '0', '1.00 × A'],
      ['GET /api/auth/me', '31,000', '1.0 ms', '9.4 ms', '3.0 ms', '0', '0.59 × A'],
      ['POST /api/auth/login', '87.3', '512 ms', '2.0 ms', '3.0 ms', '2', '—'],
      ['GET /api/health/live <flood>', '990', '1.0 ms', '2.0 ms', '3.0 ms', '0', '—'],
    ]);
  });

  it('pads text tables, numbers to the right', () => {
    expect(
      textTable(
        ['name', 'n'],
        [
          ['a', '1'],
          ['bbb', '1,000'],
        ],
      ),
    ).toBe(['name  n', '----  -----', 'a         1', 'bbb   1,000'].join('\n'));
  });

  it('writes Markdown tables with numeric columns right-aligned and pipes escaped', () => {
    expect(markdownTable(['name', 'n'], [['a|b', '1 ms']])).toBe('| name | n |\n| --- | ---: |\n| a\\|b | 1 ms |');
  });

  it('the Markdown report has the machine, the run, the table, the chart, growth, targets and notes', () => {
    const markdown = renderMarkdown(report(false), 'chart.svg');
    expect(markdown).toContain('2 cores (Test CPU), Node v20.0.0, linux x64; load average 0.31 at start, 1.50 at end');
    expect(markdown).toContain('20 s per scenario after 5 s of warm-up, 50 connections');
    expect(markdown).toContain('| GET /api/auth/me | 31,000 | 1.0 ms | 9.4 ms | 3.0 ms | 0 | 0.59 × A |');
    expect(markdown).toContain('![requests/s and ratio to the baseline](chart.svg)');
    expect(markdown).toContain(
      '| 1,000 | 0.4 s | 100 | 400 ms | 1.00 × | 3,000 | 15 ms | 1.00 × | 180 MB (170 / 180) |',
    );
    expect(markdown).toContain('| me ≥ 60% of A | 59% | NOT met |');
    expect(markdown).toContain('- a note');
    // Cores, and the CPU time per request they make at the row's requests/s.
    expect(markdown).toContain('| baseline A | — | — | 0.96 (18 µs) | 0.87 (17 µs) | 0.05 (1 µs) |');
    expect(markdown).toContain('| POST /api/auth/login | — | 1.80 (20.6 ms) | — | — | — |');
    expect(markdown).toContain('| GET /api/auth/me | — | — | — | — | — |');
  });

  it('a quick run says that it asserts no target', () => {
    expect(renderMarkdown(report(true), 'c.svg')).toContain('**quick** (smoke run, targets not asserted)');
    expect(renderText(report(true))).toContain('NOT met (quick run: not asserted) me ≥ 60% of A: 59%');
  });
});

describe('chart', () => {
  it('spans whole decades of req/s, from at most 1', () => {
    expect(decades([87, 52_000])).toEqual({ lo: 0, hi: 5 });
    expect(decades([0.5, 3])).toEqual({ lo: -1, hi: 1 });
    expect(decades([])).toEqual({ lo: 0, hi: 1 });
  });

  it('draws one labelled bar per row, and a ratio bar where there is a ratio', () => {
    const svg = renderChart(rows, 'Title & more');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('>Title &amp; more</text>');
    expect(svg).toContain('>GET /api/health/live &lt;flood&gt;</text>');
    expect(svg.match(/<rect [^>]*fill="#3b7dd8"/g)).toHaveLength(4); // 2 rows × (req/s bar + ratio bar)
    expect(svg.match(/<rect [^>]*fill="#e08a1e"/g)).toHaveLength(1); // login: no ratio
    expect(svg).toContain('>0.59 × A</text>');
    expect(svg).not.toMatch(/NaN|undefined/);
  });

  it('escapes XML', () => {
    expect(escapeXml(`<a href="x">&</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
  });
});
