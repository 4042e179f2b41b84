import { createPublicKey } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { ACCESS_TOKEN_ALGORITHM } from '../contract/access-token';
import type { JwksDocument, PublicSigningJwk } from '../contract/jwks';
import { OutageReport } from '../polling/outage-report';
import { SigningKeysUnavailableError } from '../verifier/access-token-verifier';

export interface SigningKeySetOptions {
  /** Gets the current key set: the gateway asks the auth service, a resource service `GET <jwksUrl>`. */
  fetchJwks: () => Promise<unknown>;
  /** How often the keys are fetched again when all is well (the gateway's JWKS_REFRESH_INTERVAL). */
  refreshIntervalMs: number;
  /** The shortest time between two fetches caused by tokens with unknown `kid`s, or after a failure (JWKS_REFETCH_COOLDOWN). */
  refetchCooldownMs: number;
}

/**
 * The auth service's public signing keys, by `kid`, as the PEM the verifier takes. Fetched at start-up (a process
 * starts without them when they cannot be had, and retries every cooldown until it has some), again every refresh
 * interval, and on a token with an unknown `kid` at most once per cooldown, so made-up `kid`s cannot turn into a
 * flood of calls. A failed fetch keeps the keys already known.
 */
export class SigningKeySet {
  protected readonly logger = new Logger('SigningKeys');
  private readonly fetchJwks: () => Promise<unknown>;
  private readonly refreshIntervalMs: number;
  private readonly cooldownMs: number;
  private pemByKid = new Map<string, string>();
  private current: JwksDocument = { keys: [] };
  private inFlight: Promise<void> | undefined;
  private lastFetchStartedMs = Number.NEGATIVE_INFINITY;
  /**
   * The cooldown runs from the last refetch caused by a token, or the last failed fetch: a scheduled fetch that
   * succeeded just before must not block the refetch for a key published since.
   */
  private cooldownFromMs = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private readonly outage = new OutageReport(this.logger);

  constructor(options: SigningKeySetOptions) {
    this.fetchJwks = options.fetchJwks;
    this.refreshIntervalMs = options.refreshIntervalMs;
    this.cooldownMs = options.refetchCooldownMs;
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

  /** The key set in use (public members only), as last fetched. */
  get document(): JwksDocument {
    return this.current;
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
    if (this.size === 0) throw new SigningKeysUnavailableError('no signing keys, and none could be fetched');
  }

  private async fetch(): Promise<void> {
    this.lastFetchStartedMs = Date.now();
    try {
      this.replaceWith(await this.fetchJwks());
      this.outage.succeeded(() => `Signing keys fetched again (${this.size} known)`);
    } catch (error) {
      this.cooldownFromMs = Date.now();
      this.outage.failed(
        () =>
          `Could not fetch the signing keys; keeping the ${this.size} known (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }

  private replaceWith(answer: unknown): void {
    const pemByKid = new Map<string, string>();
    const keys: PublicSigningJwk[] = [];
    const listed: unknown = (answer as { keys?: unknown } | null | undefined)?.keys;
    for (const jwk of Array.isArray(listed) ? (listed as Partial<PublicSigningJwk>[]) : []) {
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
      this.logger.warn(`The key set had no usable key; keeping the ${this.size} known`);
      return;
    }
    this.pemByKid = pemByKid;
    this.current = { keys };
  }
}

/** The JWK's public members, if it is an Ed25519 signing key with a `kid`; anything else (e.g. `d`) is dropped. */
function publicPart(jwk: Partial<PublicSigningJwk> | null): PublicSigningJwk | undefined {
  if (typeof jwk !== 'object' || jwk === null) return undefined;
  const { kty, crv, x, kid, alg, use } = jwk;
  if (kty !== 'OKP' || crv !== 'Ed25519' || typeof x !== 'string' || typeof kid !== 'string' || kid.length === 0) {
    return undefined;
  }
  if ((alg !== undefined && alg !== ACCESS_TOKEN_ALGORITHM) || (use !== undefined && use !== 'sig')) return undefined;
  return { kty, crv, x, kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' };
}

function toPem({ kty, crv, x }: PublicSigningJwk): string | undefined {
  try {
    return createPublicKey({ key: { kty, crv, x }, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    return undefined;
  }
}
