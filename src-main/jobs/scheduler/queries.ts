// What the scheduler reads of job_schedules outside one schedule's transaction: what is due, the earliest next time,
// and the next times missing.
import { and, asc, eq, isNotNull, isNull, lte, min } from 'drizzle-orm';
import type { AppDatabase } from '../../db/connection';
import { jobSchedules, type JobScheduleRow } from '../../db/schema';
import { computeNextRunAt } from '../../schedules/schedules';

/** Due now (next_run_at <= now), oldest first. */
export function dueScheduleIds(db: AppDatabase, now: number): number[] {
  return db.orm
    .select({ id: jobSchedules.id })
    .from(jobSchedules)
    .where(and(eq(jobSchedules.enabled, true), isNotNull(jobSchedules.nextRunAt), lte(jobSchedules.nextRunAt, now)))
    .orderBy(asc(jobSchedules.nextRunAt), asc(jobSchedules.id))
    .all()
    .map((row) => row.id);
}

/** The earliest next time of an enabled schedule, or null when none has one. */
export function earliestNextRunAt(db: AppDatabase): number | null {
  return (
    db.orm
      .select({ at: min(jobSchedules.nextRunAt) })
      .from(jobSchedules)
      .where(and(eq(jobSchedules.enabled, true), isNotNull(jobSchedules.nextRunAt)))
      .get()?.at ?? null
  );
}

export function nextAfter(schedule: JobScheduleRow, now: Date): number | null {
  try {
    return computeNextRunAt(schedule.cron, schedule.timezone, now);
  } catch {
    // A stored expression this version no longer accepts: the schedule stops until someone fixes it.
    return null;
  }
}

/** Enabled schedules without a next time (enabled by hand, or an older version) get one. */
export function fillMissingNextRuns(db: AppDatabase, now: Date): void {
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
