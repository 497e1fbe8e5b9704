// The work adoption leaves for after the file opens (its deferred work): counting the rollups, filling the sort tables
// and building the filter indexes. Adoption copies a million runs without the job_runs indexes that only filters use
// (status, job type, who triggered, the server-edition id): each is one sort of the whole table, and together they took
// a third of the adoption. It records them here, in app_meta, in its own transaction. It also leaves the rollups to
// count (META_ROLLUPS_UNCOUNTED, db/rollups.ts): one more pass and sort of every run, 1.3-1.5 s of the adoption; and the
// sort tables to fill (META_SORT_TABLES_UNFILLED, db/sort-tables.ts; the migration that made them leaves it too). All
// are done after the file opens: on worker threads while the app serves (the app; in that order), or before the
// database is handed over (the CLI, tests). Until then every query answers the same: filtered ones read more rows
// (through the created_at indexes, which adoption builds), sorted pages sort the runs, and a read of the rollups awaits
// the count under way (whenRollupsCounted; on a connection that can write and knows of no count, ensureRollupsCounted
// counts them first). Each step holds the write lock; the main connection's writes await it (db/background-work.ts)
// rather than wait in the busy timeout. The count holds it only to start and to end (a count from a snapshot,
// db/rollups.ts; the writes but an account's wait for the whole count all the same). A process that stops half-way
// leaves the rest listed, and the next open does it. The app_meta keys (deferred_indexes, rollups_uncounted,
// sort_tables_unfilled) are stored in users' files: their names never change.
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProgressListener } from '../../src-shared/progress';
import { inImmediateTransaction, type AppDatabase } from '../db/connection';
import { readMeta, writeMeta } from '../db/meta';
import {
  copyScratchCountSql,
  countIntoScratchSql,
  countRollupsSql,
  ensureRollupsCounted,
  ROLLUPS_UNCOUNTED_SQL,
  rollupsUncounted,
  RUN_CHANGES_SQL,
  RUNS_UNCHANGED_SQL,
  SCRATCH_SCHEMA,
  watchRunChangesSql,
} from '../db/rollups';
import { openNewPrivateFile } from '../db/private-files';
import { log } from '../log';
import { fillSortTablesSql, finishSortFillSql, refillSortOwnersSql, SORT_TABLES_UNFILLED_SQL, sortTablesUnfilled } from '../db/sort-tables';
import { runsPerOwnerKey } from '../stats/run-counts';
import { countingRollups, holdingWriteLock, rollupsCountUnderWay } from '../db/background-work';
import { runSqlInWorker, SqlWorkerError, type SqlStep, type SqlWorkerJob, type SqlWorkerOptions } from '../db/sql-worker';

export const META_DEFERRED_INDEXES = 'deferred_indexes';

export interface DeferredIndex {
  name: string;
  /** Its CREATE INDEX statement, as the migrations wrote it. */
  sql: string;
}

/** Within the bulk load's transaction: these indexes are to be built once it has committed. */
export function deferIndexes(db: AppDatabase, indexes: DeferredIndex[], now: number): void {
  if (indexes.length > 0) writeMeta(db, META_DEFERRED_INDEXES, [...missingDeferredIndexes(db), ...indexes], now);
}

/** The deferred indexes not built yet, in the order they were deferred. */
export function missingDeferredIndexes(db: AppDatabase): DeferredIndex[] {
  return deferredIndexes(db) ?? [];
}

/** Null when none are listed; else those listed that do not exist yet. */
function deferredIndexes(db: AppDatabase): DeferredIndex[] | null {
  const listed = readMeta<DeferredIndex[]>(db, META_DEFERRED_INDEXES);
  if (listed === undefined) return null;
  const exists = db.sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?").pluck();
  return listed.filter((index) => exists.get(index.name) === undefined);
}

const FORGET_DEFERRED_SQL = `DELETE FROM app_meta WHERE key = '${META_DEFERRED_INDEXES}'`;

/** The index's statement with IF NOT EXISTS: building twice (two processes, a retry) is harmless. */
function createIfMissing(index: DeferredIndex): string {
  return index.sql.replace(/^CREATE\s+(UNIQUE\s+)?INDEX\s+(?!IF\s+NOT\s+EXISTS)/i, (_match, unique: string | undefined) => `CREATE ${unique ?? ''}INDEX IF NOT EXISTS `);
}

