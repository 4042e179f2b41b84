import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_TYPE,
  type AccessTokenClaims,
  DEFAULT_TOKEN_AUDIENCE,
  DEFAULT_TOKEN_ISSUER,
} from '../lib/contract/access-token';
import type { PublicSigningJwk } from '../lib/contract/jwks';

/** For specs: an Ed25519 key pair as the auth service holds one, with its public JWK as `auth.jwks` lists it. */
export interface TestSigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: PublicSigningJwk;
}

export function newSigningKey(kid: string = randomUUID()): TestSigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const { x } = publicKey.export({ format: 'jwk' });
  if (typeof x !== 'string') throw new Error('an Ed25519 public JWK without x');
  return { kid, privateKey, jwk: { kty: 'OKP', crv: 'Ed25519', x, kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' } };
}

/** The claims of a valid access token (issued now, 15 minutes long), with `changes` applied. */
export function accessTokenClaims(changes: Partial<AccessTokenClaims> = {}): AccessTokenClaims {
  const now = Math.floor(Date.now() / 1_000);
  return {
    iss: DEFAULT_TOKEN_ISSUER,
    aud: DEFAULT_TOKEN_AUDIENCE,
    sub: '0190a000-0000-7000-8000-00000000000a',
    sid: randomUUID(),
    jti: randomUUID(),
    iat: now,
    exp: now + 900,
    username: 'alice',
    ...changes,
  };
}

const segment = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A compact JWS of `payload` under `header`, signed with `signWith` (Ed25519), or with an empty signature
 * when there is none (as `alg: none` tokens come).
 */
export function jws(header: Record<string, unknown>, payload: object, signWith?: KeyObject): string {
  const input = `${segment(header)}.${segment(payload)}`;
  const signature = signWith ? sign(null, Buffer.from(input), signWith).toString('base64url') : '';
  return `${input}.${signature}`;
}

/** An access token as the auth service signs it: `{alg: EdDSA, typ: at+jwt, kid}`. */
export function signAccessToken(
  key: TestSigningKey,
  claims: object = accessTokenClaims(),
  header: Record<string, unknown> = {},
): string {
  return jws({ alg: ACCESS_TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYPE, kid: key.kid, ...header }, claims, key.privateKey);
}
