import { ApiProperty } from '@nestjs/swagger';
import { ACCESS_TOKEN_ALGORITHM } from '../tokens/access-token';

/** An Ed25519 public key as a JWK (RFC 8037). */
export class PublicJwkResponse {
  @ApiProperty({ enum: ['OKP'] })
  kty!: 'OKP';

  @ApiProperty({ enum: ['Ed25519'] })
  crv!: 'Ed25519';

  @ApiProperty({ description: 'The public key, base64url' })
  x!: string;

  @ApiProperty({ description: 'Matches the `kid` header of the tokens it signed' })
  kid!: string;

  @ApiProperty({ enum: [ACCESS_TOKEN_ALGORITHM] })
  alg!: typeof ACCESS_TOKEN_ALGORITHM;

  @ApiProperty({ enum: ['sig'] })
  use!: 'sig';
}

/** `GET /api/auth/jwks` and `auth.jwks`: a JWK Set (RFC 7517) of every key a valid token may be signed with. */
export class JwksResponse {
  @ApiProperty({ type: () => [PublicJwkResponse] })
  keys!: PublicJwkResponse[];
}
