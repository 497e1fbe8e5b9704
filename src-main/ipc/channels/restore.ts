// backups.restorePreview and backups.restore: restoring a backup over the database, by system admins
// (src-main/backups/restore.ts; in the running app, src-main/app-restore.ts).
import { backupToRestore, previewRestore } from '../../backups/restore-preview';
import { loadMigrations } from '../../db/migrations';
import { defaultMigrationsFolder } from '../../db/paths';
import { type ChannelDeps, type ContractHandlers } from './common';

export function restoreChannels({ db, restore, migrationsFolder }: Pick<ChannelDeps, 'db' | 'restore' | 'migrationsFolder'>): Pick<
  ContractHandlers,
  'backups.restorePreview' | 'backups.restore'
> {
  return {
    'backups.restorePreview': (input) =>
      previewRestore(db, backupToRestore(db.path, input.backup), loadMigrations(migrationsFolder ?? defaultMigrationsFolder())),
    'backups.restore': (input, { actor }) => restore(input.backup, actor),
  };
}
