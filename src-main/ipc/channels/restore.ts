// backups.restorePreview and backups.restore: restoring a backup over the database, by system admins
// (src-main/backups/restore.ts; in the running app, src-main/app-restore.ts).
import { defaultMigrationsFolder } from '../../db/paths';
import { type ChannelDeps, type ContractHandlers } from './common';

export function restoreChannels({ reads, restore, migrationsFolder }: Pick<ChannelDeps, 'reads' | 'restore' | 'migrationsFolder'>): Pick<
  ContractHandlers,
  'backups.restorePreview' | 'backups.restore'
> {
  return {
    // The backup's integrity check reads the whole file: on a read worker, so the app's other calls go on meanwhile.
    'backups.restorePreview': (input, { actor }) =>
      reads.run('backups.restorePreview', { actor, scope: null }, { backup: input.backup, migrationsFolder: migrationsFolder ?? defaultMigrationsFolder() }),
    'backups.restore': (input, { actor }) => restore(input.backup, actor),
  };
}
