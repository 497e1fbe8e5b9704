// Restoring a backup over the database (backups.restorePreview, backups.restore): system administrators only. A
// backup is named by its file name, as the backups list shows it; main finds it among this database's backups and
// never takes a path from the renderer.
import { z } from 'zod';
import { countSchema } from './common';

/** A backup's file name: no folder in it. */
export const backupNameSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^/\\\p{Cc}]+$/u, 'must be the name of a backup as listed, without a folder')
  .refine((name) => name !== '.' && name !== '..', 'must be the name of a backup as listed, without a folder')
  .meta({ title: 'Backup' });

/** The phrase a person types to restore a backup: the CLI's, word for word. */
export function restoreConfirmation(backupName: string): string {
  return `restore ${backupName}`;
}

export const restorePreviewInput = z.strictObject({ backup: backupNameSchema });

const countsSchema = z.strictObject({ runs: countSchema, businesses: countSchema, orphans: countSchema, users: countSchema });

export const restorePreviewSchema = z.strictObject({
  backup: z.strictObject({
    name: z.string(),
    path: z.string(),
    /** When the backup was made, ISO 8601: as the backups list says (its record, else its name), else its file's time. */
    createdAt: z.string(),
    sizeBytes: countSchema,
    schemaVersion: countSchema,
    counts: countsSchema,
  }),
  current: z.strictObject({ path: z.string(), schemaVersion: countSchema, counts: countsSchema }),
  /** The schema version this app writes: a backup below it is migrated up as it is restored. */
  appSchemaVersion: countSchema,
  /** What to type to go ahead: `restore <backup name>`. */
  confirmation: z.string(),
});

export const restoreInput = z
  .strictObject({
    backup: backupNameSchema,
    /** Exactly `restore <backup name>`. */
    confirmation: z.string().max(300).meta({ title: 'Confirmation' }),
  })
  .superRefine((input, ctx) => {
    // A backup that is no name is refused on its own field; the phrase is asked for only of a name.
    if (!backupNameSchema.safeParse(input.backup).success) return;
    const phrase = restoreConfirmation(input.backup);
    if (input.confirmation !== phrase) ctx.addIssue({ code: 'custom', message: `must be exactly "${phrase}"`, path: ['confirmation'] });
  });

export const restoreResultSchema = z.strictObject({
  restored: z.strictObject({ name: z.string(), path: z.string(), schemaVersion: countSchema }),
  /** The backup of the database as it was just before: the way back. */
  previousBackupPath: z.string(),
  /** Migrated from the backup's schema to the app's when it opened; null when it was current. */
  migrated: z.strictObject({ from: countSchema, to: countSchema }).nullable(),
  /** Every session ended with the restore (the restored file has its own users): everyone signs in again. */
  sessionsEnded: countSchema,
});
