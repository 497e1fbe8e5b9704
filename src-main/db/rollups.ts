// The rollups of job_runs: job_run_counts (runs per owner and type; drizzle/0004_run_counts_triggers.sql),
// job_run_daily (ended runs, finished runs and their duration sum per owner, UTC day, type and status) and the packed
// duration histograms per owner, UTC day or week, and type (job_run_daily_histograms, job_run_weekly_histograms;
// drizzle/0008_run_histograms_triggers.sql): their keys in SQL and JS, and their upkeep outside the triggers that
// keep them in every ordinary transaction.
import type Database from 'better-sqlite3';
import { ACTIVE_RUN_STATUSES } from '../../src-shared/domain';
import type { Orm } from './connection';
import { jobRunCounts, jobRunDaily, jobRunDailyHistograms, jobRunWeeklyHistograms } from './schema';
import { ownerRunsCondition, RUN_OWNER_SQL } from '../tenancy/owner-sql';

export const DAY_MS = 86_400_000;

/** The UTC day index of a run, as the daily rollups key it (created_at is never negative). */
export const RUN_DAY_SQL = `created_at / ${DAY_MS}`;

/** A week of the weekly rollup: 7 whole UTC days, week = day / 7 (= created_at / 604800000; day 0 was a Thursday). */
export const DAYS_PER_WEEK = 7;

/**
 * A run that has ended (completed, failed or cancelled): the only runs job_run_daily counts (drizzle/0013_run_daily_ended.sql).
 * Pending and running runs are few (the queue and the runner's slots) and read from job_runs by status.
 */
export const RUN_ENDED_SQL = `status NOT IN (${ACTIVE_RUN_STATUSES.map((status) => `'${status}'`).join(', ')})`;

/** A run "finished with a duration": the only runs counted in dur_n, dur_sum and the duration histogram. */
export const RUN_FINISHED_SQL = `status IN ('completed', 'failed') AND duration_ms IS NOT NULL`;

/**
 * Duration histogram buckets: BUCKETS_PER_DOUBLING per doubling of (duration + 1), so bucket b holds the
 * durations d with 2^(b/8) <= d + 1 < 2^((b+1)/8). A negative duration counts as 0.
 */
export const BUCKETS_PER_DOUBLING = 8;
export const RUN_BUCKET_SQL = `CAST(log2(max(duration_ms, 0) + 1) * ${BUCKETS_PER_DOUBLING} AS INTEGER)`;

/**
 * The value reported for a percentile that falls in bucket b: the geometric middle of the bucket's (d + 1)
 * range, 2^((b + 1/2)/8) - 1, rounded to a whole millisecond. Every d + 1 in the bucket lies within a factor
 * 2^(1/16) ≈ 1.0443 of it, so the reported value is within 4.5% (plus 0.5 ms of rounding) of the exact
 * nearest-rank percentile, measured on d + 1. Callers clamp it to the exact minimum and maximum when known.
 */
export function bucketValue(bucket: number): number {
  return Math.max(0, Math.round(2 ** ((bucket + 0.5) / BUCKETS_PER_DOUBLING) - 1));
}

const DAILY_RECOUNT_SQL = `SELECT ${RUN_OWNER_SQL}, ${RUN_DAY_SQL}, job_type, status, count(*), sum(${RUN_FINISHED_SQL}),
  sum(CASE WHEN ${RUN_FINISHED_SQL} THEN duration_ms ELSE 0 END) FROM job_runs WHERE ${RUN_ENDED_SQL} GROUP BY 1, 2, 3, 4`;
/** The packed histogram rollups: each table, its period column, and how many UTC days a period holds (period = day / days). */
const HISTOGRAM_TABLES = [
  { table: 'job_run_daily_histograms', period: 'day', days: 1 },
  { table: 'job_run_weekly_histograms', period: 'week', days: DAYS_PER_WEEK },
] as const;