/**
 * How a connection builds them, and counts the rollups: a second sorter thread, and a 4 MB page cache instead of the
 * app's 16, which bounds the runs SQLite's external sort writes, so there are more of them for that thread (five
 * indexes over 1M runs: 2.4-2.9 s against 3.4-3.8 s with 16 MB; a larger cache was slower still; the rollups' count
 * 1.2-1.3 s against 1.6 s).
 */
const BUILD_PRAGMAS = { threads: 2, cache_size: -4000 } as const;

/**
 * What a bulk load (or a migration) left, still to do: whether the rollups are to be counted, whether the sort tables
 * are to be filled (db/sort-tables.ts), and the indexes to build.
 */
export interface DeferredWork {
  rollups: boolean;
  sortTables: boolean;
  indexes: number;
}

export function deferredWork(db: AppDatabase): DeferredWork {
  return { rollups: rollupsUncounted(db.sqlite), sortTables: sortTablesUnfilled(db.sqlite), indexes: missingDeferredIndexes(db).length };
}

/**
 * `statements` in one write transaction, run only while `stillToDo` (a count, read under the write lock: the second
 * step) is not 0.
 */
function writeWhileStillToDo(stillToDo: string, statements: string[]): SqlStep[] {
  return [
    { kind: 'exec', sql: 'BEGIN IMMEDIATE' },
    { kind: 'continueIf', sql: stillToDo },
    ...statements.map((sql) => ({ kind: 'exec' as const, sql })),
    { kind: 'exec', sql: 'COMMIT' },
  ];
}

/**
 * About how many runs one step of the sort tables' fill ranks: the owners in order, a step closed once it holds this
 * many (a larger owner alone). A write waits for the step under way, about half a second at this size on a loaded
 * machine, instead of the whole fill (5-14 s at a million runs).
 */
const FILL_STEP_RUNS = 50_000;

/** The owners with runs, by the rollups (counted before the fill), in steps of about FILL_STEP_RUNS runs. */
function sortFillSteps(db: AppDatabase): number[][] {
  const steps: number[][] = [];
  let step: number[] = [];
  let runs = 0;
  for (const owner of runsPerOwnerKey(db, { kind: 'all' })) {
    if (step.length > 0 && runs + owner.runs > FILL_STEP_RUNS) {
      steps.push(step);
      [step, runs] = [[], 0];
    }
    step.push(owner.owner);
    runs += owner.runs;
  }
  if (step.length > 0) steps.push(step);
  return steps;
}

/** Does what a bulk load left on this connection (the rollups, then each index in a transaction of its own). */
export function finishDeferredWork(db: AppDatabase, onProgress?: ProgressListener): void {
  const missing = deferredIndexes(db);
  const uncounted = rollupsUncounted(db.sqlite);
  const unfilled = sortTablesUnfilled(db.sqlite);
  if (missing === null && !uncounted && !unfilled) return;
  const saved = Object.keys(BUILD_PRAGMAS).map((name) => [name, db.sqlite.pragma(name, { simple: true })] as const);
  try {
    for (const [name, value] of Object.entries(BUILD_PRAGMAS)) db.sqlite.pragma(`${name} = ${value}`);
    if (uncounted) {
      onProgress?.({ phase: 'Counting the statistics', done: 0, total: 1 });
      ensureRollupsCounted(db.sqlite);
      onProgress?.({ phase: 'Counting the statistics', done: 1, total: 1 });
    }
    if (unfilled) {
      onProgress?.({ phase: 'Preparing the sorted history', done: 0, total: 1 });
      inImmediateTransaction(db, () => {
        for (const statement of fillSortTablesSql()) db.sqlite.exec(statement);
      });
      onProgress?.({ phase: 'Preparing the sorted history', done: 1, total: 1 });
    }
    if (missing === null) return;
    onProgress?.({ phase: 'Building indexes', done: 0, total: missing.length });
    missing.forEach((index, i) => {
      db.sqlite.exec(createIfMissing(index));
      onProgress?.({ phase: 'Building indexes', done: i + 1, total: missing.length });
    });
    db.sqlite.exec(FORGET_DEFERRED_SQL);
  } finally {
    for (const [name, value] of saved) db.sqlite.pragma(`${name} = ${String(value)}`);
  }
}

export interface BackgroundBuildOptions extends SqlWorkerOptions, Pick<SqlWorkerJob, 'busyTimeoutMs'> {
  /** How many times a step that found the file locked for longer than the busy timeout is tried (default 5). */
  attempts?: number;
  /** The pause between tries (default 2000 ms). */
  retryDelayMs?: number;
  /** Once aborted, no new try starts: the work rejects with the last try's error (the app aborts it as it closes). */
  signal?: AbortSignal;
}

