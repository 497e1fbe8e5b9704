// Job runs, read and written through the tenant chokepoint: every query here filters by runScopeCondition.
import { and, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { AppError } from '../../src-shared/errors';
import { RUN_STATUSES, type RunScope, type RunStatus, type RunTrigger } from '../../src-shared/domain';
import type { Orm } from '../db/connection';
import { jobRuns, type JobRunRow } from '../db/schema';
import { runScopeCondition, type TenantScope } from './tenant-scope';

/** Where a new run belongs. Never an orphan: only adoption of a server-edition file produces those. */
export type RunTarget = { kind: 'business'; businessId: number } | { kind: 'system' };

export interface CreateJobRunInput {
  jobType: string;
  trigger: RunTrigger;
  params?: Record<string, unknown>;
  triggeredByUserId?: number | null;
  /** Who started it, as a person reads it (kept when the user is deleted). */
  triggeredBy?: string | null;
  createdAt?: number;
}

export function createJobRun(orm: Orm, target: RunTarget, input: CreateJobRunInput): JobRunRow {
  if (input.jobType.trim().length === 0) throw new AppError('VALIDATION', 'jobType must not be blank');
  return orm
    .insert(jobRuns)
    .values({
      scope: target.kind,
      businessId: target.kind === 'business' ? target.businessId : null,
      jobType: input.jobType,
      status: 'pending',
      trigger: input.trigger,
      params: input.params ?? {},
      triggeredByUserId: input.triggeredByUserId ?? null,
      triggeredBy: input.triggeredBy ?? null,
      createdAt: input.createdAt ?? Date.now(),
    })
    .returning()
    .get();
}

/** pending → running. Null when the run is not in `scope` or not pending. */
export function startJobRun(orm: Orm, scope: TenantScope, runId: number, at: number = Date.now()): JobRunRow | null {
  return (
    orm
      .update(jobRuns)
      .set({ status: 'running', startedAt: at })
      .where(and(runScopeCondition(scope), eq(jobRuns.id, runId), eq(jobRuns.status, 'pending')))
      .returning()
      .get() ?? null
  );
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
  const finishableFrom: RunStatus[] = outcome.status === 'cancelled' ? ['pending', 'running'] : ['running'];
  return (
    orm
      .update(jobRuns)
      .set({
        status: outcome.status,
        finishedAt: at,
        durationMs: sql`CASE WHEN ${jobRuns.startedAt} IS NULL THEN NULL ELSE ${at} - ${jobRuns.startedAt} END`,
        result: outcome.status === 'completed' ? (outcome.result ?? null) : null,
        error: outcome.status === 'failed' ? outcome.error : null,
        cancelledByUserId: outcome.status === 'cancelled' ? (outcome.cancelledByUserId ?? null) : null,
      })
      .where(and(runScopeCondition(scope), eq(jobRuns.id, runId), inArray(jobRuns.status, finishableFrom)))
      .returning()
      .get() ?? null
  );
}

export function countJobRuns(orm: Orm, scope: TenantScope): number {
  return orm.select({ n: count() }).from(jobRuns).where(runScopeCondition(scope)).get()?.n ?? 0;
}

/** A position in the newest-first order: the last run of the previous page. */
export interface RunCursor {
  createdAt: number;
  id: number;
}

export interface ListJobRunsInput {
  limit: number;
  cursor?: RunCursor | null;
  jobType?: string;
  status?: RunStatus;
}

export interface JobRunPage {
  runs: JobRunRow[];
  /** Pass back to get the next page; null on the last page. */
  nextCursor: RunCursor | null;
}

export const MAX_PAGE_SIZE = 1000;

/** Newest first by (created_at, id), paged by keyset so page 1,000 costs what page 1 does. */
export function listJobRuns(orm: Orm, scope: TenantScope, input: ListJobRunsInput): JobRunPage {
  const limit = requirePageSize(input.limit);
  const conditions: SQL[] = [runScopeCondition(scope)];
  if (input.cursor) conditions.push(sql`(${jobRuns.createdAt}, ${jobRuns.id}) < (${input.cursor.createdAt}, ${input.cursor.id})`);
  if (input.jobType !== undefined) conditions.push(eq(jobRuns.jobType, input.jobType));
  if (input.status !== undefined) conditions.push(eq(jobRuns.status, input.status));
  const rows = orm
    .select()
    .from(jobRuns)
    .where(and(...conditions))
    .orderBy(desc(jobRuns.createdAt), desc(jobRuns.id))
    .limit(limit + 1)
    .all();
  const runs = rows.slice(0, limit);
  const last = runs[runs.length - 1];
  return { runs, nextCursor: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}

function requirePageSize(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new AppError('VALIDATION', `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${limit}`);
  }
  return limit;
}

export interface JobRunStats {
  total: number;
  byStatus: Record<RunStatus, number>;
}

export function getJobRunStats(orm: Orm, scope: TenantScope): JobRunStats {
  const rows = orm
    .select({ status: jobRuns.status, n: count() })
    .from(jobRuns)
    .where(runScopeCondition(scope))
    .groupBy(jobRuns.status)
    .all();
  const byStatus = Object.fromEntries(RUN_STATUSES.map((status) => [status, 0])) as Record<RunStatus, number>;
  for (const row of rows) byStatus[row.status] = row.n;
  return { total: rows.reduce((sum, row) => sum + row.n, 0), byStatus };
}

/** Run counts per owner (a business, system-wide, or no business = orphans) within `scope`. */
export interface RunOwnerCount {
  scope: RunScope;
  businessId: number | null;
  runs: number;
}

export function countJobRunsByOwner(orm: Orm, scope: TenantScope): RunOwnerCount[] {
  return orm
    .select({ scope: jobRuns.scope, businessId: jobRuns.businessId, runs: count() })
    .from(jobRuns)
    .where(runScopeCondition(scope))
    .groupBy(jobRuns.scope, jobRuns.businessId)
    .all();
}
