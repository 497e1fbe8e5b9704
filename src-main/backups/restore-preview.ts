// What a restore would do, before it does it: which backup, what it holds against the live file (runs, businesses,
// orphans, users; both schema versions), and whether this app can restore it at all (a backup that fails its check,
// or that a newer app wrote, is refused here, before anything is changed).
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { AppError, invalidField } from '../../src-shared/errors';
import { restoreConfirmation } from '../../src-shared/schemas/restore';
import { listBackups } from '../db/backup-files';
import { DatabaseOpenError, openDatabaseFile, type AppDatabase } from '../db/connection';
import { MIGRATIONS_TABLE, planMigrations, tableExists, type Migration } from '../db/migrations';
import { ORPHANS_OWNER, ownerRunsCondition } from '../tenancy/owner-sql';

export interface DatabaseCounts {
  runs: number;
  businesses: number;
  orphans: number;
  users: number;
}

export interface RestorePreview {
  backup: { name: string; path: string; createdAt: string; sizeBytes: number; schemaVersion: number; counts: DatabaseCounts };
  current: { path: string; schemaVersion: number; counts: DatabaseCounts };
  /** The schema version this app writes: a backup below it is migrated up when it is restored. */
  appSchemaVersion: number;
  /** What the operator types to go ahead: `restore <backup name>`. */
  confirmation: string;
}

/**
 * The backup a restore names: a backup of this database by its file name (as listed), or, from the CLI, a path to a
 * file. VALIDATION (the field `backup`) when there is none by that name.
 */
export function findBackup(databasePath: string, named: string, options: { allowPath?: boolean } = {}): string {
  const listed = listBackups(databasePath).find((backup) => backup.pending === null && path.basename(backup.path) === named);
  if (listed) return listed.path;
  if (options.allowPath && fs.existsSync(named) && fs.statSync(named).isFile()) return path.resolve(named);
  throw invalidField('backup', `There is no backup named ${named} beside this database.`);
}

/** Counts straight from the tables every schema version has, so a backup of an older schema is counted alike. */
export function databaseCounts(sqlite: Database.Database): DatabaseCounts {
  const count = (sql: string) => sqlite.prepare(sql).pluck().get() as number;
  return {
    runs: count('SELECT count(*) FROM job_runs'),
    businesses: count('SELECT count(*) FROM businesses'),
    orphans: count(`SELECT count(*) FROM job_runs WHERE ${ownerRunsCondition(ORPHANS_OWNER).sql}`),
    users: count('SELECT count(*) FROM users'),
  };
}

/** A backup as a restore sees it: checked whole, of a schema this app knows, and what it holds. */
export interface CheckedBackup {
  schemaVersion: number;
  counts: DatabaseCounts;
}

/**
 * Opens the backup (read and let go: no -wal or -shm is left beside it) and refuses it, as VALIDATION on the field
 * `backup`, when it is not a SQLite file, fails SQLite's integrity check, is not a database of this app, or was
 * written by a newer version of it.
 */
export function checkBackup(file: string, migrations: Migration[], nativeBinding?: string): CheckedBackup {
  const refuse = (why: string) => invalidField('backup', `The backup ${path.basename(file)} cannot be restored: ${why}. Nothing was changed.`);
  let db: AppDatabase;
  try {
    db = openDatabaseFile(file, { mustExist: true, nativeBinding });
  } catch (error) {
    if (error instanceof DatabaseOpenError) throw refuse('it is not a database file this app can open');
    throw error;
  }
  try {
    const problems = integrityProblems(db.sqlite);
    if (problems) throw refuse(`SQLite's integrity check failed (${problems})`);
    if (!tableExists(db.sqlite, MIGRATIONS_TABLE)) throw refuse('it is not a database of Automation Console');
    const state = planMigrations(db.sqlite, migrations);
    if (state.kind === 'unknown') throw refuse(`${state.reason}; update the app to restore it`);
    return { schemaVersion: state.version, counts: databaseCounts(db.sqlite) };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw refuse(`reading it failed (${(error as Error).message})`);
  } finally {
    db.close();
  }
}

function integrityProblems(sqlite: Database.Database): string | null {
  const lines = (sqlite.pragma('integrity_check(3)') as { integrity_check: string }[]).map((row) => row.integrity_check);
  return lines.length === 1 && lines[0] === 'ok' ? null : lines.join('; ');
}

/** The preview of restoring `backupFile` over the open database `db`; refuses a backup that cannot be restored. */
export function previewRestore(db: AppDatabase, backupFile: string, migrations: Migration[], nativeBinding?: string): RestorePreview {
  const backup = checkBackup(backupFile, migrations, nativeBinding);
  const name = path.basename(backupFile);
  const stat = fs.statSync(backupFile);
  return {
    backup: { name, path: backupFile, createdAt: stat.mtime.toISOString(), sizeBytes: stat.size, ...backup },
    current: { path: db.path, schemaVersion: planMigrations(db.sqlite, migrations).version, counts: databaseCounts(db.sqlite) },
    appSchemaVersion: migrations.length,
    confirmation: restoreConfirmation(name),
  };
}
