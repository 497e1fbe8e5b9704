// backups.*: the backup store (src-main/backups/), for system admins: the list, a check (on a read worker: it reads
// the whole file), the retention policy and pruning by it.
import { DEFAULT_BACKUP_POLICY } from '../../../src-shared/schemas/backups';
import { userAuditActor } from '../../audit/record';
import { pruneBackups, readBackupPolicy, setBackupPolicy } from '../../backups/prune';
import { backupsFolder, listBackups } from '../../backups/store';
import { type ChannelDeps, type HandlersOf } from './common';

type StoreChannel = 'backups.list' | 'backups.verify' | 'backups.prune' | 'backups.policy' | 'backups.setPolicy';

export function backupStoreChannels({ db, reads }: Pick<ChannelDeps, 'db' | 'reads'>): Pick<HandlersOf<'backups'>, StoreChannel> {
  return {
    'backups.list': () => {
      const backups = listBackups(db.path);
      return {
        folder: backupsFolder(db.path),
        backups,
        totalBytes: backups.reduce((sum, backup) => sum + backup.sizeBytes, 0),
        policy: readBackupPolicy(db),
        defaults: DEFAULT_BACKUP_POLICY,
      };
    },
    'backups.verify': (input, { actor }) => reads.run('backups.verify', { actor, scope: null }, input),
    'backups.prune': (input, { actor }) => pruneBackups(db, userAuditActor(actor), input),
    'backups.policy': () => ({ policy: readBackupPolicy(db), defaults: DEFAULT_BACKUP_POLICY }),
    'backups.setPolicy': (input, { actor }) => ({ policy: setBackupPolicy(db, userAuditActor(actor), input.policy), defaults: DEFAULT_BACKUP_POLICY }),
  };
}
