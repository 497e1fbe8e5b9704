// Files only for their owner: the database, its WAL and shared memory, every kind of backup, exports and the folders the
// app makes for them are 0600/0700, whatever the process umask; a file the app refuses keeps its mode.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteBusiness } from '../../src-main/accounts/businesses';
import { CLI_ACTOR } from '../../src-main/cli/confirm-change';
import { backupsFolderFor, exportsFolderFor } from '../../src-main/db/paths';
import { createMissingFolders } from '../../src-main/db/private-files';
import { writeCsvAtomically } from '../../src-main/exports/csv-files';
import { createDesktopExports } from '../../src-main/exports/save-copy';
import { deleteOrphans } from '../../src-main/orphans/orphans';
import { openAppDatabase, StartupError } from '../../src-main/startup';
import { actorFor, seedUser } from '../helpers/accounts';
import { createLegacyDatabase } from '../helpers/legacy-fixtures';
import { migrationsFolder } from '../helpers/migrations';
import { createTestDatabase, seedBusiness, seedRuns } from '../helpers/seed';
import { MIGRATIONS_FOLDER, tempDbPath, tempDir } from '../helpers/temp';
import { startRunner } from '../jobs/support';

const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

// The umask would give 0644 and 0755 by default; with none at all, only modes set on purpose keep others out.
let umask: number;
beforeAll(() => {
  umask = process.umask(0);
});
afterAll(() => {
  process.umask(umask);
});

describe('files only for their owner', () => {
  it('creates a new database 0600 in new folders 0700, and its WAL and shared memory 0600; a folder already there keeps its mode', async () => {
    const parent = tempDir();
    fs.chmodSync(parent, 0o755);
    const file = path.join(parent, 'nested', 'deeper', 'automation.db');
    const { db } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER });
    try {
      seedRuns(db, { kind: 'system' }, 5);
      expect({ db: modeOf(file), wal: modeOf(`${file}-wal`), shm: modeOf(`${file}-shm`) }).toEqual({ db: '600', wal: '600', shm: '600' });
      expect({ nested: modeOf(path.join(parent, 'nested')), deeper: modeOf(path.dirname(file)), parent: modeOf(parent) }).toEqual({
        nested: '700',
        deeper: '700',
        parent: '755',
      });
    } finally {
      db.close();
    }
  });

  it('tightens a database an earlier version left 0644, with its WAL, shared memory, backups and exports folders', async () => {
    const file = tempDbPath();
    (await createTestDatabase(file)).close();
    const folders = [backupsFolderFor(file), exportsFolderFor(file)];
    for (const folder of folders) fs.mkdirSync(folder, { mode: 0o755 });
    fs.chmodSync(file, 0o644);
    const db = await createTestDatabase(file);
    seedRuns(db, { kind: 'system' }, 1);
    expect([file, `${file}-wal`, `${file}-shm`, ...folders].map(modeOf)).toEqual(['600', '600', '600', '700', '700']);
  });

  it('leaves a file it refuses as it was, mode included', async () => {
    const file = tempDbPath();
    const foreign = new Database(file);
    foreign.exec('CREATE TABLE recipes (id INTEGER PRIMARY KEY)');
    foreign.close();
    fs.chmodSync(file, 0o644);
    await expect(openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER })).rejects.toBeInstanceOf(StartupError);
    expect(modeOf(file)).toBe('644');
  });

  it('makes every backup 0600: before migrating, before deleting orphans or a business, and the maintenance.backup job (its folder 0700)', async () => {
    const file = tempDbPath();
    const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
    (await openAppDatabase(file, { migrationsFolder: migrationsFolder({ keep: journal.entries.length - 1 }) })).db.close();
    fs.chmodSync(file, 0o644);
    const { db, report } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER });
    try {
      const acme = seedBusiness(db, { name: 'Acme' });
      seedRuns(db, { kind: 'orphan' }, 3);
      const orphans = await deleteOrphans(db, { kind: 'all' }, { actor: CLI_ACTOR, expectedCount: 3 });
      const root = actorFor(await seedUser(db, { role: 'system_admin' }));
      const business = await deleteBusiness(db, root, { id: acme.id, confirmName: 'Acme', expectedRuns: 0 });
      const harness = startRunner(db);
      const run = await harness.finished(harness.trigger({ kind: 'system' }, { jobType: 'maintenance.backup' }).id);
      await harness.runner.stop();
      const job = (run.result as { path: string }).path;
      expect([report.migrated!.backupPath!, orphans.backupPath!, business.backupPath, job].map(modeOf)).toEqual(['600', '600', '600', '600']);
      expect(modeOf(backupsFolderFor(file))).toBe('700');
    } finally {
      db.close();
    }
  });

  it('keeps the adopted server-edition file, now the backup, 0600', async () => {
    const file = tempDbPath();
    createLegacyDatabase(file, { revision: 'cleaned', runs: 20 });
    fs.chmodSync(file, 0o644);
    const { db, report } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER });
    db.close();
    expect([file, report.adoption!.backupPath].map(modeOf)).toEqual(['600', '600']);
  });

  it('writes exports 0600 into a folder 0700, and a copy saved where the person chose 0600 too', async () => {
    const folder = path.join(tempDir(), 'exports');
    const exported = writeCsvAtomically(folder, 'runs', Buffer.from('a,b\r\n'), 1);
    expect([folder, exported.path].map(modeOf)).toEqual(['700', '600']);
    const target = path.join(tempDir(), 'chosen.csv');
    const desktop = createDesktopExports({ chooseTarget: () => Promise.resolve(target), reveal: () => undefined });
    const saved = await desktop.save('runs.csv', () => Promise.resolve({ ok: true, value: { fileName: 'runs.csv', content: 'a,b\r\n' } }));
    expect(saved).toEqual({ ok: true, value: { savedPath: target } });
    expect(modeOf(target)).toBe('600');
  });

  it('creates only the missing folders of a path, each 0700', () => {
    const root = tempDir();
    fs.chmodSync(root, 0o751);
    createMissingFolders(path.join(root, 'a', 'b'));
    createMissingFolders(path.join(root, 'a', 'b'));
    expect([root, path.join(root, 'a'), path.join(root, 'a', 'b')].map(modeOf)).toEqual(['751', '700', '700']);
  });
});
