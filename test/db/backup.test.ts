// Backups before a destructive change (backUpThenWrite): the file copied under the change's write lock when that
// copy is complete, else SQLite's online backup first. Either way the backup opens on its own, passes an
// integrity check, and holds every row as it was just before the change, which runs once, in one transaction.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { backUpThenWrite } from '../../src-main/db/backup';
import { backupPathFor } from '../../src-main/db/backup-files';
import { readBackupFacts, readBackupFileFactsInWorker, sha256OfFileSync } from '../../src-main/db/backup-record';
import { inImmediateTransaction, type AppDatabase } from '../../src-main/db/connection';
import { createTestDatabase, seedBusiness, seedRuns } from '../helpers/seed';
import { storedOrderOf } from '../helpers/table-order';
import { backupsFolderNames } from '../helpers/backups';

/** Every row of every table, for comparing a backup with its source. */
function everyRow(sqlite: Database.Database): Record<string, unknown[]> {
  const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  return Object.fromEntries(tables.map((table) => [table, sqlite.prepare(`SELECT * FROM "${table}" ORDER BY ${storedOrderOf(sqlite, table).orderBy}`).raw().all()]));
}

async function databaseWithRuns(): Promise<AppDatabase> {
  const db = await createTestDatabase();
  const acme = seedBusiness(db, { name: 'Acme' });
  seedRuns(db, { kind: 'business', businessId: acme.id }, 2_000, { statuses: ['completed', 'failed'] });
  seedRuns(db, { kind: 'orphan' }, 500);
  return db;
}

function openBackup(file: string): Database.Database {
  expect(fs.existsSync(`${file}-wal`)).toBe(false);
  const backup = new Database(file, { readonly: true });
  expect(backup.pragma('integrity_check', { simple: true })).toBe('ok');
  return backup;
}

const deleteOrphans = (db: AppDatabase) => db.sqlite.prepare("DELETE FROM job_runs WHERE business_id IS NULL AND scope = 'business'").run().changes;

describe('backing up before a destructive change', () => {
  it('copies the file under the write lock: the copy opens alone and holds every row from just before the change', async () => {
    const db = await databaseWithRuns();
    // Commits still in the WAL must reach the copy: the checkpoint before the lock moves them into the file.
    expect(Number(fs.statSync(`${db.path}-wal`).size)).toBeGreaterThan(0);
    const before = everyRow(db.sqlite);
    const destination = backupPathFor(db.path, 'test');
    const { backup, result } = await backUpThenWrite(db, destination, (made) => {
      expect(db.sqlite.inTransaction).toBe(true);
      expect(made.path).toBe(destination);
      return deleteOrphans(db);
    });
    expect(backup.method).toBe('file copy');
    expect(result).toBe(500);
    expect(backup.bytes).toBe(fs.statSync(destination).size);
    const copy = openBackup(destination);
    expect(everyRow(copy)).toEqual(before);
    copy.close();
    expect(db.sqlite.prepare('SELECT count(*) FROM job_runs').pluck().get()).toBe(2_000);
  });

  it('falls back to the online backup when another connection commits between the checkpoint and the lock', async () => {
    const db = await databaseWithRuns();
    const other = new Database(db.path);
    let transactions = 0;
    const { backup, result } = await backUpThenWrite(db, backupPathFor(db.path, 'test'), () => deleteOrphans(db), {
      transaction: (work) => {
        if (transactions++ === 0) other.prepare("INSERT INTO businesses (name, created_at) VALUES ('Sneaky', 0)").run();
        return inImmediateTransaction(db, work);
      },
    });
    other.close();
    expect(backup.method).toBe('online');
    expect(result).toBe(500);
    const copy = openBackup(backup.path);
    expect(copy.prepare("SELECT count(*) FROM businesses WHERE name = 'Sneaky'").pluck().get()).toBe(1);
    expect(copy.prepare('SELECT count(*) FROM job_runs').pluck().get()).toBe(2_500);
    copy.close();
  });

  it('falls back to the online backup when a reader of an older snapshot keeps the checkpoint from finishing', async () => {
    const db = await databaseWithRuns();
    db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const reader = new Database(db.path);
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM job_runs').get();
    seedRuns(db, { kind: 'orphan' }, 10);
    const before = everyRow(db.sqlite);
    const { backup, result } = await backUpThenWrite(db, backupPathFor(db.path, 'test'), () => deleteOrphans(db));
    reader.exec('COMMIT');
    reader.close();
    expect(backup.method).toBe('online');
    expect(result).toBe(510);
    const copy = openBackup(backup.path);
    expect(everyRow(copy)).toEqual(before);
    copy.close();
  });

  it('rolls the change back when it throws and removes its backup (nothing happened), and never overwrites an existing file', async () => {
    const db = await databaseWithRuns();
    const destination = backupPathFor(db.path, 'test');
    await expect(
      backUpThenWrite(db, destination, () => {
        deleteOrphans(db);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(db.sqlite.prepare('SELECT count(*) FROM job_runs').pluck().get()).toBe(2_500);
    expect(backupsFolderNames(db.path)).toEqual([]);
    fs.writeFileSync(destination, 'an earlier backup');
    await expect(backUpThenWrite(db, destination, () => deleteOrphans(db))).rejects.toThrow(/Refusing to overwrite/);
    expect(db.sqlite.prepare('SELECT count(*) FROM job_runs').pluck().get()).toBe(2_500);
    expect(fs.readFileSync(destination, 'utf8')).toBe('an earlier backup');
    expect(backupsFolderNames(db.path)).toEqual([path.basename(destination)]);
  });
});

describe("a backup's record, read on a second core while the change writes", () => {
  it('gives the same facts as reading the backup afterwards, and leaves no -wal or -shm beside it', async () => {
    const db = await databaseWithRuns();
    const file = backupPathFor(db.path, 'facts-test');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await db.sqlite.backup(file);
    const before = fs.readdirSync(path.dirname(file)).sort();
    const inWorker = await readBackupFileFactsInWorker(file);
    const { schemaVersion, counts } = readBackupFacts(file);
    expect(inWorker).toEqual({ schemaVersion, counts, sizeBytes: fs.statSync(file).size, checksum: sha256OfFileSync(file) });
    expect(inWorker?.counts).toEqual({ runs: 2_500, businesses: 1, orphans: 500 });
    expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(before);
  });

  it('answers null for a file that is not a database of this app, so the record reads the facts itself', async () => {
    const db = await databaseWithRuns();
    const file = path.join(path.dirname(db.path), 'not-a-database.db');
    fs.writeFileSync(file, 'plain text, not SQLite');
    expect(await readBackupFileFactsInWorker(file)).toBeNull();
  });
});
