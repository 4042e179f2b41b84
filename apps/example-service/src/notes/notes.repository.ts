import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { loadSqliteDriver } from '@nestjs-microservices/runtime';
import type SQLite from 'better-sqlite3';
import { ExampleConfig } from '../config/example-config';

export interface Note {
  id: string;
  text: string;
  createdAt: string;
}

interface NoteRow {
  id: string;
  text: string;
  created_at: string;
}

/** The notes, in the service's own SQLite file; every query is scoped to one owner. */
@Injectable()
export class NotesRepository implements OnModuleDestroy {
  private readonly db: SQLite.Database;
  private readonly insert: SQLite.Statement<[string, string, string, string]>;
  private readonly byOwner: SQLite.Statement<[string], NoteRow>;

  constructor(config: ExampleConfig) {
    mkdirSync(dirname(config.databasePath), { recursive: true, mode: 0o700 });
    const Driver = loadSqliteDriver();
    this.db = new Driver(config.databasePath);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS notes (
      id TEXT PRIMARY KEY,
      owner_id TEXT NOT NULL,
      text TEXT NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS notes_owner ON notes (owner_id)`);
    this.insert = this.db.prepare('INSERT INTO notes (id, owner_id, text, created_at) VALUES (?, ?, ?, ?)');
    this.byOwner = this.db.prepare<[string], NoteRow>(
      'SELECT id, text, created_at FROM notes WHERE owner_id = ? ORDER BY rowid',
    );
  }

  add(ownerId: string, text: string): Note {
    const note = { id: randomUUID(), text, createdAt: new Date().toISOString() };
    this.insert.run(note.id, ownerId, note.text, note.createdAt);
    return note;
  }

  listFor(ownerId: string): Note[] {
    return this.byOwner.all(ownerId).map((row) => ({ id: row.id, text: row.text, createdAt: row.created_at }));
  }

  onModuleDestroy(): void {
    this.db.close();
  }
}
