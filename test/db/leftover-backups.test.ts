// Leftovers cleaned: a backup made for an operation that never committed (its process killed in between) is removed at
// the next open; one whose operation committed keeps its name; one a live process is still making is left alone and
// listed by `info` with its reason. Real processes killed with SIGKILL, on real files.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../src-main/cli/confirm-change';
import { backupPathFor, listBackupFiles } from '../../src-main/db/backup-files';
import { backupsFolderFor } from '../../src-main/db/paths';
import { deleteOrphans } from '../../src-main/orphans/orphans';
import { openAppDatabase } from '../../src-main/startup';
import { runCli } from '../cli/run-cli';
import { migrationsFolder } from '../helpers/migrations';
import { createTestDatabase, seedRuns } from '../helpers/seed';
import { MIGRATIONS_FOLDER, tempDbPath } from '../helpers/temp';

const ROOT = path.resolve(__dirname, '../..');

/** Runs the crash child to its SIGKILL; returns its pid (a process that no longer exists). */
function crash(file: string, moment: 'delete-orphans' | 'migrate', migrations?: string): number {
  const args = ['--import', 'tsx', path.join(__dirname, 'leftover-crash-child.ts'), file, moment, ...(migrations ? [migrations] : [])];
  const child = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  expect(child.signal, child.stderr).toBe('SIGKILL');
  return child.pid!;
}

/** The file names beside the database and in backups/ that hold a backup, pending ones included. */
const backupNames = (file: string) => listBackupFiles(file).map((backup) => path.basename(backup.path));
function countOrphans(file: string): number {
  const sqlite = new Database(file, { readonly: true });
  try {
    return sqlite.prepare("SELECT count(*) FROM job_runs WHERE business_id IS NULL AND scope = 'business'").pluck().get() as number;
  } finally {
    sqlite.close();
  }
}

async function withOrphans(count: number): Promise<string> {
  const db = await createTestDatabase();
  seedRuns(db, { kind: 'orphan' }, count);
  db.close();
  return db.path;
}

describe('leftover backups', () => {
  it('a delete-orphans killed after its backup and before its commit: the next open removes the backup, every orphan is there', async () => {
    const file = await withOrphans(300);
    const pid = crash(file, 'delete-orphans');
    const [pending] = listBackupFiles(file);
    expect(backupNames(file)).toEqual([expect.stringMatching(new RegExp(`^before-delete-orphans-.+\\.db\\.pending-${pid}$`))]);
    expect(pending!.bytes).toBeGreaterThan(0);

    const { db, report } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER });
    db.close();
    expect(report.leftoverBackups).toEqual({ kept: [], removed: [{ path: pending!.path, bytes: pending!.bytes }], underWay: [] });
    expect(backupNames(file)).toEqual([]);
    expect(countOrphans(file)).toBe(300);
  });

  it('an operation that committed before its process died: its backup takes its name at the next open', async () => {
    const db = await createTestDatabase();
    seedRuns(db, { kind: 'orphan' }, 5);
    const { backupPath } = await deleteOrphans(db, { kind: 'all' }, { actor: CLI_ACTOR, expectedCount: 5 });
    db.close();
    // What a kill between the commit and the rename leaves: the committed change's backup under its pending name.
    const pid = spawnSync('true').pid!;
    fs.renameSync(backupPath!, `${backupPath}.pending-${pid}`);
    const { db: reopened, report } = await openAppDatabase(db.path, { migrationsFolder: MIGRATIONS_FOLDER });
    reopened.close();
    expect(report.leftoverBackups).toEqual({ kept: [backupPath], removed: [], underWay: [] });
    expect(backupNames(db.path)).toEqual([path.basename(backupPath!)]);
  });

  it('a migration killed after its backup: the next open removes that backup, then migrates with a backup of its own', async () => {
    const file = tempDbPath();
    const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
    const older = journal.entries.length - 1;
    (await openAppDatabase(file, { migrationsFolder: migrationsFolder({ keep: older }) })).db.close();
    const pid = crash(file, 'migrate', MIGRATIONS_FOLDER);
    const [pending] = listBackupFiles(file);
    expect(path.basename(pending!.path)).toMatch(new RegExp(`^schema-${older}-.+\\.db\\.pending-${pid}$`));

    const { db, report } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER });
    db.close();
    expect(report.leftoverBackups.removed).toEqual([{ path: pending!.path, bytes: pending!.bytes }]);
    expect(backupNames(file)).toEqual([path.basename(report.migrated!.backupPath!)]);
  });

  it('a maintenance.backup whose process died mid-copy is removed with its journal; a backup a live process is making is left and listed by info', async () => {
    const file = await withOrphans(1);
    fs.mkdirSync(backupsFolderFor(file));
    const dead = `${backupPathFor(file, 'job')}.pending-${spawnSync('true').pid}`;
    fs.writeFileSync(dead, 'half a backup');
    // What SQLite's backup API leaves beside a destination whose process was killed mid-copy.
    fs.writeFileSync(`${dead}-journal`, 'its rollback journal');
    const live = `${backupPathFor(file, 'before-delete-orphans')}.pending-${process.pid}`;
    fs.writeFileSync(live, 'a backup under way');

    const { code, stdout, stderr } = await runCli(['info', '--db', file]);
    expect(code).toBe(0);
    expect(stderr).toContain(`Removed ${dead} (13 B): a backup made for an operation that never committed (its process ended first).`);
    expect(stderr).toContain(`Left ${live}: process ${process.pid} is still making it (its operation is under way).`);
    expect(stdout).toContain('Backups:         0 backups');
    expect(stdout).toContain(`  - pending: ${live} (18 B): process ${process.pid} is making it for an operation under way`);
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(`${dead}-journal`)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
  });
});
