// The tenant concept in SQL, in one place: the owner key of a run (a business id; 0 for system-wide runs; -1 for
// orphans) and its SQL over job_runs' columns (which the rollup triggers compute too), and the translation of a
// TenantScope (src-shared/tenancy.ts) into a condition on job_runs, on a rollup's owner column, on job_schedules,
// and, for a run or schedule in hand (an event about to be pushed), in JS. Every read and write of tenant rows
// filters through these, so no query can forget the tenant, and no missing id can widen it.
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { RunScope } from '../../src-shared/domain';
import { invalidField } from '../../src-shared/errors';
import type { TenantScope } from '../../src-shared/tenancy';
import { jobRuns, jobSchedules } from '../db/schema';


// ---- The owner key ------------------------------------------------------------------------------------------

/** The owner key of the rollups (job_run_counts, job_run_daily, the histograms): the business id; 0 for system-wide runs; -1 for orphans. */
export const SYSTEM_OWNER = 0;
export const ORPHANS_OWNER = -1;

/**
 * The owner key in SQL, over job_runs' columns: bare (`scope`, `business_id`) for a query, or over a row: a trigger's
 * `NEW` or `OLD`, or a query's alias of job_runs, with the columns quoted as drizzle-kit writes them. A migration
 * that needs the owner writes this; test/tenancy/owner-sql.test.ts holds every trigger on job_runs to it.
 */
export function ownerKeySql(row?: 'NEW' | 'OLD' | 'r'): string {
  const column = (name: string) => (row ? `${row}.\`${name}\`` : name);
  return `CASE WHEN ${column('scope')} = 'system' THEN ${SYSTEM_OWNER} ELSE ifnull(${column('business_id')}, ${ORPHANS_OWNER}) END`;
}

/** The owner key of each run, over job_runs' columns: what the triggers compute for each run. */
export const RUN_OWNER_SQL = ownerKeySql();

/** The run owner a key stands for: the inverse of RUN_OWNER_SQL. */
export function ownerOfKey(owner: number): { scope: RunScope; businessId: number | null } {
  return owner === SYSTEM_OWNER ? { scope: 'system', businessId: null } : { scope: 'business', businessId: owner === ORPHANS_OWNER ? null : owner };
}

/** The runs of one owner (RUN_OWNER_SQL = owner), as a condition on job_runs that the (business_id, …) indexes serve. */
export function ownerRunsCondition(owner: number): { sql: string; params: number[] } {
  if (owner === ORPHANS_OWNER) return { sql: "business_id IS NULL AND scope <> 'system'", params: [] };
  if (owner === SYSTEM_OWNER) return { sql: "business_id IS NULL AND scope = 'system'", params: [] };
  return { sql: "business_id = ? AND scope <> 'system'", params: [owner] };
}

// ---- A scope on job_runs ------------------------------------------------------------------------------------

export function runScopeCondition(scope: TenantScope): SQL {
  switch (scope.kind) {
    // A run with a business is business-scoped (the CHECK job_runs_system_has_no_business), so business_id
    // alone says it, and leads every per-business index; a system run has no business, which leads them too.
    case 'business':
      return eq(jobRuns.businessId, requireBusinessId(scope.businessId));
    case 'all':
      return sql`1 = 1`;
    case 'system':
      return and(eq(jobRuns.scope, 'system'), isNull(jobRuns.businessId)) as SQL;
    case 'orphans':
      return and(eq(jobRuns.scope, 'business'), isNull(jobRuns.businessId)) as SQL;
    default:
      return refuseUnknownScope(scope);
  }
}

/** The placeholder a prepared statement binds a business scope's id to (see preparedRunScopeCondition). */
const SCOPE_BUSINESS_ID = 'scopeBusinessId';

/**
 * runScopeCondition for a statement prepared once per kind of scope: the same conditions, with a business's id
 * left as a placeholder that runScopeValues binds (and validates) at every call.
 */