export interface RollupDrift {
  table: 'job_run_daily' | 'job_run_daily_histograms' | 'job_run_weekly_histograms';
  /** owner/day/job type/status, or owner/day (or week)/job type/bucket */
  key: string;
  /** runs/dur_n/dur_sum (or runs), kept and recounted */
  kept: string;
  counted: string;
}

/**
 * Keys whose daily and weekly rollups differ from a recount of job_runs (or hold an empty histogram): empty when all are
 * right. Rollups a bulk load left uncounted are counted first (ensureRollupsCounted): pending work, not drift.
 */
export function dailyRollupDrift(sqlite: Database.Database): RollupDrift[] {
  ensureRollupsCounted(sqlite);
  const daily = sqlite
    .prepare(
      `WITH counted (owner, day, job_type, status, runs, dur_n, dur_sum) AS (${DAILY_RECOUNT_SQL})
       SELECT 'job_run_daily' AS "table", owner || '/' || day || '/' || job_type || '/' || status AS key,
              sum(k_runs) || '/' || sum(k_n) || '/' || sum(k_sum) AS kept, sum(c_runs) || '/' || sum(c_n) || '/' || sum(c_sum) AS counted
       FROM (SELECT owner, day, job_type, status, runs AS k_runs, dur_n AS k_n, dur_sum AS k_sum, 0 AS c_runs, 0 AS c_n, 0 AS c_sum FROM job_run_daily
             UNION ALL SELECT owner, day, job_type, status, 0, 0, 0, runs, dur_n, dur_sum FROM counted)
       GROUP BY owner, day, job_type, status
       HAVING sum(k_runs) <> sum(c_runs) OR sum(k_n) <> sum(c_n) OR sum(k_sum) <> sum(c_sum)
       ORDER BY owner, day, job_type, status`,
    )
    .all() as RollupDrift[];
  const histograms = HISTOGRAM_TABLES.flatMap(({ table, period, days }) =>
    sqlite
      .prepare(
        `WITH counted (owner, period, job_type, bucket, runs) AS (
           SELECT ${RUN_OWNER_SQL}, ${RUN_DAY_SQL} / ${days}, job_type, ${RUN_BUCKET_SQL}, count(*)
           FROM job_runs WHERE ${RUN_FINISHED_SQL} GROUP BY 1, 2, 3, 4),
         kept (owner, period, job_type, bucket, runs) AS (
           SELECT t.owner, t.${period}, t.job_type, CAST(b.key AS INTEGER), b.value FROM ${table} AS t, json_each(t.buckets) AS b)
         SELECT '${table}' AS "table", owner || '/' || period || '/' || job_type || '/' || bucket AS key,
                CAST(sum(kept) AS TEXT) AS kept, CAST(sum(counted) AS TEXT) AS counted
         FROM (SELECT owner, period, job_type, bucket, runs AS kept, 0 AS counted FROM kept
               UNION ALL SELECT owner, period, job_type, bucket, 0, runs FROM counted)
         GROUP BY owner, period, job_type, bucket HAVING sum(kept) <> sum(counted) OR min(kept) < 0 OR (sum(kept) = 0 AND count(*) > 1)
         UNION ALL
         SELECT '${table}', owner || '/' || ${period} || '/' || job_type || '/(none)', '{}', '(no row)' FROM ${table} WHERE json(buckets) = '{}'
         ORDER BY 2`,
      )
      .all() as RollupDrift[],
  );
  return [...daily, ...histograms];
}

/** Owners and types whose kept count differs from a recount of job_runs: empty when the rollup is right (counted first, as above). */
export function runCountDrift(sqlite: Database.Database): { owner: number; jobType: string; kept: number; counted: number }[] {
  ensureRollupsCounted(sqlite);
  return sqlite
    .prepare(
      `WITH counted AS (SELECT ${RUN_OWNER_SQL} AS owner, job_type, count(*) AS runs FROM job_runs GROUP BY 1, 2)
       SELECT owner, jobType, sum(kept) AS kept, sum(counted) AS counted FROM (
         SELECT owner, job_type AS jobType, runs AS kept, 0 AS counted FROM job_run_counts
         UNION ALL SELECT owner, job_type, 0, runs FROM counted)
       GROUP BY owner, jobType HAVING sum(kept) <> sum(counted) ORDER BY owner, jobType`,
    )
    .all() as { owner: number; jobType: string; kept: number; counted: number }[];
}

