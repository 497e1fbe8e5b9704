// Backups of the database file: SQLite's online backup API (consistent while others read), or, right before a
// destructive change, a plain copy of the file taken under the change's own write lock (backUpThenWrite). A backup made
// for an operation keeps its pending name until the operation commits (backup-files.ts), and is recorded once it has
// its name (backup-record.ts). Every maker first checks that the backups folder has room for it (backup-space.ts).
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { log } from '../log';
import { discardBackup, keepBackup, pendingBackup, type PendingBackup } from './backup-files';
import { readBackupFileFactsInWorker, recordBackup, type BackupFileFacts } from './backup-record';
import { ensureRoomForBackup, type FreeSpace } from './backup-space';
import { inImmediateTransaction, openTransactionOf, type AppDatabase, type InTransaction } from './connection';
import { createPrivateFile, makePrivate, privateFolder } from './private-files';

export interface BackupProgress {
  copiedPages: number;
  totalPages: number;
}

export interface BackupFile {
  path: string;
  bytes: number;
  /** 'online': SQLite's backup API; 'file copy': the file copied under the write lock (backUpThenWrite). */
  method: 'online' | 'file copy';
}

export async function backupDatabase(
  sqlite: Database.Database,
  destination: string,
  onProgress?: (progress: BackupProgress) => void,
): Promise<BackupFile> {
  refuseExisting(destination);
  // Created private before SQLite writes a page into it (an empty file is an empty database to SQLite).
  createPrivateFile(destination);
  try {
    await sqlite.backup(destination, {
      progress({ totalPages, remainingPages }) {
        onProgress?.({ copiedPages: totalPages - remainingPages, totalPages });
        return 4096;
      },
    });
  } catch (error) {
    // A half-written backup must not look like a good one.
    fs.rmSync(destination, { force: true });
    throw error;
  }
  return { path: destination, bytes: fs.statSync(destination).size, method: 'online' };
}

/** What every backup maker may be given: its progress, and (in tests) how the free space is measured. */
export interface BackupMakerOptions {
  onProgress?: (progress: BackupProgress) => void;
  freeSpace?: FreeSpace;
}

/**
 * Before anything is written for a backup of the database at `databasePath` into `destination`'s folder: no backup
 * there under that name, and room for it (else CONFLICT, and nothing was written); then the folder is made (0700).
 */
export function prepareBackup(databasePath: string, destination: string, freeSpace?: FreeSpace): void {
  refuseExisting(destination);
  ensureRoomForBackup(databasePath, path.dirname(destination), freeSpace);
  privateFolder(path.dirname(destination));
}

/**
 * Records a backup that has its name (backup-record.ts). The backup stands whatever happens here: a record that cannot
 * be written is logged, and the backup is listed as unrecorded.
 */
export async function recordKeptBackup(databasePath: string, file: string, facts: BackupFileFacts | null = null): Promise<void> {
  try {
    await recordBackup(databasePath, file, facts);
  } catch (error) {
    log.warn(`[backups] ${file} was kept but could not be recorded`, error);
  }
}

/**
 * An online backup for the operation that follows it (migrating, deleting a business): written under its pending
 * name, kept as `destination` once `operation` returns, removed when it throws. A crash in between leaves it pending,
 * for the next open to settle (settleLeftoverBackups). An operation whose failure should name the backup returns it.
 */
export async function backUpBefore<T>(
  sqlite: Database.Database,
  destination: string,
  operation: (backup: BackupFile) => T | Promise<T>,
  options: BackupMakerOptions = {},
): Promise<{ backup: BackupFile; result: T }> {
  prepareBackup(sqlite.name, destination, options.freeSpace);
  const pending = pendingBackup(destination);
  const backup = { ...(await backupDatabase(sqlite, pending.pendingPath, options.onProgress)), path: destination };
  let result: T;
  try {
    result = await operation(backup);
  } catch (error) {
    discardBackup(pending);
    throw error;
  }
  keepBackup(pending);
  await recordKeptBackup(sqlite.name, destination);
  return { backup, result };
}

export function refuseExisting(destination: string): void {
  if (fs.existsSync(destination)) throw existingBackupError(destination);
}

function existingBackupError(destination: string, cause?: unknown): Error {
  return new Error(`Refusing to overwrite an existing backup: ${destination}`, cause === undefined ? undefined : { cause });
}

/** Flushes a file's contents to disk (a copy made with copyFileSync is not durable until then). */
export function syncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export interface BackUpThenWriteOptions extends BackupMakerOptions {
  /**
   * Runs its argument in one transaction that takes the write lock when it begins (BEGIN IMMEDIATE). Default:
   * inImmediateTransaction; adoption passes one with foreign keys off.
   */
  transaction?: <R>(work: () => R) => R;
}

/**
 * Backs the database up, then runs `write` in one immediate transaction, for a destructive change: the backup
 * holds exactly what the change starts from. The fast way copies the file itself inside that transaction, under
 * its write lock, after everything committed is in the file (in WAL mode: every WAL frame checkpointed into it,
 * and no other connection has committed since); copying 367 MB this way takes about a fifth of the online
 * backup API's time. When that cannot be vouched for (a reader keeps the checkpoint from finishing, another
 * connection commits in between, the copy fails), it backs up with the online backup API first, as before, and
 * then runs `write`. Either backup is a complete database file that opens on its own (no -wal file needed). It has
 * its pending name until `write` commits, and is removed when `write` throws (backup-files.ts).
 */