/**
 * The pause between two steps that hold the write lock (the count's last, each index): the writes that waited for one
 * (whenWritable) commit before the next takes the lock.
 */
const WRITES_BETWEEN_STEPS_MS = 50;

/**
 * Does what a bulk load left on worker threads with a connection of their own, so this thread goes on serving (in WAL
 * mode readers never wait). The rollups come first: a read of them awaits the count (whenRollupsCounted); then the
 * queue's indexes (QUEUE_INDEXES), the sort tables, and the other indexes. Each step (one index; the count's first and
 * last) is one write transaction, announced in-process (db/background-work.ts): the main connection's writes wait for
 * it as a promise, not in the busy timeout, and commit between two steps. A step that
 * found the file locked by another process's writer for longer than the worker's busy timeout (SQLITE_BUSY) is only
 * delayed: it is tried again after a pause, what was done kept, up to `attempts` times. Resolves with what it did;
 * nothing to do resolves at once.
 */
export async function finishDeferredWorkInBackground(db: AppDatabase, options: BackgroundBuildOptions = {}): Promise<DeferredWork> {
  const rollups = (await countRollupsInBackground(db, options)) !== null;
  const queueIndexes = await buildDeferredIndexesInBackground(db, options, 'queue');
  const sortTables = await fillSortTablesInBackground(db, options);
  return { rollups, sortTables, indexes: queueIndexes + (await buildDeferredIndexesInBackground(db, options)) };
}

/**
 * The sort tables' part of finishDeferredWorkInBackground, after the count (which the statistics wait for, and this
 * does not hold up): true when this call filled them. Until then the history's sorted pages sort the runs.
 */
export async function fillSortTablesInBackground(db: AppDatabase, options: BackgroundBuildOptions = {}): Promise<boolean> {
  if (!sortTablesUnfilled(db.sqlite) || options.signal?.aborted) return false;
  await whenRollupsCounted(db, options); // the steps come from the owners' run counts
  // Owner by owner, each step a transaction of its own (refillSortOwnersSql: exact whatever the tables held for the
  // owner), the writes waiting meanwhile let through between steps; the tables stay unfilled until the last one.
  for (const owners of sortFillSteps(db)) {
    // Closing: the step under way is finished, the fill left for the next start (it starts over).
    if (options.signal?.aborted) return false;
    await inBackground(db, writeWhileStillToDo(SORT_TABLES_UNFILLED_SQL, refillSortOwnersSql(owners)), options);
    await sleep(WRITES_BETWEEN_STEPS_MS);
  }
  await inBackground(db, writeWhileStillToDo(SORT_TABLES_UNFILLED_SQL, finishSortFillSql()), options);
  await sleep(WRITES_BETWEEN_STEPS_MS);
  return true;
}

/**
 * How a call of countRollupsInBackground counted the rollups: from a snapshot (the write lock held only to start and to
 * end), or under the lock (the runs changed during the count from a snapshot, or it failed); null when it did not
 * count them (they were counted, or a count under way in this process did it: the call waits for that one).
 */
export type RollupsCounted = 'from a snapshot' | 'under the lock' | null;

/** The rollups' part of finishDeferredWorkInBackground: how this call counted them (RollupsCounted). */
export async function countRollupsInBackground(db: AppDatabase, options: BackgroundBuildOptions = {}): Promise<RollupsCounted> {
  const underWay = rollupsCountUnderWay(db.path);
  if (underWay) {
    await underWay;
    return null;
  }
  if (!rollupsUncounted(db.sqlite)) return null;
  return countingRollups(db.path, async () => {
    // From a snapshot (db/rollups.ts); what it could not do (the runs changed meanwhile, the scratch file refused) is done
    // under the lock. Either way counted unless found counted already (a read or a bulk change on the app's connection
    // may have done it first).
    const fromSnapshot = await countFromSnapshot(db, options).catch((error: unknown) => {
      if (error instanceof SqlWorkerError && error.code === 'SQLITE_BUSY') throw error;
      log.warn('[startup] counting the rollups from a snapshot failed; counting them under the write lock:', error);
      return 'failed' as const;
    });
    if (fromSnapshot === 'counted') return 'from a snapshot';
    if (fromSnapshot === 'found counted') return null;
    await inBackground(db, writeWhileStillToDo(ROLLUPS_UNCOUNTED_SQL, countRollupsSql()), options);
    return 'under the lock';
  });
}

/** The file beside the database that a count from a snapshot sums into (removed after; 0600, as the database). */
export function scratchFileFor(databasePath: string): string {
  return `${databasePath}-recount`;
}

