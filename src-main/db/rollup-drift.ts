// Drift checks of the rollups: what they keep against a recount of job_runs (the maintenance.integrity_check job, tests).
import type Database from 'better-sqlite3';
import { RUN_OWNER_SQL } from '../tenancy/owner-sql';
import { HISTOGRAM_TABLES, RUN_ACTIVE_SQL, RUN_BUCKET_SQL, RUN_DAY_SQL, RUN_ENDED_SQL, RUN_FINISHED_SQL } from './rollup-keys';
import { ensureRollupsCounted } from './rollups';
import { sortTablesDrift } from './sort-tables';

const DAILY_RECOUNT_SQL = `SELECT ${RUN_OWNER_SQL}, ${RUN_DAY_SQL}, job_type, status, count(*), sum(${RUN_FINISHED_SQL}),
  sum(CASE WHEN ${RUN_FINISHED_SQL} THEN duration_ms ELSE 0 END) FROM job_runs WHERE ${RUN_ENDED_SQL} GROUP BY 1, 2, 3, 4`;
export interface RollupDrift {
  table: 'job_run_daily' | 'job_run_active' | 'job_run_daily_histograms' | 'job_run_weekly_histograms' | 'job_run_sort_extremes';
  /** owner/day/job type/status (job_run_daily, job_run_active), or owner/day (or week)/job type/bucket */
  key: string;
  /** runs/dur_n/dur_sum (or runs), kept and recounted */
  kept: string;
  counted: string;
}

/**
 * Keys whose daily and weekly rollups differ from a recount of job_runs (or hold an empty histogram), and what the sort
 * tables hold against their invariant: empty when all are right. Rollups a bulk load left uncounted are counted first (ensureRollupsCounted): pending work, not drift.
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
  // The sort tables (sort-tables.ts): what they hold that the triggers' invariant does not allow, as one line each.
  const sorts = sortTablesDrift(sqlite).map((problem): RollupDrift => ({ table: 'job_run_sort_extremes', key: problem, kept: '', counted: '' }));
  return [...daily, ...activeDrift(sqlite), ...histograms, ...sorts];
}

/** Keys whose count of runs not yet ended differs from a recount of those runs (or that hold no runs). */
function activeDrift(sqlite: Database.Database): RollupDrift[] {
  return sqlite
    .prepare(
      `WITH counted (owner, day, job_type, status, runs) AS (
         SELECT ${RUN_OWNER_SQL}, ${RUN_DAY_SQL}, job_type, status, count(*) FROM job_runs WHERE ${RUN_ACTIVE_SQL} GROUP BY 1, 2, 3, 4)
       SELECT 'job_run_active' AS "table", owner || '/' || day || '/' || job_type || '/' || status AS key,
              CAST(sum(kept) AS TEXT) AS kept, CAST(sum(counted) AS TEXT) AS counted
       FROM (SELECT owner, day, job_type, status, runs AS kept, 0 AS counted FROM job_run_active
             UNION ALL SELECT owner, day, job_type, status, 0, runs FROM counted)
       GROUP BY owner, day, job_type, status HAVING sum(kept) <> sum(counted) OR min(kept) < 0
       ORDER BY owner, day, job_type, status`,
    )
    .all() as RollupDrift[];
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
