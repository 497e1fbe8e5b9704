// Room for a backup: before any backup is written, its folder must have space for a copy of the database and its WAL
// with a margin. Every backup maker calls ensureRoomForBackup first, so a full disk refuses the destructive step
// before anything is written instead of failing half-way.
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../src-shared/errors';
import { formatBytes } from '../../src-shared/text';

/** Free bytes an unprivileged process may use in the file system that holds `folder`. */
export type FreeSpace = (folder: string) => number;

export const freeSpaceOf: FreeSpace = (folder) => {
  const stats = fs.statfsSync(folder);
  return Number(stats.bavail) * Number(stats.bsize);
};

/** The margin kept free besides the copy: 64 MiB, or a tenth of the copy when that is more (the file may grow meanwhile). */
export function backupSpaceNeeded(databaseBytes: number): number {
  return databaseBytes + Math.max(64 * 1024 * 1024, Math.ceil(databaseBytes / 10));
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * Refuses (CONFLICT, naming the folder, the space needed and the space free) when the backups folder cannot hold a
 * copy of the database and its WAL with the margin. Writes nothing: a folder not made yet is measured where it will be.
 */
export function ensureRoomForBackup(databasePath: string, folder: string, freeSpace: FreeSpace = freeSpaceOf): void {
  const needed = backupSpaceNeeded(sizeOf(databasePath) + sizeOf(`${databasePath}-wal`));
  const free = freeSpace(fs.existsSync(folder) ? folder : path.dirname(folder));
  if (free >= needed) return;
  throw new AppError(
    'CONFLICT',
    `Not enough free disk space for a backup in ${folder}: it needs ${formatBytes(needed)} and ${formatBytes(free)} is free. ` +
      'Nothing was changed. Free some space (old backups can be pruned: Admin › Backups, or automation-console backups --prune) and try again.',
  );
}
