// Reads of job_run_counts: runs per owner and job type, kept by triggers on job_runs in the same
// transaction as every change (drizzle/0004_run_counts_triggers.sql). Exact counts from a few hundred rows. Each read
// takes the table from countedRollups, which counts what a bulk load left uncounted first; jobTypesWithRuns, which a
// history page calls, from countedRollupsIfCounted, which never counts.
import { and, inArray, sum } from 'drizzle-orm';
import type { RunScope } from '../../src-shared/domain';
import type { AppDatabase } from '../db/connection';
import { countedRollups, countedRollupsIfCounted } from '../db/rollups';
import type { TenantScope } from '../../src-shared/tenancy';
import { ownerCondition, ownerOfKey } from '../tenancy/owner-sql';

/** Runs per job type in `scope`. */
export function runsPerJobType(db: AppDatabase, scope: TenantScope): Map<string, number> {
  const { jobRunCounts } = countedRollups(db).tables;
  const rows = db.orm
    .select({ jobType: jobRunCounts.jobType, runs: sum(jobRunCounts.runs).mapWith(Number) })
    .from(jobRunCounts)
    .where(ownerCondition(scope, jobRunCounts.owner))
    .groupBy(jobRunCounts.jobType)
    .all();
  return new Map(rows.map((row) => [row.jobType, row.runs]));
}

/** All runs in `scope`. */
export function runsInScope(db: AppDatabase, scope: TenantScope): number {
  const { jobRunCounts } = countedRollups(db).tables;
  return db.orm.select({ runs: sum(jobRunCounts.runs).mapWith(Number) }).from(jobRunCounts).where(ownerCondition(scope, jobRunCounts.owner)).get()?.runs ?? 0;
}

/** Runs per owner (a business, system-wide, or the orphans) within `scope`. */
export function runsPerOwner(db: AppDatabase, scope: TenantScope): { scope: RunScope; businessId: number | null; runs: number }[] {
  return runsPerOwnerKey(db, scope).map(({ owner, runs }) => ({ ...ownerOfKey(owner), runs }));
}

/** Runs per owner within `scope`, by the key the rollups give owners (a business's id, SYSTEM_OWNER, ORPHANS_OWNER). */
export function runsPerOwnerKey(db: AppDatabase, scope: TenantScope): { owner: number; runs: number }[] {
  const { jobRunCounts } = countedRollups(db).tables;
  return db.orm
    .select({ owner: jobRunCounts.owner, runs: sum(jobRunCounts.runs).mapWith(Number) })
    .from(jobRunCounts)
    .where(ownerCondition(scope, jobRunCounts.owner))
    .groupBy(jobRunCounts.owner)
    .all();
}

/**
 * The job types among `jobTypes` that `scope` has runs of, in their order; null while the rollups are still to count
 * (the caller then filters as asked, without waiting for the count).
 */
export function jobTypesWithRuns(db: AppDatabase, scope: TenantScope, jobTypes: readonly string[]): string[] | null {
  const rollups = countedRollupsIfCounted(db);
  if (!rollups) return null;
  const { jobRunCounts } = rollups.tables;
  const present = db.orm
    .selectDistinct({ jobType: jobRunCounts.jobType })
    .from(jobRunCounts)
    .where(and(ownerCondition(scope, jobRunCounts.owner), inArray(jobRunCounts.jobType, [...jobTypes])))
    .all();
  const found = new Set(present.map((row) => row.jobType));
  return jobTypes.filter((jobType) => found.has(jobType));
}
