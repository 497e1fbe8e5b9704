// What a restore would do, before it does it: which backup, what it holds against the live file (runs, businesses,
// orphans, users; both schema versions), and whether this app can restore it at all (a backup that fails its check,
// or that a newer app wrote, is refused here, before anything is changed).
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { AppError, invalidField } from '../../src-shared/errors';
import { restoreConfirmation } from '../../src-shared/schemas/restore';
import { DatabaseOpenError, openDatabaseFile, type AppDatabase } from '../db/connection';
import { MIGRATIONS_TABLE, planMigrations, tableExists, type Migration } from '../db/migrations';
import { countRunsAndOwners } from '../db/backup-record';
import { listBackups, verifyBackup } from './store';

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
export function backupToRestore(databasePath: string, named: string, options: { allowPath?: boolean } = {}): string {
  const listed = listBackups(databasePath).find((backup) => backup.name === named);
  if (listed) return listed.file;
  if (options.allowPath && fs.existsSync(named) && fs.statSync(named).isFile()) return path.resolve(named);
  throw invalidField('backup', `There is no backup named ${named} among this database's backups.`);
}

/** Counts straight from the tables every schema version has, so a backup of an older schema is counted alike. */
export function databaseCounts(sqlite: Database.Database): DatabaseCounts {
  return { ...countRunsAndOwners(sqlite), users: Number(sqlite.prepare('SELECT count(*) FROM users').pluck().get()) };
}

/** A backup as a restore sees it: checked whole, of a schema this app knows, and what it holds. */
export interface CheckedBackup {
  schemaVersion: number;
  counts: DatabaseCounts;
}

/**
 * The backup checked by the store (`verifyBackup`: integrity, a schema version this app knows, the checksum its record
 * holds), then read for what it holds; refused, as VALIDATION on the field `backup`, when it fails the check or is a
 * server-edition file (which `migrate` converts; a restore does not).
 */
export function checkBackup(file: string, migrations: Migration[], nativeBinding?: string): CheckedBackup {
  const refuse = (why: string) => invalidField('backup', `The backup ${path.basename(file)} cannot be restored. ${why} Nothing was changed.`);
  const verified = verifyBackup(file);
  if (!verified.ok) throw refuse(verified.problems.join(' '));
  let db: AppDatabase;
  try {
    db = openDatabaseFile(file, { mustExist: true, nativeBinding });
  } catch (error) {
    if (error instanceof DatabaseOpenError) throw refuse('It cannot be opened as a database.');
    throw error;
  }
  try {
    if (!tableExists(db.sqlite, MIGRATIONS_TABLE)) throw refuse('It is a server-edition file: convert it with migrate instead.');
    const state = planMigrations(db.sqlite, migrations);
    if (state.kind === 'unknown') throw refuse(`This app cannot restore it: ${state.reason}.`);
    return { schemaVersion: state.version, counts: databaseCounts(db.sqlite) };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw refuse(`Reading it failed: ${(error as Error).message}.`);
  } finally {
    db.close();
  }
}

/** The preview of restoring `backupFile` over the open database `db`; refuses a backup that cannot be restored. */
export function previewRestore(db: AppDatabase, backupFile: string, migrations: Migration[], nativeBinding?: string): RestorePreview {
  const backup = checkBackup(backupFile, migrations, nativeBinding);
  const name = path.basename(backupFile);
  const stat = fs.statSync(backupFile);
  // When it was made as the list says it (its record, or its name), else, for a file from elsewhere, its file's time.
  const listed = listBackups(db.path).find((entry) => entry.file === backupFile);
  return {
    backup: { name, path: backupFile, createdAt: listed?.createdAt ?? stat.mtime.toISOString(), sizeBytes: stat.size, ...backup },
    current: { path: db.path, schemaVersion: planMigrations(db.sqlite, migrations).version, counts: databaseCounts(db.sqlite) },
    appSchemaVersion: migrations.length,
    confirmation: restoreConfirmation(name),
  };
}
