// Putting a restored file in the database's place, so that a process killed at any moment leaves either the old
// file or the restored one, never a mix. The restored file is first written whole beside the database under a name
// of its own (`automation.db.restoring-<pid>`) and made durable; then, holding SQLite's exclusive lock on the live
// file (no other connection can read or write it), every WAL frame is checkpointed into the file and the WAL is
// removed by leaving WAL mode, so no -wal can ever be applied to the restored file; the stale -shm goes; and one
// rename puts the restored file in place (atomic on POSIX), made durable by syncing the folder. The restored file is
// held under its own exclusive lock across the rename, so nothing opens it before the old file is let go.
//
// Windows: a file that is open cannot be renamed, nor renamed over, so there both locks are let go just before the
// rename (MoveFileEx with MOVEFILE_REPLACE_EXISTING, atomic on NTFS within one volume); a program that opened the
// database in that instant would hold the old file, and its -wal could then meet the restored file.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../../src-shared/errors';
import { processAlive, syncDirectory } from './backup-files';
import { nativeBindingFor } from './connection';

/** The name the restored file has beside the database until the rename that puts it in place. */
export function restoringPathFor(databasePath: string, pid: number = process.pid): string {
  return `${databasePath}.restoring-${pid}`;
}

/** How long a restore waits for another connection to let go of the file before it says the file is in use. */
const LOCK_WAIT_MS = 1000;

export const DATABASE_IN_USE_MESSAGE =
  'The database is open in another program (the app, or another command): close it first, then restore. Nothing was changed.';

/**
 * Takes SQLite's exclusive lock on the file: while `work` runs, no other connection, in this process or another, can
 * read or write it. CONFLICT when another connection has it open (every connection to a WAL database holds a shared
 * lock on it for as long as it is open, so an exclusive lock is had only when none is).
 */
export function withExclusiveLock<T>(file: string, nativeBinding: string | undefined, work: (sqlite: Database.Database) => T): T {
  const sqlite = new Database(file, { fileMustExist: true, timeout: LOCK_WAIT_MS, nativeBinding: nativeBindingFor(nativeBinding) });
  try {
    try {
      sqlite.pragma('locking_mode = EXCLUSIVE');
      sqlite.exec('BEGIN EXCLUSIVE; COMMIT');
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new AppError('CONFLICT', DATABASE_IN_USE_MESSAGE);
      throw error;
    }
    return work(sqlite);
  } finally {
    if (sqlite.open) sqlite.close();
  }
}

/** Refuses (CONFLICT) while another connection has the file open; takes and lets go of the exclusive lock. */
export function refuseWhileOpenElsewhere(file: string, nativeBinding?: string): void {
  withExclusiveLock(file, nativeBinding, () => undefined);
}

/**
 * Puts `restoredFile` (complete, durable, in a rollback journal mode, beside the database) in the database's place.
 * The caller has closed its own connections; CONFLICT (nothing changed) when any other is still open.
 */
export function swapInRestoredFile(databasePath: string, restoredFile: string, nativeBinding?: string): void {
  if (path.dirname(path.resolve(restoredFile)) !== path.dirname(path.resolve(databasePath))) {
    throw new Error('A restored file must be written beside the database, so that one rename puts it in place');
  }
  withExclusiveLock(databasePath, nativeBinding, (live) => {
    // Every commit into the file itself, then out of WAL mode, which removes the -wal under this lock (the switch
    // is journaled like any write). In exclusive locking mode the -journal is kept with its header zeroed, never hot.
    const [checkpoint] = live.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (checkpoint && checkpoint.busy !== 0) throw new AppError('CONFLICT', DATABASE_IN_USE_MESSAGE);
    live.pragma('journal_mode = DELETE');
    for (const suffix of ['-wal', '-shm']) fs.rmSync(`${databasePath}${suffix}`, { force: true });
    // The restored file is locked before it takes the name, until the old one is let go: letting go removes the old
    // file's -journal by name, which no connection to the restored file can have made meanwhile.
    withExclusiveLock(restoredFile, nativeBinding, (restored) => {
      if (process.platform === 'win32') [restored, live].forEach((sqlite) => sqlite.close());
      fs.renameSync(restoredFile, databasePath);
      syncDirectory(path.dirname(databasePath));
      if (live.open) live.close();
    });
  });
}

/**
 * At open: restored files a killed restore left beside the database before its rename (their process is gone). The
 * database is the old file then, whole; the half-way copy goes. Returns the paths removed.
 */
export function removeLeftoverRestores(databasePath: string): string[] {
  const dir = path.dirname(databasePath);
  const prefix = `${path.basename(databasePath)}.restoring-`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = name.startsWith(prefix) ? /^(\d+)(-journal|-wal|-shm)?$/.exec(name.slice(prefix.length)) : null;
    if (!match || processAlive(Number(match[1]))) continue;
    fs.rmSync(path.join(dir, name), { force: true });
    removed.push(path.join(dir, name));
  }
  return removed;
}