// ---- Bulk loads and changes----------------------------------------------------------------------------------

/** The job_run_day_versions row that stands for every day (drizzle/0010_run_day_versions.sql). */
export const EVERY_DAY_VERSION = -1;

/** Raises the version of every day at once: nothing kept of any day's rollups outlives the change. */
const RAISE_EVERY_DAY_VERSION_SQL = `INSERT INTO job_run_day_versions (day, version) VALUES (${EVERY_DAY_VERSION}, 1)
  ON CONFLICT (day) DO UPDATE SET version = version + 1`;

/** The names of the triggers on job_runs that raise a day's version (drizzle/0010_run_day_versions.sql). */
const DAY_VERSION_TRIGGER_PREFIX = 'job_run_day_versions_';

/**
 * Runs `work` with the triggers of `table` dropped, then creates them again. Inside a transaction, so no other
 * connection sees them missing; the caller updates what they keep (the rollups) itself. When the dropped ones
 * include the day-version triggers (job_runs'), the version of every day goes up instead, as they were not there
 * to say which days changed: nothing the stats keep of past days outlives the change.
 */
export function withTriggersDropped<T>(sqlite: Database.Database, table: string, work: () => T): T {
  const triggers = sqlite.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? ORDER BY rowid").all(table) as {
    name: string;
    sql: string;
  }[];
  for (const trigger of triggers) sqlite.exec(`DROP TRIGGER "${trigger.name}"`);
  const result = work();
  for (const trigger of triggers) sqlite.exec(trigger.sql);
  if (triggers.some((trigger) => trigger.name.startsWith(DAY_VERSION_TRIGGER_PREFIX))) sqlite.exec(RAISE_EVERY_DAY_VERSION_SQL);
  return result;
}

/**
 * temp.rollup_delta: the runs `where` selects, grouped by every rollup key at once (owner, day, type, status, bucket).
 * Day first: adopted runs are stored in created_at order, and sorting them day first measured 0.87-0.90 s against
 * 1.13-1.27 s owner first (1M runs).
 */
function groupRunsSql(where: string): string {
  return `CREATE TEMP TABLE rollup_delta AS
    SELECT ${RUN_OWNER_SQL} AS owner, ${RUN_DAY_SQL} AS day, job_type, status,
           CASE WHEN ${RUN_FINISHED_SQL} THEN ${RUN_BUCKET_SQL} END AS bucket, count(*) AS runs,
           sum(CASE WHEN ${RUN_FINISHED_SQL} THEN duration_ms ELSE 0 END) AS dur_sum
    FROM job_runs ${where} GROUP BY 2, 1, 3, 4, 5`;
}

/**
 * Each rollup, with the affected runs' rows for it (from temp.rollup_delta): `sums` rollups hold numbers per key
 * (added up), `histogram` rollups a JSONB object per key from bucket to runs (added up bucket by bucket).
 */
type Rollup =
  | { kind: 'sums'; table: string; keys: readonly ['owner', ...string[]]; values: readonly string[]; groups: string }
  | { kind: 'histogram'; table: string; period: 'day' | 'week'; days: number };

const ROLLUPS: readonly Rollup[] = [
  {
    kind: 'sums',
    table: 'job_run_counts',
    keys: ['owner', 'job_type'],
    values: ['runs'],
    groups: 'SELECT owner, job_type, sum(runs) AS runs FROM temp.rollup_delta GROUP BY 1, 2',
  },
  {
    kind: 'sums',
    table: 'job_run_daily',
    keys: ['owner', 'day', 'job_type', 'status'],
    values: ['runs', 'dur_n', 'dur_sum'],
    groups: `SELECT owner, day, job_type, status, sum(runs) AS runs, sum(CASE WHEN bucket IS NOT NULL THEN runs ELSE 0 END) AS dur_n,
             sum(dur_sum) AS dur_sum FROM temp.rollup_delta WHERE ${RUN_ENDED_SQL} GROUP BY 1, 2, 3, 4`,
  },
  ...HISTOGRAM_TABLES.map((histogram) => ({ kind: 'histogram' as const, ...histogram })),
];

