// The backup store on real files: every backup the app makes lands in backups/ beside the database, named by what made
// it and recorded (kind, time, schema, size, counts read from the backup, checksum); older backups beside the file are
// still listed, unrecorded; a check catches a corrupted copy, a changed file and a file that is no backup; and a disk
// without room refuses the destructive step before anything is written; the retention policy prunes the store after
// each new backup, never the one just made.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { setBackupPolicy } from '../../src-main/backups/prune';
import { backupsFolder, backUpNow, listBackups, verifyBackup } from '../../src-main/backups/store';
import { CLI_ACTOR } from '../../src-main/cli/confirm-change';
import { backUpBefore, backUpThenWrite } from '../../src-main/db/backup';
import { backupPathFor } from '../../src-main/db/backup-files';
import { manifestPathOf, readManifest, sha256OfFileSync } from '../../src-main/db/backup-record';
import { backupSpaceNeeded } from '../../src-main/db/backup-space';
import { deleteOrphans } from '../../src-main/orphans/orphans';
import { openAppDatabase } from '../../src-main/startup';
import { backupsFolderNames, keptBackupNames } from '../helpers/backups';
import { migrationsFolder } from '../helpers/migrations';
import { createTestDatabase, readAuditEvents, seedBusiness, seedRuns } from '../helpers/seed';
import { MIGRATIONS_FOLDER, tempDbPath } from '../helpers/temp';

const LATEST = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')).entries.length as number;

async function databaseWith(runs: { business: number; orphans: number }) {
  const db = await createTestDatabase();
  const acme = seedBusiness(db);
  seedBusiness(db);
  seedRuns(db, { kind: 'business', businessId: acme.id }, runs.business);
  seedRuns(db, { kind: 'orphan' }, runs.orphans);
  return db;
}

/** Flips bytes in the middle of a file, as a bad disk or a stray write would. */
function corrupt(file: string): void {
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r+');
  try {
    const middle = Math.floor(size / 2);
    const bytes = Buffer.alloc(4096);
    fs.readSync(fd, bytes, 0, bytes.length, middle);
    for (let i = 0; i < bytes.length; i++) bytes[i] = bytes[i]! ^ 0xa5;
    fs.writeSync(fd, bytes, 0, bytes.length, middle);
  } finally {
    fs.closeSync(fd);
  }
}

describe('one place for backups, each recorded', () => {
  it('an orphan delete backs up into backups/, named by what made it, with a record read from the backup itself', async () => {
    const db = await databaseWith({ business: 40, orphans: 25 });
    const { backupPath } = await deleteOrphans(db, { kind: 'all' }, { actor: CLI_ACTOR, expectedCount: 25 });
    expect(path.dirname(backupPath!)).toBe(backupsFolder(db.path));
    expect(path.basename(backupPath!)).toMatch(/^before-delete-orphans-\d{4}-\d\d-\d\dT[\d-]+Z\.db$/);
    const [listed, ...others] = listBackups(db.path);
    expect(others).toEqual([]);
    expect(listed).toMatchObject({
      file: backupPath,
      name: path.basename(backupPath!),
      kind: 'before-delete-orphans',
      schemaVersion: LATEST,
      sizeBytes: fs.statSync(backupPath!).size,
      // What the file held before the delete: the orphans are in the backup, not in the live file.
      counts: { runs: 65, businesses: 2, orphans: 25 },
      checksum: sha256OfFileSync(backupPath!),
      recorded: true,
      lastCheck: null,
    });
    expect(fs.statSync(manifestPathOf(backupPath!)).mode & 0o777).toBe(0o600);
    // Reading the backup for its record, and checking it, leave no -wal or -shm beside it.
    expect(verifyBackup(backupPath!).ok).toBe(true);
    expect(backupsFolderNames(db.path)).toEqual([listed!.name, `${listed!.name}.json`]);
  });

  it('a migration backs up as schema-N in backups/, recorded with the schema it had', async () => {
    const file = tempDbPath();
    (await openAppDatabase(file, { migrationsFolder: migrationsFolder({ keep: LATEST - 1 }) })).db.close();
    const { db, report } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER });
    db.close();
    const [listed] = listBackups(file);
    expect(listed).toMatchObject({ file: report.migrated!.backupPath, kind: 'schema', schemaVersion: LATEST - 1, recorded: true });
    expect(listed!.name).toMatch(new RegExp(`^schema-${LATEST - 1}-`));
  });

  it('backups of earlier versions, beside the database, are listed from their names, unrecorded, newest first', async () => {
    const db = await databaseWith({ business: 3, orphans: 0 });
    const old = path.join(path.dirname(db.path), 'automation.db.before-delete-orphans.2026-01-02T03-04-05-006Z.backup');
    const olderJob = path.join(backupsFolder(db.path), 'automation-2025-12-01T00-00-00-000Z.db');
    fs.mkdirSync(backupsFolder(db.path));
    fs.copyFileSync(db.path, old);
    fs.copyFileSync(db.path, olderJob);
    fs.writeFileSync(path.join(path.dirname(db.path), 'notes.backup'), 'not a backup of ours');
    const made = await backUpNow(db.sqlite, 'job');
    expect(listBackups(db.path).map(({ name, kind, createdAt, recorded }) => ({ name, kind, createdAt, recorded }))).toEqual([
      { name: path.basename(made.path), kind: 'job', createdAt: expect.any(String), recorded: true },
      { name: path.basename(old), kind: 'before-delete-orphans', createdAt: '2026-01-02T03:04:05.006Z', recorded: false },
      { name: path.basename(olderJob), kind: 'job', createdAt: '2025-12-01T00:00:00.000Z', recorded: false },
    ]);
  });
});

