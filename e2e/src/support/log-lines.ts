import { readFile } from 'node:fs/promises';

/** The JSON lines of a process's log file (production log format), parsed; other lines are skipped. */
export async function jsonLines<T extends object>(file: string): Promise<T[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as T);
}
