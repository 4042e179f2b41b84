import { createPublicKey } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SigningKeysUnavailableError } from '@nestjs-microservices/runtime';
import {
  ACCESS_TOKEN_ALGORITHM,
  ERROR_CODES,
  ERROR_MESSAGES,
  type JwksResponse,
  type PublicJwkResponse,
} from '@nestjs-microservices/shared';
import { AuthClient } from '../auth/auth.client';
import { ApiError } from '../common/api-error';
import { backgroundMeta } from '../common/background-meta';
import { GatewayConfig } from '../config/gateway-config';

/**
 * The auth service's public signing keys (`auth.jwks`), by `kid`, as the PEM the verifier takes. Fetched at
 * start-up (the gateway starts without them when the auth service is down, and retries every
 * JWKS_REFETCH_COOLDOWN until it has some), again every JWKS_REFRESH_INTERVAL, and on a token with an unknown
 * `kid` at most once per JWKS_REFETCH_COOLDOWN, so made-up `kid`s cannot turn into a flood of calls. A failed
 * fetch keeps the keys already known.
 */
@Injectable()
export class SigningKeysService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SigningKeysService.name);
  private readonly refreshIntervalMs: number;
  private readonly cooldownMs: number;
  private pemByKid = new Map<string, string>();
  private document: JwksResponse = { keys: [] };
  private inFlight: Promise<void> | undefined;
  private lastFetchStartedMs = Number.NEGATIVE_INFINITY;
  /**
   * The cooldown runs from the last refetch caused by a token, or the last failed fetch: a scheduled fetch that
   * succeeded just before must not block the refetch for a key published since.
   */
  private cooldownFromMs = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly auth: AuthClient,
    config: GatewayConfig,
  ) {
    this.refreshIntervalMs = config.jwks.refreshIntervalMs;
    this.cooldownMs = config.jwks.refetchCooldownMs;
  }

  /** How many keys are loaded (readiness needs at least one). */
  get size(): number {
    return this.pemByKid.size;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    if (this.size === 0) this.logger.warn('Started without signing keys: protected routes answer 503 until fetched');
    // Ticks every cooldown: a gateway without keys (started before the auth service) must not stay unready
    // for a whole refresh interval after the auth service is back.
    this.timer ??= setInterval(() => this.tick(), Math.min(this.refreshIntervalMs, this.cooldownMs));
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * The PEM of the key `kid`; `undefined` when the auth service does not publish it (after one refetch, unless
   * one happened within the cooldown). Throws `SigningKeysUnavailableError` when no key at all is known.
   */
  async resolveKey(kid: string): Promise<string | undefined> {
    const known = this.pemByKid.get(kid);
    if (known !== undefined) return known;
    await this.refetchUnlessCoolingDown();
    this.assertLoaded();
    return this.pemByKid.get(kid);
  }

  /** Resolves once at least one key is known, fetching them if allowed; else throws `SigningKeysUnavailableError`. */
  async ensureLoaded(): Promise<void> {
    if (this.size > 0) return;
    await this.refetchUnlessCoolingDown();
    this.assertLoaded();
  }

  /** The JWK Set this gateway verifies with, as published by the auth service (public members only). */
  async jwks(): Promise<JwksResponse> {
    try {
      await this.ensureLoaded();
    } catch (error) {
      if (error instanceof SigningKeysUnavailableError) {
        throw new ApiError(ERROR_CODES.AUTH_UNAVAILABLE, ERROR_MESSAGES.AUTH_UNAVAILABLE);
      }
      throw error;
    }
    return this.document;
  }

  /** Fetches the keys, or joins the fetch under way. Never rejects. */
  refresh(): Promise<void> {
    this.inFlight ??= this.fetch().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private tick(): void {
    if (this.size === 0 || Date.now() - this.lastFetchStartedMs >= this.refreshIntervalMs) void this.refresh();
  }

  private refetchUnlessCoolingDown(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (Date.now() - this.cooldownFromMs < this.cooldownMs) return Promise.resolve();
    this.cooldownFromMs = Date.now();
    return this.refresh();
  }

  private assertLoaded(): void {
    if (this.size === 0) throw new SigningKeysUnavailableError('no signing keys, and the auth service gave none');
  }

  private async fetch(): Promise<void> {
    this.lastFetchStartedMs = Date.now();
    try {
      this.replaceWith(await this.auth.jwks(backgroundMeta('jwks')));
    } catch (error) {
      this.cooldownFromMs = Date.now();
      this.logger.warn(
        `Could not fetch the signing keys; keeping the ${this.size} known (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }

  private replaceWith(answer: JwksResponse): void {
    const pemByKid = new Map<string, string>();
    const keys: PublicJwkResponse[] = [];
    for (const jwk of Array.isArray(answer.keys) ? answer.keys : []) {
      const key = publicPart(jwk);
      const pem = key && toPem(key);
      if (key && pem) {
        pemByKid.set(key.kid, pem);
        keys.push(key);
      } else {
        this.logger.warn(`Ignoring a signing key that is not a public Ed25519 JWK with a kid`);
      }
    }
    // A key set with no usable key is a fault on the other side, not a rotation: the keys in hand stay valid.
    if (pemByKid.size === 0) {
      this.logger.warn(`auth.jwks gave no usable key; keeping the ${this.size} known`);
      return;
    }
    this.pemByKid = pemByKid;
    this.document = { keys };
  }
}

/** The JWK's public members, if it is an Ed25519 signing key with a `kid`; anything else (e.g. `d`) is dropped. */
function publicPart(jwk: Partial<PublicJwkResponse>): PublicJwkResponse | undefined {
  const { kty, crv, x, kid, alg, use } = jwk;
  if (kty !== 'OKP' || crv !== 'Ed25519' || typeof x !== 'string' || typeof kid !== 'string' || kid.length === 0) {
    return undefined;
  }
  if ((alg !== undefined && alg !== ACCESS_TOKEN_ALGORITHM) || (use !== undefined && use !== 'sig')) return undefined;
  return { kty, crv, x, kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' };
}

function toPem({ kty, crv, x }: PublicJwkResponse): string | undefined {
  try {
    return createPublicKey({ key: { kty, crv, x }, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    return undefined;
  }
}
