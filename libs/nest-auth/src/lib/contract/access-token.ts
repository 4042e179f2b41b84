/**
 * The access token: a JWT (RFC 9068 profile) signed by the auth service with Ed25519 (`alg: EdDSA`), verified by
 * every gateway with the public keys of `auth.jwks`. These constants are the rules both sides apply.
 */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';
/** `tokenType` of the login and refresh answers, and the scheme of the `Authorization` header. */
export const TOKEN_TYPE = 'Bearer';
/** Defaults of `TOKEN_ISSUER` / `TOKEN_AUDIENCE`; both services must be configured with the same values. */
export const DEFAULT_TOKEN_ISSUER = 'urn:nestjs-microservices:auth';
export const DEFAULT_TOKEN_AUDIENCE = 'urn:nestjs-microservices:api';
/** How far a verifier's clock may be off the signer's: applied to `exp`, `nbf` and `iat`. */
export const MAX_CLOCK_TOLERANCE_SECONDS = 30;

/** The claims of every access token; all are required except `email` and `email_verified` (OIDC names). */
export interface AccessTokenClaims {
  iss: string;
  aud: string;
  /** The user id. */
  sub: string;
  /** The session id: what a logout revokes. */
  sid: string;
  /** Unique per token. */
  jti: string;
  iat: number;
  exp: number;
  username: string;
  /**
   * The user's roles when the token was issued (a change takes effect at the next refresh). Absent from tokens of
   * versions before roles: read as none.
   */
  roles?: string[];
  /** When the user last proved their password (seconds since the epoch): kept along the session's refreshes. */
  auth_time?: number;
  /** The account's address, only when it has one (as of the token's issue: a refresh brings a change in). */
  email?: string;
  /** Whether `email` was verified, with `email`. */
  email_verified?: boolean;
}

export const ACCESS_TOKEN_CLAIMS = [
  'iss',
  'aud',
  'sub',
  'sid',
  'jti',
  'iat',
  'exp',
  'username',
] as const satisfies readonly (keyof AccessTokenClaims)[];

/** What a role name looks like (`admin`, `notes:editor`, …). */
export const ROLE_PATTERN = /^[a-z][a-z0-9:_-]{0,63}$/;
/** Most roles a token carries; a token with more was not made by the auth service. */
export const MAX_ROLES = 64;

/** Longest token string either side accepts (access or refresh): anything longer is not ours. */
export const TOKEN_MAX_LENGTH = 4_096;
