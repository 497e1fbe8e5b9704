// The scheduler: turns due cron schedules into pending runs, each in its own schedule's business (or
// system-wide for a system schedule) and nowhere else. One timer for the earliest due time, capped so a
// changed clock or a long sleep is noticed within a minute. All times come from the injectable clock.
import { and, asc, eq, isNotNull, isNull, lte, min } from 'drizzle-orm';
import type { JobRunView } from '../../src-shared/schemas/jobs';
import { inImmediateTransaction, type AppDatabase } from '../db/connection';
import { businesses, jobSchedules, type JobScheduleRow } from '../db/schema';
import { validateJobParams } from './catalog';
import { recordAuditEvent } from '../audit/record';
import { createJobRun } from '../lifecycle/runs';
import { type RunTarget } from '../../src-shared/tenancy';
import { computeNextRunAt } from '../schedules/schedules';

/** Whatever the timer functions hand back; the scheduler only passes it to clearTimer. */
export type TimerHandle = unknown;

export interface SchedulerOptions {
  now?: () => Date;
  /** After the run's transaction has committed (the lead wires it to runner.wake() and the event bus). */
  onRunCreated(run: JobRunView): void;
  setTimer?: (callback: () => void, delayMs: number) => TimerHandle;
  clearTimer?: (handle: TimerHandle) => void;
  /** A due time that was not turned into a run, and why (disabled business, missed with policy skip, a failure). */
  onSkip?: (skip: ScheduleSkip) => void;
  /** Something went wrong outside one schedule's work (or a callback threw). Default: ignored. */
  onError?: (error: unknown) => void;
  /** The longest the timer sleeps before looking again; default 60 s. */
  maxDelayMs?: number;
  /** A due time further in the past than this, when the timer fires (after a sleep), counts as missed; default 2 min. */
  missedAfterMs?: number;
}

export interface ScheduleSkip {
  scheduleId: number;
  name: string;
  dueAt: number;
  reason: 'business_disabled' | 'missed' | 'failed';
  message: string;
}

export interface SchedulerStartReport {
  /** Enabled schedules whose next run fell in the past while the app was closed. */
  missed: number;
  /** Runs created for them (policy run_once: one per schedule, however many times were missed). */
  ranOnStart: number;
}

export interface Scheduler {
  start(): SchedulerStartReport;
  stop(): void;
  /** Re-arms the timer; call after schedules change. */
  reschedule(): void;
}

export const DEFAULT_MAX_DELAY_MS = 60_000;
export const DEFAULT_MISSED_AFTER_MS = 2 * 60_000;
/** After a failure, wait at least this long before trying again, so a broken row cannot spin the loop. */
const RETRY_AFTER_FAILURE_MS = 5_000;

type Outcome = { kind: 'ran'; run: JobRunView } | { kind: 'skipped'; skip: ScheduleSkip } | { kind: 'none' };

