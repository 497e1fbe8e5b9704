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
//               status without case: pending|queued|scheduled → pending, running|in_progress|started →
//               running, completed|success|succeeded|done|ok → completed, failed|error|errored|failure →
//               failed, cancelled|canceled|aborted → cancelled, other → refused; trigger = 'legacy';
//               triggered_by verbatim; triggered_by_user_id = the user with that legacy id, else with that
//               email (without case), else NULL; error = error_message; result kept when valid JSON, else
//               stored as a JSON string of the text, NULL stays NULL; params = '{}'; created_at =
//               ms(created_at) ?? ms(started_at) ?? ms(completed_at) ?? adoption time (noted);
//               started_at = ms(started_at); finished_at = ms(completed_at); duration_ms =
//               round(duration_seconds × 1000), else finished − started when both are known, else NULL.
// Refused before anything is written (LegacyAdoptionError): unknown role or status spellings, a datetime
// SQLite cannot read, a non-numeric duration, a binary result, a blank business name, duplicate emails,
// or objects in the file that the new schema would create.
import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';
import type { ProgressListener } from '../../../src-shared/progress';
import { recordAuditEvent } from '../../services/audit';
import { backUpThenWrite, backupPathFor } from '../backup';
import type { AppDatabase } from '../connection';
import { META_LEGACY_ADOPTION, writeMeta } from '../meta';
import { assertNoForeignKeyViolations, runMigrationStatements, tableExists, withForeignKeysOff, type Migration } from '../migrations';
import {
  assertEveryRowCopied,
  copyRuns,
  countRows,
  dropLegacyTables,
  insertBusinesses,
  insertUsers,
  keptWhileCopyingRuns,
  renameLegacyTables,
  withIndexesDropped,
} from './copy';
import { rebuildRollups } from '../rollups';
import { countRunsWithoutBusiness, planAdoption, readLegacyStructure, type LegacyPlan, type LegacyShape } from './validate';

export { LegacyAdoptionError, type LegacyShape } from './validate';

export interface LegacyInspection {
  revision: string | null;
  shape: LegacyShape;
  counts: { businesses: number; users: number; runs: number; runsWithoutBusiness: number; runsWithMissingBusiness: number };
}

export interface AdoptionReport {
  revision: string | null;
  shape: LegacyShape;
  backupPath: string;
  businesses: number;
  users: number;
  runs: number;
  /** Business-scoped runs left without a business: no business recorded, or one that did not exist. */
  orphans: number;
  durationMs: number;
  notes: string[];
  /** Milliseconds per phase, for the log and the benchmark. */
  phaseMs: Record<string, number>;
}

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
}

/**
 * Converts the server-edition file in place: checks (read-only), backs up, then copies everything in one
 * transaction that either commits the adopted database or leaves the file as it was.
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

  const label = `legacy-${(plan.revision ?? plan.shape.replace('_', '-')).replace(/[^A-Za-z0-9_-]+/g, '-')}`;
  progress?.({ phase: 'Backing up', done: 0, total: 1 });
  // The backup is taken under the adoption transaction's own write lock when it can be (db/backup.ts): the file
  // copied as it is, not rewritten page by page; nothing can change between the backup and the conversion.
  let backupPath: string | null = null;
  try {
    const { result } = await backUpThenWrite(
      db,
      backupPathFor(db.path, label, adoptedAt),
      (backup) => {
        backupPath = backup.path;
        timer.lap('backup');
        return copyEverything(db, migrations, plan, { adoptedAt, backupPath: backup.path, progress, timer });
      },
      {
        onProgress: (p) => progress?.({ phase: 'Backing up', done: p.copiedPages, total: p.totalPages }),
        transaction: (work) => withBulkSettings(sqlite, () => withForeignKeysOff(sqlite, work)),
      },
    );
    return result;
  } catch (error) {
    if (backupPath === null) throw error;
    throw new AdoptionRolledBackError(error, backupPath);
  }
}

/** Adoption failed after the backup was made; the transaction rolled back, so the file is as it was. */
export class AdoptionRolledBackError extends Error {
  constructor(
    cause: unknown,
    readonly backupPath: string,
  ) {
    super(`Adoption stopped and was rolled back (${cause instanceof Error ? cause.message : String(cause)}). A backup is at ${backupPath}.`, {
      cause,
    });
    this.name = 'AdoptionRolledBackError';
  }
}

