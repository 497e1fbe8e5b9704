// `backups`: the backup store's list, a check of every backup or one (--verify [NAME]), and a prune by the retention
// policy (--prune: previewed, then confirmed like the orphan commands).
import { describePolicy } from '../../../src-shared/schemas/backups';
import { formatBytes, plural } from '../../../src-shared/text';
import { previewPrune, pruneBackups, readBackupPolicy } from '../../backups/prune';
import { backupsFolder, findBackup, listBackups, verifyBackup, type BackupRecord } from '../../backups/store';
import { CLI_ACTOR, confirmChange } from '../confirm-change';
import type { Command, CommandContext } from '../context';
import { ExitCode } from '../exit-codes';
import { withDatabase } from '../open-database';
import { type AppDatabase } from '../../db/connection';

export const backupsCommand: Command = (context) =>
  withDatabase(context, async ({ db }) => {
    const options = context.args.backups;
    if (options?.verify) return verifyCommand(context, db, options.name);
    if (options?.prune) return pruneCommand(context, db);
    const backups = listBackups(db.path);
    const policy = readBackupPolicy(db);
    const totalBytes = backups.reduce((sum, backup) => sum + backup.sizeBytes, 0);
    context.print({ folder: backupsFolder(db.path), backups, totalBytes, policy }, [
      `Backups of ${db.path}, in ${backupsFolder(db.path)} (newest first):`,
      ...(backups.length === 0 ? ['  none'] : backups.flatMap(backupLines)),
      `${plural(backups.length, 'backup')}, ${formatBytes(totalBytes)} in all.`,
      `Retention policy: ${describePolicy(policy)}.`,
    ]);
    return ExitCode.ok;
  });

function backupLines(backup: BackupRecord): string[] {
  const facts = [
    backup.kind,
    backup.createdAt,
    backup.schemaVersion === null ? (backup.kind === 'legacy' ? 'server edition' : 'schema unknown') : `schema ${backup.schemaVersion}`,
    formatBytes(backup.sizeBytes),
  ];
  const counts = backup.counts
    ? `${plural(backup.counts.runs, 'run')}, ${plural(backup.counts.businesses, 'business', 'businesses')}, ${plural(backup.counts.orphans, 'orphan')}`
    : null;
  const check = backup.lastCheck
    ? backup.lastCheck.ok
      ? `last check passed (${backup.lastCheck.at})`
      : `LAST CHECK FAILED (${backup.lastCheck.at}): ${backup.lastCheck.problems.join(' ')}`
    : null;
  return [
    `  ${backup.name}`,
    `      ${facts.join(' · ')}`,
    ...(counts ? [`      ${counts}`] : []),
    `      ${backup.checksum ? `sha256 ${backup.checksum}` : 'not recorded (made by an earlier version): no checksum'}`,
    ...(check ? [`      ${check}`] : []),
  ];
}

async function verifyCommand(context: CommandContext, db: AppDatabase, name: string | undefined): Promise<number> {
  const chosen = name === undefined ? listBackups(db.path) : [findBackup(db.path, name)];
  const results = await context.withProgress((onProgress) =>
    chosen.map((backup, index) => {
      onProgress({ phase: 'Checking backups', done: index, total: chosen.length });
      return { name: backup.name, ...verifyBackup(backup.file) };
    }),
  );
  const failed = results.filter((result) => !result.ok);
  context.print(
    { checked: results.length, failed: failed.length, results },
    [
      ...results.map((result) => (result.ok ? `ok      ${result.name}` : `FAILED  ${result.name}: ${result.problems.join(' ')}`)),
      results.length === 0 ? 'There are no backups to check.' : `${plural(results.length, 'backup')} checked, ${failed.length} failed.`,
    ],
    failed.length === 0,
  );
  return failed.length === 0 ? ExitCode.ok : ExitCode.failure;
}

async function pruneCommand(context: CommandContext, db: AppDatabase): Promise<number> {
  const preview = previewPrune(db);
  if (preview.removed.length === 0) {
    context.print(preview, [`Nothing to prune: the retention policy (${describePolicy(preview.policy)}) keeps all ${plural(preview.kept, 'backup')}.`]);
    return ExitCode.ok;
  }
  context.say(`The retention policy (${describePolicy(preview.policy)}) would remove ${plural(preview.removed.length, 'backup')} (${formatBytes(preview.freedBytes)}):`);
  for (const backup of preview.removed) context.say(`  ${backup.name} (${formatBytes(backup.sizeBytes)})`);
  if ((await confirmChange(context, `prune ${preview.removed.length} backups`)) === 'preview_only') {
    context.print(preview, ['Nothing was removed. To remove them, run again with --yes.']);
    return ExitCode.ok;
  }
  const outcome = pruneBackups(db, CLI_ACTOR, { mode: 'prune', expectedNames: preview.removed.map((backup) => backup.name) });
  context.print(outcome, [`Removed ${plural(outcome.removed.length, 'backup')}, ${formatBytes(outcome.freedBytes)} freed; ${plural(outcome.kept, 'backup')} kept.`]);
  return ExitCode.ok;
}
