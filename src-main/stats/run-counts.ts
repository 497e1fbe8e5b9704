// Reads of job_run_counts: runs per owner and job type, kept by triggers on job_runs in the same
// transaction as every change (drizzle/0004_run_counts_triggers.sql). Exact counts from a few hundred rows. Each read
// takes the table from countedRollups, which counts what a bulk load left uncounted first.
import { eq, sql, sum, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { RunScope } from '../../src-shared/domain';
import type { Orm } from '../db/connection';
import { countedRollups, ORPHANS_OWNER, SYSTEM_OWNER } from '../db/rollups';
import { requireBusinessId, type TenantScope } from '../services/tenant-scope';

/**
 * The tenant condition on a rollup's owner column (job_run_counts, job_run_daily, the histograms):
 * the twin of runScopeCondition for job_runs, over the owner key the triggers compute.
 */
export function ownerCondition(scope: TenantScope, owner: SQLiteColumn): SQL {
  switch (scope.kind) {
    case 'business':
      return eq(owner, requireBusinessId(scope.businessId));
    case 'system':
      return eq(owner, SYSTEM_OWNER);
    case 'orphans':
      return eq(owner, ORPHANS_OWNER);
    case 'all':
      return sql`1 = 1`;
  }
}

/** Runs per job type in `scope`. */
export function runsPerJobType(orm: Orm, scope: TenantScope): Map<string, number> {
  const { jobRunCounts } = countedRollups(orm).tables;
  const rows = orm
    .select({ jobType: jobRunCounts.jobType, runs: sum(jobRunCounts.runs).mapWith(Number) })
    .from(jobRunCounts)
    .where(ownerCondition(scope, jobRunCounts.owner))
    .groupBy(jobRunCounts.jobType)
    .all();
  return new Map(rows.map((row) => [row.jobType, row.runs]));
}

/** All runs in `scope`. */
export function runsInScope(orm: Orm, scope: TenantScope): number {
  const { jobRunCounts } = countedRollups(orm).tables;
  return orm.select({ runs: sum(jobRunCounts.runs).mapWith(Number) }).from(jobRunCounts).where(ownerCondition(scope, jobRunCounts.owner)).get()?.runs ?? 0;
}

/** Runs per owner (a business, system-wide, or the orphans) within `scope`. */
export function runsPerOwner(orm: Orm, scope: TenantScope): { scope: RunScope; businessId: number | null; runs: number }[] {
  const { jobRunCounts } = countedRollups(orm).tables;
  return orm
    .select({ owner: jobRunCounts.owner, runs: sum(jobRunCounts.runs).mapWith(Number) })
    .from(jobRunCounts)
    .where(ownerCondition(scope, jobRunCounts.owner))
    .groupBy(jobRunCounts.owner)
    .all()
    .map(({ owner, runs }) =>
      owner === SYSTEM_OWNER ? { scope: 'system', businessId: null, runs } : { scope: 'business', businessId: owner === ORPHANS_OWNER ? null : owner, runs },
    );
}