/**
 * What the count from a snapshot did: counted the rollups; found them counted (on the app's connection, by a read or a
 * bulk change); or left them, the runs having changed between its snapshot and its end (nothing written but the
 * counter, which the count under the lock drops).
 */
type SnapshotCount = 'counted' | 'found counted' | 'runs changed';

/** The count from a snapshot (db/rollups.ts). Its scratch file is gone after, whatever happened. */
async function countFromSnapshot(db: AppDatabase, options: BackgroundBuildOptions): Promise<SnapshotCount> {
  const watch = writeWhileStillToDo(ROLLUPS_UNCOUNTED_SQL, watchRunChangesSql());
  const watching = await stepsInBackground(db, watch, options);
  if (watching(watch[1]!) === 0) return 'found counted';
  const scratch = scratchFileFor(db.path);
  removeScratch(scratch);
  fs.closeSync(openNewPrivateFile(scratch));
  try {
    const attach = { [SCRATCH_SCHEMA]: scratch };
    const uncounted: SqlStep = { kind: 'continueIf', sql: ROLLUPS_UNCOUNTED_SQL };
    const changesNow: SqlStep = { kind: 'get', sql: RUN_CHANGES_SQL };
    // One read transaction: the counter and the runs counted are of one snapshot. The scratch file is thrown away
    // after, whatever happens: no journal, no fsync.
    const snapshot = await stepsInBackground(
      db,
      [
        { kind: 'exec', sql: `PRAGMA ${SCRATCH_SCHEMA}.journal_mode = OFF` },
        { kind: 'exec', sql: `PRAGMA ${SCRATCH_SCHEMA}.synchronous = OFF` },
        { kind: 'exec', sql: 'BEGIN' },
        uncounted,
        changesNow,
        ...countIntoScratchSql(db.sqlite).map((sql): SqlStep => ({ kind: 'exec', sql })),
        { kind: 'exec', sql: 'COMMIT' },
      ],
      options,
      { attach, lock: false },
    );
    if (snapshot(uncounted) === 0) return 'found counted';
    const { changes } = snapshot(changesNow) as { changes: number };
    const unchanged: SqlStep = { kind: 'continueIf', sql: RUNS_UNCHANGED_SQL, params: { changes } };
    const copy = await stepsInBackground(
      db,
      [
        { kind: 'exec', sql: 'BEGIN IMMEDIATE' },
        uncounted,
        unchanged,
        ...copyScratchCountSql().map((sql): SqlStep => ({ kind: 'exec', sql })),
        { kind: 'exec', sql: 'COMMIT' },
      ],
      options,
      { attach },
    );
    return copy(uncounted) === 0 ? 'found counted' : copy(unchanged) === 0 ? 'runs changed' : 'counted';
  } finally {
    removeScratch(scratch);
  }
}

/** inBackground, answering each step's result by the step (undefined for a step a 'continueIf' kept from running). */
async function stepsInBackground(...args: Parameters<typeof inBackground>): Promise<(step: SqlStep) => unknown> {
  const [, steps] = args;
  const results = await inBackground(...args);
  return (step) => results[steps.indexOf(step)];
}

/** A scratch file and its rollback journal, if there. */
function removeScratch(scratch: string): void {
  for (const file of [scratch, `${scratch}-journal`]) fs.rmSync(file, { force: true });
}

/**
 * A scratch file a count from a snapshot left beside the database when its process was killed: removed as the file
 * opens (the count runs again from the start). A file another process still uses is left (Windows refuses), and that
 * count, should it miss it, counts under the lock instead.
 */
export function removeLeftoverCountScratch(databasePath: string): void {
  try {
    removeScratch(scratchFileFor(databasePath));
  } catch (error) {
    log.warn(`[startup] ${scratchFileFor(databasePath)} could not be removed:`, error);
  }
}

/**
 * Resolves once `db`'s rollups are counted: at once when they are; else when the count under way in this process ends,
 * or one this call starts (on a worker, as countRollupsInBackground). Never waits on the calling thread, never times
 * out; rejects only when the count itself failed. What a read of the rollups awaits in the app while an adoption's
 * background work runs.
 */
export async function whenRollupsCounted(db: AppDatabase, options: BackgroundBuildOptions = {}): Promise<void> {
  await rollupsCountUnderWay(db.path);
  if (rollupsUncounted(db.sqlite)) await countRollupsInBackground(db, options);
}

