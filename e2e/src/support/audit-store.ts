import type { TestDatabase } from './database';
import { withPgClient } from './database';
import { withSqliteFile } from './sqlite';

/** One stored audit event, as its columns read (ids and times as text). */
export interface AuditRow {
  id: string;
  occurred_at: string;
  type: string;
  user_id: string | null;
  actor_id: string | null;
  session_id: string | null;
  client_ip: string | null;
  details: string | null;
}

/** Every row of `audit_events`, oldest first, read directly from the database (not through the apps). */
export async function readAuditRows(database: TestDatabase): Promise<AuditRow[]> {
  const query = 'SELECT * FROM audit_events ORDER BY id';
  if (database.kind === 'sqlite') {
    return withSqliteFile(database.file, (db) => db.prepare(query).all() as AuditRow[]);
  }
  return withPgClient(database.url, async (client) => {
    const result = await client.query<Record<string, unknown>>(query);
    return result.rows.map((row) => ({
      ...(row as unknown as AuditRow),
      occurred_at: row['occurred_at'] instanceof Date ? row['occurred_at'].toISOString() : String(row['occurred_at']),
    }));
  });
}
