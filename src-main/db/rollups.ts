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
 * Whatever the triggers kept since the bulk load's commit is replaced, so writes in between need no care.
 */
export function countRollupsSql(): string[] {
  return [
    ...ROLLUPS.map(({ table }) => `DELETE FROM ${table}`),
    'DROP TABLE IF EXISTS temp.rollup_delta',
    groupRunsSql(''),
    ...ROLLUPS.map((rollup) => addGroupsSql(rollup)),
    'DROP TABLE temp.rollup_delta',
    RAISE_EVERY_DAY_VERSION_SQL,
    `DELETE FROM app_meta WHERE key = '${META_ROLLUPS_UNCOUNTED}'`,
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
