// A backup's record: `<backup>.json` beside the backup file, written once the backup has its name. It holds what the
// backup is (what made it, when, its schema version, size, the run/business/orphan counts read from the backup itself),
// its sha256 checksum, computed once here so that listing never reads a backup, and the outcome of its last check.
// It lives beside the backup, outside the live database, so it survives the live file being restored or replaced.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ORPHANS_OWNER, ownerRunsCondition } from '../tenancy/owner-sql';
import { backupKindOf, parseBackupName, syncDirectory } from './backup-files';
import { MIGRATIONS_TABLE, readAppliedHashes, tableExists } from './migrations';
import { openNewPrivateFile } from './private-files';
import { nativeBindingFor } from './connection';
import { runSqlJobInWorker } from './sql-worker';

export interface BackupCounts {
  runs: number;
  businesses: number;
  orphans: number;
}

export interface BackupCheck {
  /** ISO instant. */
  at: string;
  ok: boolean;
  problems: string[];
}

export interface BackupManifest {
  /** What made it: `schema`, `legacy`, `before-delete-orphans`, `before-assign-suggested`, `before-delete-business`, `job`. */
  kind: string;
  /** The label of its name, with the schema version, business id or revision (`schema-18`). */
  label: string;
  /** ISO instant the backup was made. */
  createdAt: string;
  /** The backup's schema version; null for a server-edition file. */
  schemaVersion: number | null;
  sizeBytes: number;
  counts: BackupCounts | null;
  /** sha256 of the file, hex. */
  checksum: string;
  lastCheck: BackupCheck | null;
}

export function manifestPathOf(backupFile: string): string {
  return `${backupFile}.json`;
}

/**
 * Reads a backup on a read-only connection, leaving the folder as it was: a backup of a WAL database is a WAL database
 * too, and SQLite makes its -wal and -shm files to read it, which a read-only connection does not remove when it closes.
 */
export function readBackupFile<T>(file: string, read: (sqlite: Database.Database) => T): T {
  const companions = [`${file}-wal`, `${file}-shm`].filter((companion) => !fs.existsSync(companion));
  const sqlite = new Database(file, { readonly: true, fileMustExist: true, nativeBinding: nativeBindingFor() });
  try {
    return read(sqlite);
  } finally {
    sqlite.close();
    for (const companion of companions) fs.rmSync(companion, { force: true });
  }
}

/** What a backup file holds: its schema version (null for a server-edition file) and its counts (null when unreadable). */
export function readBackupFacts(file: string): { schemaVersion: number | null; counts: BackupCounts | null; serverEdition: boolean } {
  return readBackupFile(file, (sqlite) => {
    const serverEdition = tableExists(sqlite, 'alembic_version');
    const schemaVersion = serverEdition ? null : readAppliedHashes(sqlite).length;
    return { schemaVersion, counts: serverEdition ? null : countsOf(sqlite), serverEdition };
  });
}

/** Runs, businesses and orphans, straight from the tables every schema version has: a backup's record, a restore's preview. */
const COUNT_SQL: Record<keyof BackupCounts, string> = {
  runs: 'SELECT count(*) FROM job_runs',
  businesses: 'SELECT count(*) FROM businesses',
  orphans: `SELECT count(*) FROM job_runs WHERE ${ownerRunsCondition(ORPHANS_OWNER).sql}`,
};
const COUNTED = Object.keys(COUNT_SQL) as (keyof BackupCounts)[];

export function countRunsAndOwners(sqlite: Database.Database): BackupCounts {
  const count = (key: keyof BackupCounts) => Number(sqlite.prepare(COUNT_SQL[key]).pluck().get());
  return { runs: count('runs'), businesses: count('businesses'), orphans: count('orphans') };
}

function countsOf(sqlite: Database.Database): BackupCounts | null {
  try {
    return countRunsAndOwners(sqlite);
  } catch {
    return null;
  }
}

const CHUNK = 4 * 1024 * 1024;

