// Adopting a database of the earlier server edition (SQLAlchemy/Alembic, `alembic_version` present).
//
// The mapping, row by row (legacy → new). ms(t) is the naive UTC text as integer ms, sub-ms rounded half up.
//   businesses  legacy_id = id; name = name, except that a name equal without case (ASCII, like COLLATE
//               NOCASE) to an older one (created_at, then rowid) becomes "<name> (<first 8 of id>)", noted;
//               created_at = ms(created_at), or the adoption time when NULL (noted).
//   users       legacy_id = id; email verbatim (duplicates without case → refused); role without case:
//               system_admin|sysadmin|superuser|super_admin → system_admin, business_admin|admin|owner →
//               business_admin (an ambiguous 'admin' gets the lesser role), member|user|viewer|staff|NULL →
//               member, other → refused; business_id = the adopted business with that legacy id, else NULL
//               (noted); created_at = the adoption time.
//   job_runs    copied in the order of the adopted created_at, then legacy rowid (new ids follow creation time);
//               legacy_id = id; scope = 'business'; business_id = the adopted business (NULL for all runs of
//               the pre-tenant shape); a legacy business id with no business → NULL and orphaned_from = it;
//               status without case: pending|queued|scheduled|running|in_progress|started → unfinished (never
//               run, finished or timed by this app; started_at tells which had started), completed|success|succeeded|done|ok → completed, failed|error|errored|failure →
//               failed, cancelled|canceled|aborted → cancelled, other → refused; trigger = 'legacy';
//               triggered_by verbatim; triggered_by_user_id = the user with that legacy id, else with that
//               email (without case), else NULL; error = error_message; result kept when valid JSON, else
//               stored as a JSON string of the text, NULL stays NULL; params = '{}'; created_at =
//               ms(created_at) ?? ms(started_at) ?? ms(completed_at) ?? adoption time (noted);
//               started_at = ms(started_at); finished_at = ms(completed_at); duration_ms =
//               round(duration_seconds × 1000), else finished − started when both are known, else NULL.
// Refused, with the server-edition file untouched (LegacyAdoptionError): unknown role or status spellings, a datetime
// SQLite cannot read, a non-numeric duration, a binary result, a blank business name, duplicate emails, or objects
// carried over (tables besides the server edition's) that the new schema would create.
//
// How: the adopted database is built as a new file beside the old one, which is only read, and replaces it in one
// rename once it is complete and on disk; the old file stays, under the backup's name. So the backup costs nothing
// (no copy), a failure or a crash at any point leaves the server-edition file as it was, and the adopted file holds
// no free pages of the old tables. Worker threads check the runs and verify the copy meanwhile (see buildAdoptedFile).
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';
import type { AdoptionReportView } from '../../src-shared/contract';
import type { ProgressListener } from '../../src-shared/progress';
import { recordAuditEvent } from '../audit/record';
import { replaceKeepingBackup } from './replace';
import { COUNT_ORPHANS_WITH_SUGGESTION } from '../orphans/suggestions';
import { recordKeptBackup, syncFile } from '../db/backup';
import { backupPathFor } from '../db/backup-files';
import { ensureRoomForBackup, type FreeSpace } from '../db/backup-space';
import { openDatabaseFile, type AppDatabase } from '../db/connection';
import { deferIndexes } from './after-open';
import { META_LEGACY_ADOPTION, writeMeta } from '../db/meta';
import {
  assertNoForeignKeyViolations,
  describeForeignKeyViolations,
  foreignKeyViolations,
  runMigrationStatements,
  tableExists,
  type ForeignKeyViolation,
  type Migration,
} from '../db/migrations';
import { META_ROLLUPS_UNCOUNTED } from '../db/rollups';
import { META_SORT_TABLES_UNFILLED } from '../db/sort-tables';
import { runSqlInWorker, runSqlJobInWorker, type SqlStep } from '../db/sql-worker';
import { fileStamp, serverEditionFactsIfUnchanged, type FileStamp } from '../db/backup-record';
import {
  assertChecksHold,
  assertEveryRowCopied,
  copyRuns,
  countRows,
  insertBusinesses,
  insertUsers,
  keptWhileCopyingRuns,
  LEGACY_SCHEMA,
  runCheckPass,
  withIndexesDropped,
  type DatetimeConversion,
  type IndexDefinition,
} from './copy';
import {
  carriedObjects,
  checkRuns,
  countRunsWithoutBusiness,
  LegacyAdoptionError,
  planAdoption,
  readLegacyStructure,
  scanRunsSql,
  type LegacyPlan,
  type LegacyShape,
  type RunScan,
} from './validate';

