// maintenance.backup: an online backup of the live database into the backups folder beside it, under its pending name
// until it is complete (a crash leaves no file that looks like a good backup; the next open removes it).
import fs from 'node:fs';
import { backupDatabase } from '../../db/backup';
import { discardBackup, jobBackupPath, keepBackup, pendingBackup } from '../../db/backup-files';
import { privateFolder } from '../../db/private-files';
import type { BACKUP, ParamsOf } from '../catalog';
import type { JobHandler } from '../context';

// SQLite creates the backup file only once the copy begins, so names chosen but not yet on disk are held here.
const reserved = new Set<string>();

/** `automation-2026-03-01T02-00-00-000Z.db`; another backup in the same millisecond gets `-2`, `-3`, … */
function reserveBackupFile(folder: string, now: Date): string {
  const taken = (file: string) => reserved.has(file) || fs.existsSync(file);
  let candidate = jobBackupPath(folder, now, 1);
  for (let n = 2; taken(candidate); n++) candidate = jobBackupPath(folder, now, n);
  reserved.add(candidate);
  return candidate;
}

export const runBackup: JobHandler<ParamsOf<typeof BACKUP>> = async (ctx, _params, signal) => {
  const started = Date.now();
  signal.throwIfAborted();
  privateFolder(ctx.backupsFolder);
  const destination = reserveBackupFile(ctx.backupsFolder, ctx.now());
  const pending = pendingBackup(destination);
  ctx.reportProgress(0, 'Starting the backup');
  try {
    // Throwing from the progress callback stops SQLite's backup between steps.
    const { bytes } = await backupDatabase(ctx.db.sqlite, pending.pendingPath, ({ copiedPages, totalPages }) => {
      signal.throwIfAborted();
      ctx.reportProgress(totalPages === 0 ? 0 : copiedPages / totalPages, `Copied ${copiedPages} of ${totalPages} pages`);
    });
    keepBackup(pending);
    ctx.reportProgress(1, 'Backup written');
    return { path: destination, bytes, durationMs: Date.now() - started };
  } catch (error) {
    // A half-written backup must not look like a good one.
    discardBackup(pending);
    throw error;
  } finally {
    reserved.delete(destination);
  }
};
