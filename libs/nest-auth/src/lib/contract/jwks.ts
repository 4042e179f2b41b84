/** One public signing key as `GET /api/auth/jwks` lists it: Ed25519, for `alg: EdDSA` signatures. */
export interface PublicSigningJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

export interface JwksDocument {
  keys: PublicSigningJwk[];
}
