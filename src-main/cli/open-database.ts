// Opening the operator's database for a command: the same path rules and startup checks as the app.
import fs from 'node:fs';
import type { AppDatabase } from '../db/connection';
import type { LegacyInspection } from '../adoption/adopt';
import { resolveDatabasePath, type ResolvedDatabasePath } from '../db/paths';
import { openAppDatabase, StartupError, type StartupReport } from '../startup';
import { leftoverBackupLines } from './backup-lines';
import type { CommandContext } from './context';

export interface OpenedDatabase {
  db: AppDatabase;
  report: StartupReport;
  location: ResolvedDatabasePath;
}

export function databaseLocation(context: CommandContext): ResolvedDatabasePath {
  return resolveDatabasePath(context.args.db === undefined ? [] : [`--db=${context.args.db}`], context.io.env, context.host.userDataDir);
}

export interface OpenOptions {
  /** Only `migrate` creates a missing file or converts a server-edition one (after asking). */
  confirmAdoption?: (legacy: LegacyInspection) => boolean | Promise<boolean>;
  create?: boolean;
}

export async function openDatabaseForCommand(context: CommandContext, options: OpenOptions = {}): Promise<OpenedDatabase> {
  const location = databaseLocation(context);
  if (!options.create && !fs.existsSync(location.path)) {
    throw new StartupError('cannot_open', `No database at ${location.path}. Create one with: ${context.command} migrate --db "${location.path}"`, location.path);
  }
  try {
    const { db, report } = await context.withProgress((onProgress) =>
      openAppDatabase(location.path, {
        onProgress,
        confirmAdoption: options.confirmAdoption ?? (() => false),
        nativeBinding: context.host.nativeBinding,
      }),
    );
    if (!options.create && report.migrated) {
      context.note(`Migrated the database from schema ${report.migrated.from} to ${report.migrated.to}; backup: ${report.migrated.backupPath ?? 'none'}`);
    }
    for (const line of leftoverBackupLines(report.leftoverBackups)) context.note(line);
    return { db, report, location };
  } catch (error) {
    if (error instanceof StartupError && error.reason === 'adoption_declined' && !options.confirmAdoption) {
      throw new StartupError(error.reason, `${error.message} Convert it first with: ${context.command} migrate --db "${location.path}"`, error.path);
    }
    throw error;
  }
}

/** Runs `work` on the opened database and always closes it. */
export async function withDatabase<T>(
  context: CommandContext,
  work: (opened: OpenedDatabase) => T | Promise<T>,
  options: OpenOptions = {},
): Promise<T> {
  const opened = await openDatabaseForCommand(context, options);
  try {
    return await work(opened);
  } finally {
    opened.db.close();
  }
}