/**
 * The deferred indexes that the runner's claims (is an owner's run pending?) and the active runs' pages walk, by status
 * then creation: without them each of those reads every run (0.3 s at a million runs, 3 s at ten million, on the
 * short reads' thread, every history page waiting behind it). finishDeferredWorkInBackground builds them right after
 * the count, before the sort tables and the other filters.
 */
const QUEUE_INDEXES: ReadonlySet<string> = new Set(['job_runs_business_status_created_idx', 'job_runs_status_created_idx']);

/** True once no index of the queue (QUEUE_INDEXES) is still to build. */
export function queueIndexesBuilt(db: AppDatabase): boolean {
  return !missingDeferredIndexes(db).some((index) => QUEUE_INDEXES.has(index.name));
}

/**
 * The indexes' part of finishDeferredWorkInBackground: how many it built, each in a worker's transaction of its own;
 * `which`: every one still to build (the list then forgotten), or only the queue's (QUEUE_INDEXES).
 */
export async function buildDeferredIndexesInBackground(db: AppDatabase, options: BackgroundBuildOptions = {}, which: 'all' | 'queue' = 'all'): Promise<number> {
  const missing = deferredIndexes(db);
  if (missing === null) return 0;
  const building = which === 'queue' ? missing.filter((index) => QUEUE_INDEXES.has(index.name)) : missing;
  for (const [built, index] of building.entries()) {
    // Closing: the index under way is finished, the rest left listed for the next start.
    if (options.signal?.aborted) return built;
    await inBackground(db, [{ kind: 'exec', sql: createIfMissing(index) }], options);
    await sleep(WRITES_BETWEEN_STEPS_MS);
  }
  if (which === 'all') await inBackground(db, [{ kind: 'exec', sql: FORGET_DEFERRED_SQL }], options);
  return building.length;
}

/**
 * After a step, on its worker's connection: the WAL's frames folded into the file, waiting (up to the busy timeout) for
 * the reads that began before the step's commit to end. Left to the worker's own checkpoint at commit (PASSIVE), the
 * frames a read still needed stayed in the WAL, and the main connection's next commit, past WAL_AUTOCHECKPOINT_PAGES,
 * copied them on the main thread (after a count at ten million runs, 0.4 s with every request waiting). A 'get': a
 * checkpoint the readers kept from finishing answers busy instead of failing the step; the main thread's own
 * checkpoint takes what is left.
 */
const CHECKPOINT_AFTER_STEP: SqlStep = { kind: 'get', sql: 'PRAGMA wal_checkpoint(FULL)' };

/** The build pragmas (BUILD_PRAGMAS), as steps of a worker's job. */
const BUILD_PRAGMA_STEPS: SqlStep[] = Object.entries(BUILD_PRAGMAS).map(([name, value]) => ({
  kind: 'exec',
  sql: `PRAGMA ${name} = ${value}`,
}));

/**
 * Runs `steps` on a worker's connection with the build pragmas (and the files `attach` names attached), holding back
 * the main connection's writes meanwhile (holdingWriteLock), then checkpoints what they wrote (CHECKPOINT_AFTER_STEP);
 * tried again while another process's writer holds the file too long. With `lock: false`, for steps that write nothing
 * to the file, neither. Resolves with the results of `steps` (fewer when a 'continueIf' stopped them).
 */
async function inBackground(
  db: AppDatabase,
  steps: SqlStep[],
  options: BackgroundBuildOptions,
  { attach, lock = true }: { attach?: Record<string, string>; lock?: boolean } = {},
): Promise<unknown[]> {
  const { attempts = 5, retryDelayMs = 2000, busyTimeoutMs, signal, ...workerOptions } = options;
  const job = { file: db.path, readonly: false, busyTimeoutMs, attach, steps: [...BUILD_PRAGMA_STEPS, ...steps] };
  if (lock) job.steps.push(CHECKPOINT_AFTER_STEP);
  const run = () => runSqlInWorker(job, workerOptions);
  for (let attempt = 1; ; attempt++) {
    try {
      const results = await (lock ? holdingWriteLock(db.path, run) : run());
      return results.slice(BUILD_PRAGMA_STEPS.length, BUILD_PRAGMA_STEPS.length + steps.length);
    } catch (error) {
      if (!(error instanceof SqlWorkerError && error.code === 'SQLITE_BUSY') || attempt >= attempts) throw error;
      // An abort ends the pause at once (or skips it, when it came during the try).
      await sleep(retryDelayMs, undefined, { signal }).catch(() => undefined);
      if (signal?.aborted) throw error;
    }
  }
}
