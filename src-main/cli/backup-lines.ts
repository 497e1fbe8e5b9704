// How the CLI and the app's log tell an operator about backups: what an open did with those a crash left pending, and
// the backups `info` lists (db/backup-files.ts knows them by name).
import type { BackupFileEntry, LeftoverBackups } from '../db/backup-files';
import { formatBytes, plural } from '../../src-shared/text';

/** One line per backup an earlier process left pending, saying what became of it and why. */
export function leftoverBackupLines(leftovers: LeftoverBackups): string[] {
  return [
    ...leftovers.removed.map(
      (backup) => `Removed ${backup.path} (${formatBytes(backup.bytes)}): a backup made for an operation that never committed (its process ended first).`,
    ),
    ...leftovers.kept.map((file) => `Kept ${file}: its operation committed before its process ended, so the backup took its name.`),
    ...leftovers.underWay.map((backup) => `Left ${backup.path}: process ${backup.pid} is still making it (its operation is under way).`),
  ];
}

/** `info`'s backups: how many and how large, and every one still pending with its reason. */
export function backupListLines(backups: readonly BackupFileEntry[]): string[] {
  const kept = backups.filter((backup) => backup.pending === null);
  const bytes = kept.reduce((sum, backup) => sum + backup.bytes, 0);
  return [
    `Backups:         ${plural(kept.length, 'backup')}${kept.length > 0 ? ` (${formatBytes(bytes)})` : ''}`,
    ...backups.flatMap((backup) =>
      backup.pending === null
        ? []
        : [
            `  - pending: ${backup.path} (${formatBytes(backup.bytes)}): ` +
              (backup.pending.alive
                ? `process ${backup.pending.pid} is making it for an operation under way`
                : `process ${backup.pending.pid} ended before its operation committed; the next open of the database settles it`),
          ],
    ),
  ];
}
