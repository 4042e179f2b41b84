import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const SEALED_PREFIX = 'aes-256-gcm:v1:';
const HKDF_SALT = 'nestjs-microservices/signing-keys';

/** The stored private key cannot be read: encrypted without a secret configured, or with another secret. */
export class KeyEncryptionError extends Error {}

/**
 * Private signing keys at rest: AES-256-GCM with a key derived (HKDF-SHA256) from SIGNING_KEY_ENCRYPTION_SECRET,
 * a fresh IV per key, and the kid as associated data so a ciphertext cannot be moved to another row.
 * Without a secret, keys are stored as PEM (development only; production refuses to start without it).
 */
export class KeyEncryption {
  private readonly key: Buffer | undefined;

  constructor(secret: string | undefined) {
    this.key = secret === undefined ? undefined : Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, 'aes-256-gcm', 32));
  }

  get enabled(): boolean {
    return this.key !== undefined;
  }

  static isSealed(stored: string): boolean {
    return stored.startsWith(SEALED_PREFIX);
  }

  seal(kid: string, pem: string): string {
    if (!this.key) return pem;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(kid));
    const ciphertext = Buffer.concat([cipher.update(pem, 'utf8'), cipher.final()]);
    return `${SEALED_PREFIX}${[iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url')).join('.')}`;
  }

  open(kid: string, stored: string): string {
    if (!KeyEncryption.isSealed(stored)) return stored;
    if (!this.key) {
      throw new KeyEncryptionError(
        'The signing keys in the database are encrypted, but SIGNING_KEY_ENCRYPTION_SECRET is not set',
      );
    }
    const [iv, tag, ciphertext] = stored
      .slice(SEALED_PREFIX.length)
      .split('.')
      .map((part) => Buffer.from(part, 'base64url'));
    if (!iv || !tag || !ciphertext) throw new KeyEncryptionError(`The stored private key ${kid} is malformed`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(kid)).setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new KeyEncryptionError(
        `SIGNING_KEY_ENCRYPTION_SECRET does not decrypt the stored signing key ${kid}: is it the secret it was sealed with?`,
      );
    }
  }
}