/** The bucket-by-bucket sum of two packed histograms, keys whose runs add up to 0 left out (an empty object when all are). */
function histogramSumSql(a: string, b: string): string {
  return `(SELECT jsonb_group_object(key, n) FROM (
    SELECT key, sum(value) AS n FROM (SELECT key, value FROM json_each(${a}) UNION ALL SELECT key, value FROM json_each(${b}))
    GROUP BY key HAVING n <> 0))`;
}

/** The SET clause of an upsert that adds the `excluded` row's values into the rollup row of the same key. */
function addExcludedSql(rollup: Rollup): string {
  return rollup.kind === 'sums'
    ? rollup.values.map((v) => `${v} = ${v} + excluded.${v}`).join(', ')
    : `buckets = ${histogramSumSql(`${rollup.table}.buckets`, 'excluded.buckets')}`;
}

/** A histogram rollup's key columns. */
function histogramKeys(rollup: Extract<Rollup, { kind: 'histogram' }>): ['owner', ...string[]] {
  return ['owner', rollup.period, 'job_type'];
}

/** A rollup's key columns (owner first) and value columns. */
function columnsOf(rollup: Rollup): { keys: readonly ['owner', ...string[]]; values: readonly string[] } {
  return rollup.kind === 'sums' ? rollup : { keys: histogramKeys(rollup), values: ['buckets'] };
}

/**
 * The upsert of a rollup that adds the groups in temp.rollup_delta to it (sign 1); for a histogram rollup, sign -1
 * adds the negated runs, bucket by bucket (the caller then drops the rows it emptied).
 */
function addGroupsSql(rollup: Rollup, sign: 1 | -1 = 1): string {
  if (rollup.kind === 'sums') {
    return `INSERT INTO ${rollup.table} (${[...rollup.keys, ...rollup.values].join(', ')}) SELECT * FROM (${rollup.groups}) WHERE true
      ON CONFLICT (${rollup.keys.join(', ')}) DO UPDATE SET ${addExcludedSql(rollup)}`;
  }
  const keys = histogramKeys(rollup);
  return `INSERT INTO ${rollup.table} (${keys.join(', ')}, buckets)
    SELECT owner, p, job_type, jsonb_group_object(bucket, runs) FROM (
      SELECT owner, day / ${rollup.days} AS p, job_type, CAST(bucket AS TEXT) AS bucket, ${sign} * sum(runs) AS runs
      FROM temp.rollup_delta WHERE bucket IS NOT NULL GROUP BY 1, 2, 3, 4)
    WHERE true GROUP BY 1, 2, 3
    ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${addExcludedSql(rollup)}`;
}

