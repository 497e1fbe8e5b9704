// Every test builds its own data in its own folder; nothing is shared between tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

const made: string[] = [];

afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder, removed after the current test. */
export function tempDir(prefix = 'automation-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A path for a database file that does not exist yet, in a fresh folder. */
export function tempDbPath(name = 'automation.db'): string {
  return path.join(tempDir(), name);
}

export const MIGRATIONS_FOLDER = path.resolve(__dirname, '../../drizzle');
