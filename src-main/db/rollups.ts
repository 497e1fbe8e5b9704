// The rollups of job_runs: job_run_counts (runs per owner and type; drizzle/0004_run_counts_triggers.sql),
// job_run_daily (ended runs, finished runs and their duration sum per owner, UTC day, type and status), job_run_active
// (pending and running runs per owner, UTC day, type and status; drizzle/0022_run_active_counts.sql) and the packed
// duration histograms per owner, UTC day or week, and type (job_run_daily_histograms, job_run_weekly_histograms;
// drizzle/0008_run_histograms_triggers.sql), kept by triggers in every ordinary transaction. This module is the only
// way to their tables (countedRollups), and counts them when a bulk load left them uncounted. Their keys:
// rollup-keys.ts; the bulk changes: rollup-bulk.ts; the drift checks: rollup-drift.ts.
import type Database from 'better-sqlite3';
import type { AppDatabase } from './connection';
import { RAISE_EVERY_DAY_VERSION_SQL } from './rollup-keys';
import { addGroupsSql, groupRunsSql, ROLLUPS } from './rollup-sets';
import { jobRunCounts, jobRunDaily, jobRunActive, jobRunDailyHistograms, jobRunWeeklyHistograms } from './schema';

/**
 * The app_meta key present while the rollups are not counted: a bulk load that ran with the triggers dropped
 * (adoption) leaves them empty, and this, in its own transaction, for the count after it has committed.
 */
export const META_ROLLUPS_UNCOUNTED = 'rollups_uncounted';

/**
 * The statements that count every rollup of job_runs (job_run_counts, job_run_daily, job_run_active, and the daily
 * and weekly histograms) from scratch, raise the version of every day, and forget META_ROLLUPS_UNCOUNTED: to run in one write
 * transaction. One pass over the table and one sort of the runs into groups (about half a million for a million
 * runs), from which every rollup is summed: three passes over job_runs took 4.7 s for a million runs, this about 1.3 s.
 * Whatever the triggers kept since the bulk load's commit is replaced, so writes in between need no care. What a count
 * from a snapshot left in the file (below) goes too.
 */
export function countRollupsSql(): string[] {
  return [
    ...ROLLUPS.map(({ table }) => `DELETE FROM ${table}`),
    'DROP TABLE IF EXISTS temp.rollup_delta',
    groupRunsSql(''),
    ...ROLLUPS.map((rollup) => addGroupsSql(rollup)),
    'DROP TABLE temp.rollup_delta',
    ...finishCountSql(),
  ];
}

/**
 * The end of every count: nothing watches the runs for a count from a snapshot any more, every day's version goes up,
 * and the rollups are counted.
 */
function finishCountSql(): string[] {
  return [
    ...RUN_CHANGE_TRIGGERS.map(({ name }) => `DROP TRIGGER IF EXISTS ${name}`),
    `DROP TABLE IF EXISTS ${RUN_CHANGES_TABLE}`,
    RAISE_EVERY_DAY_VERSION_SQL,
    `DELETE FROM app_meta WHERE key = '${META_ROLLUPS_UNCOUNTED}'`,
  ];
}

// ---- The count from a snapshot ---------------------------------------------------------------------------------
// The count above holds the write lock throughout (1.2-2.9 s at a million runs, from one owner to a hundred; 7-9 s at
// ten million), and every write of the app waits for it. The app counts in three transactions instead
// (adoption/after-open.ts):
//  1. under the write lock, a moment: a table of one counter, which triggers on job_runs raise at every change that
//     moves a rollup (a run created or deleted; its owner, type, status, day or duration changed);
//  2. with no lock, on a read snapshot of the file: the counter's value, and every rollup counted into tables of a
//     scratch file beside it (attached as SCRATCH_SCHEMA), the sorting and summing that is nearly all of the count;
//  3. under the write lock: if the counter still holds that value, the runs the snapshot counted are the runs now, and
//     the rollups are replaced by the scratch file's rows (a copy of sorted rows), the counter and its triggers
//     dropped. Otherwise the runs changed in between, and the count above runs under the lock instead.
// Writes go on during step 2; a change of the runs then only costs the count under the lock after it, and the app holds
// back every write but an account's until the count ends (db/background-work.ts).