describe('pruned after each new backup', () => {
  it('an orphan delete prunes the store by the policy, never the backup it just made, and audits the removals', async () => {
    const db = await databaseWith({ business: 5, orphans: 5 });
    setBackupPolicy(db, CLI_ACTOR, { keepLast: 1, keepDays: 0 });
    const DAY = 86_400_000;
    // Two backups of the job, the newer one dated after the delete's own (a clock set back since).
    const older = await backUpNow(db.sqlite, 'job', { now: new Date(Date.now() - 30 * DAY) });
    const newer = await backUpNow(db.sqlite, 'job', { now: new Date(Date.now() + DAY) });
    const { backupPath } = await deleteOrphans(db, { kind: 'all' }, { actor: CLI_ACTOR, expectedCount: 5, now: () => new Date(Date.now() - DAY) });
    // Kept: the newest (keepLast 1) and the one the delete just made; the older job backup went.
    expect(keptBackupNames(db.path)).toEqual([path.basename(backupPath!), path.basename(newer.path)].sort());
    expect(fs.existsSync(manifestPathOf(older.path))).toBe(false);
    expect(readAuditEvents(db).filter((event) => event.action === 'backup.pruned')).toEqual([
      {
        action: 'backup.pruned',
        actorLabel: 'system',
        businessId: null,
        details: { removed: [{ name: path.basename(older.path), sizeBytes: older.bytes }], freedBytes: older.bytes, policy: { keepLast: 1, keepDays: 0 } },
      },
    ]);
  });
});

describe('verifying a backup', () => {
  it('passes a good backup and keeps the outcome in its record', async () => {
    const db = await databaseWith({ business: 200, orphans: 10 });
    const { path: file } = await backUpNow(db.sqlite, 'job');
    expect(verifyBackup(file)).toEqual({ ok: true, problems: [] });
    expect(readManifest(file)!.lastCheck).toMatchObject({ ok: true, problems: [] });
    expect(listBackups(db.path)[0]!.lastCheck).toMatchObject({ ok: true });
  });

  it('fails a copy with bytes flipped in its middle: the integrity check and the checksum both say so, and the list shows it', async () => {
    const db = await databaseWith({ business: 3000, orphans: 100 });
    const { path: file } = await backUpNow(db.sqlite, 'job');
    corrupt(file);
    const result = verifyBackup(file);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^(SQLite's integrity check failed: |It cannot be read as a database: )/),
        'Its contents changed since it was made: the checksum does not match the one recorded with it.',
      ]),
    );
    expect(listBackups(db.path)[0]!.lastCheck).toMatchObject({ ok: false, problems: result.problems });
  });

  it('fails a backup of a newer app, and a file that is not a database at all', async () => {
    const db = await databaseWith({ business: 1, orphans: 0 });
    const { path: file } = await backUpNow(db.sqlite, 'job');
    const Database = (await import('better-sqlite3')).default;
    const newer = new Database(file);
    newer.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('from-the-future', Date.now());
    newer.close();
    const result = verifyBackup(file);
    expect(result.problems).toContain(`This app cannot restore it: it is at schema version ${LATEST + 1}, and this app knows versions up to ${LATEST}.`);
    fs.writeFileSync(file, 'hello, not SQLite');
    expect(verifyBackup(file).problems[0]).toMatch(/^It cannot be read as a database: /);
  });
});

describe('room on the disk', () => {
  const noRoom = () => 1024;

  it('refuses an orphan delete before anything is written, naming the folder, the space needed and free', async () => {
    const db = await databaseWith({ business: 10, orphans: 10 });
    let wrote = false;
    const needed = backupSpaceNeeded(fs.statSync(db.path).size + (fs.existsSync(`${db.path}-wal`) ? fs.statSync(`${db.path}-wal`).size : 0));
    await expect(
      backUpThenWrite(db, backupPathFor(db.path, 'before-delete-orphans'), () => (wrote = true), { freeSpace: noRoom }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(
        new RegExp(`^Not enough free disk space for a backup in ${backupsFolder(db.path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: it needs ${(needed / 1024 / 1024).toFixed(1)} MiB and 1\\.0 KiB is free\\.`),
      ),
    });
    expect(wrote).toBe(false);
    expect(backupsFolderNames(db.path)).toEqual([]);
    expect(db.sqlite.prepare('SELECT count(*) FROM job_runs').pluck().get()).toBe(20);
  });

  it('refuses the backup before a business delete or a migration, and the backup job, the same way', async () => {
    const db = await databaseWith({ business: 5, orphans: 0 });
    let ran = false;
    await expect(backUpBefore(db.sqlite, backupPathFor(db.path, 'schema-1'), () => (ran = true), { freeSpace: noRoom })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(backUpNow(db.sqlite, 'job', { freeSpace: noRoom })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(ran).toBe(false);
    expect(backupsFolderNames(db.path)).toEqual([]);
    // With room, the same backup is made.
    await backUpNow(db.sqlite, 'job', { freeSpace: () => Number.MAX_SAFE_INTEGER });
    expect(listBackups(db.path)).toHaveLength(1);
  });
});
