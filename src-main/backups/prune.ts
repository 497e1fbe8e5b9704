// The retention policy in force (app_meta, set by a system admin, audited as backup.policy_set) and pruning the store
// by it: on demand (previewed, then the previewed names removed) and after every new backup (never that backup). Every
// removal is audited (backup.pruned, with the names and sizes).
import path from 'node:path';
import { AppError } from '../../src-shared/errors';
import { backupPolicySchema, DEFAULT_BACKUP_POLICY, type BackupPolicy, type PruneBackupsInput, type PruneOutcome } from '../../src-shared/schemas/backups';
import { plural } from '../../src-shared/text';
import { recordAuditEvent, type AuditActor } from '../audit/record';
import { removeBackupFiles } from '../db/backup-record';
import { inImmediateTransaction, type AppDatabase } from '../db/connection';
import { readMeta, writeMeta } from '../db/meta';
import { log } from '../log';
import { backupsToPrune } from './retention';
import { listBackups } from './store';

/** The app_meta key the policy a system admin set is kept under (stored in users' files: its name never changes). */
export const META_BACKUP_POLICY = 'backup_policy';

/** The policy in force: the one a system admin set, else the default (a stored value this app cannot read counts as unset). */
export function readBackupPolicy(db: AppDatabase): BackupPolicy {
  const stored = backupPolicySchema.safeParse(readMeta<unknown>(db, META_BACKUP_POLICY));
  return stored.success ? stored.data : DEFAULT_BACKUP_POLICY;
}

/** Sets the policy, in one transaction with its audit event (the policy before and after). */
export function setBackupPolicy(db: AppDatabase, actor: AuditActor, policy: BackupPolicy): BackupPolicy {
  return inImmediateTransaction(db, (tx) => {
    const before = readBackupPolicy(tx);
    const at = Date.now();
    writeMeta(tx, META_BACKUP_POLICY, policy, at);
    recordAuditEvent(tx, { actor, action: 'backup.policy_set', businessId: null, details: { before, after: policy }, at });
    return readBackupPolicy(tx);
  });
}

/** What the policy would remove now (nothing is removed). */
export function previewPrune(db: AppDatabase, options: { protect?: ReadonlySet<string>; now?: number } = {}): PruneOutcome {
  const policy = readBackupPolicy(db);
  const backups = listBackups(db.path);
  const doomed = new Set(
    backupsToPrune(
      backups.map((backup) => ({ name: backup.name, createdAt: Date.parse(backup.createdAt), kind: backup.kind, schemaVersion: backup.schemaVersion })),
      policy,
      options.now ?? Date.now(),
      options.protect,
    ),
  );
  const removed = backups.filter((backup) => doomed.has(backup.name)).map((backup) => ({ name: backup.name, sizeBytes: backup.sizeBytes }));
  return { executed: false, removed, freedBytes: removed.reduce((sum, backup) => sum + backup.sizeBytes, 0), kept: backups.length - removed.length, policy };
}

/**
 * A prune asked for: `preview` removes nothing; `prune` removes the names the preview showed, refused (CONFLICT,
 * nothing removed) when the policy now picks others.
 */
export function pruneBackups(db: AppDatabase, actor: AuditActor, input: PruneBackupsInput): PruneOutcome {
  const preview = previewPrune(db);
  if (input.mode === 'preview') return preview;
  const planned = preview.removed.map((backup) => backup.name).sort();
  const expected = [...input.expectedNames].sort();
  if (planned.length !== expected.length || planned.some((name, i) => name !== expected[i])) {
    throw new AppError(
      'CONFLICT',
      `The backups to prune changed since the preview (the policy now removes ${plural(planned.length, 'backup')}); nothing was removed. Preview again.`,
    );
  }
  return removePlanned(db, actor, preview);
}

/** After a new backup: prunes by the policy, never `justMade`. Never throws: a prune that fails is logged, the backup stands. */
export function pruneAfterBackup(db: AppDatabase, justMade: string): PruneOutcome | null {
  try {
    const preview = previewPrune(db, { protect: new Set([path.basename(justMade)]) });
    return preview.removed.length === 0 ? preview : removePlanned(db, { kind: 'app', label: 'system' }, preview);
  } catch (error) {
    log.warn('[backups] pruning after a new backup failed', error);
    return null;
  }
}

function removePlanned(db: AppDatabase, actor: AuditActor, preview: PruneOutcome): PruneOutcome {
  const byName = new Map(listBackups(db.path).map((backup) => [backup.name, backup]));
  const removed: PruneOutcome['removed'] = [];
  for (const planned of preview.removed) {
    const backup = byName.get(planned.name);
    if (!backup) continue;
    removeBackupFiles(backup.file);
    removed.push(planned);
  }
  const freedBytes = removed.reduce((sum, backup) => sum + backup.sizeBytes, 0);
  if (removed.length > 0) {
    recordAuditEvent(db, {
      actor,
      action: 'backup.pruned',
      target: { type: 'file', id: null },
      businessId: null,
      details: { removed, freedBytes, policy: preview.policy },
    });
  }
  return { executed: true, removed, freedBytes, kept: preview.kept + (preview.removed.length - removed.length), policy: preview.policy };
}
