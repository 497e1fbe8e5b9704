// The backups of the database (docs/database.md#backups): what the store lists, a check's outcome, the retention
// policy and a prune. System admins only (the `backups.manage` action).
import { z } from 'zod';
import { plural } from '../text';

/** The longest history the policy may keep by count, and by age in days. */
export const MAX_KEEP_LAST = 1000;
export const MAX_KEEP_DAYS = 3650;

export const backupPolicySchema = z.strictObject({
  /** The newest backups kept whatever their age. */
  keepLast: z.number().int().min(1).max(MAX_KEEP_LAST).meta({ title: 'Backups kept' }),
  /** Backups younger than this many days are kept whatever their number; 0 keeps by count alone. */
  keepDays: z.number().int().min(0).max(MAX_KEEP_DAYS).meta({ title: 'Days kept' }),
});
export type BackupPolicy = z.output<typeof backupPolicySchema>;

/**
 * Where no system admin set one: the last 10, and everything of the last 7 days. A burst of backups (dozens of orphan
 * deletes in an afternoon) stays a week, enough to notice a mistake after a weekend; beyond that at most 10 copies of
 * the file remain (3.4 GB for a 340 MB database of a million runs), whatever the app does every day.
 */
export const DEFAULT_BACKUP_POLICY: BackupPolicy = { keepLast: 10, keepDays: 7 };

/** How a policy reads, in the app and the CLI: "keep the last 10 backups and every backup of the last 7 days, …". */
export function describePolicy(policy: BackupPolicy): string {
  const days = policy.keepDays === 0 ? '' : ` and every backup of the last ${plural(policy.keepDays, 'day')}`;
  return `keep the last ${plural(policy.keepLast, 'backup')}${days}, and always one of each schema version`;
}

const backupCountsSchema = z.strictObject({ runs: z.number().int(), businesses: z.number().int(), orphans: z.number().int() });

export const backupCheckSchema = z.strictObject({ at: z.string(), ok: z.boolean(), problems: z.array(z.string()) });

export const backupRecordSchema = z.strictObject({
  /** Where it is. */
  file: z.string(),
  /** Its file name, which says what made it and when. */
  name: z.string(),
  /** What made it: schema (a migration), legacy (an adoption), before-delete-orphans, before-assign-suggested, before-delete-business, job. */
  kind: z.string(),
  /** ISO instant. */
  createdAt: z.string(),
  schemaVersion: z.number().int().nullable(),
  sizeBytes: z.number().int(),
  counts: backupCountsSchema.nullable(),
  /** sha256, hex; null for a backup without a record (one made by an earlier version). */
  checksum: z.string().nullable(),
  /** It has its record (backups/<name>.json). */
  recorded: z.boolean(),
  /** The outcome of its last check, when it was checked. */
  lastCheck: backupCheckSchema.nullable(),
});
export type BackupRecordView = z.output<typeof backupRecordSchema>;

/** backups.list: every backup, newest first, their total size, the folder, and the policy in force. */
export const backupListSchema = z.strictObject({
  folder: z.string(),
  backups: z.array(backupRecordSchema),
  totalBytes: z.number().int(),
  policy: backupPolicySchema,
  defaults: backupPolicySchema,
});

const backupName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^/\\]+$/, { message: 'must be a backup’s file name, without a folder' })
  .meta({ title: 'Backup' });

export const verifyBackupInput = z.strictObject({ name: backupName });
export const backupVerificationSchema = z.strictObject({ name: z.string(), ok: z.boolean(), problems: z.array(z.string()), at: z.string() });

/**
 * backups.prune: `preview` says what the policy would remove and removes nothing; otherwise the names the preview
 * showed are removed, and a prune whose plan changed since (a new backup, a policy change) is refused (CONFLICT).
 */
export const pruneBackupsInput = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('preview') }),
  z.strictObject({ mode: z.literal('prune'), expectedNames: z.array(backupName).max(10_000) }),
]);
export type PruneBackupsInput = z.output<typeof pruneBackupsInput>;

export const pruneOutcomeSchema = z.strictObject({
  executed: z.boolean(),
  removed: z.array(z.strictObject({ name: z.string(), sizeBytes: z.number().int() })),
  freedBytes: z.number().int(),
  kept: z.number().int(),
  policy: backupPolicySchema,
});
export type PruneOutcome = z.output<typeof pruneOutcomeSchema>;

export const setBackupPolicyInput = z.strictObject({ policy: backupPolicySchema });
export const backupPolicyViewSchema = z.strictObject({ policy: backupPolicySchema, defaults: backupPolicySchema });
