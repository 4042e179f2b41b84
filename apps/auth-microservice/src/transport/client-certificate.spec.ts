import type { PeerCertificate } from 'node:tls';
import { certificateNames } from './client-certificate';

const certificate = (fields: Partial<PeerCertificate>) => fields as PeerCertificate;

describe('certificateNames', () => {
  it('gives the subject CN and every SAN value, without its type', () => {
    const names = certificateNames(
      certificate({
        subject: { CN: 'gateway' } as PeerCertificate['subject'],
        subjectaltname: 'DNS:gateway.internal, IP Address:10.0.0.7, URI:spiffe://prod/gw, DNS:"a,b"',
      }),
    );
    expect(names).toEqual(['gateway', 'gateway.internal', '10.0.0.7', 'spiffe://prod/gw', 'a,b']);
  });

  it('gives nothing for a missing certificate', () => {
    expect(certificateNames({})).toEqual([]);
  });
});
