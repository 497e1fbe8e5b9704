// maintenance.backup: an online backup of the live database into the backup store beside it (`backups/job-<stamp>.db`,
// recorded), under its pending name until it is complete (a crash leaves no file that looks like a good backup; the
// next open removes it); then the retention policy prunes the store, never this backup.
import { pruneAfterBackup } from '../../backups/prune';
import { backUpNow } from '../../backups/store';
import type { BACKUP, ParamsOf } from '../catalog';
import type { JobHandler } from '../context';

export const runBackup: JobHandler<ParamsOf<typeof BACKUP>> = async (ctx, _params, signal) => {
  const started = Date.now();
  signal.throwIfAborted();
  ctx.reportProgress(0, 'Starting the backup');
  // Throwing from the progress callback stops SQLite's backup between steps; the half-made file is removed.
  const { path, bytes } = await backUpNow(ctx.db.sqlite, 'job', {
    now: ctx.now(),
    onProgress: ({ copiedPages, totalPages }) => {
      signal.throwIfAborted();
      ctx.reportProgress(totalPages === 0 ? 0 : copiedPages / totalPages, `Copied ${copiedPages} of ${totalPages} pages`);
    },
  });
  ctx.reportProgress(1, 'Backup written');
  pruneAfterBackup(ctx.db, path);
  return { path, bytes, durationMs: Date.now() - started };
};
