// A server-edition database that cannot be adopted faithfully is refused before anything is written:
// the error names every problem, the file is unchanged to the byte, and no backup is made.
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../src-main/db/connection';
import { adoptLegacyDatabase, LegacyAdoptionError } from '../../src-main/adoption/adopt';
import { loadMigrations } from '../../src-main/db/migrations';
import * as schema from '../../src-main/db/schema';
import { openAppDatabase, StartupError } from '../../src-main/startup';
import { createLegacyDatabase, type LegacyFixture } from '../helpers/legacy-fixtures';
import { MIGRATIONS_FOLDER, tempDir } from '../helpers/temp';
import { ADOPTED_AT, backupsIn, dumpDatabase, editLegacy, sha256 } from './support';

function legacyFile(journalMode: 'delete' | 'wal' = 'delete'): { dir: string; fixture: LegacyFixture } {
  const dir = tempDir();
  const fixture = createLegacyDatabase(path.join(dir, 'automation.db'), { revision: 'tenant', runs: 300, seed: 3, journalMode });
  return { dir, fixture };
}

/** The file as adoptLegacyDatabase sees it, on a connection that changes nothing by being opened. */
function plainConnection(file: string): AppDatabase {
  const sqlite = new Database(file, { fileMustExist: true });
  return { path: file, sqlite, orm: drizzle(sqlite, { schema }), close: () => sqlite.close() };
}

async function refusal(file: string): Promise<LegacyAdoptionError> {
  const db = plainConnection(file);
  try {
    await adoptLegacyDatabase(db, loadMigrations(MIGRATIONS_FOLDER), { now: () => ADOPTED_AT });
  } catch (error) {
    if (error instanceof LegacyAdoptionError) return error;
    throw error;
  } finally {
    db.close();
  }
  throw new Error('adoption was not refused');
}

const swapCase = (text: string) => text.replace(/[a-z]/gi, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));

interface Case {
  name: string;
  plant: (fixture: LegacyFixture) => string;
  mentions: (fixture: LegacyFixture) => string[];
}

const CASES: Case[] = [
  {
    name: 'an unknown run status',
    plant: (f) => `UPDATE job_runs SET status = 'Exploded' WHERE id IN ('${f.runs[3]!.id}', '${f.runs[8]!.id}')`,
    mentions: (f) => ['job_runs.status', '"Exploded"', '2 row(s)', f.runs[3]!.id, f.runs[8]!.id],
  },
  {
    name: 'an unknown role',
    plant: (f) => `UPDATE users SET role = 'Auditor' WHERE id = '${f.users[1]!.id}'`,
    mentions: (f) => ['users.role', '"Auditor"', '1 row(s)', f.users[1]!.id],
  },
  {
    name: 'a datetime SQLite cannot read',
    plant: (f) => `UPDATE job_runs SET started_at = 'yesterday at noon' WHERE id = '${f.runs[5]!.id}'`,
    mentions: (f) => ['job_runs.started_at', '"yesterday at noon"', '1 row(s)', f.runs[5]!.id],
  },
  {
    name: 'two users whose emails differ only in case',
    plant: (f) => `UPDATE users SET email = '${swapCase(f.users[0]!.email)}' WHERE id = '${f.users[2]!.id}'`,
    mentions: (f) => ['users.email', f.users[0]!.id, f.users[2]!.id, 'more than one user'],
  },
];

describe('a server-edition database that cannot be adopted faithfully', () => {
  it.each(CASES)('is refused for $name, naming the problem, with the file unchanged and no backup', async (c) => {
    const { dir, fixture } = legacyFile();
    editLegacy(fixture.path, c.plant(fixture));
    const before = sha256(fixture.path);

    const error = await refusal(fixture.path);

    for (const text of c.mentions(fixture)) expect(error.message).toContain(text);
    expect(sha256(fixture.path)).toBe(before);
    expect(backupsIn(dir)).toEqual([]);
  });

  it('is refused for a table it would carry over whose name this app uses, with the file unchanged', async () => {
    const { dir, fixture } = legacyFile();
    editLegacy(fixture.path, 'CREATE TABLE audit_events (id INTEGER PRIMARY KEY, what TEXT)');
    const before = sha256(fixture.path);
    const error = await refusal(fixture.path);
    expect(error.message).toContain('It has the table audit_events, which this app would create.');
    expect(sha256(fixture.path)).toBe(before);
    expect(backupsIn(dir)).toEqual([]);
  });

  it('names every problem at once', async () => {
    const { fixture } = legacyFile();
    for (const c of CASES) editLegacy(fixture.path, c.plant(fixture));
    const error = await refusal(fixture.path);
    expect(error.problems).toHaveLength(CASES.length);
    for (const c of CASES) for (const text of c.mentions(fixture)) expect(error.message).toContain(text);
  });

  it('shows at most five example rows of a problem, with the full count', async () => {
    const { fixture } = legacyFile();
    editLegacy(fixture.path, "UPDATE job_runs SET completed_at = 'soon' WHERE rowid <= 40");
    const error = await refusal(fixture.path);
    expect(error.message).toContain('job_runs.completed_at: 40 row(s)');
    expect(error.message.match(/"soon"/g)).toHaveLength(5);
  });

  it.each(['delete', 'wal'] as const)('is refused when the app opens it (%s journal), with the file unchanged and no backup', async (journalMode) => {
    const { dir, fixture } = legacyFile(journalMode);
    editLegacy(fixture.path, `UPDATE job_runs SET status = 'Exploded' WHERE id = '${fixture.runs[0]!.id}'`);
    const before = { hash: sha256(fixture.path), dump: dumpDatabase(fixture.path) };

    const failure = await openAppDatabase(fixture.path, { migrationsFolder: MIGRATIONS_FOLDER }).then(
      () => null,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(StartupError);
    expect(failure).toMatchObject({ reason: 'adoption_failed', backupPath: null });
    expect((failure as StartupError).message).toContain('job_runs.status: unknown status value(s) this app cannot map: "Exploded"');
    expect(dumpDatabase(fixture.path)).toEqual(before.dump);
    expect(sha256(fixture.path)).toBe(before.hash);
    expect(backupsIn(dir)).toEqual([]);
  });
});
