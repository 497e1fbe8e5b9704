// Files and folders only their owner may read: the database and its -wal/-shm, backups, exports, and the folders the
// app makes for them. Modes are set explicitly (0600 files, 0700 folders), never left to the process umask.
// On Windows Node's chmod sets only the read-only flag; there a file's privacy comes from the folder's inherited ACLs
// (the user-data folder under %APPDATA% grants only its user, SYSTEM and Administrators).
import fs from 'node:fs';
import path from 'node:path';
import { backupsFolderFor, exportsFolderFor } from './paths';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_FOLDER_MODE = 0o700;

/**
 * Creates the folders up to `folder` that are missing, each 0700. Folders already there are left as they are: a
 * database chosen with --db may live in a folder the person shares on purpose (their home, a project).
 */
export function createMissingFolders(folder: string): void {
  const first = fs.mkdirSync(folder, { recursive: true, mode: PRIVATE_FOLDER_MODE });
  if (first === undefined) return;
  // mkdir's mode passes through the umask, which can only take bits away; chmod says it outright.
  for (let dir = path.resolve(folder); ; dir = path.dirname(dir)) {
    fs.chmodSync(dir, PRIVATE_FOLDER_MODE);
    if (dir === path.resolve(first) || path.dirname(dir) === dir) break;
  }
}

/** A folder that belongs to the app (backups/, exports/, the user-data folder): created or tightened to 0700. */
export function privateFolder(folder: string): string {
  createMissingFolders(folder);
  fs.chmodSync(folder, PRIVATE_FOLDER_MODE);
  return folder;
}

/** Opens a new file for writing, 0600, failing when it exists (`wx`): the descriptor, for the caller to close. */
export function openNewPrivateFile(file: string): number {
  const fd = fs.openSync(file, 'wx', PRIVATE_FILE_MODE);
  try {
    fs.fchmodSync(fd, PRIVATE_FILE_MODE);
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
  return fd;
}

/** Creates an empty file, 0600, failing when it exists: for a file another writer (SQLite) fills in. */
export function createPrivateFile(file: string): void {
  fs.closeSync(openNewPrivateFile(file));
}

/** Tightens files already there to 0600 (missing ones are skipped): a database opened again, a copy just made. */
export function makePrivate(...files: string[]): void {
  for (const file of files) {
    try {
      fs.chmodSync(file, PRIVATE_FILE_MODE);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/**
 * When the app opens a file it has decided is its own: the file, its -wal and -shm (SQLite gives new ones the
 * file's mode), and its backups/ and exports/ folders, tightened to the owner alone. A file made by an earlier
 * version with the umask's 0644 becomes private at its next open; the files in those folders become unreachable to
 * others with the folder. Never called before startup has decided the file is ours: a refused file stays untouched.
 */
export function tightenDatabaseFiles(databasePath: string): void {
  makePrivate(databasePath, `${databasePath}-wal`, `${databasePath}-shm`, `${databasePath}-journal`);
  for (const folder of [backupsFolderFor(databasePath), exportsFolderFor(databasePath)]) {
    if (fs.existsSync(folder)) fs.chmodSync(folder, PRIVATE_FOLDER_MODE);
  }
}