export function preparedRunScopeCondition(kind: TenantScope['kind']): SQL {
  switch (kind) {
    case 'business':
      return eq(jobRuns.businessId, sql.placeholder(SCOPE_BUSINESS_ID));
    case 'all':
    case 'system':
    case 'orphans':
      return runScopeCondition({ kind });
    default:
      return refuseUnknownScope(kind);
  }
}

/** The placeholder values preparedRunScopeCondition(scope.kind) needs: a business scope's id, checked like runScopeCondition does. */
export function runScopeValues(scope: TenantScope): Record<string, number> {
  switch (scope.kind) {
    case 'business':
      return { [SCOPE_BUSINESS_ID]: requireBusinessId(scope.businessId) };
    case 'all':
    case 'system':
    case 'orphans':
      return {};
    default:
      return refuseUnknownScope(scope);
  }
}

// ---- A scope on a rollup's owner column ---------------------------------------------------------------------

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

/** ownerCondition for a statement prepared once per kind of scope: a business's id a placeholder that runScopeValues binds. */
export function preparedOwnerCondition(kind: TenantScope['kind'], owner: SQLiteColumn): SQL {
  return kind === 'business' ? eq(owner, sql.placeholder(SCOPE_BUSINESS_ID)) : ownerCondition({ kind } as TenantScope, owner);
}

/**
 * ownerCondition as a range of a rollup's primary key per owner: for every owner (scope 'all'), the owners that
 * have runs (`counts` is job_run_counts, a few hundred rows, as countedRollups hands it out), so no rollup table
 * keyed (owner, …) is scanned whole.
 */
export function ownerRangesCondition(scope: TenantScope, owner: SQLiteColumn, counts: SQLiteTable & { owner: SQLiteColumn }): SQL {
  return scope.kind === 'all' ? sql`${owner} IN (SELECT DISTINCT ${counts.owner} FROM ${counts})` : ownerCondition(scope, owner);
}

// ---- A scope on job_schedules -------------------------------------------------------------------------------

/** The schedules a scope may see: a schedule belongs to one business or is system-wide, like the runs it creates. */
export function scheduleScopeCondition(scope: TenantScope): SQL {
  switch (scope.kind) {
    case 'business':
      return and(eq(jobSchedules.scope, 'business'), eq(jobSchedules.businessId, requireBusinessId(scope.businessId))) as SQL;
    case 'all':
      return sql`1 = 1`;
    case 'system':
      return eq(jobSchedules.scope, 'system');
    case 'orphans':
      // Never matches (the table's check forbids it): schedules are deleted with their business.
      return and(eq(jobSchedules.scope, 'business'), isNull(jobSchedules.businessId)) as SQL;
    default:
      return refuseUnknownScope(scope);
  }
}

// ---- A scope on a run or schedule in hand -------------------------------------------------------------------

/**
 * The JS twin of runScopeCondition, for a run (or schedule) already in hand: an event about to be pushed to a
 * session (the event audience, src-main/ipc/events.ts). A property test holds the two to the same answer for
 * every run and scope.
 */
export function isRunInScope(run: { scope: RunScope; businessId: number | null }, scope: TenantScope): boolean {
  switch (scope.kind) {
    case 'business':
      return run.scope === 'business' && run.businessId === requireBusinessId(scope.businessId);
    case 'all':
      return true;
    case 'system':
      return run.scope === 'system';
    case 'orphans':
      return run.scope === 'business' && run.businessId === null;
    default:
      return refuseUnknownScope(scope);
  }
}

/** A business scope without a real id must fail closed, not turn into `business_id = NULL` or worse. */
export function requireBusinessId(businessId: unknown): number {
  if (typeof businessId !== 'number' || !Number.isSafeInteger(businessId) || businessId <= 0) {
    throw invalidField('businessId', `Business must be a positive whole number (a business id), not ${String(businessId)}.`);
  }
  return businessId;
}

function refuseUnknownScope(scope: never): never {
  throw invalidField('scope', `Scope must be all businesses, one business, system-wide or orphans, not ${JSON.stringify(scope)}.`);
}