/** sha256 of a file, hex, read in chunks off the event loop's way. */
export async function sha256OfFile(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: CHUNK })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The same, synchronously (a check on a read worker). */
export function sha256OfFileSync(file: string): string {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (let read = fs.readSync(fd, buffer); read > 0; read = fs.readSync(fd, buffer)) hash.update(buffer.subarray(0, read));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/** What a backup's record says of its file. */
export interface BackupFileFacts {
  schemaVersion: number | null;
  counts: BackupCounts | null;
  sizeBytes: number;
  checksum: string;
}

/** What tells that a file's bytes are still those read when it was taken: its size, modification time and inode. */
export interface FileStamp {
  size: number;
  mtimeNs: bigint;
  ino: bigint;
}

export function fileStamp(file: string): FileStamp {
  const stat = fs.statSync(file, { bigint: true });
  return { size: Number(stat.size), mtimeNs: stat.mtimeNs, ino: stat.ino };
}

/**
 * The facts of a server-edition file kept as a backup (no schema version of this app, no counts) from its checksum, read
 * when the file had `stamp`: null when the file at `file` is not that one, unchanged (a copy has another inode, a write
 * another time), so that its record reads them itself.
 */
export function serverEditionFactsIfUnchanged(file: string, read: { checksum: string; stamp: FileStamp }): BackupFileFacts | null {
  const now = fileStamp(file);
  const unchanged = now.size === read.stamp.size && now.mtimeNs === read.stamp.mtimeNs && now.ino === read.stamp.ino;
  return unchanged ? { schemaVersion: null, counts: null, sizeBytes: now.size, checksum: read.checksum } : null;
}

async function readFileFacts(file: string): Promise<BackupFileFacts> {
  const { schemaVersion, counts } = readBackupFacts(file);
  return { schemaVersion, counts, sizeBytes: fs.statSync(file).size, checksum: await sha256OfFile(file) };
}

/**
 * The facts of a backup of this app's schema (one made for an operation on the open database), read on a worker thread
 * from the moment the file is complete: its checksum and counts take a second core while the operation writes, instead
 * of the time after it (0.1-0.2 s for an 80 MB file). Null when the worker could not read them: the record then reads
 * them itself. The file must keep its name until this settles (the -wal and -shm files SQLite makes to read it are
 * removed here, as readBackupFile does).
 */
export function readBackupFileFactsInWorker(file: string): Promise<BackupFileFacts | null> {
  const companions = [`${file}-wal`, `${file}-shm`].filter((companion) => !fs.existsSync(companion));
  const steps = [`SELECT count(*) FROM "${MIGRATIONS_TABLE}"`, ...COUNTED.map((key) => COUNT_SQL[key])].map((sql) => ({ kind: 'get' as const, sql }));
  const facts = runSqlJobInWorker({ file, readonly: true, sha256: true, steps }).then(({ results, digest }) => {
    const [applied, ...counted] = results.map((row) => Number(Object.values(row as Record<string, unknown>)[0]));
    const counts = Object.fromEntries(COUNTED.map((key, i) => [key, counted[i]])) as unknown as BackupCounts;
    if (digest === null || applied === undefined) return null;
    return { schemaVersion: applied, counts, sizeBytes: fs.statSync(file).size, checksum: digest };
  });
  return facts
    .catch(() => null)
    .finally(() => {
      for (const companion of companions) fs.rmSync(companion, { force: true });
    });
}

/**
 * Records a kept backup of the database at `databasePath`: reads its facts and checksum (unless given, read while it had
 * its pending name) and writes `<file>.json`. Every backup maker calls it once the backup has its name; it was made at
 * the time its name carries.
 */
export async function recordBackup(databasePath: string, file: string, known: BackupFileFacts | null = null): Promise<BackupManifest> {
  const parsed = parseBackupName(databasePath, file);
  const label = parsed?.label ?? 'unknown';
  const createdAt = parsed?.createdAt ?? new Date();
  const facts = known ?? (await readFileFacts(file));
  const manifest: BackupManifest = {
    kind: backupKindOf(label),
    label,
    createdAt: createdAt.toISOString(),
    schemaVersion: facts.schemaVersion,
    sizeBytes: facts.sizeBytes,
    counts: facts.counts,
    checksum: facts.checksum,
    lastCheck: null,
  };
  writeManifest(file, manifest);
  return manifest;
}

/** The record of a backup, or null when it has none (an older backup, or one whose record a crash cut short). */
export function readManifest(backupFile: string): BackupManifest | null {
  let text: string;
  try {
    text = fs.readFileSync(manifestPathOf(backupFile), 'utf8');
  } catch {
    return null;
  }
  try {
    const value = JSON.parse(text) as Partial<BackupManifest>;
    return typeof value.checksum === 'string' && typeof value.kind === 'string' && typeof value.createdAt === 'string'
      ? ({ lastCheck: null, counts: null, schemaVersion: null, ...value } as BackupManifest)
      : null;
  } catch {
    return null;
  }
}

/** Writes a record whole or not at all: a private temporary file, synced, renamed over the record. */
export function writeManifest(backupFile: string, manifest: BackupManifest): void {
  const target = manifestPathOf(backupFile);
  const temporary = `${target}.tmp-${process.pid}`;
  fs.rmSync(temporary, { force: true });
  const fd = openNewPrivateFile(temporary);
  try {
    fs.writeFileSync(fd, `${JSON.stringify(manifest, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, target);
  syncDirectory(path.dirname(target));
}

/** Removes a backup and its record. */
export function removeBackupFiles(backupFile: string): void {
  fs.rmSync(backupFile, { force: true });
  fs.rmSync(manifestPathOf(backupFile), { force: true });
}
