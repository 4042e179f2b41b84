import { createPrivateKey, type KeyObject } from 'node:crypto';
import { type TestDatabase, withPgClient } from './database';
import { withSqliteFile } from './sqlite';

/** One row of `signing_keys` with its private key usable by node:crypto. */
export interface StoredSigningKey {
  kid: string;
  privateKey: KeyObject;
}

/**
 * The auth service's signing keys, read directly from its database (not through the apps): with them a suite
 * can sign tokens that are genuine but wrong (another `typ`, `aud`, `iss`, an expired `exp`) to see that the
 * gateway refuses them for the claim and not for the signature. Only works while the keys are stored as
 * PEM, i.e. without SIGNING_KEY_ENCRYPTION_SECRET (the suites never set it).
 */
export async function readSigningKeys(database: TestDatabase): Promise<StoredSigningKey[]> {
  let rows: Array<{ kid: string; private_key: string }>;
  if (database.kind === 'sqlite') {
    rows = withSqliteFile(
      database.file,
      (db) => db.prepare('SELECT kid, private_key FROM signing_keys ORDER BY generation').all() as typeof rows,
    );
  } else {
    rows = await withPgClient(database.url, async (client) => {
      const result = await client.query<{ kid: string; private_key: string }>(
        'SELECT kid, private_key FROM signing_keys ORDER BY generation',
      );
      return result.rows;
    });
  }
  return rows.map((row) => {
    if (!row.private_key.includes('-----BEGIN PRIVATE KEY-----')) {
      throw new Error(`signing key ${row.kid} is not stored as PEM (encrypted?): cannot sign test tokens with it`);
    }
    return { kid: row.kid, privateKey: createPrivateKey(row.private_key) };
  });
}
