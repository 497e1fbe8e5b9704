// The rollups of job_runs, their keys in SQL and JS: the owner (src-main/tenancy/owner-sql.ts), the UTC day and week, which
// runs each counts (ended; finished with a duration), the duration bucket, and the day versions. The triggers
// (drizzle/0004_run_counts_triggers.sql, drizzle/0008_run_histograms_triggers.sql and later) compute the same keys.
import { ACTIVE_RUN_STATUSES } from '../../src-shared/domain';

export const DAY_MS = 86_400_000;

/** The UTC day index of a run, as the daily rollups key it (created_at is never negative). */
export const RUN_DAY_SQL = `created_at / ${DAY_MS}`;

/** A week of the weekly rollup: 7 whole UTC days, week = day / 7 (= created_at / 604800000; day 0 was a Thursday). */
export const DAYS_PER_WEEK = 7;

const ACTIVE_LIST_SQL = ACTIVE_RUN_STATUSES.map((status) => `'${status}'`).join(', ');

/**
 * A run that has ended (completed, failed or cancelled): the only runs job_run_daily counts (drizzle/0013_run_daily_ended.sql).
 * The others (pending and running) are job_run_active's (drizzle/0022_run_active_counts.sql).
 */
export const RUN_ENDED_SQL = `status NOT IN (${ACTIVE_LIST_SQL})`;

/** A run not yet ended (pending or running): the only runs job_run_active counts. */
export const RUN_ACTIVE_SQL = `status IN (${ACTIVE_LIST_SQL})`;

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

/** The packed histogram rollups: each table, its period column, and how many UTC days a period holds (period = day / days). */
export const HISTOGRAM_TABLES = [
  { table: 'job_run_daily_histograms', period: 'day', days: 1 },
  { table: 'job_run_weekly_histograms', period: 'week', days: DAYS_PER_WEEK },
] as const;

/** The job_run_day_versions row that stands for every day (drizzle/0010_run_day_versions.sql). */
export const EVERY_DAY_VERSION = -1;

/** Raises the version of every day at once: nothing kept of any day's rollups outlives the change. */
export const RAISE_EVERY_DAY_VERSION_SQL = `INSERT INTO job_run_day_versions (day, version) VALUES (${EVERY_DAY_VERSION}, 1)
  ON CONFLICT (day) DO UPDATE SET version = version + 1`;
