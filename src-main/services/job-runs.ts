// Job runs, read and written through the tenant chokepoint: every query here filters by runScopeCondition.
// Plain functions of (orm, scope, input) that return the contract's views (src-shared/schemas/jobs.ts).
import { and, asc, desc, eq, getTableColumns, gte, inArray, isNotNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import { ACTIVE_RUN_STATUSES, isRetryableStatus, RUN_STATUSES, type RunScope, type RunStatus, type RunTrigger } from '../../src-shared/domain';
import { AppError } from '../../src-shared/errors';
import { compareOwners, compareText, type RunTarget } from '../../src-shared/tenancy';
import {
  JOB_RUN_SORT_FIELDS,
  MAX_RUNS_PAGE,
  MAX_STATS_DAYS,
  type JobRunDetailView,
  type JobRunFilters,
  type JobRunPageView,
  type JobRunStatsInput,
  type JobRunStatsView,
  type JobRunView,
  type JobTypeView,
  type ListJobRunsInput,
} from '../../src-shared/schemas/jobs';
import { canControlRun, type Actor } from '../access/policy';
import { inImmediateTransaction, type AppDatabase, type Orm } from '../db/connection';
import { preparedOnce } from '../db/prepared';
import { bucketValue, DAY_MS, ORPHANS_OWNER, SYSTEM_OWNER } from '../db/rollups';
import { businesses, jobRuns, type JobRunRow } from '../db/schema';
import { findJobType, JOB_CATALOG, jobTypeParamsJsonSchema, unknownJobTypeError, validateJobParams, type JobTypeInfo } from '../jobs/catalog';
import { recordAuditEvent, userAuditActor } from './audit';
import { getBusiness } from './businesses';
import { runsInScope, runsPerJobType, runsPerOwner } from './run-counts';
import { addStatusCounts, emptyStatusCounts, HISTOGRAM_SIZE, type StatusCounts } from './run-daily';
import { statsReader, type StatsReader } from './settled-days';
import { preparedRunScopeCondition, runScopeCondition, runScopeValues, type TenantScope } from './tenant-scope';
import { decodePageCursor, encodePageCursor, isPositiveId } from './page-cursor';

// ---- Views ----------------------------------------------------------------------------------------

/** A run as lists read it: everything but params and result, which can be large and only the detail shows. */
export type JobRunListRow = Omit<JobRunRow, 'params' | 'result'>;

export function toJobRunView(row: JobRunListRow, businessName: string | null): JobRunView {
  return {
    id: row.id,
    legacyId: row.legacyId,
    scope: row.scope,
    businessId: row.businessId,
    businessName,
    orphanedFrom: row.orphanedFrom,
    jobType: row.jobType,
    status: row.status,
    trigger: row.trigger,
    triggeredByUserId: row.triggeredByUserId,
    triggeredBy: row.triggeredBy,
    cancelledByUserId: row.cancelledByUserId,
    retryOfRunId: row.retryOfRunId,
    scheduleId: row.scheduleId,
    progress: row.progress,
    progressMessage: row.progressMessage,
    error: row.error,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    durationMs: row.durationMs,
  };
}

export function toJobRunDetailView(row: JobRunRow, businessName: string | null): JobRunDetailView {
  return { ...toJobRunView(row, businessName), params: row.params, result: row.result ?? null };
}

const { params: _params, result: _result, ...listColumns } = getTableColumns(jobRuns);

/** Runs with their business's name (NULL for system runs and orphans). */
function selectRunList(orm: Orm) {
  return orm
    .select({ ...listColumns, businessName: businesses.name })
    .from(jobRuns)
    .leftJoin(businesses, eq(businesses.id, jobRuns.businessId));
}

// ---- Create, start, finish ------------------------------------------------------------------------

export type { RunTarget } from '../../src-shared/tenancy';

export interface CreateJobRunInput {
  jobType: string;
  params?: Record<string, unknown>;
  trigger: RunTrigger;
  triggeredByUserId?: number | null;
  /** Who started it, as a person reads it (kept when the user is deleted). */
  triggeredBy?: string | null;
  /** The schedule that fired it (trigger 'schedule'). */
  scheduleId?: number | null;
  /** The failed or cancelled run this one retries (trigger 'retry'). */
  retryOfRunId?: number | null;
  createdAt?: number;
}

/**
 * A pending run of a registered job type, in a target the type may run in (a business that exists and is
 * enabled, or system-wide), with its params validated and their defaults filled in. Call the runner's
 * wake() after the transaction that created it commits.
 */
export function createJobRun(orm: Orm, target: RunTarget, input: CreateJobRunInput): JobRunView {
  const jobType = findJobType(input.jobType);
  if (!jobType) throw unknownJobTypeError(input.jobType);
  if (input.trigger === 'legacy') {
    throw new AppError('VALIDATION', "trigger: 'legacy' marks runs adopted from the server edition; a new run cannot have it");
  }
  let businessName: string | null = null;
  if (target.kind === 'business') {
    if (jobType.scope === 'system') {
      throw new AppError('VALIDATION', `jobType: ${jobType.key} is a system-wide job type; it cannot run for a business`);
    }
    const business = Number.isSafeInteger(target.businessId) ? getBusiness(orm, target.businessId) : null;
    if (!business) throw new AppError('NOT_FOUND', `There is no business with id ${target.businessId}.`);
    if (business.disabledAt !== null) {
      throw new AppError('VALIDATION', `Business "${business.name}" is disabled; enable it before running jobs for it`);
    }
    businessName = business.name;
  } else if (target.kind === 'system') {
    if (jobType.scope === 'business') {
      throw new AppError('VALIDATION', `jobType: ${jobType.key} runs for one business; choose a business, not system-wide`);
    }
  } else {
    throw new AppError('VALIDATION', `target is not a run target: ${JSON.stringify(target)}`);
  }
  const params = validateJobParams(jobType.key, input.params ?? {});
  const row: JobRunListRow = {
    id: 0,
    legacyId: null,
    scope: target.kind,
    businessId: target.kind === 'business' ? target.businessId : null,
    orphanedFrom: null,
    jobType: jobType.key,
    status: 'pending',
    trigger: input.trigger,
    triggeredByUserId: input.triggeredByUserId ?? null,
    triggeredBy: input.triggeredBy ?? null,
    cancelledByUserId: null,
    retryOfRunId: input.retryOfRunId ?? null,
    scheduleId: input.scheduleId ?? null,
    progress: null,
    progressMessage: null,
    error: null,
    createdAt: input.createdAt ?? Date.now(),
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    heartbeatAt: null,
  };
  // No RETURNING: every column is written here or left NULL, so the view is built from the values written.
  const inserted = insertRunStatement(orm).run({
    scope: row.scope,
    businessId: row.businessId,
    jobType: row.jobType,
    trigger: row.trigger,
    params,
    triggeredByUserId: row.triggeredByUserId,
    triggeredBy: row.triggeredBy,
    scheduleId: row.scheduleId,
    retryOfRunId: row.retryOfRunId,
    createdAt: row.createdAt,
  });
  return toJobRunView({ ...row, id: Number(inserted.lastInsertRowid) }, businessName);
}

function insertRunStatement(orm: Orm) {
  return preparedOnce(orm, 'jobRuns.insert', () =>
    orm
      .insert(jobRuns)
      .values({
        scope: sql.placeholder('scope'),
        businessId: sql.placeholder('businessId'),
        jobType: sql.placeholder('jobType'),
        status: 'pending',
        trigger: sql.placeholder('trigger'),
        params: sql.placeholder('params'),
        triggeredByUserId: sql.placeholder('triggeredByUserId'),
        triggeredBy: sql.placeholder('triggeredBy'),
        scheduleId: sql.placeholder('scheduleId'),
        retryOfRunId: sql.placeholder('retryOfRunId'),
        createdAt: sql.placeholder('createdAt'),
      })
      .prepare(),
  );
}

/** pending → running. Null when the run is not in `scope` or not pending. */
export function startJobRun(orm: Orm, scope: TenantScope, runId: number, at: number = Date.now()): JobRunRow | null {
  const start = preparedOnce(orm, `jobRuns.start:${scope.kind}`, () =>
    orm
      .update(jobRuns)
      .set({ status: 'running', startedAt: sql`${sql.placeholder('at')}`, heartbeatAt: sql`${sql.placeholder('at')}` })
      .where(and(preparedRunScopeCondition(scope.kind), eq(jobRuns.id, sql.placeholder('id')), eq(jobRuns.status, 'pending')))
      .returning()
      .prepare(),
  );
  return start.get({ ...runScopeValues(scope), id: runId, at }) ?? null;
}

export type RunOutcome =
  | { status: 'completed'; result?: unknown }
  | { status: 'failed'; error: string }
  | { status: 'cancelled'; cancelledByUserId?: number | null };

/** running → completed | failed | cancelled, or pending → cancelled. Null when the run is not in `scope` or already finished. */
export function finishJobRun(
  orm: Orm,
  scope: TenantScope,
  runId: number,
  outcome: RunOutcome,
  at: number = Date.now(),
): JobRunRow | null {
  const finish = preparedOnce(orm, `jobRuns.finish:${outcome.status}:${scope.kind}`, () =>
    finishRunUpdate(orm, outcome.status, scope.kind).returning().prepare(),
  );
  return finish.get(finishValues(scope, runId, outcome, at)) ?? null;
}

/**
 * finishJobRun for the runner: the same write, answering with the run as lists show it (no params or result,
 * which the runner's events do not carry).
 */
export function recordRunOutcome(orm: Orm, scope: TenantScope, runId: number, outcome: RunOutcome, at: number): JobRunListRow | null {
  const finish = preparedOnce(orm, `jobRuns.finishListed:${outcome.status}:${scope.kind}`, () =>
    finishRunUpdate(orm, outcome.status, scope.kind).returning(listColumns).prepare(),
  );
  return finish.get(finishValues(scope, runId, outcome, at)) ?? null;
}

function finishRunUpdate(orm: Orm, status: RunOutcome['status'], scopeKind: TenantScope['kind']) {
  const finishableFrom: RunStatus[] = status === 'cancelled' ? ['pending', 'running'] : ['running'];
  const at = sql.placeholder('at');
  return orm
    .update(jobRuns)
    .set({
      status,
      ...(status === 'completed' ? { progress: 1 } : {}),
      finishedAt: sql`${at}`,
      durationMs: sql`CASE WHEN ${jobRuns.startedAt} IS NULL THEN NULL ELSE ${at} - ${jobRuns.startedAt} END`,
      // A placeholder inside sql`` skips the column's JSON encoding: finishValues passes the JSON text.
      result: sql`${sql.placeholder('result')}`,
      error: sql`${sql.placeholder('error')}`,
      cancelledByUserId: sql`${sql.placeholder('cancelledByUserId')}`,
    })
    .where(and(preparedRunScopeCondition(scopeKind), eq(jobRuns.id, sql.placeholder('id')), inArray(jobRuns.status, finishableFrom)));
}

function finishValues(scope: TenantScope, runId: number, outcome: RunOutcome, at: number): Record<string, unknown> {
  const result = outcome.status === 'completed' ? (outcome.result ?? null) : null;
  return {
    ...runScopeValues(scope),
    id: runId,
    at,
    result: result === null ? null : JSON.stringify(result),
    error: outcome.status === 'failed' ? outcome.error : null,
    cancelledByUserId: outcome.status === 'cancelled' ? (outcome.cancelledByUserId ?? null) : null,
  };
}

// ---- The runner's queue ---------------------------------------------------------------------------

/** The scope a run itself lives in: its business, system-wide, or (business-scoped without a business) the orphans. */
export type RunOwnScope = Exclude<TenantScope, { kind: 'all' }>;

export function ownScopeOf(run: { scope: RunScope; businessId: number | null }): RunOwnScope {
  if (run.scope === 'system') return { kind: 'system' };
  return run.businessId === null ? { kind: 'orphans' } : { kind: 'business', businessId: run.businessId };
}

/**
 * The oldest pending run (any owner), now marked running; null when none is pending. One immediate
 * transaction, so two runners (or two processes) never start the same run.
 */
export function claimNextPendingRun(db: AppDatabase, at: number, jobTypes: readonly RunnableJobType[] = JOB_CATALOG): JobRunRow | null {
  return claimPendingRuns(db, at, 1, jobTypes)[0] ?? null;
}

/** What the runner needs to know of a job type it serves: its key, and where it may run. */
export type RunnableJobType = Pick<JobTypeInfo, 'key' | 'scope'>;

/**
 * The runs a runner serving `jobTypes` may claim: pending runs this app queued (never an adopted one: their queue
 * was the server edition's), of a type it has a handler for where the run belongs (a business-scoped type for a
 * business's run, a system type for a system run; never an orphan). Any other pending run is left as it is.
 */
function claimableRunCondition(jobTypes: readonly RunnableJobType[]): SQL {
  const keysFor = (scope: RunScope) => jobTypes.filter((type) => type.scope === scope || type.scope === 'either').map((type) => type.key);
  return and(
    eq(jobRuns.status, 'pending'),
    ne(jobRuns.trigger, 'legacy'),
    or(
      and(eq(jobRuns.scope, 'business'), isNotNull(jobRuns.businessId), inArray(jobRuns.jobType, keysFor('business'))),
      and(eq(jobRuns.scope, 'system'), inArray(jobRuns.jobType, keysFor('system'))),
    ),
  ) as SQL;
}

/**
 * Up to `limit` of the oldest claimable pending runs (claimableRunCondition), now marked running, oldest first. In one
 * immediate transaction (the caller's, or its own), so two runners never start the same run.
 */
export function claimPendingRuns(db: AppDatabase, at: number, limit: number, jobTypes: readonly RunnableJobType[] = JOB_CATALOG): JobRunRow[] {
  if (limit < 1) return [];
  const { orm } = db;
  const all: TenantScope = { kind: 'all' };
  if (!Number.isSafeInteger(limit)) throw new Error(`limit must be a whole number, got ${limit}`);
  // A SELECT and an UPDATE by id per run: one `UPDATE … WHERE id IN (SELECT … LIMIT ?)` measured about three
  // times slower per claim on the bench's million runs. The limit is written into the SQL, one statement per
  // limit (the runner asks for at most its concurrency): SQLite reads a bound LIMIT's value when it plans, so a
  // `LIMIT ?` statement is compiled again every time it is bound (about 8 µs of a 10 µs select).
  const served = jobTypes.map((type) => `${type.key}:${type.scope}`).join(',');
  const oldestPending = preparedOnce(orm, `jobRuns.oldestPending:${limit}:${served}`, () => {
    // drizzle binds a number given to .limit(), so the limit goes onto the SQL it built.
    const query = orm
      .select({ id: jobRuns.id })
      .from(jobRuns)
      .where(and(runScopeCondition(all), claimableRunCondition(jobTypes)))
      .orderBy(asc(jobRuns.createdAt), asc(jobRuns.id))
      .toSQL();
    const statement = db.sqlite.prepare<unknown[], number>(`${query.sql} limit ${limit}`);
    return () => statement.pluck().all(...query.params);
  });
  const claim = () =>
    oldestPending().flatMap((id) => {
      const started = startJobRun(orm, all, id, at);
      return started ? [started] : [];
    });
  // Inside a caller's transaction (the runner's group commit) the claim is already atomic; a savepoint would
  // only add its cost.
  return db.sqlite.inTransaction ? claim() : inImmediateTransaction(db, claim);
}

/**
 * A running run's progress (0..1) and, when given, its message, recorded at `at` (also its heartbeat); null when the
 * run is not running (any more).
 */
export function recordRunProgress(orm: Orm, scope: TenantScope, runId: number, progress: number, message: string | undefined, at: number): JobRunRow | null {
  const withMessage = message !== undefined;
  const record = preparedOnce(orm, `jobRuns.progress:${withMessage ? 'message' : 'fraction'}:${scope.kind}`, () =>
    orm
      .update(jobRuns)
      .set({
        progress: sql`${sql.placeholder('progress')}`,
        ...(withMessage ? { progressMessage: sql`${sql.placeholder('message')}` } : {}),
        heartbeatAt: sql`${sql.placeholder('at')}`,
      })
      .where(and(preparedRunScopeCondition(scope.kind), eq(jobRuns.id, sql.placeholder('id')), eq(jobRuns.status, 'running')))
      .returning()
      .prepare(),
  );
  return record.get({ ...runScopeValues(scope), id: runId, progress, at, ...(withMessage ? { message } : {}) }) ?? null;
}

/** The runner's heartbeat: these runs, if still running, were alive at `at`. One statement for all of them. */
export function recordRunHeartbeats(orm: Orm, runIds: readonly number[], at: number): number {
  if (runIds.length === 0) return 0;
  return orm
    .update(jobRuns)
    .set({ heartbeatAt: at })
    .where(and(eq(jobRuns.status, 'running'), sql`${jobRuns.id} IN (SELECT value FROM json_each(${JSON.stringify(runIds)}))`))
    .run().changes;
}

/**
 * Every run in `scope` that this app left running (a crash, a kill) becomes failed with `error`, ending at its last
 * recorded sign of life: its last heartbeat or progress write, else its start. Nothing later was recorded, so no
 * later end is claimed; its duration runs to there. Adopted runs are never running (they are 'unfinished').
 */
export function failRunningRuns(orm: Orm, scope: TenantScope, error: string): JobRunRow[] {
  const lastSignOfLife = sql`max(${jobRuns.startedAt}, coalesce(${jobRuns.heartbeatAt}, ${jobRuns.startedAt}))`;
  return orm
    .update(jobRuns)
    .set({
      status: 'failed',
      error,
      finishedAt: lastSignOfLife,
      durationMs: sql`${lastSignOfLife} - ${jobRuns.startedAt}`,
    })
    .where(and(runScopeCondition(scope), eq(jobRuns.status, 'running'), ne(jobRuns.trigger, 'legacy')))
    .returning()
    .all();
}

/** A run as lists show it (no params or result), or null when it is not in `scope`. */
export function findJobRunView(orm: Orm, scope: TenantScope, id: number): JobRunView | null {
  const find = preparedOnce(orm, `jobRuns.view:${scope.kind}`, () =>
    selectRunList(orm)
      .where(and(preparedRunScopeCondition(scope.kind), eq(jobRuns.id, sql.placeholder('id'))))
      .prepare(),
  );
  const row = find.get({ ...runScopeValues(scope), id });
  return row ? toJobRunView(row, row.businessName) : null;
}

/** These runs as lists show them, those in `scope` only, in the order of `ids`. */
export function findJobRunViews(orm: Orm, scope: TenantScope, ids: readonly number[]): JobRunView[] {
  if (ids.length === 0) return [];
  const rows = selectRunList(orm)
    .where(and(runScopeCondition(scope), sql`${jobRuns.id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`))
    .all();
  const byId = new Map(rows.map((row) => [row.id, toJobRunView(row, row.businessName)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

// ---- Cancel and retry ------------------------------------------------------------------------------

/** What cancelJobRun needs of the runner: it cancels a pending run at once and aborts a running one. */
export interface RunCanceller {
  cancel(runId: number, actor: { userId: number } | null): JobRunView | null;
}

function refuseControl(actor: Actor, verb: 'cancel' | 'retry'): AppError {
  return new AppError(
    'FORBIDDEN',
    actor.role === 'member' ? `You can ${verb} only runs you triggered.` : `You can ${verb} only runs of your own business.`,
  );
}

/**
 * Cancels a pending or running run the actor may control: NOT_FOUND when the run is not in `scope`,
 * FORBIDDEN when it is not theirs to control, CONFLICT when it has already finished.
 */
export function cancelJobRun(db: AppDatabase, actor: Actor, scope: TenantScope, runId: number, runner: RunCanceller): JobRunView {
  const run = getJobRun(db.orm, scope, runId);
  if (!canControlRun(actor, run)) throw refuseControl(actor, 'cancel');
  const alreadyFinished = () => new AppError('CONFLICT', `Run ${runId} has already finished (${run.status}); only pending or running runs can be cancelled.`);
  if (!(ACTIVE_RUN_STATUSES as readonly RunStatus[]).includes(run.status)) throw alreadyFinished();
  const cancelled = runner.cancel(runId, actor);
  if (!cancelled) throw new AppError('CONFLICT', `Run ${runId} finished before it could be cancelled.`);
  recordAuditEvent(db.orm, {
    actor: userAuditActor(actor),
    action: 'job.cancel',
    target: { type: 'job_run', id: runId },
    businessId: run.businessId,
    details: { jobType: run.jobType, scope: run.scope, from: run.status },
  });
  return cancelled;
}

/**
 * A new pending run repeating a failed, cancelled or unfinished one: same job type, owner and params, trigger 'retry',
 * linked to the original, triggered by the actor. The caller wakes the runner.
 */
export function retryJobRun(db: AppDatabase, actor: Actor, scope: TenantScope, runId: number): JobRunView {
  return inImmediateTransaction(db, () => {
    const original = getJobRun(db.orm, scope, runId);
    if (!canControlRun(actor, original)) throw refuseControl(actor, 'retry');
    if (!isRetryableStatus(original.status)) {
      throw new AppError('CONFLICT', `Run ${runId} is ${original.status}; only failed, cancelled or unfinished runs can be retried.`);
    }
    if (original.scope === 'business' && original.businessId === null) {
      throw new AppError('CONFLICT', `Run ${runId} is an orphan: an orphan has no business to run in; assign it first.`);
    }
    if (!findJobType(original.jobType)) {
      throw new AppError('CONFLICT', `Run ${runId} is of job type ${JSON.stringify(original.jobType)}, which this app does not know; it cannot be retried.`);
    }
    const retry = createRetryRun(db.orm, actor, original, original.params);
    recordAuditEvent(db.orm, {
      actor: userAuditActor(actor),
      action: 'job.retry',
      target: { type: 'job_run', id: retry.id },
      businessId: retry.businessId,
      details: { jobType: retry.jobType, scope: retry.scope, retryOfRunId: original.id },
    });
    return retry;
  });
}

/**
 * The new pending run that retries `original`: its job type, owner and `params`, trigger 'retry', linked to it,
 * triggered by the actor (createJobRun's checks apply). For one retry and for bulk retry.
 */
export function createRetryRun(
  orm: Orm,
  actor: Actor,
  original: { id: number; jobType: string; businessId: number | null },
  params: Record<string, unknown>,
): JobRunView {
  const target: RunTarget = original.businessId === null ? { kind: 'system' } : { kind: 'business', businessId: original.businessId };
  return createJobRun(orm, target, {
    jobType: original.jobType,
    params,
    trigger: 'retry',
    retryOfRunId: original.id,
    triggeredByUserId: actor.userId,
    triggeredBy: actor.email,
  });
}

// ---- Read one, count ------------------------------------------------------------------------------

/** A run outside the scope reads exactly like a missing one, so its existence does not leak. */
export function getJobRun(orm: Orm, scope: TenantScope, id: number): JobRunDetailView {
  const found =
    Number.isSafeInteger(id) && id > 0
      ? orm
          .select({ run: jobRuns, businessName: businesses.name })
          .from(jobRuns)
          .leftJoin(businesses, eq(businesses.id, jobRuns.businessId))
          .where(and(runScopeCondition(scope), eq(jobRuns.id, id)))
          .get()
      : undefined;
  if (!found) throw new AppError('NOT_FOUND', `There is no run ${id}.`);
  return toJobRunDetailView(found.run, found.businessName);
}

/** From the runs-per-owner-and-type rollup (run-counts.ts): exact, without counting the runs. */
export function countJobRuns(orm: Orm, scope: TenantScope): number {
  return runsInScope(orm, scope);
}

/** Run counts per owner (a business, system-wide, or no business = orphans) within `scope`. */
export interface RunOwnerCount {
  scope: RunScope;
  businessId: number | null;
  runs: number;
}

export function countJobRunsByOwner(orm: Orm, scope: TenantScope): RunOwnerCount[] {
  return runsPerOwner(orm, scope);
}

// ---- Lists: keyset pages --------------------------------------------------------------------------

type SortField = (typeof JOB_RUN_SORT_FIELDS)[number];
type SortDirection = 'asc' | 'desc';

/** An order runs are paged in; `tag` goes into the cursor so a cursor only continues the order it came from. */
interface RunOrder {
  tag: string;
  field: SortField;
  direction: SortDirection;
}

const SORT_COLUMNS = { createdAt: jobRuns.createdAt, startedAt: jobRuns.startedAt, durationMs: jobRuns.durationMs } as const;
/** Unstarted runs have no start or duration; those sort last in both directions. */
const NULLABLE_SORT: Record<SortField, boolean> = { createdAt: false, startedAt: true, durationMs: true };

const NEWEST_FIRST: RunOrder = { tag: 'createdAt:desc', field: 'createdAt', direction: 'desc' };
// The queue view pages by created_at, which never changes, so runs that start or finish meanwhile do not shift the pages.
const ACTIVE_QUEUE: RunOrder = { tag: 'active:createdAt:asc', field: 'createdAt', direction: 'asc' };

function orderBy(order: RunOrder): SQL[] {
  const column = SORT_COLUMNS[order.field];
  const direction = order.direction === 'desc' ? desc : asc;
  const byValue = [direction(column), direction(jobRuns.id)];
  return NULLABLE_SORT[order.field] ? [sql`${column} IS NULL`, ...byValue] : byValue;
}

interface CursorPosition {
  key: number | null;
  id: number;
}

/**
 * The runs after a position in the order, ties broken by id in the same direction. Written as
 * `key <= k AND (key < k OR id < i)` (for desc) so SQLite takes `key <= k` as an index range.
 */
function afterPosition(order: RunOrder, { key, id }: CursorPosition): SQL {
  const column = SORT_COLUMNS[order.field];
  if (key === null) return sql`(${column} IS NULL AND ${jobRuns.id} ${order.direction === 'desc' ? sql.raw('<') : sql.raw('>')} ${id})`;
  const afterAmongValues = afterValue(order, key, id);
  return NULLABLE_SORT[order.field] ? sql`(${afterAmongValues} OR ${column} IS NULL)` : afterAmongValues;
}

/** After a (key, id) that has a value, in the order's direction; key and id are values or placeholders. */
function afterValue(order: RunOrder, key: unknown, id: unknown): SQL {
  const column = SORT_COLUMNS[order.field];
  const beyond = order.direction === 'desc' ? sql.raw('<') : sql.raw('>');
  const beyondOrAt = order.direction === 'desc' ? sql.raw('<=') : sql.raw('>=');
  return sql`(${column} ${beyondOrAt} ${key} AND (${column} ${beyond} ${key} OR ${jobRuns.id} ${beyond} ${id}))`;
}

const CURSOR_VERSION = 1;

/** Opaque to the renderer: base64url of `{v, sort, key, id}`, the last run of the page. */
function encodeCursor(order: RunOrder, run: JobRunListRow): string {
  return encodePageCursor({ v: CURSOR_VERSION, sort: order.tag, key: run[order.field], id: run.id });
}

function decodeCursor(cursor: string, order: RunOrder): CursorPosition {
  const refusal = 'cursor is not a page cursor of this list; start again from the first page';
  const { v, sort, key, id } = decodePageCursor(cursor, refusal);
  if (v !== CURSOR_VERSION || typeof sort !== 'string') throw new AppError('VALIDATION', refusal);
  if (sort !== order.tag) {
    throw new AppError('VALIDATION', `cursor belongs to another sort (${sort}, not ${order.tag}); start again from the first page`);
  }
  const keyValid = key === null ? NULLABLE_SORT[order.field] : typeof key === 'number' && Number.isSafeInteger(key);
  if (!keyValid || !isPositiveId(id)) throw new AppError('VALIDATION', refusal);
  return { key: key as number | null, id };
}

function requirePageSize(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_RUNS_PAGE) {
    throw new AppError('VALIDATION', `limit must be a whole number from 1 to ${MAX_RUNS_PAGE}, got ${limit}`);
  }
  return limit;
}

/**
 * One page of the scope's runs in created_at order (optionally of one status), after a position or from the
 * start: the history without filters, recent and active runs. Built once per connection and shape with the
 * scope, position, status and size as placeholders, so a page skips drizzle's query building (about a third of
 * a first page's time).
 */
function createdAtPage(
  orm: Orm,
  scope: TenantScope,
  order: RunOrder,
  after: CursorPosition | null,
  status: RunStatus | null,
  size: number,
): (JobRunListRow & { businessName: string | null })[] {
  const key = `runs.page:${scope.kind}:${order.tag}:${after ? 'after' : 'first'}:${status ? 'status' : 'any'}`;
  const statement = preparedOnce(orm, key, () => {
    const conditions = [preparedRunScopeCondition(scope.kind)];
    if (status) conditions.push(eq(jobRuns.status, sql.placeholder('status')));
    // created_at is never NULL, so a position always has a value.
    if (after) conditions.push(afterValue(order, sql.placeholder('key'), sql.placeholder('id')));
    return selectRunList(orm)
      .where(and(...conditions))
      .orderBy(...orderBy(order))
      .limit(sql.placeholder('limit'))
      .prepare();
  });
  return statement.all({ ...runScopeValues(scope), status, key: after?.key, id: after?.id, limit: size + 1 });
}

/**
 * One keyset page. With several `statuses` in creation order, one query per status is merged: `status IN (…)
 * ORDER BY created_at` makes SQLite sort every matching run, while each `status = ?` query walks its
 * (…, status, created_at) index in order and stops after the page.
 */
function pageOfRuns(
  orm: Orm,
  conditions: SQL[] | { scope: TenantScope },
  order: RunOrder,
  cursor: string | null,
  limit: number,
  statuses: readonly RunStatus[] = [],
): JobRunPageView {
  const size = requirePageSize(limit);
  const after = cursor === null ? null : decodeCursor(cursor, order);
  const select = (extra: SQL[], status: RunStatus | null): (JobRunListRow & { businessName: string | null })[] => {
    if (!Array.isArray(conditions) && order.field === 'createdAt') return createdAtPage(orm, conditions.scope, order, after, status, size);
    const where = [...(Array.isArray(conditions) ? conditions : [runScopeCondition(conditions.scope)]), ...extra];
    if (after) where.push(afterPosition(order, after));
    if (order.field === 'createdAt') {
      return selectRunList(orm)
        .where(and(...where))
        .orderBy(...orderBy(order))
        .limit(size + 1)
        .all();
    }
    // No index has started_at or duration_ms (a named gap of test/services/query-plans.test.ts: the indexes cost the
    // writes too much), so SQLite sorts the matching runs for each page. It sorts their ids alone, then reads the
    // page's rows: sorting whole rows built each one, its business's name included. 1M runs, first page: all
    // businesses by duration 1.73 s → 0.17 s, by start 1.74 → 0.31 s; the largest business by start 0.29 → 0.17 s.
    const page = orm
      .select({ id: jobRuns.id })
      .from(jobRuns)
      .where(and(...where))
      .orderBy(...orderBy(order))
      .limit(size + 1);
    // The page's rows are selected by the same conditions too, so this read filters by the scope like every other.
    return selectRunList(orm)
      .where(and(inArray(jobRuns.id, page), ...where))
      .orderBy(...orderBy(order))
      .all();
  };
  let rows: (JobRunListRow & { businessName: string | null })[];
  if (statuses.length > 1 && order.field === 'createdAt') {
    const sign = order.direction === 'desc' ? -1 : 1;
    rows = statuses
      .flatMap((status) => select([eq(jobRuns.status, status)], status))
      .sort((x, y) => sign * (x.createdAt - y.createdAt || x.id - y.id))
      .slice(0, size + 1);
  } else {
    const only = statuses.length === 1 ? (statuses[0] as RunStatus) : null;
    const statusCondition = only ? [eq(jobRuns.status, only)] : statuses.length > 1 ? [inArray(jobRuns.status, [...statuses])] : [];
    rows = select(statusCondition, only);
  }
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  return {
    runs: page.map((row) => toJobRunView(row, row.businessName)),
    nextCursor: rows.length > size && last ? encodeCursor(order, last) : null,
  };
}

/** `\` escapes LIKE's wildcards, so a search for `50%_off` means exactly those characters. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** A run id (`123` or `#123`), a server-edition id (exact or prefix), or a substring of the job type or error; ASCII case-insensitive. */
function searchCondition(text: string): SQL {
  const escaped = escapeLike(text);
  const matches: SQL[] = [
    sql`${jobRuns.legacyId} LIKE ${`${escaped}%`} ESCAPE '\\'`,
    sql`${jobRuns.jobType} LIKE ${`%${escaped}%`} ESCAPE '\\'`,
    sql`${jobRuns.error} LIKE ${`%${escaped}%`} ESCAPE '\\'`,
  ];
  const idText = text.startsWith('#') ? text.slice(1) : text;
  if (/^\d{1,16}$/.test(idText) && Number.isSafeInteger(Number(idText))) matches.unshift(eq(jobRuns.id, Number(idText)));
  return or(...matches) as SQL;
}

/**
 * Each filter narrows what the scope allows; an empty list filters nothing. businessIds can only intersect the scope, never widen it.
 * Also the meaning of a bulk selection by filter (bulk-runs.ts), so a bulk action applies to exactly what the list shows.
 */
export function filterConditions(filters: JobRunFilters): SQL[] {
  const conditions: SQL[] = [];
  if (filters.statuses?.length) conditions.push(inArray(jobRuns.status, filters.statuses));
  conditions.push(...filterConditionsBesidesStatus(filters));
  return conditions;
}

function filterConditionsBesidesStatus(filters: JobRunFilters): SQL[] {
  const conditions: SQL[] = [];
  if (filters.jobTypes?.length) conditions.push(inArray(jobRuns.jobType, filters.jobTypes));
  if (filters.triggers?.length) conditions.push(inArray(jobRuns.trigger, filters.triggers));
  if (filters.triggeredByUserId !== undefined) conditions.push(eq(jobRuns.triggeredByUserId, filters.triggeredByUserId));
  // As recorded (an email, a server-edition user id, a label): ASCII case-insensitive, like emails are unique.
  if (filters.triggeredBy !== undefined) conditions.push(sql`${jobRuns.triggeredBy} = ${filters.triggeredBy} COLLATE NOCASE`);
  if (filters.businessIds?.length) conditions.push(inArray(jobRuns.businessId, filters.businessIds));
  if (filters.createdFrom !== undefined) conditions.push(gte(jobRuns.createdAt, filters.createdFrom));
  if (filters.createdTo !== undefined) conditions.push(lt(jobRuns.createdAt, filters.createdTo));
  const search = filters.search?.trim();
  if (search) conditions.push(searchCondition(search));
  return conditions;
}

function requireSort(sort: ListJobRunsInput['sort']): RunOrder {
  if (!(JOB_RUN_SORT_FIELDS as readonly string[]).includes(sort.field)) {
    throw new AppError('VALIDATION', `sort.field must be one of ${JOB_RUN_SORT_FIELDS.join(', ')}`);
  }
  if (sort.direction !== 'asc' && sort.direction !== 'desc') throw new AppError('VALIDATION', 'sort.direction must be asc or desc');
  return { tag: `${sort.field}:${sort.direction}`, field: sort.field, direction: sort.direction };
}

/**
 * The run history: filtered, sorted (ties by id in the same direction, unstarted runs last), paged by keyset
 * so page 1,000 costs what page 1 does, and runs inserted meanwhile never shift a page. A run whose sort key
 * changes meanwhile (it starts or finishes while sorted by start or duration) may move across the cursor.
 */
export function listJobRuns(orm: Orm, scope: TenantScope, input: ListJobRunsInput): JobRunPageView {
  const order = requireSort(input.sort);
  const filters = filterConditionsBesidesStatus(input.filters);
  const conditions = filters.length === 0 ? { scope } : [runScopeCondition(scope), ...filters];
  return pageOfRuns(orm, conditions, order, input.cursor, input.limit, [...new Set(input.filters.statuses ?? [])]);
}

/** The newest runs, newest first. */
export function getRecentJobRuns(orm: Orm, scope: TenantScope, input: { limit: number }): JobRunView[] {
  return pageOfRuns(orm, { scope }, NEWEST_FIRST, null, input.limit).runs;
}

/** Pending and running runs as a queue: oldest first (the next to be served, the longest running), paged by keyset. */
export function getActiveJobRuns(orm: Orm, scope: TenantScope, input: { cursor: string | null; limit: number }): JobRunPageView {
  return pageOfRuns(orm, { scope }, ACTIVE_QUEUE, input.cursor, input.limit, ACTIVE_RUN_STATUSES);
}

// ---- Job types ------------------------------------------------------------------------------------

/** Every registered type, plus the unregistered types seen in this scope's runs (never another business's). */
export function getJobTypes(orm: Orm, scope: TenantScope): JobTypeView[] {
  const seen = runsPerJobType(orm, scope);
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

// ---- Statistics -----------------------------------------------------------------------------------

interface DurationSummary {
  avgMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
}

/**
 * Counts, success rate, durations, per job type, per local day, and (in the all-business view) per owner,
 * over the runs created in [from, to). Read from the rollups (job_run_daily; the daily and weekly histograms) for
 * whole UTC days and weeks, and from job_runs for the partial days at the edges (src-main/services/run-daily.ts);
 * what it read of days that are over is kept in memory while their versions say they are unchanged
 * (src-main/services/settled-days.ts).
 * Counts, success rates, mean durations and the per-day series are exact. Duration percentiles are bucketed:
 * the nearest-rank percentile (rank ceil(p·n) of n sorted values) is located exactly in a histogram of
 * 8 buckets per doubling of (duration + 1), and reported as that bucket's geometric middle (bucketValue), so
 * |reported − exact| ≤ 0.0443·(exact + 1) + 0.5 ms (within 4.5%).
 */
export function getJobRunStats(orm: Orm, scope: TenantScope, input: JobRunStatsInput): JobRunStatsView {
  const { from, to } = requireStatsRange(input);
  const localDay = localDayOf(input.timeZone);
  const reader = statsReader(orm, scope, from, to, Date.now());
  const { statuses, histograms } = reader.aggregate();

  const overall = emptyGroup();
  const byType = new Map<string, StatsGroup>();
  const byOwner = scope.kind === 'all' ? new Map<number, StatsGroup>() : null;
  const groupsOf = (owner: number, jobType: string): StatsGroup[] => {
    const groups = [overall, groupIn(byType, jobType)];
    if (byOwner) groups.push(groupIn(byOwner, owner));
    return groups;
  };
  for (const row of statuses) {
    for (const group of groupsOf(row.owner, row.jobType)) {
      group.counts[row.status] += row.runs;
      group.durN += row.durN;
      group.durSum += row.durSum;
    }
  }
  for (const row of histograms) {
    for (const group of groupsOf(row.owner, row.jobType)) {
      for (let bucket = row.lo; bucket <= row.hi; bucket++) group.histogram[bucket] = (group.histogram[bucket] ?? 0) + (row.buckets[bucket] ?? 0);
    }
  }

  return {
    from,
    to,
    timeZone: input.timeZone,
    total: totalOf(overall.counts),
    byStatus: overall.counts,
    successRate: successRateOf(overall.counts),
    duration: durationSummaryOf(overall),
    byJobType: [...byType]
      .filter(([, group]) => totalOf(group.counts) > 0)
      .map(([jobType, group]) => ({
        jobType,
        total: totalOf(group.counts),
        byStatus: group.counts,
        successRate: successRateOf(group.counts),
        duration: durationSummaryOf(group),
      }))
      .sort((x, y) => y.total - x.total || compareText(x.jobType, y.jobType)),
    perDay: countsPerDay(reader, from, to, localDay),
    byBusiness: byOwner ? statsByOwner(orm, byOwner) : null,
  };
}

interface StatsGroup {
  counts: StatusCounts;
  durN: number;
  durSum: number;
  /** finished runs with a duration, per duration bucket (the index) */
  histogram: Float64Array;
}

function emptyGroup(): StatsGroup {
  return { counts: emptyStatusCounts(), durN: 0, durSum: 0, histogram: new Float64Array(HISTOGRAM_SIZE) };
}

function groupIn<K>(groups: Map<K, StatsGroup>, key: K): StatsGroup {
  let group = groups.get(key);
  if (!group) {
    group = emptyGroup();
    groups.set(key, group);
  }
  return group;
}

function durationSummaryOf(group: StatsGroup): DurationSummary {
  const n = group.histogram.reduce((total, runs) => total + runs, 0);
  const atRank = (rank: number): number | null => {
    let seen = 0;
    for (let bucket = 0; bucket < group.histogram.length; bucket++) {
      seen += group.histogram[bucket] ?? 0;
      if (seen >= rank) return bucketValue(bucket);
    }
    return null;
  };
  return {
    avgMs: group.durN === 0 ? null : group.durSum / group.durN,
    // nearest rank: ceil(n/2) and ceil(19n/20), in integer arithmetic
    p50Ms: n === 0 ? null : atRank(Math.floor((n + 1) / 2)),
    p95Ms: n === 0 ? null : atRank(Math.floor((19 * n + 19) / 20)),
  };
}

function requireStatsRange(input: JobRunStatsInput): { from: number; to: number } {
  const { from, to } = input;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from >= to) {
    throw new AppError('VALIDATION', 'from and to must be epoch milliseconds with from before to');
  }
  if (to - from > MAX_STATS_DAYS * DAY_MS) throw new AppError('VALIDATION', `to: the range may span at most ${MAX_STATS_DAYS} days`);
  return { from, to };
}

function totalOf(counts: StatusCounts): number {
  return RUN_STATUSES.reduce((sum, status) => sum + counts[status], 0);
}

/** completed / (completed + failed); pending, running and cancelled runs have no outcome to count. */
function successRateOf(counts: Pick<StatusCounts, 'completed' | 'failed'>): number | null {
  const decided = counts.completed + counts.failed;
  return decided === 0 ? null : counts.completed / decided;
}

// Every UTC offset in use is a whole multiple of 15 minutes, so local midnight always falls on a 15-minute UTC grid.
const GRID_MS = 15 * 60_000;

/**
 * Runs per status per local day: the first instant of each local day after the first (a local midnight, on the
 * 15-minute grid) is found from the zone's dates alone, the runs created before each boundary are counted
 * from the rollup plus a count of part of one UTC day (StatsReader.countsBefore), and a day's counts are the
 * difference between its two boundaries. In UTC every boundary is a UTC midnight and nothing raw is read.
 */
function countsPerDay(reader: StatsReader, from: number, to: number, localDay: (ms: number) => string): JobRunStatsView['perDay'] {
  const days = calendarDays(localDay(from), localDay(to - 1));
  const bounds = [from];
  let offset = 0;
  for (const day of days.slice(1)) {
    const boundary = firstInstantOf(day, from, to, localDay, offset);
    offset = utcMidnightOf(day) - boundary;
    bounds.push(boundary);
  }
  bounds.push(to);
  const before = reader.countsBefore(bounds);
  return days.map((day, i) => {
    return { day, byStatus: addStatusCounts(before[i + 1] as StatusCounts, before[i] as StatusCounts, -1) };
  });
}

function utcMidnightOf(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}

/**
 * The first instant in (from, to) whose local date is `day` or later, for a `day` after localDay(from) and no
 * later than localDay(to - 1). Tries the guess from the previous boundary's offset, else searches the grid.
 */
function firstInstantOf(day: string, from: number, to: number, localDay: (ms: number) => string, offsetGuess: number): number {
  const isReached = (ms: number) => localDay(ms) >= day;
  const guess = utcMidnightOf(day) - offsetGuess;
  if (guess > from && guess < to && isReached(guess) && !isReached(guess - GRID_MS)) return guess;
  // Invariant: grid point lo is before the day, grid point hi is in it or after.
  let lo = Math.floor(from / GRID_MS);
  let hi = Math.ceil(to / GRID_MS);
  const midnight = utcMidnightOf(day) / GRID_MS;
  const early = midnight - 15 * 4; // no offset is more than +14 h
  const late = midnight + 13 * 4; // nor less than -12 h
  if (early > lo && !isReached(early * GRID_MS)) lo = early;
  if (late < hi && isReached(late * GRID_MS)) hi = late;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (isReached(mid * GRID_MS)) hi = mid;
    else lo = mid;
  }
  return Math.min(Math.max(hi * GRID_MS, from), to);
}

/** The calendar dates from `first` to `last` (YYYY-MM-DD), both included: plain date arithmetic, no clock time, so DST cannot skip or repeat a day. */
function calendarDays(first: string, last: string): string[] {
  const days: string[] = [];
  const [y, m, d] = first.split('-').map(Number) as [number, number, number];
  for (let date = Date.UTC(y, m - 1, d); days.length <= MAX_STATS_DAYS + 1; date += DAY_MS) {
    const day = new Date(date).toISOString().slice(0, 10);
    days.push(day);
    if (day >= last) break;
  }
  return days;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();
const US_DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;

/** The local calendar date of an instant in `timeZone`; VALIDATION for a zone this runtime does not know. */
function localDayOf(timeZone: string): (ms: number) => string {
  // Building a formatter costs more than a whole stats call on the rollups: one per zone, kept.
  let format = dayFormats.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      throw new AppError('VALIDATION', `timeZone: unknown time zone ${JSON.stringify(timeZone)}; use an IANA name such as Europe/Berlin`);
    }
    if (dayFormats.size < 500) dayFormats.set(timeZone, format);
  }
  const formatter = format;
  // UTC needs no time-zone rules: the ISO date, about 5 times cheaper than formatToParts (a stats call asks ~60 times).
  if (formatter.resolvedOptions().timeZone === 'UTC') return (ms) => new Date(ms).toISOString().slice(0, 10);
  return (ms) => {
    // en-US numeric dates read MM/DD/YYYY: format() is about 3 times cheaper than formatToParts, which stays
    // the fallback for anything else (a year before 1000, a runtime that formats otherwise).
    const date = US_DATE.exec(formatter.format(ms));
    if (date) return `${date[3]}-${date[1]}-${date[2]}`;
    const parts = Object.fromEntries(formatter.formatToParts(ms).map((part) => [part.type, part.value]));
    return `${String(parts.year).padStart(4, '0')}-${parts.month}-${parts.day}`;
  };
}

type OwnerStats = NonNullable<JobRunStatsView['byBusiness']>[number];

/** One entry per owner with runs in range: each business, system-wide, orphans. */
function statsByOwner(orm: Orm, byOwner: Map<number, StatsGroup>): OwnerStats[] {
  const owners = [...byOwner].filter(([, group]) => totalOf(group.counts) > 0);
  const businessIds = owners.map(([owner]) => owner).filter((owner) => owner > 0);
  const names = new Map(
    businessIds.length === 0
      ? []
      : orm
          .select({ id: businesses.id, name: businesses.name })
          .from(businesses)
          .where(inArray(businesses.id, businessIds))
          .all()
          .map((row) => [row.id, row.name]),
  );
  return owners
    .map(([ownerKey, group]) => {
      const owner: OwnerStats['owner'] =
        ownerKey === SYSTEM_OWNER
          ? { kind: 'system' }
          : ownerKey === ORPHANS_OWNER
            ? { kind: 'orphans' }
            : { kind: 'business', businessId: ownerKey, businessName: names.get(ownerKey) ?? `Business ${ownerKey}` };
      return { owner, total: totalOf(group.counts), successRate: successRateOf(group.counts), p95Ms: durationSummaryOf(group).p95Ms };
    })
    .sort((x, y) => y.total - x.total || compareOwners(x.owner, y.owner));
}