export function createScheduler(db: AppDatabase, options: SchedulerOptions): Scheduler {
  const clock = options.now ?? (() => new Date());
  const setTimer =
    options.setTimer ??
    ((callback: () => void, delayMs: number): TimerHandle => {
      const timer = setTimeout(callback, delayMs);
      timer.unref();
      return timer;
    });
  const clearTimer = options.clearTimer ?? ((handle: TimerHandle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  const maxDelayMs = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const missedAfterMs = options.missedAfterMs ?? DEFAULT_MISSED_AFTER_MS;

  let running = false;
  let timer: { handle: TimerHandle } | null = null;
  let failedRecently = false;

  const report = (error: unknown) => {
    try {
      options.onError?.(error);
    } catch {
      // An error reporter that throws must not stop the scheduler.
    }
  };

  /** Due now (next_run_at <= now), oldest first. */
  function dueScheduleIds(now: number): number[] {
    return db.orm
      .select({ id: jobSchedules.id })
      .from(jobSchedules)
      .where(and(eq(jobSchedules.enabled, true), isNotNull(jobSchedules.nextRunAt), lte(jobSchedules.nextRunAt, now)))
      .orderBy(asc(jobSchedules.nextRunAt), asc(jobSchedules.id))
      .all()
      .map((row) => row.id);
  }

  function nextAfter(schedule: JobScheduleRow, now: Date): number | null {
    try {
      return computeNextRunAt(schedule.cron, schedule.timezone, now);
    } catch {
      // A stored expression this version no longer accepts: the schedule stops until someone fixes it.
      return null;
    }
  }

  /**
   * One due schedule, in one transaction: re-read it (it may have changed since it was listed), create its
   * run unless it is to be skipped, and move next_run_at to the next time after now.
   */
  function processSchedule(id: number, now: Date, missedBecauseClosed: boolean): Outcome {
    const at = now.getTime();
    return inImmediateTransaction(db, (): Outcome => {
      const found = db.orm
        .select({ schedule: jobSchedules, businessDisabledAt: businesses.disabledAt })
        .from(jobSchedules)
        .leftJoin(businesses, eq(businesses.id, jobSchedules.businessId))
        .where(and(eq(jobSchedules.id, id), eq(jobSchedules.enabled, true), lte(jobSchedules.nextRunAt, at)))
        .get();
      if (!found || found.schedule.nextRunAt === null) return { kind: 'none' };
      const { schedule } = found;
      const dueAt = found.schedule.nextRunAt;
      const nextRunAt = nextAfter(schedule, now);
      const missed = missedBecauseClosed || at - dueAt > missedAfterMs;
      const skip = (reason: ScheduleSkip['reason'], message: string): Outcome => {
        db.orm.update(jobSchedules).set({ nextRunAt }).where(eq(jobSchedules.id, schedule.id)).run();
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
      let run: JobRunView;
      try {
        run = createJobRun(db.orm, target, {
          jobType: schedule.jobType,
          params: validateJobParams(schedule.jobType, schedule.params),
          trigger: 'schedule',
          scheduleId: schedule.id,
          triggeredBy: `schedule: ${schedule.name}`,
          createdAt: at,
        });
      } catch (error) {
        return skip('failed', error instanceof Error ? error.message : String(error));
      }
      db.orm.update(jobSchedules).set({ lastRunAt: at, nextRunAt }).where(eq(jobSchedules.id, schedule.id)).run();
      recordAuditEvent(db.orm, {
        actor: { kind: 'app', label: 'scheduler' },
        action: 'schedule.fire',
        target: { type: 'schedule', id: schedule.id },
        businessId: schedule.businessId,
        details: { name: schedule.name, runId: run.id, jobType: schedule.jobType, dueAt, missed },
        at,
      });
      return { kind: 'ran', run };
    });
  }

  /** Runs one schedule and tells the callbacks; a failure is reported, never thrown into the timer. */
  function handle(id: number, now: Date, missedBecauseClosed: boolean): Outcome {
    let outcome: Outcome;
    try {
      outcome = processSchedule(id, now, missedBecauseClosed);
    } catch (error) {
      failedRecently = true;
      report(error);
      return { kind: 'none' };
    }
    try {
      if (outcome.kind === 'ran') options.onRunCreated(outcome.run);
      else if (outcome.kind === 'skipped') {
        if (outcome.skip.reason === 'failed') failedRecently = true;
        options.onSkip?.(outcome.skip);
      }
    } catch (error) {
      report(error);
    }
    return outcome;
  }

  /** Enabled schedules without a next time (enabled by hand, or an older version) get one. */
  function fillMissingNextRuns(now: Date): void {
    const rows = db.orm
      .select()
      .from(jobSchedules)
      .where(and(eq(jobSchedules.enabled, true), isNull(jobSchedules.nextRunAt)))
      .all();
    for (const schedule of rows) {
      const nextRunAt = nextAfter(schedule, now);
      if (nextRunAt !== null) {
        db.orm
          .update(jobSchedules)
          .set({ nextRunAt })
          .where(and(eq(jobSchedules.id, schedule.id), isNull(jobSchedules.nextRunAt)))
          .run();
      }
    }
  }

  function disarm(): void {
    if (timer) {
      clearTimer(timer.handle);
      timer = null;
    }
  }

  function arm(): void {
    disarm();
    if (!running) return;
    let earliest: number | null;
    try {
      earliest =
        db.orm
          .select({ at: min(jobSchedules.nextRunAt) })
          .from(jobSchedules)
          .where(and(eq(jobSchedules.enabled, true), isNotNull(jobSchedules.nextRunAt)))
          .get()?.at ?? null;
    } catch (error) {
      report(error);
      earliest = clock().getTime() + RETRY_AFTER_FAILURE_MS;
    }
    if (earliest === null) return;
    let delay = Math.min(Math.max(earliest - clock().getTime(), 0), maxDelayMs);
    if (failedRecently) delay = Math.max(delay, RETRY_AFTER_FAILURE_MS);
    failedRecently = false;
    const armed = { handle: undefined as TimerHandle };
    timer = armed;
    armed.handle = setTimer(() => {
      if (timer === armed) timer = null;
      tick();
    }, delay);
  }

  function tick(): void {
    if (!running) return;
    const now = clock();
    let due: number[] = [];
    try {
      due = dueScheduleIds(now.getTime());
    } catch (error) {
      failedRecently = true;
      report(error);
    }
    for (const id of due) handle(id, now, false);
    arm();
  }

  return {
    start(): SchedulerStartReport {
      disarm();
      running = true;
      const now = clock();
      let missed = 0;
      let ranOnStart = 0;
      fillMissingNextRuns(now);
      for (const id of dueScheduleIds(now.getTime())) {
        const outcome = handle(id, now, true);
        if (outcome.kind !== 'none') missed++;
        if (outcome.kind === 'ran') ranOnStart++;
      }
      arm();
      return { missed, ranOnStart };
    },
    stop(): void {
      running = false;
      disarm();
    },
    reschedule(): void {
      if (running) arm();
    },
  };
}
