// The one place that turns a tenant scope into a SQL condition on job_runs. Every read and write of runs
// filters through runScopeCondition, so no query can forget the tenant, and no missing id can widen it.
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { RunScope } from '../../src-shared/domain';
import { AppError } from '../../src-shared/errors';
import type { TenantScope } from '../../src-shared/tenancy';
import { jobRuns } from '../db/schema';

export type { TenantScope } from '../../src-shared/tenancy';

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

/**
 * The JS twin of runScopeCondition, for a run already in hand (e.g. an event about to be pushed to a
 * session). A property test holds the two to the same answer for every run and scope.
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
    throw new AppError('VALIDATION', `businessId of a business scope must be a positive whole number, got ${String(businessId)}`);
  }
  return businessId;
}

function refuseUnknownScope(scope: never): never {
  throw new AppError('VALIDATION', `scope is not a tenant scope: ${JSON.stringify(scope)}`);
}
