// `restore <backup>`: the preview (the backup against the current file), the typed confirmation, then the restore
// (src-main/backups/restore.ts) and the normal open of the restored file, which migrates an older backup.
import fs from 'node:fs';
import { formatBytes } from '../../../src-shared/text';
import { backupToRestore, previewRestore, type DatabaseCounts, type RestorePreview } from '../../backups/restore-preview';
import { restoreFromBackup } from '../../backups/restore';
import { loadMigrations } from '../../db/migrations';
import { defaultMigrationsFolder } from '../../db/paths';
import { refuseWhileOpenElsewhere } from '../../db/restore-swap';
import { CLI_ACTOR, confirmChange } from '../confirm-change';
import type { Command } from '../context';
import { ExitCode, UsageError } from '../exit-codes';
import { databaseLocation, openDatabaseForCommand, withDatabase } from '../open-database';

export const restoreCommand: Command = async (context) => {
  const named = context.args.backup;
  if (!named) throw new UsageError(`Name the backup to restore: ${context.command} restore <backup> (its name, as backups lists it, or a path).`);
  const { nativeBinding } = context.host;
  const location = databaseLocation(context);
  // Before anything is opened or written: the app (or another command) must not have the file open.
  if (fs.existsSync(location.path)) refuseWhileOpenElsewhere(location.path, nativeBinding);
  const { db } = await openDatabaseForCommand(context);
  const migrations = loadMigrations(defaultMigrationsFolder());
  let result;
  try {
    const file = backupToRestore(db.path, named, { allowPath: true });
    const preview = previewRestore(db, file, migrations, nativeBinding);
    for (const line of previewLines(preview)) context.say(line);
    if ((await confirmChange(context, preview.confirmation)) === 'preview_only') {
      context.print({ executed: false, preview }, ['Nothing was changed. To restore it, run again with --yes.']);
      return ExitCode.ok;
    }
    result = await context.withProgress((onProgress) =>
      restoreFromBackup(db, file, { actor: CLI_ACTOR, migrations, nativeBinding, onProgress, closeConnections: () => db.close() }),
    );
  } finally {
    db.close();
  }
  // The normal open: an older backup is migrated here, with its own backup first.
  const { report } = await withDatabase(context, (opened) => opened);
  const migrated = report.migrated && { from: report.migrated.from, to: report.migrated.to };
  context.print({ executed: true, ...result, migrated }, [
    `Restored ${result.restored.name} over ${db.path}${migrated ? ` and migrated it from schema ${migrated.from} to ${migrated.to}` : ''}.`,
    `Backup of the file as it was before: ${result.previousBackupPath}`,
  ]);
  return ExitCode.ok;
};

function previewLines(preview: RestorePreview): string[] {
  const { backup, current } = preview;
  const row = (label: string, a: string, b: string) => `  ${label.padEnd(16)}${a.padEnd(24)}${b}`;
  const counts = (key: keyof DatabaseCounts) => row(key[0]!.toUpperCase() + key.slice(1), count(backup.counts[key]), count(current.counts[key]));
  return [
    `Restore ${backup.name} (${formatBytes(backup.sizeBytes)}, written ${backup.createdAt}) over ${current.path}:`,
    row('', 'the backup', 'the current file'),
    row('Schema version', String(backup.schemaVersion), String(current.schemaVersion)),
    counts('runs'),
    counts('businesses'),
    counts('orphans'),
    counts('users'),
    ...(backup.schemaVersion < preview.appSchemaVersion
      ? [`The backup is at schema ${backup.schemaVersion}: it is migrated to ${preview.appSchemaVersion} as it opens.`]
      : []),
    'A backup of the current file is made first.',
  ];
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