/** The scratch file's schema name, attached to the connection of steps 2 and 3. */
export const SCRATCH_SCHEMA = 'recount';

/** The counter of step 1: one row, raised at every change of the runs that moves a rollup. */
const RUN_CHANGES_TABLE = 'job_run_recount_changes';

/** The columns whose change moves a rollup: the union of the rollup triggers' `UPDATE OF` lists (a test holds them equal). */
export const ROLLUP_COLUMNS = ['scope', 'business_id', 'job_type', 'status', 'created_at', 'duration_ms'] as const;

const RAISE_CHANGES = `UPDATE ${RUN_CHANGES_TABLE} SET changes = changes + 1`;

const RUN_CHANGE_TRIGGERS = [
  { name: 'job_run_recount_insert', event: 'AFTER INSERT' },
  { name: 'job_run_recount_delete', event: 'AFTER DELETE' },
  { name: 'job_run_recount_update', event: `AFTER UPDATE OF ${ROLLUP_COLUMNS.join(', ')}` },
] as const;

/** Step 1, in a write transaction: the counter (0) and its triggers, made again from nothing. */
export function watchRunChangesSql(): string[] {
  return [
    ...RUN_CHANGE_TRIGGERS.map(({ name }) => `DROP TRIGGER IF EXISTS ${name}`),
    `DROP TABLE IF EXISTS ${RUN_CHANGES_TABLE}`,
    `CREATE TABLE ${RUN_CHANGES_TABLE} (changes INTEGER NOT NULL)`,
    `INSERT INTO ${RUN_CHANGES_TABLE} (changes) VALUES (0)`,
    ...RUN_CHANGE_TRIGGERS.map(({ name, event }) => `CREATE TRIGGER ${name} ${event} ON job_runs BEGIN ${RAISE_CHANGES}; END`),
  ];
}

/** The counter's value (step 2 reads it in its snapshot; step 3 under the lock). */
export const RUN_CHANGES_SQL = `SELECT changes FROM ${RUN_CHANGES_TABLE}`;

/** 1 when the counter still holds `@changes`, else 0 (step 3, under the lock). */
export const RUNS_UNCHANGED_SQL = `SELECT count(*) FROM ${RUN_CHANGES_TABLE} WHERE changes = @changes`;

/**
 * Step 2, in one read transaction of the file (its snapshot) on a connection with the scratch file attached (made new
 * for each count): each rollup counted into a table of the scratch file made as `sqlite`'s file has it (its key too, so
 * the copy of step 3 inserts sorted rows).
 */
export function countIntoScratchSql(sqlite: Database.Database): string[] {
  const createTable = (table: string) => {
    const create = sqlite.prepare("SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ?").pluck().get(table);
    if (typeof create !== 'string') throw new Error(`The file has no table ${table}`);
    return create;
  };
  const delta = `${SCRATCH_SCHEMA}.rollup_delta`;
  return [
    groupRunsSql('', delta),
    ...ROLLUPS.flatMap((rollup) => [
      inSchema(createTable(rollup.table), rollup.table),
      addGroupsSql(rollup, 1, delta, `${SCRATCH_SCHEMA}.${rollup.table}`),
    ]),
  ];
}

/** A table's CREATE statement, as sqlite_master holds it, made in the scratch file. */
function inSchema(create: string, table: string): string {
  const made = create.replace(new RegExp(`^CREATE TABLE\\s+[\`"]?${table}[\`"]?`, 'i'), `CREATE TABLE ${SCRATCH_SCHEMA}.${table}`);
  if (made === create) throw new Error(`Unexpected CREATE statement for ${table}: ${create.slice(0, 80)}`);
  return made;
}

