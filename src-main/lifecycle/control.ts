// What a person does to a run: cancel it, or retry it as a new linked run; the access rules that depend on the row.
import { ACTIVE_RUN_STATUSES, isRetryableStatus, type RunStatus } from '../../src-shared/domain';
import { AppError, invalidField } from '../../src-shared/errors';
import { type RunTarget, type TenantScope } from '../../src-shared/tenancy';
import { type RunTags } from '../../src-shared/tags';
import { type JobRunDetailView, type JobRunView } from '../../src-shared/schemas/jobs';
import { canControlRun, type Actor } from '../access/policy';
import { inImmediateTransaction, type AppDatabase, type InTransaction } from '../db/connection';
import { findJobType } from '../jobs/catalog';
import { recordAuditEvent, userAuditActor } from '../audit/record';
import { getJobRun } from '../history/runs';
import { admitNewRuns } from './limits';
import { createJobRun } from './runs';

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
  const run = getJobRun(db, scope, runId);
  if (!canControlRun(actor, run)) throw refuseControl(actor, 'cancel');
  const alreadyFinished = () => new AppError('CONFLICT', `Run ${runId} has already finished (${run.status}); only pending or running runs can be cancelled.`);
  if (!(ACTIVE_RUN_STATUSES as readonly RunStatus[]).includes(run.status)) throw alreadyFinished();
  const cancelled = runner.cancel(runId, actor);
  if (!cancelled) throw new AppError('CONFLICT', `Run ${runId} finished before it could be cancelled.`);
  recordAuditEvent(db, {
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
 * linked to the original, triggered by the actor, within the limits (CONFLICT beyond them). The caller wakes the runner.
 */
export function retryJobRun(db: AppDatabase, actor: Actor, scope: TenantScope, runId: number): JobRunView {
  return inImmediateTransaction(db, (tx) => {
    const original = getJobRun(tx, scope, runId);
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
    admitNewRuns(tx, retryTargetOf(original), 1, actor);
    const retry = createRetryRun(tx, actor, original, original);
    recordAuditEvent(tx, {
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
 * The run an edited re-run repeats (jobs.create's rerunOf): one `scope` holds (NOT_FOUND otherwise, as for any run
 * outside it), of the job type the re-run is sent with (refused naming jobType otherwise). Seeing the run is enough:
 * its params are on screen, and the re-run is triggered like any run, where the caller may trigger.
 */
export function rerunSourceOf(db: AppDatabase, scope: TenantScope, runId: number, jobType: string): JobRunDetailView {
  const original = getJobRun(db, scope, runId);
  if (original.jobType !== jobType) {
    throw invalidField('jobType', `A re-run keeps the job type of run ${runId}, ${original.jobType}; to run ${jobType}, trigger a new run instead.`);
  }
  return original;
}

/** Where a retry of `original` runs: its business, or system-wide. */
export function retryTargetOf(original: { businessId: number | null }): RunTarget {
  return original.businessId === null ? { kind: 'system' } : { kind: 'business', businessId: original.businessId };
}

/**
 * The new pending run that retries `original`: its job type, owner, params and tags, trigger 'retry', linked to it,
 * triggered by the actor (createJobRun's checks apply). For one retry and for bulk retry.
 */
export function createRetryRun(
  db: InTransaction,
  actor: Actor,
  original: { id: number; jobType: string; businessId: number | null },
  { params, tags }: { params: Record<string, unknown>; tags: RunTags },
): JobRunView {
  return createJobRun(db, retryTargetOf(original), {
    jobType: original.jobType,
    params,
    tags,
    trigger: 'retry',
    retryOfRunId: original.id,
    triggeredByUserId: actor.userId,
    triggeredBy: actor.email,
  });
}
