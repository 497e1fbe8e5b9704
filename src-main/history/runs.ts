// One run, by id, and how many runs a scope holds; the job types a scope has runs of. Every read filters by the
// tenant chokepoint (runScopeCondition): another business's run reads like a missing one.
import { and, asc, eq, sql } from 'drizzle-orm';
import { type RunScope } from '../../src-shared/domain';
import { AppError } from '../../src-shared/errors';
import { compareText, type TenantScope } from '../../src-shared/tenancy';
import { type JobRunDetailView, type JobRunView, type JobTypeView } from '../../src-shared/schemas/jobs';
import { type AppDatabase } from '../db/connection';
import { preparedOnce } from '../db/prepared';
import { businesses, jobRuns, jobSchedules, type JobRunRow } from '../db/schema';
import { findJobType, JOB_CATALOG, jobTypeParamsJsonSchema } from '../jobs/catalog';
import { runsInScope, runsPerJobType, runsPerOwner } from '../stats/run-counts';
import { preparedRunScopeCondition, runScopeCondition, runScopeValues } from '../tenancy/owner-sql';
import { userNameOf } from '../accounts/user-name';
import { selectRunList, toJobRunDetailView, toJobRunView, TRIGGERED_BY_NAME, type RunDetailExtras } from './views';
import { inIdList } from '../db/id-list';

/** A run as lists show it (no params or result), or null when it is not in `scope`. */
export function findJobRunView(db: AppDatabase, scope: TenantScope, id: number): JobRunView | null {
  const find = preparedOnce(db, `jobRuns.view:${scope.kind}`, () =>
    selectRunList(db)
      .where(and(preparedRunScopeCondition(scope.kind), eq(jobRuns.id, sql.placeholder('id'))))
      .prepare(),
  );
  const row = find.get({ ...runScopeValues(scope), id });
  return row ? toJobRunView(row, row.businessName) : null;
}

/** These runs as lists show them, those in `scope` only, in the order of `ids`. */
export function findJobRunViews(db: AppDatabase, scope: TenantScope, ids: readonly number[]): JobRunView[] {
  if (ids.length === 0) return [];
  const rows = selectRunList(db)
    .where(and(runScopeCondition(scope), inIdList(jobRuns.id, ids)))
    .all();
  const byId = new Map(rows.map((row) => [row.id, toJobRunView(row, row.businessName)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

// ---- Read one, count ------------------------------------------------------------------------------

/** A run outside the scope reads exactly like a missing one, so its existence does not leak. */
export function getJobRun(db: AppDatabase, scope: TenantScope, id: number): JobRunDetailView {
  const found =
    Number.isSafeInteger(id) && id > 0
      ? db.orm
          .select({ run: jobRuns, businessName: businesses.name, triggeredByName: TRIGGERED_BY_NAME })
          .from(jobRuns)
          .leftJoin(businesses, eq(businesses.id, jobRuns.businessId))
          .where(and(runScopeCondition(scope), eq(jobRuns.id, id)))
          .get()
      : undefined;
  if (!found) throw new AppError('NOT_FOUND', `There is no run ${id}.`);
  return toJobRunDetailView({ ...found.run, triggeredByName: found.triggeredByName }, found.businessName, detailExtras(db, scope, found.run));
}

/** The names behind a run's canceller and schedule ids, and its retries and re-runs within `scope`. */
function detailExtras(db: AppDatabase, scope: TenantScope, run: JobRunRow): RunDetailExtras {
  const schedule = run.scheduleId === null ? undefined : db.orm.select({ name: jobSchedules.name }).from(jobSchedules).where(eq(jobSchedules.id, run.scheduleId)).get();
  // The runs that link to this one through `link`, oldest first (each on its partial index).
  const linked = (link: typeof jobRuns.retryOfRunId | typeof jobRuns.rerunOfRunId) =>
    db.orm
      .select({ id: jobRuns.id })
      .from(jobRuns)
      .where(and(runScopeCondition(scope), eq(link, run.id)))
      .orderBy(asc(jobRuns.id))
      .limit(MAX_LINKED_SHOWN)
      .all()
      .map((linkedRun) => linkedRun.id);
  return {
    cancelledBy: userNameOf(db, run.cancelledByUserId),
    scheduleName: schedule?.name ?? null,
    retriedAs: linked(jobRuns.retryOfRunId),
    rerunAs: linked(jobRuns.rerunOfRunId),
  };
}

const MAX_LINKED_SHOWN = 20;

/** From the runs-per-owner-and-type rollup (run-counts.ts): exact, without counting the runs. */
export function countJobRuns(db: AppDatabase, scope: TenantScope): number {
  return runsInScope(db, scope);
}

/** Run counts per owner (a business, system-wide, or no business = orphans) within `scope`. */
export interface RunOwnerCount {
  scope: RunScope;
  businessId: number | null;
  runs: number;
}

export function countJobRunsByOwner(db: AppDatabase, scope: TenantScope): RunOwnerCount[] {
  return runsPerOwner(db, scope);
}

// ---- Job types ------------------------------------------------------------------------------------

/** Every registered type, plus the unregistered types seen in this scope's runs (never another business's). */
export function getJobTypes(db: AppDatabase, scope: TenantScope): JobTypeView[] {
  const seen = runsPerJobType(db, scope);
  const registered: JobTypeView[] = JOB_CATALOG.map((type) => ({
    key: type.key,
    title: type.title,
    description: type.description,
    scope: type.scope,
    registered: true,
    paramsSchema: jobTypeParamsJsonSchema(type.key),
    runs: seen.get(type.key) ?? 0,
  }));
  const unregistered: JobTypeView[] = [...seen]
    .filter(([key]) => !findJobType(key))
    .map(([key, runs]) => ({ key, title: null, description: null, scope: null, registered: false, paramsSchema: null, runs }));
  return [...registered, ...unregistered].sort((x, y) => compareText(x.key, y.key));
}