export { LegacyAdoptionError, type LegacyShape } from './validate';

export interface LegacyInspection {
  revision: string | null;
  shape: LegacyShape;
  counts: { businesses: number; users: number; runs: number; runsWithoutBusiness: number; runsWithMissingBusiness: number };
}

/** What an adoption did: the contract's shape (src-shared/contract.ts adoptionReportSchema), stored in app_meta and audited. */
export type AdoptionReport = AdoptionReportView;

/** Null for anything but a server-edition file; throws LegacyAdoptionError when one lacks tables or columns. */
export function inspectLegacyDatabase(sqlite: Database.Database): LegacyInspection | null {
  if (!tableExists(sqlite, 'alembic_version')) return null;
  const { revision, shape } = readLegacyStructure(sqlite);
  const runs = countRows(sqlite, 'job_runs');
  const orphans = countRunsWithoutBusiness(sqlite, shape, runs);
  return {
    revision,
    shape,
    counts: {
      businesses: countRows(sqlite, 'businesses'),
      users: countRows(sqlite, 'users'),
      runs,
      runsWithoutBusiness: orphans.withoutBusiness,
      runsWithMissingBusiness: orphans.withMissingBusiness,
    },
  };
}

export interface AdoptionOptions {
  onProgress?: ProgressListener;
  now?: () => Date;
  /** The better-sqlite3 addon the connections use (openDatabaseFile's option), for the new file and the worker. */
  nativeBinding?: string;
  /** How the free space for the backup is measured (tests). */
  freeSpace?: FreeSpace;
}

/** Where the adopted file is built, next to the database file; a file left there by a crash is removed. */
function adoptionBuildFile(file: string): string {
  return `${file}.adopting`;
}

/**
 * Converts the server-edition file at `db.path`: checks (read-only), builds the adopted database as a new file, and
 * puts it in the old one's place, the old file kept as the backup. On success `db` is closed (its file was
 * replaced: open the path again); on failure the server-edition file is as it was and `db` stays open.
 */
export async function adoptLegacyDatabase(db: AppDatabase, migrations: Migration[], options: AdoptionOptions): Promise<AdoptionReport> {
  const { sqlite } = db;
  const progress = options.onProgress;
  const adoptedAt = (options.now ?? (() => new Date()))();
  const timer = new PhaseTimer();

  progress?.({ phase: 'Checking the server-edition data', done: 0, total: 1 });
  const plan = planAdoption(sqlite, migrations, adoptedAt.getTime());
  progress?.({ phase: 'Checking the server-edition data', done: 1, total: 1 });
  timer.lap('check');

  const building = adoptionBuildFile(db.path);
  fs.rmSync(building, { force: true });
  const label = `legacy-${(plan.revision ?? plan.shape.replace('_', '-')).replace(/[^A-Za-z0-9_-]+/g, '-')}`;
  const backupPath = backupPathFor(db.path, label, adoptedAt);
  // The adopted file is built beside the old one, which is kept as the backup: room for a copy of it, or nothing starts.
  ensureRoomForBackup(db.path, path.dirname(backupPath), options.freeSpace);
  // No other connection may change the server-edition file while it is copied: its changes would be left behind.
  sqlite.exec('BEGIN IMMEDIATE');
  let built: Awaited<ReturnType<typeof buildAdoptedFile>>;
  try {
    built = await buildAdoptedFile(db, migrations, plan, { ...options, adoptedAt, backupPath, building, timer });
  } catch (error) {
    fs.rmSync(building, { force: true });
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    throw error;
  }
  sqlite.exec('ROLLBACK');
  progress?.({ phase: 'Backing up', done: 0, total: 1 });
  replaceKeepingBackup(db, building, backupPath);
  await recordKeptBackup(db.path, backupPath, built.legacyBytes && serverEditionFactsIfUnchanged(backupPath, built.legacyBytes));
  progress?.({ phase: 'Backing up', done: 1, total: 1 });
  return built.report;
}

