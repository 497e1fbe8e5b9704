// Opening the database for the app or the CLI: adopt a server-edition file, migrate, check, or refuse.
// Nothing is served from a database until this has returned.
import fs from 'node:fs';
import type { ProgressListener } from '../src-shared/progress';
import { backUpBefore, recordKeptBackup } from './db/backup';
import { pruneAfterBackup } from './backups/prune';
import { backupPathFor, settleLeftoverBackups, type LeftoverBackups } from './db/backup-files';
import { DatabaseOpenError, enableWal, openDatabaseFile, type AppDatabase } from './db/connection';
import { deferredWork, finishDeferredWork, removeLeftoverCountScratch, type DeferredWork } from './adoption/after-open';
import { adoptLegacyDatabase, inspectLegacyDatabase, type AdoptionReport, type LegacyInspection } from './adoption/adopt';
import { applyMigrations, foreignKeyViolations, loadMigrations, MIGRATIONS_TABLE, planMigrations, type Migration, type MigrationState } from './db/migrations';
import { defaultMigrationsFolder } from './db/paths';
import { tightenDatabaseFiles } from './db/private-files';
import { removeLeftoverRestores } from './db/restore-swap';

export type StartupFailure =
  | 'cannot_open'
  | 'not_an_app_database'
  | 'newer_schema'
  | 'adoption_declined'
  | 'adoption_failed'
  | 'migration_failed'
  | 'foreign_key_violations';

