// maintenance.backup: an online backup of the live database into the backups folder beside it.
import fs from 'node:fs';
import path from 'node:path';
import { backupDatabase } from '../../db/backup';
import { privateFolder } from '../../db/private-files';
import type { BACKUP, ParamsOf } from '../catalog';
import type { JobHandler } from '../context';

// SQLite creates the backup file only once the copy begins, so names chosen but not yet on disk are held here.
const reserved = new Set<string>();

/** `automation-2026-03-01T02-00-00-000Z.db`; another backup in the same millisecond gets `-2`, `-3`, … */
function reserveBackupFile(folder: string, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const taken = (file: string) => reserved.has(file) || fs.existsSync(file);
  let candidate = path.join(folder, `automation-${stamp}.db`);
  for (let n = 2; taken(candidate); n++) candidate = path.join(folder, `automation-${stamp}-${n}.db`);
  reserved.add(candidate);
  return candidate;
}

export const runBackup: JobHandler<ParamsOf<typeof BACKUP>> = async (ctx, _params, signal) => {
  const started = Date.now();
  signal.throwIfAborted();
  privateFolder(ctx.backupsFolder);
  const destination = reserveBackupFile(ctx.backupsFolder, ctx.now());
  ctx.reportProgress(0, 'Starting the backup');
  try {
    // Throwing from the progress callback stops SQLite's backup between steps.
    const { bytes } = await backupDatabase(ctx.db.sqlite, destination, ({ copiedPages, totalPages }) => {
      signal.throwIfAborted();
      ctx.reportProgress(totalPages === 0 ? 0 : copiedPages / totalPages, `Copied ${copiedPages} of ${totalPages} pages`);
    });
    ctx.reportProgress(1, 'Backup written');
    return { path: destination, bytes, durationMs: Date.now() - started };
  } catch (error) {
    // A half-written backup must not look like a good one.
    fs.rmSync(destination, { force: true });
    throw error;
  } finally {
    reserved.delete(destination);
  }
};