interface BuildContext extends AdoptionOptions {
  adoptedAt: Date;
  backupPath: string;
  building: string;
  timer: PhaseTimer;
}

/**
 * Builds the adopted database in `context.building` on a connection of its own, with the server-edition file attached.
 * Two worker threads take work off this thread's path: while the runs are copied, one scans them for problems
 * (scanRunsSql); once the copy is committed to the file (nobody else's yet), the other checks the runs' foreign keys
 * while this thread runs the CHECK pass over them. Nothing is kept unless every check passed: a run the checks refuse
 * (an unknown status, an unreadable time) is reported as such even when it already made the copy fail. The rollups are
 * left to count once the file is open (META_ROLLUPS_UNCOUNTED, after-open.ts), like the filter indexes.
 * Longer than 80 lines on purpose: one connection's transaction, lock mode and journal run through it in order, the
 * workers start and are awaited at the points that order allows, and the timer's laps name its phases.
 */
// eslint-disable-next-line max-lines-per-function -- one transaction's phases in order; the reason is above.
async function buildAdoptedFile(
  legacy: AppDatabase,
  migrations: Migration[],
  plan: LegacyPlan,
  context: BuildContext,
): Promise<{ report: AdoptionReport; legacyBytes: { checksum: string; stamp: FileStamp } | null }> {
  const { onProgress: progress, timer } = context;
  const adoptedAt = context.adoptedAt.getTime();
  const workerOptions = { nativeBinding: context.nativeBinding };
  // The scan's worker hashes the server-edition file first, while this thread copies: the checksum of the backup it
  // becomes, off this thread's path to serving (0.26 s for a million runs, 3-4 s for ten million; on 2 cores it slows
  // the copy about as much). Not when a -wal holds pages the file lacks: closing the last connection writes them into it.
  const stamp = walHoldsPages(legacy.path) ? null : fileStamp(legacy.path);
  const scanJob = runSqlJobInWorker(
    { file: legacy.path, readonly: true, sha256: stamp !== null, steps: [{ kind: 'get', sql: scanRunsSql(plan.shape) }] },
    workerOptions,
  );
  const scanned = scanJob.then(({ results }) => results[0] as RunScan);
  scanned.catch(() => undefined); // awaited below; until then a failure must not count as unhandled
  let verified: Promise<unknown[]> | null = null;
  const built = openDatabaseFile(context.building, workerOptions);
  try {
    const { sqlite } = built;
    // A file nobody else sees until it is complete: no journal on disk (a new file has no page to roll back; OFF is
    // refused on better-sqlite3's defensive connections), no syncs until the one fsync before the rename. `main.`:
    // without it journal_mode is also the default for files attached later, the server-edition one among them.
    sqlite.pragma('main.journal_mode = MEMORY');
    sqlite.pragma('main.synchronous = OFF');
    sqlite.pragma('main.locking_mode = EXCLUSIVE');
    sqlite.pragma('foreign_keys = OFF');
    // A second sorter thread, and a 1 MB cache instead of 16: SQLite's external sort then writes smaller runs, more of
    // them for that thread (1M runs: the copy 3.1-3.9 s against 3.7-4.7 s).
    sqlite.pragma('threads = 2');
    sqlite.pragma('cache_size = -1000');
    sqlite.prepare(`ATTACH ? AS ${LEGACY_SCHEMA}`).run(legacy.path);
    sqlite.exec('BEGIN');
    runMigrationStatements(sqlite, migrations);
    timer.lap('schema');

    progress?.({ phase: 'Copying businesses', done: 0, total: plan.counts.businesses });
    insertBusinesses(sqlite, plan.businesses);
    progress?.({ phase: 'Copying businesses', done: plan.counts.businesses, total: plan.counts.businesses });
    progress?.({ phase: 'Copying users', done: 0, total: plan.counts.users });
    insertUsers(sqlite, adoptedAt);
    progress?.({ phase: 'Copying users', done: plan.counts.users, total: plan.counts.users });
    copyOtherTables(sqlite, plan.otherTables);
    timer.lap('businesses and users');

    const runCheck = await copyAllRuns(built, legacy.sqlite, plan, scanned, adoptedAt, progress);
    timer.lap('runs');

    // The copy is in the file, which is still nobody else's: a worker checks the runs' foreign keys while this thread
    // runs the CHECK pass and writes the rest, and the commit below, the file's last, waits for it. Without the
    // exclusive lock the worker can read; with no spill from the cache this thread needs no lock the reader would hold
    // up until that commit. The rollups stay empty, to be counted once the file is open.
    const checks = runCheckPass(sqlite, plan.shape);
    sqlite.pragma('main.locking_mode = NORMAL');
    sqlite.exec('COMMIT');
    const readBack = (step: SqlStep) =>
      runSqlInWorker({ file: context.building, readonly: true, steps: [step] }, workerOptions).then(([result]) => result);
    verified = Promise.all([
      readBack({ kind: 'all', sql: 'PRAGMA main.foreign_key_check("job_runs")' }),
      // A second worker counts the orphans the file gives evidence for (orphans/suggestions.ts), for the report, meanwhile.
      readBack({ kind: 'get', sql: COUNT_ORPHANS_WITH_SUGGESTION.sql, params: [...COUNT_ORPHANS_WITH_SUGGESTION.params] }),
    ]);
    verified.catch(() => undefined); // awaited below
    sqlite.pragma('cache_spill = OFF');
    if (checks) assertChecksHold(checks, Object.values(sqlite.prepare(checks.sql).get() as Record<string, number>));
    sqlite.exec('BEGIN');
    writeMeta(built, META_ROLLUPS_UNCOUNTED, true, adoptedAt);
    writeMeta(built, META_SORT_TABLES_UNFILLED, true, adoptedAt);
    timer.lap('checks');

    progress?.({ phase: 'Finishing', done: 0, total: 1 });
    assertEveryRowCopied(sqlite);
    // orphansWithSuggestion comes from the worker, awaited below.
    const runOutcomes = {
      ended: runCheck.scan.runs - runCheck.scan.unfinished,
      unfinished: runCheck.scan.unfinished,
      unfinishedStarted: runCheck.scan.unfinishedStarted,
      unknownJobTypes: runCheck.scan.unknownJobTypes,
      orphansWithSuggestion: 0,
    };
    const report: AdoptionReport = {
      revision: plan.revision,
      shape: plan.shape,
      backupPath: context.backupPath,
      businesses: countRows(sqlite, 'businesses'),
      users: countRows(sqlite, 'users'),
      runs: countRows(sqlite, 'job_runs'),
      // Every adopted run is business-scoped, so this counts orphans from the index alone.
      orphans: sqlite.prepare('SELECT count(*) FROM job_runs WHERE business_id IS NULL').pluck().get() as number,
      runOutcomes,
      durationMs: 0,
      notes: [...plan.notes, ...runCheck.notes],
      phaseMs: {},
    };
    const [runForeignKeys, withSuggestion] = await verified;
    timer.lap('foreign keys and suggestions (waited for)');
    runOutcomes.orphansWithSuggestion = Object.values(withSuggestion as Record<string, number>)[0] ?? 0;
    const { notes: _notes, phaseMs: _phaseMs, durationMs: _durationMs, ...counts } = report;
    recordAuditEvent(built, { actor: { kind: 'app', label: 'startup' }, action: 'database.adopt_legacy', details: counts, at: adoptedAt });
    const violations = [...describeForeignKeyViolations(runForeignKeys as ForeignKeyViolation[]), ...foreignKeyViolationsBesides(sqlite, 'job_runs')];
    assertNoForeignKeyViolations(sqlite, migrations.length, violations);
    // Timed up to here: the commit, the sync and the rename into place come after the record is written.
    Object.assign(report, { durationMs: timer.total(), phaseMs: timer.lap('finish') });
    writeMeta(built, META_LEGACY_ADOPTION, report, adoptedAt);
    sqlite.exec('COMMIT');
    built.close();
    syncFile(context.building);
    progress?.({ phase: 'Finishing', done: 1, total: 1 });
    const { digest } = await scanJob;
    return { report, legacyBytes: stamp && digest ? { checksum: digest, stamp } : null };
  } finally {
    built.close();
    // The workers read the server-edition file and the built one until they answer; the caller's next step may
    // replace the one and remove the other.
    await Promise.all([scanned.catch(() => undefined), verified?.catch(() => undefined)]);
  }
}

