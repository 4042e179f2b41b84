import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { createAccessTokenVerifier, type VerifyAccessToken } from '@nestjs-microservices/nest-auth';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE, type AccessTokenClaims } from '@nestjs-microservices/shared';
import { createSigner } from 'fast-jwt';
import { AuthConfig } from '../config/auth-config';
import { SigningKeysService } from '../signing-keys/signing-keys.service';

export interface TokenSubject {
  userId: string;
  username: string;
  sessionId: string;
  roles: readonly string[];
  /** The password login of the session (`auth_time`), kept along its refreshes. */
  authTime: Date;
  /** Carried as the `email` and `email_verified` claims when the account has an address. */
  email?: string | null;
  emailVerified?: boolean;
}

export interface IssuedAccessToken {
  token: string;
  expiresAt: Date;
}

type Sign = (payload: AccessTokenClaims) => string;

/** Signs access tokens with the active key, and verifies them with the published ones (the gateway's rules). */
@Injectable()
export class AccessTokens {
  private readonly signers = new Map<string, Sign>();
  readonly verify: VerifyAccessToken;

  constructor(
    private readonly keys: SigningKeysService,
    private readonly config: AuthConfig,
  ) {
    const { issuer, audience, clockToleranceSeconds, accessTtlMs } = config.tokens;
    this.verify = createAccessTokenVerifier({
      issuer,
      audience,
      clockToleranceSeconds,
      accessTtlMs,
      resolveKey: (kid) => keys.publicKey(kid),
      cacheSize: 1_000,
    });
  }

  /** Valid for ACCESS_TOKEN_TTL, never beyond `notAfter` (the session's absolute expiry). */
  async issue(subject: TokenSubject, notAfter: Date, now = new Date()): Promise<IssuedAccessToken> {
    const key = await this.keys.signingKey(now);
    const iat = Math.floor(now.getTime() / 1_000);
    const exp = Math.min(
      Math.floor((now.getTime() + this.config.tokens.accessTtlMs) / 1_000),
      Math.floor(notAfter.getTime() / 1_000),
    );
    const token = this.signerFor(
      key.kid,
      key.privateKeyPem,
    )({
      iss: this.config.tokens.issuer,
      aud: this.config.tokens.audience,
      sub: subject.userId,
      sid: subject.sessionId,
      jti: randomUUID(),
      iat,
      exp,
      username: subject.username,
      roles: [...subject.roles],
      auth_time: Math.floor(subject.authTime.getTime() / 1_000),
      ...(typeof subject.email === 'string' && {
        email: subject.email,
        email_verified: subject.emailVerified === true,
      }),
    });
    return { token, expiresAt: new Date(exp * 1_000) };
  }

  private signerFor(kid: string, privateKeyPem: string): Sign {
    let sign = this.signers.get(kid);
    if (!sign) {
      sign = createSigner({
        key: privateKeyPem,
        algorithm: ACCESS_TOKEN_ALGORITHM,
        header: { alg: ACCESS_TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYPE, kid },
      }) as Sign;
      this.signers.set(kid, sign);
    }
    return sign;
  }
}
