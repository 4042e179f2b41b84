import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExampleConfig, exampleEnvSchema } from '../config/example-config';
import { NotesRepository } from './notes.repository';

describe('NotesRepository', () => {
  let dir: string;
  let repository: NotesRepository;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'notes-'));
    const config = new ExampleConfig(
      exampleEnvSchema.parse({ NOTES_DATABASE_PATH: join(dir, 'nested', 'notes.sqlite') }),
    );
    repository = new NotesRepository(config);
  });

  afterEach(() => {
    repository.onModuleDestroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates its own SQLite file (and directory) and keeps each note with its owner, oldest first', () => {
    const first = repository.add('user-a', 'one');
    repository.add('user-b', 'not yours');
    repository.add('user-a', 'two');

    expect(statSync(join(dir, 'nested', 'notes.sqlite')).isFile()).toBe(true);
    expect(repository.listFor('user-a').map((note) => note.text)).toEqual(['one', 'two']);
    expect(repository.listFor('user-a')[0]).toEqual(first);
    expect(repository.listFor('user-b').map((note) => note.text)).toEqual(['not yours']);
    expect(repository.listFor('user-c')).toEqual([]);
  });
});