/**
 * Copies the runs (with their indexes deferred, deferIndexes) and returns the scan's notes. Copied with the fast
 * datetime conversion while the worker scans them, and copied again with the exact one in the rare file where the
 * scan counts a datetime the fast one may convert differently (a time zone after a fraction, say).
 */
async function copyAllRuns(
  built: AppDatabase,
  legacy: Database.Database,
  plan: LegacyPlan,
  scanned: Promise<RunScan>,
  adoptedAt: number,
  progress: ProgressListener | undefined,
): Promise<{ notes: string[]; scan: RunScan }> {
  const { sqlite } = built;
  const total = countRows(sqlite, `${LEGACY_SCHEMA}.job_runs`);
  // The indexes that only filters use are built after the commit (after-open.ts); the ones that the copy
  // fills in created_at order as the runs arrive, and the partial ones it leaves empty, stay.
  const copyWith = (datetimes: DatetimeConversion) =>
    withIndexesDropped(sqlite, 'job_runs', () => copyRuns(sqlite, plan.shape, datetimes, adoptedAt, total, progress), (index) =>
      keptWhileCopyingRuns(sqlite, index),
    ).dropped;
  sqlite.exec('SAVEPOINT runs');
  let copy: { dropped: IndexDefinition[] } | { failure: unknown };
  try {
    copy = { dropped: copyWith('fast') };
  } catch (failure) {
    copy = { failure };
  }
  const scan = await scanned;
  const runCheck = checkRuns(legacy, plan.shape, scan);
  if (runCheck.problems.length > 0) throw new LegacyAdoptionError(runCheck.problems);
  if ('failure' in copy) throw copy.failure;
  let { dropped } = copy;
  if (scan.datetimesNeedingExactMs > 0) {
    sqlite.exec('ROLLBACK TO runs');
    dropped = copyWith('exact');
  }
  sqlite.exec('RELEASE runs');
  deferIndexes(built, dropped, adoptedAt);
  return { notes: runCheck.notes, scan };
}

