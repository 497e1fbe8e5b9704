// Restoring a backup from the CLI (`restore <backup>`), on real files: the preview's figures, the typed confirmation,
// an older backup migrated up, a newer or corrupted one refused with nothing changed, the file refused while another
// connection has it open, and a restore's half-way copy removed at the next open.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKUP_RESTORED } from '../../src-main/backups/restore';
import { backupDatabase } from '../../src-main/db/backup';
import { listBackups } from '../../src-main/backups/store';
import { backupPathFor } from '../../src-main/db/backup-files';
import { openDatabaseFile, type AppDatabase } from '../../src-main/db/connection';
import { restoringPathFor } from '../../src-main/db/restore-swap';
import { openAppDatabase } from '../../src-main/startup';
import { ExitCode } from '../../src-main/cli/exit-codes';
import { insertBusiness, insertUser, logicalDump } from '../helpers/contract-data';
import { migrationsFolder } from '../helpers/migrations';
import { readAuditEvents, seedRuns } from '../helpers/seed';
import { MIGRATIONS_FOLDER, tempDbPath } from '../helpers/temp';
import { parseJson, runCli, typedInput } from '../cli/run-cli';

const APP_SCHEMA = fs.readdirSync(MIGRATIONS_FOLDER).filter((name) => name.endsWith('.sql')).length;

interface Shape {
  businesses: number;
  runsEach: number;
  orphans: number;
  users: number;
}

/** A database at `file` holding `shape` (at the schema of `migrations`), closed. */
async function databaseWith(file: string, shape: Shape, migrations: string = MIGRATIONS_FOLDER): Promise<void> {
  const { db } = await openAppDatabase(file, { migrationsFolder: migrations });
  try {
    fill(db, shape);
  } finally {
    db.close();
  }
}

function fill(db: AppDatabase, shape: Shape): void {
  for (let i = 0; i < shape.businesses; i++) seedRuns(db, { kind: 'business', businessId: insertBusiness(db, `Business ${i}`) }, shape.runsEach);
  seedRuns(db, { kind: 'orphan' }, shape.orphans);
  for (let i = 0; i < shape.users; i++) insertUser(db, { role: 'system_admin', businessId: null });
}

/** A backup of this database, named as the app names its backups, made from a database holding `shape`. */
async function backupHolding(live: string, shape: Shape, migrations: string = MIGRATIONS_FOLDER): Promise<string> {
  const source = path.join(path.dirname(live), 'source', 'automation.db');
  await databaseWith(source, shape, migrations);
  const { db } = await openAppDatabase(source, { migrationsFolder: migrations });
  const backup = backupPathFor(live, 'before-delete-orphans', new Date(Date.UTC(2026, 2, 4, 5, 6, 7)));
  fs.mkdirSync(path.dirname(backup), { recursive: true });
  try {
    await backupDatabase(db.sqlite, backup);
  } finally {
    db.close();
  }
  return backup;
}

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Every file beside the database with its content's hash, but the database itself by its rows (any open may rewrite its pages). */
function folderState(live: string): Record<string, string> {
  const dirs = [path.dirname(live), path.join(path.dirname(live), 'backups')].filter((dir) => fs.existsSync(dir));
  const files = dirs.flatMap((dir) => fs.readdirSync(dir).map((name) => path.join(dir, name)));
  const others = files.filter((file) => fs.statSync(file).isFile() && file !== live);
  const db = openDatabaseFile(live, { mustExist: true });
  try {
    return { ...Object.fromEntries(others.map((file) => [path.relative(path.dirname(live), file), sha256(file)])), rows: logicalDump(db) };
  } finally {
    db.close();
  }
}

function counts(file: string) {
  return withDb(file, (db) => ({
    businesses: db.sqlite.prepare('SELECT count(*) FROM businesses').pluck().get(),
    runs: db.sqlite.prepare('SELECT count(*) FROM job_runs').pluck().get(),
    users: db.sqlite.prepare('SELECT count(*) FROM users').pluck().get(),
  }));
}

function withDb<T>(file: string, read: (db: AppDatabase) => T): Promise<T> {
  return openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER }).then(({ db }) => {
    try {
      return read(db);
    } finally {
      db.close();
    }
  });
}

