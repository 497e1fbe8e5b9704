// One due schedule turned into a run (or skipped), in its own transaction, and the callbacks told.
import { and, eq, lte } from 'drizzle-orm';
import { tagsOf } from '../../../src-shared/tags';
import { AppError } from '../../../src-shared/errors';
import { SCHEDULE_TRIGGERED_BY_PREFIX, type JobRunView } from '../../../src-shared/schemas/jobs';
import { type RunTarget } from '../../../src-shared/tenancy';
import { recordAuditEvent } from '../../audit/record';
import { inImmediateTransaction, type AppDatabase } from '../../db/connection';
import { businesses, jobSchedules } from '../../db/schema';
import { admitNewRuns } from '../../lifecycle/limits';
import { createJobRun } from '../../lifecycle/runs';
import { validateJobParams } from '../catalog';
import { nextAfter } from './queries';

export interface ScheduleSkip {
  scheduleId: number;
  name: string;
  dueAt: number;
  /** `limit`: its business had as many pending runs as it may (lifecycle/limits.ts); recorded as schedule.skip. */
  reason: 'business_disabled' | 'missed' | 'limit' | 'failed';
  message: string;
}

export type FireOutcome = { kind: 'ran'; run: JobRunView } | { kind: 'skipped'; skip: ScheduleSkip } | { kind: 'none' };

export interface FireCallbacks {
  onRunCreated(run: JobRunView): void;
  onSkip?: (skip: ScheduleSkip) => void;
  /** Something failed (before the other callbacks are told): the scheduler waits longer before it looks again. */
  onFailure(): void;
  /** An error, or a callback that threw; never throws itself. */
  report(error: unknown): void;
}

export interface MissedRule {
  /** The app was closed when it fell due (the start's catch-up): missed whatever the time. */
  becauseClosed: boolean;
  /** Otherwise missed when due further in the past than this. */
  afterMs: number;
}

/** Runs one schedule and tells the callbacks; a failure is reported, never thrown into the timer. */
export function fireSchedule(db: AppDatabase, id: number, now: Date, missed: MissedRule, tell: FireCallbacks): FireOutcome {
  let outcome: FireOutcome;
  try {
    outcome = processSchedule(db, id, now, missed);
  } catch (error) {
    tell.onFailure();
    tell.report(error);
    return { kind: 'none' };
  }
  try {
    if (outcome.kind === 'ran') tell.onRunCreated(outcome.run);
    else if (outcome.kind === 'skipped') {
      if (outcome.skip.reason === 'failed') tell.onFailure();
      tell.onSkip?.(outcome.skip);
    }
  } catch (error) {
    tell.report(error);
  }
  return outcome;
}

/**
 * One due schedule, in one transaction: re-read it (it may have changed since it was listed), create its
 * run unless it is to be skipped, and move next_run_at to the next time after now.
 */
function processSchedule(db: AppDatabase, id: number, now: Date, missedRule: MissedRule): FireOutcome {
  const at = now.getTime();
  return inImmediateTransaction(db, (tx): FireOutcome => {
    const found = tx.orm
      .select({ schedule: jobSchedules, businessDisabledAt: businesses.disabledAt })
      .from(jobSchedules)
      .leftJoin(businesses, eq(businesses.id, jobSchedules.businessId))
      .where(and(eq(jobSchedules.id, id), eq(jobSchedules.enabled, true), lte(jobSchedules.nextRunAt, at)))
      .get();
    if (!found || found.schedule.nextRunAt === null) return { kind: 'none' };
    const { schedule } = found;
    const dueAt = found.schedule.nextRunAt;
    const nextRunAt = nextAfter(schedule, now);
    const missed = missedRule.becauseClosed || at - dueAt > missedRule.afterMs;
    const skip = (reason: ScheduleSkip['reason'], message: string): FireOutcome => {
      tx.orm.update(jobSchedules).set({ nextRunAt }).where(eq(jobSchedules.id, schedule.id)).run();
      return { kind: 'skipped', skip: { scheduleId: schedule.id, name: schedule.name, dueAt, reason, message } };
    };

    if (missed && schedule.missedRunPolicy === 'skip') {
      return skip('missed', `missed the run due at ${new Date(dueAt).toISOString()}; policy skip`);
    }
    if (schedule.scope === 'business' && found.businessDisabledAt !== null) {
      return skip('business_disabled', 'its business is disabled');
    }
    if (schedule.scope === 'business' && schedule.businessId === null) {
      return skip('failed', 'a business schedule without a business');
    }
    // The run's owner is the schedule's own: nothing else is ever consulted.
    const target: RunTarget =
      schedule.scope === 'business' && schedule.businessId !== null
        ? { kind: 'business', businessId: schedule.businessId }
        : { kind: 'system' };
    try {
      admitNewRuns(tx, target, 1, null, at);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'CONFLICT') throw error;
      recordAuditEvent(tx, {
        actor: { kind: 'app', label: 'scheduler' },
        action: 'schedule.skip',
        target: { type: 'schedule', id: schedule.id },
        businessId: schedule.businessId,
        details: { name: schedule.name, jobType: schedule.jobType, dueAt, reason: 'limit', message: error.message },
        at,
      });
      return skip('limit', error.message);
    }
    let run: JobRunView;
    try {
      run = createJobRun(tx, target, {
        jobType: schedule.jobType,
        params: validateJobParams(schedule.jobType, schedule.params),
        tags: tagsOf(schedule.tags),
        trigger: 'schedule',
        scheduleId: schedule.id,
        triggeredBy: `${SCHEDULE_TRIGGERED_BY_PREFIX}${schedule.name}`,
        createdAt: at,
      });
    } catch (error) {
      return skip('failed', error instanceof Error ? error.message : String(error));
    }
    tx.orm.update(jobSchedules).set({ lastRunAt: at, nextRunAt }).where(eq(jobSchedules.id, schedule.id)).run();
    recordAuditEvent(tx, {
      actor: { kind: 'app', label: 'scheduler' },
      action: 'schedule.fire',
      target: { type: 'schedule', id: schedule.id },
      businessId: schedule.businessId,
      details: { name: schedule.name, runId: run.id, jobType: schedule.jobType, dueAt, missed },
      at,
    });
    return { kind: 'ran', run };
  }, 'memory');
}
