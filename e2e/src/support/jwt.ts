/**
 * JWTs for the suites, with `node:crypto` only: decode what the auth service issued, check a signature
 * against a published JWK (what any other service would do), and forge tokens a gateway must refuse
 * (re-signed by a foreign Ed25519 key, tampered, `alg: none`, HMAC with the public key).
 */
import {
  createHmac,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';

export type JsonObject = Record<string, unknown>;

export interface DecodedJwt {
  header: JsonObject;
  payload: JsonObject;
  /** The raw base64url segments. */
  segments: [string, string, string];
  /** `<header>.<payload>`: what the signature covers. */
  signingInput: string;
  signature: Buffer;
}

export function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function parseSegment(segment: string, what: string): JsonObject {
  const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`the JWT ${what} is not a JSON object`);
  }
  return value as JsonObject;
}

/** Splits and parses a compact JWS. Throws on anything that is not three base64url segments of JSON. */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error(`not a compact JWS (${parts.length} segments): ${token.slice(0, 40)}…`);
  const [header, payload, signature] = parts as [string, string, string];
  for (const part of parts) {
    if (!/^[A-Za-z0-9_-]*$/.test(part)) throw new Error(`a JWT segment is not base64url: ${part.slice(0, 40)}`);
  }
  return {
    header: parseSegment(header, 'header'),
    payload: parseSegment(payload, 'payload'),
    segments: [header, payload, signature],
    signingInput: `${header}.${payload}`,
    signature: Buffer.from(signature, 'base64url'),
  };
}

export function encodeJwtSegment(value: JsonObject): string {
  return base64url(JSON.stringify(value));
}

export interface Ed25519KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as a JWK (`kty: OKP`, `crv: Ed25519`, `x`). */
  jwk: JsonObject;
}

/** A fresh Ed25519 key pair nobody trusts. */
export function foreignKeyPair(): Ed25519KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey, jwk: publicKey.export({ format: 'jwk' }) as JsonObject };
}

/** Signs header + payload with an Ed25519 private key (EdDSA). */
export function signEdDsa(header: JsonObject, payload: JsonObject, privateKey: KeyObject): string {
  const signingInput = `${encodeJwtSegment(header)}.${encodeJwtSegment(payload)}`;
  return `${signingInput}.${base64url(sign(null, Buffer.from(signingInput), privateKey))}`;
}

/** The token with header/payload changes applied, signed again by `privateKey` (a key of the test's own). */
export function resign(
  token: string,
  privateKey: KeyObject,
  changes: { header?: JsonObject; payload?: JsonObject } = {},
): string {
  const { header, payload } = decodeJwt(token);
  return signEdDsa({ ...header, ...changes.header }, { ...payload, ...changes.payload }, privateKey);
}

/** The same token with its signature altered (one byte flipped): header and payload untouched. */
export function withTamperedSignature(token: string): string {
  const { signingInput, signature } = decodeJwt(token);
  const altered = Buffer.from(signature);
  altered[0] ^= 0x01;
  altered[altered.length - 1] ^= 0x80;
  return `${signingInput}.${base64url(altered)}`;
}

/** New payload claims, the original header and the original signature (so the signature no longer matches). */
export function withTamperedPayload(token: string, claims: JsonObject): string {
  const { payload, segments } = decodeJwt(token);
  return `${segments[0]}.${encodeJwtSegment({ ...payload, ...claims })}.${segments[2]}`;
}

/** `alg: none` with the original claims and an empty signature (RFC 7519 "unsecured JWT"). */
export function withAlgNone(token: string, claims: JsonObject = {}): string {
  const { header, payload } = decodeJwt(token);
  return `${encodeJwtSegment({ ...header, alg: 'none' })}.${encodeJwtSegment({ ...payload, ...claims })}.`;
}

/** The classic algorithm confusion: `alg: HS256`, MAC'd with the bytes of the (public) key as the secret. */
export function withHs256(token: string, secret: string | Buffer): string {
  const { header, payload } = decodeJwt(token);
  const signingInput = `${encodeJwtSegment({ ...header, alg: 'HS256' })}.${encodeJwtSegment(payload)}`;
  return `${signingInput}.${base64url(createHmac('sha256', secret).update(signingInput).digest())}`;
}

/** Whether `token`'s EdDSA signature verifies with this public JWK (what a third-party verifier does). */
export function verifiesWithJwk(token: string, jwk: JsonObject): boolean {
  const { signingInput, signature } = decodeJwt(token);
  const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  return verify(null, Buffer.from(signingInput), key, signature);
}