export async function backUpThenWrite<T>(
  db: AppDatabase,
  destination: string,
  write: (backup: BackupFile, tx: InTransaction) => T,
  options: BackUpThenWriteOptions = {},
): Promise<{ backup: BackupFile; result: T }> {
  prepareBackup(db.path, destination, options.freeSpace);
  const pending = pendingBackup(destination);
  const facts: BackupFacts = { reading: null };
  let done: { backup: BackupFile; result: T };
  try {
    done = await copyThenWrite(db, pending, write, options, facts);
  } catch (error) {
    // Its facts' worker lets go of the file before it goes.
    await facts.reading;
    discardBackup(pending);
    throw error;
  }
  // Read on a second core while `write` ran; renamed only once the worker has let go of the pending name.
  const known = await facts.reading;
  keepBackup(pending);
  await recordKeptBackup(db.path, destination, known);
  return { backup: { ...done.backup, path: destination }, result: done.result };
}

/** The backup's facts, read on a worker from the moment the backup is complete (readBackupFileFactsInWorker). */
interface BackupFacts {
  reading: Promise<BackupFileFacts | null> | null;
}

/** backUpThenWrite's two ways, writing the backup under its pending name; `write` is told the name it will keep. */
async function copyThenWrite<T>(
  db: AppDatabase,
  pending: PendingBackup,
  write: (backup: BackupFile, tx: InTransaction) => T,
  options: BackUpThenWriteOptions,
  facts: BackupFacts,
): Promise<{ backup: BackupFile; result: T }> {
  const { pendingPath: file, path: destination } = pending;
  const transaction = options.transaction ?? (<R>(work: () => R): R => inImmediateTransaction(db, work));
  const writeAfterBackup = (backup: BackupFile): T => {
    facts.reading = readBackupFileFactsInWorker(file);
    return write({ ...backup, path: destination }, openTransactionOf(db));
  };
  const ready = readyToCopyFile(db.sqlite);
  if (ready) {
    let backup: BackupFile | null = null;
    const result = transaction(() => {
      backup = copyFileUnderWriteLock(db, ready, file, options.onProgress);
      // Nothing was written: this transaction commits empty, and the online backup below takes over.
      return backup ? writeAfterBackup(backup) : null;
    });
    if (backup) return { backup, result: result as T };
  }
  const backup = await backupDatabase(db.sqlite, file, options.onProgress);
  return { backup, result: transaction(() => writeAfterBackup(backup)) };
}

/** What the file held when it was checkpointed: the connection's data_version then. */
interface ReadyToCopy {
  dataVersion: number;
}

/**
 * Before the transaction: in WAL mode, checkpoints so the file itself holds every commit. Null when it could
 * not (a reader of an older snapshot keeps frames in the WAL); PASSIVE never waits for one.
 */
function readyToCopyFile(sqlite: Database.Database): ReadyToCopy | null {
  if (sqlite.inTransaction || sqlite.memory) return null;
  if (sqlite.pragma('journal_mode', { simple: true }) === 'wal') {
    const [result] = sqlite.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    if (!result || result.busy !== 0 || result.log !== result.checkpointed) return null;
  }
  return { dataVersion: Number(sqlite.pragma('data_version', { simple: true })) };
}

/**
 * Inside the write transaction, before it writes: copies the file when it still holds every commit. No other
 * connection committed since readyToCopyFile (data_version unchanged), so the WAL holds no frame the file lacks;
 * this connection holds the write lock, so none can commit (nor checkpoint anything new) until it ends. In
 * rollback-journal mode the write lock alone keeps others from writing to the file. Null when the copy cannot be
 * vouched for or fails; a partial copy is removed.
 */
function copyFileUnderWriteLock(
  db: AppDatabase,
  ready: ReadyToCopy,
  destination: string,
  onProgress: ((progress: BackupProgress) => void) | undefined,
): BackupFile | null {
  if (Number(db.sqlite.pragma('data_version', { simple: true })) !== ready.dataVersion) return null;
  onProgress?.({ copiedPages: 0, totalPages: 1 });
  try {
    // COPYFILE_FICLONE: a copy-on-write clone where the file system has them (APFS, Btrfs, XFS), else a copy.
    fs.copyFileSync(db.path, destination, fs.constants.COPYFILE_EXCL | fs.constants.COPYFILE_FICLONE);
    // A copy takes the database's mode, private since it was opened; said outright all the same.
    makePrivate(destination);
    // As durable as the online backup (its connection syncs when it finishes) before the change can commit.
    syncFile(destination);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw existingBackupError(destination, error);
    fs.rmSync(destination, { force: true });
    return null;
  }
  onProgress?.({ copiedPages: 1, totalPages: 1 });
  return { path: destination, bytes: fs.statSync(destination).size, method: 'file copy' };
}
