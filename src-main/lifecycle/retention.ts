// What the retention purge (runs.retention) deletes: the completed runs of one place (a business, or system-wide)
// created before a cutoff. One definition for the purge (jobs/handlers/retention.ts) and for its preview.
import { and, count, eq, lt, ne, type SQL } from 'drizzle-orm';
import type { RunTarget } from '../../src-shared/tenancy';
import type { AppDatabase } from '../db/connection';
import { jobRuns } from '../db/schema';
import { runScopeCondition } from '../tenancy/owner-sql';

const DAY_MS = 86_400_000;

/** Runs created before this instant are old enough. */
export function retentionCutoff(now: number, olderThanDays: number): number {
  return now - olderThanDays * DAY_MS;
}

/** The runs a purge in `target` deletes; never `exceptRunId` (the purge's own run). */
export function purgeableRuns(target: RunTarget, cutoff: number, exceptRunId?: number): SQL {
  const conditions = [runScopeCondition(target), eq(jobRuns.status, 'completed'), lt(jobRuns.createdAt, cutoff)];
  if (exceptRunId !== undefined) conditions.push(ne(jobRuns.id, exceptRunId));
  return and(...conditions) as SQL;
}

/** How many runs a purge in `target` would delete now, and the cutoff it would use. */
export function previewRetention(db: AppDatabase, target: RunTarget, input: { olderThanDays: number }, now: number = Date.now()): { runs: number; cutoff: number } {
  const cutoff = retentionCutoff(now, input.olderThanDays);
  const runs = db.orm.select({ n: count() }).from(jobRuns).where(purgeableRuns(target, cutoff)).get()?.n ?? 0;
  return { runs, cutoff };
}
