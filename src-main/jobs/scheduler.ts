// The scheduler: turns due cron schedules into pending runs, each in its own schedule's business (or
// system-wide for a system schedule) and nowhere else. One timer for the earliest due time, capped so a
// changed clock or a long sleep is noticed within a minute. All times come from the injectable clock.
// Its parts are in scheduler/: firing one schedule in its transaction (fire.ts), the reads outside it
// (queries.ts) and the timer (timer.ts).
import type { JobRunView } from '../../src-shared/schemas/jobs';
import type { AppDatabase } from '../db/connection';
import { whenWritable, writeLockHeldInBackground } from '../db/background-work';
import { fireSchedule, type FireCallbacks, type FireOutcome, type ScheduleSkip } from './scheduler/fire';
import { dueScheduleIds, earliestNextRunAt, fillMissingNextRuns } from './scheduler/queries';
import { createWakeTimer, type TimerHandle } from './scheduler/timer';

export type { ScheduleSkip } from './scheduler/fire';
export type { TimerHandle } from './scheduler/timer';

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

interface SchedulerState {
  /** Between start and stop. */
  running: boolean;
  /** A failure since the timer was last armed: the next wait is at least RETRY_AFTER_FAILURE_MS. */
  failedRecently: boolean;
}

export function createScheduler(db: AppDatabase, options: SchedulerOptions): Scheduler {
  const clock = options.now ?? (() => new Date());
  const timer = createWakeTimer(options.setTimer, options.clearTimer);
  const maxDelayMs = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const missedAfterMs = options.missedAfterMs ?? DEFAULT_MISSED_AFTER_MS;
  const state: SchedulerState = { running: false, failedRecently: false };
  const tell = callbacksFor(options, state);
  const fire = (id: number, now: Date, becauseClosed: boolean): FireOutcome => fireSchedule(db, id, now, { becauseClosed, afterMs: missedAfterMs }, tell);

  function arm(): void {
    timer.disarm();
    if (!state.running) return;
    let earliest: number | null;
    try {
      earliest = earliestNextRunAt(db);
    } catch (error) {
      tell.report(error);
      earliest = clock().getTime() + RETRY_AFTER_FAILURE_MS;
    }
    if (earliest === null) return;
    let delay = Math.min(Math.max(earliest - clock().getTime(), 0), maxDelayMs);
    if (state.failedRecently) delay = Math.max(delay, RETRY_AFTER_FAILURE_MS);
    state.failedRecently = false;
    timer.arm(delay, tick);
  }

  function tick(): void {
    if (!state.running) return;
    // An adoption's background step holds the write lock: the due schedules fire once it ends.
    if (writeLockHeldInBackground(db.path)) return void whenWritable(db.path).then(tick);
    const now = clock();
    let due: number[] = [];
    try {
      due = dueScheduleIds(db, now.getTime());
    } catch (error) {
      state.failedRecently = true;
      tell.report(error);
    }
    for (const id of due) fire(id, now, false);
    arm();
  }

  return {
    start(): SchedulerStartReport {
      timer.disarm();
      state.running = true;
      const now = clock();
      let missed = 0;
      let ranOnStart = 0;
      fillMissingNextRuns(db, now);
      for (const id of dueScheduleIds(db, now.getTime())) {
        const outcome = fire(id, now, true);
        if (outcome.kind !== 'none') missed++;
        if (outcome.kind === 'ran') ranOnStart++;
      }
      arm();
      return { missed, ranOnStart };
    },
    stop(): void {
      state.running = false;
      timer.disarm();
    },
    reschedule(): void {
      if (state.running) arm();
    },
  };
}

/** The options' callbacks as fireSchedule calls them; a failure marks the state, an error reporter that throws is ignored. */
function callbacksFor(options: SchedulerOptions, state: SchedulerState): FireCallbacks {
  return {
    onRunCreated: (run) => options.onRunCreated(run),
    onSkip: (skip) => options.onSkip?.(skip),
    onFailure: () => {
      state.failedRecently = true;
    },
    report(error) {
      try {
        options.onError?.(error);
      } catch {
        // An error reporter that throws must not stop the scheduler.
      }
    },
  };
}
