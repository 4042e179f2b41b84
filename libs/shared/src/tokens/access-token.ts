/** The access token's rules are the package's (`@nestjs-microservices/nest-auth`), which every verifier uses. */
export {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_CLAIMS,
  ACCESS_TOKEN_TYPE,
  type AccessTokenClaims,
  DEFAULT_TOKEN_AUDIENCE,
  DEFAULT_TOKEN_ISSUER,
  MAX_ROLES,
  ROLE_PATTERN,
  MAX_CLOCK_TOLERANCE_SECONDS,
  TOKEN_MAX_LENGTH,
  TOKEN_TYPE,
} from '@nestjs-microservices/nest-auth/contract';

/** A refresh token is this many random bytes, base64url-encoded (43 characters). */
export const REFRESH_TOKEN_BYTES = 32;