/** Adds (+1) or takes out (-1) the groups in temp.rollup_delta from every rollup. */
function applyGroups(sqlite: Database.Database, sign: 1 | -1): void {
  for (const rollup of ROLLUPS) {
    if (sign === 1) {
      sqlite.exec(addGroupsSql(rollup));
      continue;
    }
    if (rollup.kind === 'histogram') {
      const keys = histogramKeys(rollup);
      sqlite.exec(addGroupsSql(rollup, -1));
      sqlite.exec(
        `DELETE FROM ${rollup.table} WHERE (${keys.join(', ')}) IN (SELECT DISTINCT owner, day / ${rollup.days}, job_type FROM temp.rollup_delta
         WHERE bucket IS NOT NULL) AND json(buckets) = '{}'`,
      );
      continue;
    }
    const { table, keys, values, groups } = rollup;
    // The groups, keyed, so each statement below walks them (few) and finds the rollup row by its key.
    sqlite.exec('DROP TABLE IF EXISTS temp.rollup_groups');
    sqlite.exec(`CREATE TEMP TABLE rollup_groups (${[...keys, ...values].join(', ')}, PRIMARY KEY (${keys.join(', ')}))`);
    sqlite.exec(`INSERT INTO temp.rollup_groups ${groups}`);
    const sameKey = keys.map((key) => `${table}.${key} = d.${key}`).join(' AND ');
    // By key, not rowid: job_run_daily is a WITHOUT ROWID table.
    const keyList = `(${keys.join(', ')})`;
    const keysOfGroups = (extra: string) => `SELECT ${keys.map((key) => `d.${key}`).join(', ')} FROM temp.rollup_groups AS d JOIN ${table} ON ${sameKey}${extra}`;
    // A key whose every run is affected goes (runs may never reach 0); the others are decremented.
    sqlite.exec(`DELETE FROM ${table} WHERE ${keyList} IN (${keysOfGroups(` WHERE ${table}.runs = d.runs`)})`);
    // UPDATE … FROM: SQLite walks the groups and finds each rollup row by its key. A row-value `IN (SELECT … FROM
    // the groups)` scanned the whole rollup instead (job_run_daily: a row per owner, day, type and status), once
    // per bulk change: 1.1 s of a 2,000-run move on 100,000 runs.
    const less = values.map((v) => `${v} = ${table}.${v} - d.${v}`).join(', ');
    sqlite.exec(`UPDATE ${table} SET ${less} FROM temp.rollup_groups AS d WHERE ${sameKey}`);
    sqlite.exec('DROP TABLE temp.rollup_groups');
  }
}

// ---- Rollups left to count after a bulk load -------------------------------------------------------------

/**
 * The app_meta key present while the rollups are not counted: a bulk load that ran with the triggers dropped
 * (adoption) leaves them empty, and this, in its own transaction, for the count after it has committed.
 */
export const META_ROLLUPS_UNCOUNTED = 'rollups_uncounted';

/**
 * The statements that count every rollup of job_runs (job_run_counts, job_run_daily, and the daily and weekly
 * histograms) from scratch, raise the version of every day, and forget META_ROLLUPS_UNCOUNTED: to run in one write
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

const ROLLUP_TABLES = { jobRunCounts, jobRunDaily, jobRunDailyHistograms, jobRunWeeklyHistograms } as const;

/**
 * The rollup tables, as only countedRollups hands them out: once they are counted. Outside this module, code reads the
 * rollups through one of these and nothing else (lint refuses an import of the tables from db/schema.ts: eslint.config.mjs),
 * so no read can forget the count a bulk load left to do.
 */
export interface CountedRollups {
  readonly orm: Orm;
  readonly tables: typeof ROLLUP_TABLES;
}

/** The rollups of `orm`'s file, counted first when a bulk load left them uncounted (ensureRollupsCounted). */
export function countedRollups(orm: Orm): CountedRollups {
  ensureRollupsCounted(orm.$client);
  return { orm, tables: ROLLUP_TABLES };
}

/** Connections that have seen the rollups counted: nothing makes them uncounted again (a bulk load builds a new file). */
const seenCounted = new WeakSet<Database.Database>();

/**
 * Every read of the rollups, and every bulk change to them, calls this first. When a bulk load left them uncounted,
 * they are counted here, on this connection, in a write transaction of their own (or the caller's): the answer is the
 * same as ever, only later. When the background count (adoption/after-open.ts) holds the write lock, this waits for it
 * within the busy timeout and then finds nothing to do. Costs nothing once a connection has seen them counted.
 */
