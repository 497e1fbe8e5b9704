import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { inspectLegacyDatabase } from '../../src-main/adoption/adopt';
import { createLegacyDatabase } from '../helpers/legacy-fixtures';
import { createTestDatabase, seedBusiness, seedRuns } from '../helpers/seed';
import { MIGRATIONS_FOLDER, tempDbPath, tempDir } from '../helpers/temp';
import { configureLog, resetLog } from '../../src-main/log';
import { parseJson, runCli } from './run-cli';
import { loadMigrations } from '../../src-main/db/migrations';

const LATEST = loadMigrations(MIGRATIONS_FOLDER).length;

function fingerprint(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** A closed, migrated database file with a little data. */
async function appDatabaseFile(): Promise<string> {
  const db = await createTestDatabase();
  const acme = seedBusiness(db, { name: 'Acme' });
  seedRuns(db, { kind: 'business', businessId: acme.id }, 3);
  seedRuns(db, { kind: 'system' }, 1);
  seedRuns(db, { kind: 'orphan' }, 2);
  db.close();
  return db.path;
}

describe('cli info', () => {
  it('shows the file, where its path came from, versions, size and counts', async () => {
    const file = await appDatabaseFile();
    const { code, stdout } = await runCli(['info', '--db', file]);
    expect(code).toBe(0);
    expect(stdout).toContain(`${file} (from --db)`);
    expect(stdout).toMatch(new RegExp(`Schema version:\\s+${LATEST}\\b`));
    expect(stdout).toMatch(/SQLite version:\s+3\.\d+/);
    expect(stdout).toContain('Runs:            6 (system-wide: 1, orphans: 2)');
  });

  it('--json output parses, and AUTOMATION_DB is named as the source', async () => {
    const file = await appDatabaseFile();
    const { code, stdout, stderr } = await runCli(['info', '--json'], { env: { AUTOMATION_DB: file } });
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const { value } = parseJson(stdout);
    expect(value).toMatchObject({ path: file, pathSource: 'env', schemaVersion: LATEST, counts: { runs: 6, orphanRuns: 2, systemRuns: 1 }, adoption: null });
  });

  it('names the log file, in text and in --json: the one this process writes to, or none', async () => {
    const file = await appDatabaseFile();
    const logFile = configureLog({ folder: path.join(tempDir(), 'logs'), console: false, env: {} })!;
    try {
      const text = await runCli(['info', '--db', file]);
      expect(text.stdout).toContain(`Log file:        ${logFile}`);
      const json = await runCli(['info', '--db', file, '--json']);
      expect(parseJson(json.stdout).value).toMatchObject({ logFile });
    } finally {
      resetLog();
    }
    expect((await runCli(['info', '--db', file])).stdout).toContain('Log file:        none (this process logs to its console only)');
    expect(parseJson((await runCli(['info', '--db', file, '--json'])).stdout).value).toMatchObject({ logFile: null });
  });

  it('a missing file exits 4, says how to create one, and creates nothing', async () => {
    const file = tempDbPath();
    const { code, stderr } = await runCli(['info', '--db', file]);
    expect(code).toBe(4);
    expect(stderr).toContain(`No database at ${file}`);
    expect(stderr).toContain('migrate');
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe('cli migrate', () => {
  it('creates a new database, then reports it is already current', async () => {
    const file = tempDbPath();
    const created = await runCli(['migrate', '--db', file]);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`Created ${file} at schema version ${LATEST}`);
    const again = await runCli(['migrate', '--db', file, '--json']);
    expect(again.code).toBe(0);
    expect(parseJson(again.stdout).value).toMatchObject({ created: false, migrated: null, adoption: null, schemaVersion: LATEST });
  });

  it('a database from the future exits 4 and is untouched', async () => {
    const file = await appDatabaseFile();
    const sqlite = new Database(file);
    sqlite.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('from-the-future', Date.now());
    sqlite.close();
    const before = fingerprint(file);
    for (const command of ['migrate', 'info', 'check']) {
      const { code, stderr } = await runCli([command, '--db', file]);
      expect(code).toBe(4);
      expect(stderr).toContain('newer or different version');
    }
    expect(fingerprint(file)).toBe(before);
  });

  it('a file that is not a database exits 4 and is untouched', async () => {
    const file = tempDbPath();
    fs.writeFileSync(file, 'these are not the pages you are looking for'.repeat(200));
    const before = fingerprint(file);
    const { code, stdout } = await runCli(['migrate', '--db', file, '--json']);
    expect(code).toBe(4);
    expect(parseJson(stdout).error).toMatchObject({ code: 'DATABASE_CANNOT_OPEN', exitCode: 4 });
    expect(fingerprint(file)).toBe(before);
  });
});

// Adoption itself is another module's work; these run once it recognizes server-edition files.
const adoptionAvailable = (() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'automation-probe-'));
  try {
    const file = createLegacyDatabase(path.join(dir, 'server.db'), { revision: 'tenant', runs: 5 }).path;
    const sqlite = new Database(file, { readonly: true });
    try {
      return inspectLegacyDatabase(sqlite) !== null;
    } finally {
      sqlite.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
})();

describe.skipIf(!adoptionAvailable)('cli migrate on a server-edition database', () => {
  function serverEditionFile(): string {
    return createLegacyDatabase(tempDbPath('server.db'), { revision: 'tenant', businesses: 4, runs: 60 }).path;
  }

  it('without a terminal and without --yes, refuses with exit 3 and leaves the file untouched', async () => {
    const file = serverEditionFile();
    const before = fingerprint(file);
    const { code, stderr } = await runCli(['migrate', '--db', file]);
    expect(code).toBe(3);
    expect(stderr).toContain('--yes');
    expect(fingerprint(file)).toBe(before);
  });

  it('on a terminal, asks first: answering no leaves it untouched (exit 3), yes converts it', async () => {
    const file = serverEditionFile();
    const before = fingerprint(file);
    const declined = await runCli(['migrate', '--db', file], { isTTY: true, stdin: 'n\n' });
    expect(declined.code).toBe(3);
    expect(declined.stderr).toContain('Convert this server-edition database in place? A backup is made first. [y/N]');
    expect(declined.stderr).toMatch(/4 businesses/);
    expect(fingerprint(file)).toBe(before);

    const accepted = await runCli(['migrate', '--db', file], { isTTY: true, stdin: 'y\n' });
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain('Converted the server-edition database');
  });

  it('--yes converts without asking and reports the counts; info then shows the adoption record', async () => {
    const file = serverEditionFile();
    const migrated = await runCli(['migrate', '--db', file, '--yes', '--json']);
    expect(migrated.code).toBe(0);
    expect(parseJson(migrated.stdout).value).toMatchObject({ adoption: { businesses: 4, runs: 60 } });
    const info = await runCli(['info', '--db', file, '--json']);
    expect(parseJson(info.stdout).value).toMatchObject({ adoption: { businesses: 4, runs: 60 } });
  });

  it('other commands never convert it: exit 4 with a hint to run migrate', async () => {
    const file = serverEditionFile();
    const before = fingerprint(file);
    const { code, stderr } = await runCli(['check', '--db', file]);
    expect(code).toBe(4);
    expect(stderr).toContain('automation-console migrate');
    expect(fingerprint(file)).toBe(before);
  });
});
