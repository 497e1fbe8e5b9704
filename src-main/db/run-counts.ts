// job_run_counts, the runs-per-owner-and-type rollup: its owner key, and its upkeep outside the triggers
// (drizzle/0004_run_counts_triggers.sql) that keep it in every ordinary transaction.
import type Database from 'better-sqlite3';

/** The owner key of job_run_counts: the business id; 0 for system-wide runs; -1 for orphans. */
export const SYSTEM_OWNER = 0;
export const ORPHANS_OWNER = -1;

/** The same key in SQL, over job_runs' columns: what the triggers compute for each run. */
export const RUN_OWNER_SQL = `CASE WHEN scope = 'system' THEN ${SYSTEM_OWNER} ELSE ifnull(business_id, ${ORPHANS_OWNER}) END`;

/**
 * Recounts job_run_counts from job_runs: for a bulk load that ran with the triggers dropped (adoption).
 * Must run in the same transaction as that load.
 */
export function rebuildRunCounts(sqlite: Database.Database): void {
  sqlite.exec('DELETE FROM job_run_counts');
  // One pass over the table and a sort of the groups: 0.4 s for a million runs (walking an index instead
  // costs a table lookup per run, five times that).
  sqlite.exec(`INSERT INTO job_run_counts (owner, job_type, runs) SELECT ${RUN_OWNER_SQL}, job_type, count(*) FROM job_runs GROUP BY 1, 2`);
}

/** Owners and types whose kept count differs from a recount of job_runs: empty when the rollup is right. */
export function runCountDrift(sqlite: Database.Database): { owner: number; jobType: string; kept: number; counted: number }[] {
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
