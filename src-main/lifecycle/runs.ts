// A run's life in job_runs: created pending, claimed by the runner (only what this app queued, of a type it serves),
// progressed with a heartbeat, finished, or failed as interrupted at its last sign of life. Every statement filters
// by the tenant chokepoint (runScopeCondition).
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { type RunScope, type RunStatus, type RunTrigger } from '../../src-shared/domain';
import { invalidField } from '../../src-shared/errors';
import { type RunTarget, type TenantScope } from '../../src-shared/tenancy';
import { type RunTags, tagsJson } from '../../src-shared/tags';
import { type JobRunView } from '../../src-shared/schemas/jobs';
import { type AppDatabase } from '../db/connection';
import { preparedOnce } from '../db/prepared';
import { jobRuns, type JobRunRow } from '../db/schema';
import { findJobType, unknownJobTypeError, validateJobParams } from '../jobs/catalog';
import { requireEnabledBusiness } from '../accounts/businesses';
import { preparedRunScopeCondition, runScopeCondition, runScopeValues } from '../tenancy/owner-sql';
import { type JobRunListRow, listColumns, toJobRunView } from '../history/views';
import { userNameOf } from '../accounts/user-name';
import { inIdList } from '../db/id-list';

// ---- Create, start, finish ------------------------------------------------------------------------


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
  /** The run this one re-runs with edited params (trigger 'manual'; the caller checked the caller may see it). */
  rerunOfRunId?: number | null;
  /** Its tags, checked by the contract (src-shared/tags.ts); none when absent or empty. */
  tags?: RunTags | null;
  createdAt?: number;
}

/**
 * A pending run of a registered job type, in a target the type may run in (a business that exists and is
 * enabled, or system-wide), with its params validated and their defaults filled in. Call the runner's
 * wake() after the transaction that created it commits.
 */
export function createJobRun(db: AppDatabase, target: RunTarget, input: CreateJobRunInput): JobRunView {
  const jobType = findJobType(input.jobType);
  if (!jobType) throw unknownJobTypeError(input.jobType);
  if (input.trigger === 'legacy') {
    throw invalidField('trigger', 'Trigger "legacy" marks runs adopted from the server edition; a new run cannot have it.');
  }
  let businessName: string | null = null;
  if (target.kind === 'business') {
    if (jobType.scope === 'system') {
      throw invalidField('jobType', `${jobType.title} runs system-wide; it cannot run for a business.`);
    }
    businessName = requireEnabledBusiness(db, target.businessId, 'target.businessId').name;
  } else if (target.kind === 'system') {
    if (jobType.scope === 'business') {
      throw invalidField('target', `${jobType.title} runs for one business; choose a business, not system-wide.`);
    }
  } else {
    throw invalidField('target', `Run in must be a business or system-wide, not ${JSON.stringify(target)}.`);
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
    rerunOfRunId: input.rerunOfRunId ?? null,
    scheduleId: input.scheduleId ?? null,
    progress: null,
    progressMessage: null,
    error: null,
    createdAt: input.createdAt ?? Date.now(),
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    heartbeatAt: null,
    tags: tagsJson(input.tags),
  };
  // No RETURNING: every column is written here or left NULL, so the view is built from the values written.
  const inserted = insertRunStatement(db).run({
    scope: row.scope,
    businessId: row.businessId,
    jobType: row.jobType,
    trigger: row.trigger,
    params,
    triggeredByUserId: row.triggeredByUserId,
    triggeredBy: row.triggeredBy,
    scheduleId: row.scheduleId,
    retryOfRunId: row.retryOfRunId,
    rerunOfRunId: row.rerunOfRunId,
    tags: row.tags,
    createdAt: row.createdAt,
  });
  return toJobRunView({ ...row, id: Number(inserted.lastInsertRowid), triggeredByName: userNameOf(db, row.triggeredByUserId) }, businessName);
}

function insertRunStatement(db: AppDatabase) {
  return preparedOnce(db, 'jobRuns.insert', () =>
    db.orm
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
        rerunOfRunId: sql.placeholder('rerunOfRunId'),
        tags: sql.placeholder('tags'),
        createdAt: sql.placeholder('createdAt'),
      })
      .prepare(),
  );
}

/** pending → running. Null when the run is not in `scope` or not pending. */
export function startJobRun(db: AppDatabase, scope: TenantScope, runId: number, at: number = Date.now()): JobRunRow | null {
  const start = preparedOnce(db, `jobRuns.start:${scope.kind}`, () =>
    db.orm
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
  db: AppDatabase,
  scope: TenantScope,
  runId: number,
  outcome: RunOutcome,
  at: number = Date.now(),
): JobRunRow | null {
  const finish = preparedOnce(db, `jobRuns.finish:${outcome.status}:${scope.kind}`, () =>
    finishRunUpdate(db, outcome.status, scope.kind).returning().prepare(),
  );
  return finish.get(finishValues(scope, runId, outcome, at)) ?? null;
}

/**
 * finishJobRun for the runner: the same write, answering with the run as lists show it (no params or result,
 * which the runner's events do not carry).
 */
export function recordRunOutcome(db: AppDatabase, scope: TenantScope, runId: number, outcome: RunOutcome, at: number): JobRunListRow | null {
  const finish = preparedOnce(db, `jobRuns.finishListed:${outcome.status}:${scope.kind}`, () =>
    finishRunUpdate(db, outcome.status, scope.kind).returning(listColumns).prepare(),
  );
  return finish.get(finishValues(scope, runId, outcome, at)) ?? null;
}

function finishRunUpdate(db: AppDatabase, status: RunOutcome['status'], scopeKind: TenantScope['kind']) {
  const finishableFrom: RunStatus[] = status === 'cancelled' ? ['pending', 'running'] : ['running'];
  const at = sql.placeholder('at');
  return db.orm
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
 * A running run's progress (0..1) and, when given, its message, recorded at `at` (also its heartbeat); null when the
 * run is not running (any more).
 */
export function recordRunProgress(db: AppDatabase, scope: TenantScope, runId: number, progress: number, message: string | undefined, at: number): JobRunRow | null {
  const withMessage = message !== undefined;
  const record = preparedOnce(db, `jobRuns.progress:${withMessage ? 'message' : 'fraction'}:${scope.kind}`, () =>
    db.orm
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
export function recordRunHeartbeats(db: AppDatabase, runIds: readonly number[], at: number): number {
  if (runIds.length === 0) return 0;
  return db.orm
    .update(jobRuns)
    .set({ heartbeatAt: at })
    .where(and(eq(jobRuns.status, 'running'), inIdList(jobRuns.id, runIds)))
    .run().changes;
}

/**
 * Every run in `scope` that this app left running (a crash, a kill) becomes failed with `error`, ending at its last
 * recorded sign of life: its last heartbeat or progress write, else its start. Nothing later was recorded, so no
 * later end is claimed; its duration runs to there. Adopted runs are never running (they are 'unfinished').
 */
export function failRunningRuns(db: AppDatabase, scope: TenantScope, error: string): JobRunRow[] {
  const lastSignOfLife = sql`max(${jobRuns.startedAt}, coalesce(${jobRuns.heartbeatAt}, ${jobRuns.startedAt}))`;
  return db.orm
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