/** True when `file` has a -wal file with anything in it. */
function walHoldsPages(file: string): boolean {
  return (fs.statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0) > 0;
}

/** Foreign-key violations in every table of the main schema but `skipped`. */
function foreignKeyViolationsBesides(sqlite: Database.Database, skipped: string): string[] {
  const tables = sqlite
    .prepare("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name <> ? AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
    .pluck()
    .all(skipped) as string[];
  return tables.flatMap((table) => foreignKeyViolations(sqlite, table));
}

/** Tables besides the server edition's, with their rows, indexes and triggers, as they were (checked not to clash). */
function copyOtherTables(sqlite: Database.Database, tables: string[]): void {
  for (const table of tables) {
    const [definition, ...rest] = carriedObjects(sqlite, table, LEGACY_SCHEMA);
    sqlite.exec(definition!.sql);
    sqlite.exec(`INSERT INTO main."${table}" SELECT * FROM ${LEGACY_SCHEMA}."${table}"`);
    for (const object of rest) sqlite.exec(object.sql);
  }
}

class PhaseTimer {
  private readonly started = performance.now();
  private last = this.started;
  private readonly phases: Record<string, number> = {};

  lap(phase: string): Record<string, number> {
    const now = performance.now();
    this.phases[phase] = Math.round(now - this.last);
    this.last = now;
    return { ...this.phases };
  }

  total(): number {
    return Math.round(performance.now() - this.started);
  }
}
