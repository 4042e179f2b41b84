import type { PeerCertificate } from 'node:tls';

/** `DNS:gateway, IP Address:10.0.0.7, URI:spiffe://x/gw` → `gateway`, `10.0.0.7`, `spiffe://x/gw`. */
function subjectAltNames(subjectaltname: string | undefined): string[] {
  if (!subjectaltname) return [];
  return subjectaltname
    .split(', ')
    .map((entry) => entry.slice(entry.indexOf(':') + 1))
    .map(unquote);
}

/** Node quotes a SAN value that holds a comma or a quote, JSON-style. */
function unquote(value: string): string {
  if (!(value.startsWith('"') && value.endsWith('"'))) return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'string' ? parsed : value;
  } catch {
    return value;
  }
}

/** The names a client certificate carries, to compare exactly with AUTH_TLS_ALLOWED_CLIENTS: its subject CN and SANs. */
export function certificateNames(certificate: PeerCertificate | Record<string, never>): string[] {
  if (!('subject' in certificate) || !certificate.subject) return [];
  const commonName: unknown = certificate.subject.CN;
  const names = typeof commonName === 'string' ? [commonName] : Array.isArray(commonName) ? commonName.map(String) : [];
  return [...names, ...subjectAltNames(certificate.subjectaltname)];
}
