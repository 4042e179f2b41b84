import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ACCESS_TOKEN_ALGORITHM, type JwksResponse } from '@nestjs-microservices/shared';
import { AuthConfig } from '../config/auth-config';
import { KeyEncryption } from './key-encryption';
import { generateSigningKey, publicKeyPem, type SigningKey, toJwk } from './signing-key';
import { expiredKeys, isRotationDue, publishedKeys, signingKeyAt } from './signing-key.policy';
import { SigningKeysRepository, type StoredSigningKey } from './signing-keys.repository';

/** Keys written by another instance (or `keys:rotate`) are seen within this; the publish lead covers it. */
const RELOAD_AFTER_MS = 5_000;
/** An unknown kid reloads the keys at most this often. */
const UNKNOWN_KID_RELOAD_MS = 1_000;

export interface ActiveSigningKey {
  kid: string;
  privateKeyPem: string;
}

/**
 * The signing keys, shared by every instance through the database and cached here for a few seconds.
 * Decrypted private keys stay in this process's memory only.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit {
  private readonly logger = new Logger(SigningKeysService.name);
  private readonly encryption: KeyEncryption;
  private keys: StoredSigningKey[] = [];
  private readonly privateKeys = new Map<string, string>();
  private readonly publicKeys = new Map<string, string>();
  private loadedAt = 0;
  private reloading: Promise<void> | undefined;

  constructor(
    private readonly repository: SigningKeysRepository,
    private readonly config: AuthConfig,
  ) {
    this.encryption = new KeyEncryption(config.signingKeys.encryptionSecret);
  }

  /** Creates the first key when there is none, seals keys stored before a secret was set, and checks the secret. */
  async onModuleInit(): Promise<void> {
    await this.reload();
    if (this.keys.length === 0) await this.addNextGeneration(new Date());
    await this.sealPlaintextKeys();
    await this.signingKey();
    if (!this.encryption.enabled) {
      // A notice, not a warning: production refuses to start without the secret (auth-config.ts), so this is only
      // ever the expected state of a development or test start, where a warning on every start would teach
      // people to skip warnings.
      this.logger.log(
        'SIGNING_KEY_ENCRYPTION_SECRET is not set: private signing keys are stored unencrypted (refused in production)',
      );
    }
  }

  /** The key that signs now, with its private key. */
  async signingKey(now = new Date()): Promise<ActiveSigningKey> {
    await this.reloadIfStale();
    const key = signingKeyAt(this.keys, now);
    if (!key) throw new Error('No active signing key (every key activates in the future)');
    let privateKeyPem = this.privateKeys.get(key.kid);
    if (privateKeyPem === undefined) {
      privateKeyPem = this.encryption.open(key.kid, key.privateKey);
      this.privateKeys.set(key.kid, privateKeyPem);
    }
    return { kid: key.kid, privateKeyPem };
  }

  async jwks(now = new Date()): Promise<JwksResponse> {
    await this.reloadIfStale();
    return { keys: publishedKeys(this.keys, now, this.config.accessTokenHorizonMs).map(toJwk) };
  }

  /** The public key of a published kid, or undefined. */
  async publicKey(kid: string, now = new Date()): Promise<string | undefined> {
    await this.reloadIfStale();
    let key = this.published(kid, now);
    if (!key && Date.now() - this.loadedAt >= UNKNOWN_KID_RELOAD_MS) {
      await this.reload();
      key = this.published(kid, now);
    }
    if (!key) return undefined;
    let pem = this.publicKeys.get(kid);
    if (pem === undefined) {
      pem = publicKeyPem(key);
      this.publicKeys.set(kid, pem);
    }
    return pem;
  }

  /**
   * Adds the next generation: published at once, signing after SIGNING_KEY_PUBLISH_LEAD (at once when no key
   * signs yet). If another instance rotates at the same moment, its key wins and is returned.
   */
  async rotate(now = new Date()): Promise<SigningKey> {
    await this.reload();
    return this.addNextGeneration(now);
  }

  /**
   * Adds the generation after the newest key this instance has loaded. Deciding on the keys as loaded, not on a
   * fresh read, is what makes concurrent decisions safe: instances that saw the same keys (all at start-up, or all
   * finding the rotation due) insert the same generation, and the unique generation lets only one of them in.
   */
  private async addNextGeneration(now: Date): Promise<SigningKey> {
    const generation = Math.max(0, ...this.keys.map((key) => key.generation)) + 1;
    const activatesAt = signingKeyAt(this.keys, now)
      ? new Date(now.getTime() + this.config.signingKeys.publishLeadMs)
      : now;
    const fresh = generateSigningKey(generation, now, activatesAt);
    const stored: StoredSigningKey = { ...fresh, privateKey: this.encryption.seal(fresh.kid, fresh.privateKeyPem) };
    const inserted = await this.repository.insert(stored, ACCESS_TOKEN_ALGORITHM);
    await this.reload();
    const key = inserted ? stored : this.keys.find((candidate) => candidate.generation === generation);
    if (!key) throw new Error(`Signing key generation ${generation} vanished`);
    if (inserted) {
      this.logger.log(
        { event: 'signing_key.created', kid: key.kid, generation, activatesAt: activatesAt.toISOString() },
        'New signing key',
      );
    }
    return key;
  }

  /** Called on a timer by every instance: rotates when due and deletes keys no token can use any more. */
  async maintain(now = new Date()): Promise<void> {
    await this.reload();
    if (isRotationDue(this.keys, now, this.config.signingKeys.rotationIntervalMs)) await this.addNextGeneration(now);
    const expired = expiredKeys(this.keys, now, this.config.accessTokenHorizonMs);
    if (expired.length > 0) {
      await this.repository.delete(expired.map((key) => key.kid));
      for (const key of expired) {
        this.privateKeys.delete(key.kid);
        this.publicKeys.delete(key.kid);
      }
      await this.reload();
    }
  }

  private published(kid: string, now: Date): SigningKey | undefined {
    return publishedKeys(this.keys, now, this.config.accessTokenHorizonMs).find((key) => key.kid === kid);
  }

  private async sealPlaintextKeys(): Promise<void> {
    if (!this.encryption.enabled) return;
    const plain = this.keys.filter((key) => !KeyEncryption.isSealed(key.privateKey));
    for (const key of plain) {
      await this.repository.updatePrivateKey(key.kid, this.encryption.seal(key.kid, key.privateKey));
    }
    if (plain.length > 0) {
      this.logger.log(`Encrypted ${plain.length} signing key(s) stored before SIGNING_KEY_ENCRYPTION_SECRET was set`);
      await this.reload();
    }
  }

  private async reloadIfStale(): Promise<void> {
    if (Date.now() - this.loadedAt >= RELOAD_AFTER_MS) await this.reload();
  }

  /** One load at a time; callers arriving meanwhile share it. */
  private reload(): Promise<void> {
    this.reloading ??= this.load().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  private async load(): Promise<void> {
    this.keys = await this.repository.findAll();
    this.loadedAt = Date.now();
  }
}