export class StartupError extends Error {
  constructor(
    readonly reason: StartupFailure,
    message: string,
    readonly path: string,
    /** A backup made before the failed step: the operator's way back. */
    readonly backupPath: string | null = null,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

export interface StartupReport {
  path: string;
  /** The file did not exist, or was empty, before this open. */
  created: boolean;
  schemaVersion: number;
  migrated: { from: number; to: number; backupPath: string | null } | null;
  adoption: AdoptionReport | null;
  /** What a bulk load (adoption) left for after its commit, still to do (adoption/after-open.ts): nothing unless `deferredWork: 'leave'`. */
  deferred: DeferredWork;
  /** Backups an earlier process left pending (db/backup-files.ts): what this open did with them. */
  leftoverBackups: LeftoverBackups;
  /** The file's references are still to check, after the open (`deferredWork: 'leave'`, nothing migrated or adopted). */
  referencesUnchecked: boolean;
}

const NO_LEFTOVERS: LeftoverBackups = { kept: [], removed: [], underWay: [] };

export interface OpenAppDatabaseOptions {
  migrationsFolder?: string;
  nativeBinding?: string;
  onProgress?: ProgressListener;
  /** Asked before a server-edition database is adopted; answering false leaves it untouched. */
  confirmAdoption?: (legacy: LegacyInspection) => boolean | Promise<boolean>;
  now?: () => Date;
  /**
   * What a bulk load (adoption) left for after its commit, the rollups to count and the filter indexes: do it here
   * before returning ('build', the default: the CLI, tests), or 'leave' it for the caller to do in the background
   * while it serves (finishDeferredWorkInBackground). 'leave' leaves the check of a file's references to the caller
   * too (brokenReferencesInBackground; StartupReport.referencesUnchecked).
   */
  deferredWork?: 'build' | 'leave';
}

export async function openAppDatabase(
  file: string,
  options: OpenAppDatabaseOptions = {},
): Promise<{ db: AppDatabase; report: StartupReport }> {
  const created = !fs.existsSync(file) || fs.statSync(file).size === 0;
  const open = () => {
    try {
      return openDatabaseFile(file, { nativeBinding: options.nativeBinding });
    } catch (error) {
      if (error instanceof DatabaseOpenError) throw new StartupError('cannot_open', error.message, file);
      throw error;
    }
  };
  let db = open();
  try {
    const migrations = loadMigrations(options.migrationsFolder ?? defaultMigrationsFolder());
    const report: StartupReport = { path: db.path, created, schemaVersion: 0, migrated: null, adoption: null, deferred: { rollups: false, sortTables: false, indexes: 0 }, leftoverBackups: NO_LEFTOVERS, referencesUnchecked: false };
    // Every refusal happens before anything is written, WAL mode included (switching it rewrites the header).
    const legacy = inspectLegacy(db);
    if (legacy) {
      const accepted = options.confirmAdoption ? await options.confirmAdoption(legacy) : true;
      if (!accepted) {
        throw new StartupError('adoption_declined', `${db.path} is a server-edition database; it was left untouched.`, db.path);
      }
      report.adoption = await adopt(db, migrations, options);
      // Adoption put a new file in the old one's place and closed the connection to the old one.
      db = open();
    } else {
      refuseForeignDatabase(db);
    }
    await prepare(db, migrations, report, options);
    return { db, report };
  } catch (error) {
    db.close();
    throw error;
  }
}

async function prepare(db: AppDatabase, migrations: Migration[], report: StartupReport, options: OpenAppDatabaseOptions): Promise<void> {
  const { sqlite } = db;
  const state = planMigrations(sqlite, migrations);
  refuseUnknownSchema(db, state);
  // The file is ours from here on: it, its -wal and -shm, its backups and exports are for its owner only.
  tightenDatabaseFiles(db.path);
  enableWal(sqlite);
  // A copy a restore killed before its rename left beside the file: the file is the old one, whole (db/restore-swap.ts).
  removeLeftoverRestores(db.path);
  removeLeftoverCountScratch(db.path);
  // Backups a crash left pending: kept when their operation committed, removed when it never did.
  report.leftoverBackups = state.version > 0 ? settleLeftoverBackups(sqlite, db.path, state.version) : NO_LEFTOVERS;
  // A backup that took its name here never got its record: it gets it now.
  for (const kept of report.leftoverBackups.kept) await recordKeptBackup(db.path, kept);
  if (state.kind === 'pending') report.migrated = await migrateWithBackup(db, state, options);

  // A migration and an adoption checked every reference inside their own transaction (assertNoForeignKeyViolations)
  // just before they committed. A file opened as it was is checked here, refused on a broken reference, or, for a
  // caller that serves first ('leave': the app), after the open on a worker (db/reference-check.ts).
  report.referencesUnchecked = !report.adoption && !report.migrated && options.deferredWork === 'leave';
  const violations = report.adoption || report.migrated || report.referencesUnchecked ? [] : foreignKeyViolations(sqlite);
  if (violations.length > 0) {
    throw new StartupError(
      'foreign_key_violations',
      `${db.path} has ${violations.length} broken references: ${violations.slice(0, 5).join('; ')}`,
      db.path,
      report.migrated?.backupPath ?? report.adoption?.backupPath ?? null,
    );
  }
  report.schemaVersion = migrations.length;
  // A new backup (before the migration, or the adopted server-edition file): the retention policy prunes the store.
  const madeNow = report.migrated?.backupPath ?? report.adoption?.backupPath ?? null;
  if (madeNow) pruneAfterBackup(db, madeNow);
  if (options.deferredWork !== 'leave') finishDeferredWork(db, options.onProgress);
  report.deferred = deferredWork(db);
  sqlite.pragma('analysis_limit = 1000');
  sqlite.pragma('optimize = 0x10002');
}

/** A backup first (unless the file is new), then every pending migration in one transaction. */
async function migrateWithBackup(
  db: AppDatabase,
  state: Extract<MigrationState, { kind: 'pending' }>,
  options: OpenAppDatabaseOptions,
): Promise<NonNullable<StartupReport['migrated']>> {
  const { sqlite } = db;
  const now = options.now ?? (() => new Date());
  if (state.version === 0) {
    const failure = migrate(sqlite, state, options);
    if (failure) throw migrationFailed(db, state, failure, null);
    return { from: state.version, to: state.target, backupPath: null };
  }
  // A migration may drop or rebuild an index or a rollup: each one the schema has must exist, and be counted, first.
  finishDeferredWork(db, options.onProgress);
  const phase = 'Backing up before migrating';
  options.onProgress?.({ phase, done: 0, total: 1 });
  // A failed migration returns its error rather than throwing it: the backup is kept, and the error names it.
  const { backup, result: failure } = await backUpBefore(
    sqlite,
    backupPathFor(db.path, `schema-${state.version}`, now()),
    () => migrate(sqlite, state, options),
    { onProgress: (p) => options.onProgress?.({ phase, done: p.copiedPages, total: p.totalPages }) },
  );
  if (failure) throw migrationFailed(db, state, failure, backup.path);
  return { from: state.version, to: state.target, backupPath: backup.path };
}

/** Runs the pending migrations with their progress; the error when they failed (the file is then as it was). */
function migrate(sqlite: AppDatabase['sqlite'], state: Extract<MigrationState, { kind: 'pending' }>, options: OpenAppDatabaseOptions): Error | null {
  options.onProgress?.({ phase: 'Migrating', done: 0, total: state.pending.length });
  try {
    applyMigrations(sqlite, state.pending);
  } catch (error) {
    return error as Error;
  }
  options.onProgress?.({ phase: 'Migrating', done: state.pending.length, total: state.pending.length });
  return null;
}

function migrationFailed(db: AppDatabase, state: Extract<MigrationState, { kind: 'pending' }>, error: Error, backupPath: string | null): StartupError {
  return new StartupError(
    'migration_failed',
    `Could not migrate ${db.path} from schema ${state.version} to ${state.target}; the file was left as it was. ${error.message}`,
    db.path,
    backupPath,
  );
}

/** A server-edition file missing tables or columns is refused with the same reason as a failed conversion. */
function inspectLegacy(db: AppDatabase): LegacyInspection | null {
  try {
    return inspectLegacyDatabase(db.sqlite);
  } catch (error) {
    throw new StartupError('adoption_failed', `Cannot convert the server-edition database ${db.path}: ${(error as Error).message}`, db.path);
  }
}

async function adopt(db: AppDatabase, migrations: Migration[], options: OpenAppDatabaseOptions): Promise<AdoptionReport> {
  try {
    return await adoptLegacyDatabase(db, migrations, { onProgress: options.onProgress, now: options.now, nativeBinding: options.nativeBinding });
  } catch (error) {
    throw new StartupError(
      'adoption_failed',
      `Could not convert the server-edition database ${db.path}; it was left as it was. ${(error as Error).message}`,
      db.path,
    );
  }
}

function refuseUnknownSchema(db: AppDatabase, state: MigrationState): asserts state is Exclude<MigrationState, { kind: 'unknown' }> {
  if (state.kind !== 'unknown') return;
  throw new StartupError(
    'newer_schema',
    `${db.path} was written by a newer or different version of Automation Console: ${state.reason}. ` +
      'Update the app, or open another database with --db. Nothing was changed.',
    db.path,
  );
}

/** A SQLite file with tables but neither our bookkeeping nor the server edition's is somebody else's data. */
function refuseForeignDatabase(db: AppDatabase): void {
  const tables = db.sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  if (tables.length > 0 && !tables.includes(MIGRATIONS_TABLE)) {
    throw new StartupError(
      'not_an_app_database',
      `${db.path} is a SQLite database, but not one of Automation Console or its server edition ` +
        `(tables: ${tables.slice(0, 8).join(', ')}${tables.length > 8 ? ', …' : ''}). Nothing was changed.`,
      db.path,
    );
  }
}
