// The backup store: every backup of the database, where db/backup-files.ts names them (backups/ beside the database,
// and the older place beside the file itself), with what each one's record says (db/backup-record.ts); checking one;
// and making a backup on its own (the maintenance.backup job, a restore's backup of the current file).
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { AppError } from '../../src-shared/errors';
import { type BackupRecordView } from '../../src-shared/schemas/backups';
import { backupDatabase, prepareBackup, recordKeptBackup, type BackupFile, type BackupMakerOptions } from '../db/backup';
import { backupKindOf, backupPathFor, discardBackup, keepBackup, listBackupFiles, parseBackupName, pendingBackup } from '../db/backup-files';
import { readBackupFile, readManifest, sha256OfFileSync, writeManifest, type BackupCheck } from '../db/backup-record';
import { loadMigrations, planMigrations, tableExists } from '../db/migrations';
import { backupsFolderFor, defaultMigrationsFolder } from '../db/paths';

/** One backup as the store lists it (the contract's view). */
export type BackupRecord = BackupRecordView;

/** The `backups/` folder beside the database, where every backup is made. */
export function backupsFolder(databasePath: string): string {
  return backupsFolderFor(databasePath);
}

/** Every kept backup of the database at `databasePath` (pending ones are an operation's, not yet backups), newest first. */
export function listBackups(databasePath: string): BackupRecord[] {
  return listBackupFiles(databasePath)
    .filter((entry) => entry.pending === null)
    .flatMap((entry) => {
      const record = recordOf(databasePath, entry.path, entry.bytes);
      return record ? [record] : [];
    })
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.name.localeCompare(b.name));
}

function recordOf(databasePath: string, file: string, bytes: number): BackupRecord | null {
  const parsed = parseBackupName(databasePath, file);
  if (!parsed) return null;
  const manifest = readManifest(file);
  const base = { file, name: path.basename(file), sizeBytes: bytes };
  if (manifest) {
    const { kind, createdAt, schemaVersion, counts, checksum, lastCheck } = manifest;
    return { ...base, kind, createdAt, schemaVersion, counts, checksum, recorded: true, lastCheck };
  }
  const schema = /^schema-(\d+)$/.exec(parsed.label);
  return {
    ...base,
    kind: backupKindOf(parsed.label),
    createdAt: parsed.createdAt.toISOString(),
    schemaVersion: schema ? Number(schema[1]) : null,
    counts: null,
    checksum: null,
    recorded: false,
    lastCheck: null,
  };
}

/** The backup of that file name, or NOT_FOUND. */
export function findBackup(databasePath: string, name: string): BackupRecord {
  const found = listBackups(databasePath).find((backup) => backup.name === name);
  if (!found) throw new AppError('NOT_FOUND', `There is no backup named ${name} in ${backupsFolder(databasePath)}.`);
  return found;
}

/** backups.verify: the backup of that name checked, with when. */
export function verifyNamedBackup(databasePath: string, name: string): { name: string; ok: boolean; problems: string[]; at: string } {
  const backup = findBackup(databasePath, name);
  return { name, ...verifyBackup(backup.file), at: new Date().toISOString() };
}

/**
 * Checks a backup before anyone relies on it: SQLite's integrity check on the file opened read-only, a schema version
 * this app knows (or a server-edition file, which it adopts), and the checksum its record holds. Each failure is a
 * sentence in `problems`. A recorded backup keeps the outcome in its record, so the list says when its last check failed.
 */
export function verifyBackup(file: string): { ok: boolean; problems: string[] } {
  const problems = checkBackupFile(file);
  const manifest = readManifest(file);
  if (manifest) {
    if (fs.existsSync(file) && sha256OfFileSync(file) !== manifest.checksum) {
      problems.push('Its contents changed since it was made: the checksum does not match the one recorded with it.');
    }
    const lastCheck: BackupCheck = { at: new Date().toISOString(), ok: problems.length === 0, problems };
    writeManifest(file, { ...manifest, lastCheck });
  }
  return { ok: problems.length === 0, problems };
}

function checkBackupFile(file: string): string[] {
  if (!fs.existsSync(file)) return ['The file is gone.'];
  try {
    return readBackupFile(file, (sqlite) => {
      const integrity = sqlite.pragma('integrity_check(20)') as { integrity_check: string }[];
      const failures = integrity.map((row) => row.integrity_check).filter((line) => line !== 'ok');
      const problems = failures.length > 0 ? [`SQLite's integrity check failed: ${failures.slice(0, 3).join('; ')}${failures.length > 3 ? '; …' : ''}.`] : [];
      if (tableExists(sqlite, 'alembic_version')) return problems;
      const state = planMigrations(sqlite, loadMigrations(defaultMigrationsFolder()));
      if (state.kind === 'unknown') problems.push(`This app cannot restore it: ${state.reason}.`);
      else if (state.version === 0) problems.push('It holds no schema this app knows: it is not a backup of an Automation Console database.');
      return problems;
    });
  } catch (error) {
    return [`It cannot be read as a database: ${(error as Error).message}.`];
  }
}

/**
 * A recorded backup made on its own, labelled by what asks for it (`job`; a restore's backup of the current file):
 * room checked first, written under its pending name, kept and recorded once complete; a failure or cancellation
 * (a progress callback that throws) leaves nothing behind.
 */
export async function backUpNow(sqlite: Database.Database, label: string, options: BackupMakerOptions & { now?: Date } = {}): Promise<BackupFile> {
  const destination = backupPathFor(sqlite.name, label, options.now);
  prepareBackup(sqlite.name, destination, options.freeSpace);
  const pending = pendingBackup(destination);
  let made: BackupFile;
  try {
    made = await backupDatabase(sqlite, pending.pendingPath, options.onProgress);
    keepBackup(pending);
  } catch (error) {
    discardBackup(pending);
    throw error;
  }
  await recordKeptBackup(sqlite.name, destination);
  return { ...made, path: destination };
}