const LIVE: Shape = { businesses: 3, runsEach: 4, orphans: 2, users: 2 };
const OLD: Shape = { businesses: 1, runsEach: 5, orphans: 3, users: 1 };

describe('cli restore', () => {
  it('previews the backup against the current file and changes nothing without a confirmation', async () => {
    const live = tempDbPath();
    await databaseWith(live, LIVE);
    const backup = await backupHolding(live, OLD);
    const before = folderState(live);
    const { code, stdout } = await runCli(['restore', path.basename(backup), '--db', live, '--json']);
    expect(code).toBe(ExitCode.ok);
    const { value } = parseJson(stdout);
    expect(value).toMatchObject({
      executed: false,
      preview: {
        backup: { name: path.basename(backup), schemaVersion: APP_SCHEMA, counts: { runs: 8, businesses: 1, orphans: 3, users: 1 } },
        current: { path: live, schemaVersion: APP_SCHEMA, counts: { runs: 14, businesses: 3, orphans: 2, users: 2 } },
        appSchemaVersion: APP_SCHEMA,
        confirmation: `restore ${path.basename(backup)}`,
      },
    });
    expect(folderState(live)).toEqual(before);

    const human = await runCli(['restore', path.basename(backup), '--db', live]);
    expect(human.stdout).toMatch(/Runs {12}8 {23}14/);
    expect(human.stdout).toMatch(/Orphans {9}3 {23}2/);
    expect(human.stdout).toContain('Nothing was changed. To restore it, run again with --yes.');
  });

  it('asks for the typed phrase on a terminal: the exact phrase restores, anything else changes nothing', async () => {
    const live = tempDbPath();
    await databaseWith(live, LIVE);
    const backup = await backupHolding(live, OLD);
    const before = folderState(live);
    const declined = await runCli(['restore', path.basename(backup), '--db', live], { isTTY: true, stdin: 'restore\n' });
    expect(declined.code).toBe(ExitCode.confirmation);
    expect(folderState(live)).toEqual(before);

    const stdin = typedInput();
    const restoring = runCli(['restore', path.basename(backup), '--db', live], { isTTY: true, stdin });
    stdin.end(`restore ${path.basename(backup)}\n`);
    const restored = await restoring;
    expect(restored.code).toBe(ExitCode.ok);
    expect(await counts(live)).toEqual({ businesses: 1, runs: 8, users: 1 });
  });

  it('restores an older backup, migrated up, with a backup of the previous file and an audit event in the restored one', async () => {
    const live = tempDbPath();
    await databaseWith(live, LIVE);
    const liveHash = sha256(live);
    const older = migrationsFolder({ keep: 12 });
    const backup = await backupHolding(live, OLD, older);
    const { code, stdout } = await runCli(['restore', backup, '--db', live, '--yes', '--json']);
    expect(code).toBe(ExitCode.ok);
    const { value } = parseJson(stdout);
    expect(value).toMatchObject({ executed: true, restored: { name: path.basename(backup), schemaVersion: 12 }, migrated: { from: 12, to: APP_SCHEMA } });

    expect(await counts(live)).toEqual({ businesses: 1, runs: 8, users: 1 });
    const previous = value!.previousBackupPath as string;
    expect(await counts(previous)).toEqual({ businesses: 3, runs: 14, users: 2 });
    expect(liveHash).not.toBe(sha256(live));
    const events = await withDb(live, (db) => readAuditEvents(db).filter((event) => event.action === BACKUP_RESTORED));
    expect(events).toHaveLength(1);
    expect(events[0]!.details).toMatchObject({ restoredFrom: path.basename(backup), schemaVersion: 12, backupPath: previous });
    // Nothing half-way is left: no copy, no -wal of the old file, every backup under its own name.
    const names = [...fs.readdirSync(path.dirname(live)), ...fs.readdirSync(path.join(path.dirname(live), 'backups'))];
    expect(names.filter((name) => name.includes('.restoring-') || name.includes('.pending-'))).toEqual([]);
    expect(listBackups(live).map((entry) => entry.name)).toEqual(
      expect.arrayContaining([path.basename(previous), path.basename(backup), expect.stringMatching(/^schema-12-/)]),
    );
  });

  it('refuses a backup written by a newer app, and changes nothing', async () => {
    const live = tempDbPath();
    await databaseWith(live, LIVE);
    const newer = migrationsFolder({ extra: { '9999_from_the_future': 'CREATE TABLE future_things (id integer PRIMARY KEY);' } });
    const backup = await backupHolding(live, OLD, newer);
    const before = folderState(live);
    const { code, stderr } = await runCli(['restore', path.basename(backup), '--db', live, '--yes']);
    expect(code).toBe(ExitCode.failure);
    expect(stderr).toContain(`The backup ${path.basename(backup)} cannot be restored. This app cannot restore it: it is at schema version ${APP_SCHEMA + 1}`);
    expect(folderState(live)).toEqual(before);
  });

  it('refuses a corrupted backup and a file that is not a database, and changes nothing', async () => {
    const live = tempDbPath();
    await databaseWith(live, LIVE);
    const backup = await backupHolding(live, { ...OLD, runsEach: 2000 });
    // Pages of the runs' table overwritten in the middle of the file; the header stays, so it still opens.
    const bytes = fs.readFileSync(backup);
    const pageSize = bytes.readUInt16BE(16);
    bytes.fill(0x5a, pageSize * 3, pageSize * 6);
    fs.writeFileSync(backup, bytes);
    const notADatabase = backupPathFor(live, 'before-delete-orphans', new Date(Date.UTC(2026, 2, 5)));
    fs.writeFileSync(notADatabase, 'not a database at all, but long enough to look like a file of one '.repeat(100));
    const before = folderState(live);
    for (const [file, why] of [
      [backup, /(SQLite's integrity check failed|It cannot be read as a database: database disk image is malformed)/],
      [notADatabase, /It cannot be read as a database/],
    ] as const) {
      const { code, stderr } = await runCli(['restore', path.basename(file), '--db', live, '--yes']);
      expect(code).toBe(ExitCode.failure);
      expect(stderr).toContain(`The backup ${path.basename(file)} cannot be restored. `);
      expect(stderr).toMatch(why);
    }
    expect(folderState(live)).toEqual(before);
  });

  it('refuses while another connection has the database open, and changes nothing', async () => {
    const live = tempDbPath();
    await databaseWith(live, LIVE);
    const backup = await backupHolding(live, OLD);
    const { db } = await openAppDatabase(live, { migrationsFolder: MIGRATIONS_FOLDER });
    try {
      const before = folderState(live);
      const { code, stderr } = await runCli(['restore', path.basename(backup), '--db', live, '--yes']);
      expect(code).toBe(ExitCode.conflict);
      expect(stderr).toContain('The database is open in another program');
      expect(folderState(live)).toEqual(before);
    } finally {
      db.close();
    }
  });

  it('names what is wrong on the command line: no backup, an unknown one, two of them', async () => {
    const live = tempDbPath();
    await databaseWith(live, LIVE);
    expect((await runCli(['restore', '--db', live])).code).toBe(ExitCode.usage);
    expect((await runCli(['restore', 'a.backup', 'b.backup', '--db', live])).stderr).toContain('Unexpected argument "b.backup" after restore a.backup');
    const unknown = await runCli(['restore', 'automation.db.nothing.backup', '--db', live, '--yes']);
    expect(unknown.code).toBe(ExitCode.failure);
    expect(unknown.stderr).toContain("There is no backup named automation.db.nothing.backup among this database's backups.");
  });

  it('removes the copy a restore killed before its rename left, at the next open', async () => {
    const live = tempDbPath();
    await databaseWith(live, LIVE);
    const gone = spawnSync('true').pid!; // a process that has ended
    const copy = restoringPathFor(live, gone);
    fs.copyFileSync(live, copy);
    fs.writeFileSync(`${copy}-journal`, '');
    const mine = restoringPathFor(live);
    fs.writeFileSync(mine, 'a restore of this process, under way');
    await withDb(live, () => undefined);
    const names = fs.readdirSync(path.dirname(live));
    expect(names).not.toContain(path.basename(copy));
    expect(names).not.toContain(`${path.basename(copy)}-journal`);
    expect(names).toContain(path.basename(mine));
  });
});