interface CopyContext {
  adoptedAt: Date;
  backupPath: string;
  progress: ProgressListener | undefined;
  timer: PhaseTimer;
}

function copyEverything(db: AppDatabase, migrations: Migration[], plan: LegacyPlan, context: CopyContext): AdoptionReport {
  const { sqlite, orm } = db;
  const { progress, timer } = context;
  const adoptedAt = context.adoptedAt.getTime();

  renameLegacyTables(sqlite);
  runMigrationStatements(sqlite, migrations);
  timer.lap('schema');

  progress?.({ phase: 'Copying businesses', done: 0, total: plan.counts.businesses });
  insertBusinesses(sqlite, plan.businesses);
  progress?.({ phase: 'Copying businesses', done: plan.counts.businesses, total: plan.counts.businesses });
  progress?.({ phase: 'Copying users', done: 0, total: plan.counts.users });
  insertUsers(sqlite, adoptedAt);
  progress?.({ phase: 'Copying users', done: plan.counts.users, total: plan.counts.users });
  timer.lap('businesses and users');

  const cacheSize = Number(sqlite.pragma('cache_size', { simple: true }));
  try {
    withIndexesDropped(
      sqlite,
      'job_runs',
      () => {
        copyRuns(sqlite, plan.shape, adoptedAt, plan.counts.runs, progress);
        timer.lap('runs');
        sqlite.pragma(`cache_size = ${INDEX_REBUILD_CACHE_SIZE}`);
      },
      progress,
      (index) => keptWhileCopyingRuns(sqlite, index),
    );
  } finally {
    sqlite.pragma(`cache_size = ${cacheSize}`);
  }
  timer.lap('indexes');
  rebuildRollups(sqlite);
  timer.lap('rollups');

  progress?.({ phase: 'Finishing', done: 0, total: 1 });
  assertEveryRowCopied(sqlite);
  dropLegacyTables(sqlite);
  timer.lap('drop legacy tables');

  const report: AdoptionReport = {
    revision: plan.revision,
    shape: plan.shape,
    backupPath: context.backupPath,
    businesses: countRows(sqlite, 'businesses'),
    users: countRows(sqlite, 'users'),
    runs: countRows(sqlite, 'job_runs'),
    // Every adopted run is business-scoped, so this counts orphans from the index alone.
    orphans: sqlite.prepare('SELECT count(*) FROM job_runs WHERE business_id IS NULL').pluck().get() as number,
    durationMs: 0,
    notes: plan.notes,
    phaseMs: {},
  };
  const { notes: _notes, phaseMs: _phaseMs, durationMs: _durationMs, ...counts } = report;
  recordAuditEvent(orm, { actor: { kind: 'app', label: 'startup' }, action: 'database.adopt_legacy', details: counts, at: adoptedAt });
  assertNoForeignKeyViolations(sqlite, migrations.length);
  Object.assign(report, { durationMs: timer.total(), phaseMs: timer.lap('finish') });
  writeMeta(orm, META_LEGACY_ADOPTION, report, adoptedAt);
  progress?.({ phase: 'Finishing', done: 1, total: 1 });
  return report;
}

/**
 * The page cache while the run indexes are rebuilt (KiB, negative as PRAGMA cache_size takes it): 4 MB instead of
 * the connection's 16 bounds the runs SQLite's external sorts write, so there are more of them for the second
 * sorter thread: the five rebuilds for 1M runs measured 2.4-2.9 s against 3.4-3.8 s with 16 MB (a larger cache
 * slowed them down further). Only for the rebuilds: the copy and the recount gained nothing from it.
 */
const INDEX_REBUILD_CACHE_SIZE = -4000;

/** A second sorter thread rebuilds the run indexes ~20% faster on two cores. */
function withBulkSettings<T>(sqlite: Database.Database, work: () => T): T {
  const threads = Number(sqlite.pragma('threads', { simple: true }));
  sqlite.pragma('threads = 2');
  try {
    return work();
  } finally {
    sqlite.pragma(`threads = ${threads}`);
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