export function ensureRollupsCounted(sqlite: Database.Database): void {
  if (seenCounted.has(sqlite)) return;
  if (!rollupsUncounted(sqlite)) {
    // Inside a transaction that may still roll back (the caller's), "counted" is only this transaction's view.
    if (!sqlite.inTransaction) seenCounted.add(sqlite);
    return;
  }
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

/** What a bulk change does to the runs it touches: deletes them, or gives them all to another owner (nothing else changes). */
export type BulkRunChange = { kind: 'deleted' } | { kind: 'moved'; toOwner: number };

/**
 * A change to many runs at once (assigning or deleting 100,000 orphans): the rollup triggers would run three to
 * six statements per run, so `change` runs with them dropped, and the rollups move set-based instead: the
 * affected runs' groups are counted once, taken out before the change, and, for runs moved to another owner,
 * put back under that owner. Must run inside the caller's transaction, so no other connection ever sees the
 * triggers missing, and a failure rolls all of it back. `affected` is a SELECT of the ids the change touches;
 * `effect` must be all the change does to them.
 */
export function withRollupsMovedInBulk<T>(
  sqlite: Database.Database,
  affected: { sql: string; params: unknown[] },
  effect: BulkRunChange,
  change: () => T,
): T {
  if (!sqlite.inTransaction) throw new Error('withRollupsMovedInBulk must run inside a transaction');
  ensureRollupsCounted(sqlite);
  sqlite.exec('DROP TABLE IF EXISTS temp.rollup_affected');
  sqlite.exec('CREATE TEMP TABLE rollup_affected (id INTEGER PRIMARY KEY)');
  sqlite.prepare(`INSERT INTO temp.rollup_affected (id) ${affected.sql}`).run(...affected.params);
  sqlite.exec('DROP TABLE IF EXISTS temp.rollup_delta');
  sqlite.exec(groupRunsSql('WHERE id IN (SELECT id FROM temp.rollup_affected)'));
  sqlite.exec('DROP TABLE temp.rollup_affected');
  applyGroups(sqlite, -1);
  const result = withTriggersDropped(sqlite, 'job_runs', change);
  if (effect.kind === 'moved') {
    sqlite.prepare('UPDATE temp.rollup_delta SET owner = ?').run(effect.toOwner);
    applyGroups(sqlite, 1);
  }
  sqlite.exec('DROP TABLE temp.rollup_delta');
  return result;
}

/**
 * A change to every run of one owner at once (all the orphans): the owner's rollup rows are keyed by owner, so
 * they move to the new owner (added to any rows it has) or go, by key, without reading or grouping the runs. The
 * same contract as withRollupsMovedInBulk, plus: `change` touches every run of `fromOwner` and no other run.
 * The first half is checked (no run of `fromOwner` may be left); the caller's WHERE guarantees the second.
 */
export function withOwnerRollupsMoved<T>(sqlite: Database.Database, fromOwner: number, effect: BulkRunChange, change: () => T): T {
  if (!sqlite.inTransaction) throw new Error('withOwnerRollupsMoved must run inside a transaction');
  if (effect.kind === 'moved' && effect.toOwner === fromOwner) throw new Error(`Runs of owner ${fromOwner} cannot move to the same owner`);
  ensureRollupsCounted(sqlite);
  const result = withTriggersDropped(sqlite, 'job_runs', change);
  const runsOf = ownerRunsCondition(fromOwner);
  const left = sqlite.prepare(`SELECT EXISTS (SELECT 1 FROM job_runs WHERE ${runsOf.sql})`).pluck().get(...runsOf.params);
  if (left !== 0) throw new Error(`withOwnerRollupsMoved: the change left runs of owner ${fromOwner}; it must touch all of them`);
  for (const rollup of ROLLUPS) {
    const { table } = rollup;
    if (effect.kind === 'moved') {
      const { keys, values } = columnsOf(rollup);
      const columns = [...keys, ...values].join(', ');
      const moved = ['?', ...keys.slice(1), ...values].join(', ');
      // The source rows are read in full before any is written (SQLite materializes a SELECT of the target table).
      sqlite
        .prepare(
          `INSERT INTO ${table} (${columns}) SELECT ${moved} FROM ${table} WHERE owner = ? AND true
           ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${addExcludedSql(rollup)}`,
        )
        .run(effect.toOwner, fromOwner);
    }
    sqlite.prepare(`DELETE FROM ${table} WHERE owner = ?`).run(fromOwner);
  }
  return result;
}
