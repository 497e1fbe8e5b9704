import { adoptionOutcomeLines } from '../../../src-shared/adoption';
import { listBackupFiles } from '../../db/backup-files';
import { getDatabaseInfo } from '../../services/database-info';
import { backupListLines } from '../backup-lines';
import type { Command } from '../context';
import { ExitCode } from '../exit-codes';
import { formatBytes } from '../../../src-shared/text';
import { withDatabase } from '../open-database';
import { logFilePath } from '../../log';

export const info: Command = (context) =>
  withDatabase(context, ({ db, location }) => {
    const facts = getDatabaseInfo(db);
    const { counts, adoption } = facts;
    const backups = listBackupFiles(db.path);
    const logFile = logFilePath();
    context.print({ ...facts, pathSource: location.source, backups, logFile }, [
      `Database:        ${facts.path} (from ${describeSource(location.source)})`,
      `Schema version:  ${facts.schemaVersion}`,
      `SQLite version:  ${facts.sqliteVersion}`,
      `Size:            ${formatBytes(facts.fileBytes)}`,
      `Businesses:      ${counts.businesses}`,
      `Users:           ${counts.users}`,
      `Runs:            ${counts.runs} (system-wide: ${counts.systemRuns}, orphans: ${counts.orphanRuns})`,
      `Schedules:       ${counts.schedules}`,
      `Audit events:    ${counts.auditEvents}`,
      adoption
        ? `Adopted from the server edition (revision ${adoption.revision ?? 'none'}): ${adoption.businesses} businesses, ` +
          `${adoption.users} users, ${adoption.runs} runs, ${adoption.orphans} orphans; backup: ${adoption.backupPath}`
        : 'Adopted:         no (created by this app)',
      ...(adoption ? adoptionOutcomeLines(adoption).map((line) => `  - ${line}`) : []),
      ...backupListLines(backups),
      `Log file:        ${logFile ?? 'none (this process logs to its console only)'}`,
    ]);
    return ExitCode.ok;
  });

function describeSource(source: 'flag' | 'env' | 'default'): string {
  if (source === 'flag') return '--db';
  if (source === 'env') return 'AUTOMATION_DB';
  return "the app's default location";
}