/** Step 3's statements once RUNS_UNCHANGED_SQL said 1, under the write lock: the scratch file's rows become the rollups. */
export function copyScratchCountSql(): string[] {
  return [
    ...ROLLUPS.flatMap(({ table }) => [`DELETE FROM main.${table}`, `INSERT INTO main.${table} SELECT * FROM ${SCRATCH_SCHEMA}.${table}`]),
    ...finishCountSql(),
  ];
}

/** 1 while a bulk load's rollups are still to be counted (META_ROLLUPS_UNCOUNTED), else 0. */
export const ROLLUPS_UNCOUNTED_SQL = `SELECT count(*) FROM app_meta WHERE key = '${META_ROLLUPS_UNCOUNTED}'`;

export function rollupsUncounted(sqlite: Database.Database): boolean {
  return sqlite.prepare(ROLLUPS_UNCOUNTED_SQL).pluck().get() !== 0;
}

const ROLLUP_TABLES = { jobRunCounts, jobRunDaily, jobRunDailyHistograms, jobRunWeeklyHistograms, jobRunActive } as const;

/**
 * The rollup tables, as only countedRollups hands them out: once they are counted. Outside this module, code reads the
 * rollups through one of these and nothing else (lint refuses an import of the tables from db/schema.ts: eslint.config.mjs),
 * so no read can forget the count a bulk load left to do.
 */
export interface CountedRollups {
  readonly db: AppDatabase;
  readonly tables: typeof ROLLUP_TABLES;
}

/** The rollups of `db`'s file, counted first when a bulk load left them uncounted (ensureRollupsCounted). */
export function countedRollups(db: AppDatabase): CountedRollups {
  ensureRollupsCounted(db.sqlite);
  return { db, tables: ROLLUP_TABLES };
}

/**
 * The rollups of `db`'s file without counting them: null while a bulk load left them uncounted. For a read that can
 * answer without them (a history page uses them only to skip work) and must not wait for the count.
 */
export function countedRollupsIfCounted(db: AppDatabase): CountedRollups | null {
  if (!seenCounted.has(db.sqlite) && rollupsUncounted(db.sqlite)) return null;
  return { db, tables: ROLLUP_TABLES };
}

/** A read-only connection (a read worker's) met rollups still to count: a connection that can write must read instead. */
export class RollupsUncountedError extends Error {
  constructor() {
    super('The rollups are still to be counted, which a read-only connection cannot do');
    this.name = 'RollupsUncountedError';
  }
}

/** Connections that have seen the rollups counted: nothing makes them uncounted again (a bulk load builds a new file). */
const seenCounted = new WeakSet<Database.Database>();

/**
 * Every read of the rollups, and every bulk change to them, calls this first. When a bulk load left them uncounted,
 * they are counted here, on this connection, in a write transaction of their own (or the caller's): the answer is the
 * same as ever, only later. When the background count (adoption/after-open.ts) holds the write lock, this would wait
 * for it within the busy timeout, on the calling thread: the app's reads await whenRollupsCounted first instead, and
 * its writes the end of the step (db/background-work.ts). Costs nothing once a connection has seen them counted.
 */
export function ensureRollupsCounted(sqlite: Database.Database): void {
  if (seenCounted.has(sqlite)) return;
  if (!rollupsUncounted(sqlite)) {
    // Inside a transaction that may still roll back (the caller's), "counted" is only this transaction's view.
    if (!sqlite.inTransaction) seenCounted.add(sqlite);
    return;
  }
  if (sqlite.readonly) throw new RollupsUncountedError();
  const count = () => {
    for (const statement of countRollupsSql()) sqlite.exec(statement);
  };
  if (sqlite.inTransaction) return count();
  sqlite.exec('BEGIN IMMEDIATE');
  try {
    // Read again under the write lock: the background count may have committed meanwhile.
    if (rollupsUncounted(sqlite)) count();
    sqlite.exec('COMMIT');
  } finally {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
  }
  seenCounted.add(sqlite);
}
