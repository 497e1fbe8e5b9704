// Migration folders for tests: the app's drizzle/ cut to its first migrations, or with hand-written ones appended.
import fs from 'node:fs';
import path from 'node:path';
import { MIGRATIONS_FOLDER, tempDir } from './temp';

interface JournalEntry {
  idx: number;
  version: string;
  when: number;
  tag: string;
  breakpoints: boolean;
}

/** A copy of drizzle/ cut to the first `keep` migrations, plus extra hand-written ones appended. */
export function migrationsFolder(options: { keep?: number; extra?: Record<string, string> } = {}): string {
  const folder = path.join(tempDir('migrations-'), 'drizzle');
  fs.cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  const journalPath = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(fs.readFileSync(journalPath, 'utf8')) as { entries: JournalEntry[] };
  journal.entries = journal.entries.slice(0, options.keep ?? journal.entries.length);
  let when = journal.entries[journal.entries.length - 1]!.when;
  for (const [tag, sql] of Object.entries(options.extra ?? {})) {
    fs.writeFileSync(path.join(folder, `${tag}.sql`), sql);
    journal.entries.push({ idx: journal.entries.length, version: '6', when: ++when, tag, breakpoints: true });
  }
  fs.writeFileSync(journalPath, JSON.stringify(journal, null, 2));
  return folder;
}

