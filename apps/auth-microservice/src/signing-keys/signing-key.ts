import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ACCESS_TOKEN_ALGORITHM, type PublicJwkResponse } from '@nestjs-microservices/shared';

/** A signing key as the service keeps it in memory. The private key never leaves this process. */
export interface SigningKey {
  kid: string;
  generation: number;
  /** `x` of the Ed25519 JWK, base64url. */
  publicKey: string;
  createdAt: Date;
  /** It signs from this moment; it is published (JWKS) from creation. */
  activatesAt: Date;
}

export interface NewSigningKey extends SigningKey {
  privateKeyPem: string;
}

/** A fresh Ed25519 pair; the kid is its RFC 7638 JWK thumbprint, so it names the key and nothing else. */
export function generateSigningKey(generation: number, createdAt: Date, activatesAt: Date): NewSigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x;
  if (!x) throw new Error('Ed25519 public key without x');
  return {
    kid: thumbprint(x),
    generation,
    publicKey: x,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    createdAt,
    activatesAt,
  };
}

function thumbprint(x: string): string {
  // RFC 7638: the required members, in lexicographic order, no whitespace.
  return createHash('sha256')
    .update(JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x }))
    .digest('base64url');
}

export function toJwk(key: SigningKey): PublicJwkResponse {
  return { kty: 'OKP', crv: 'Ed25519', x: key.publicKey, kid: key.kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' };
}

export function publicKeyPem(key: SigningKey): string {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.publicKey }, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
}

export function privateKeyObject(pem: string): KeyObject {
  return createPrivateKey(pem);
}
