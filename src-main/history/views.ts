// A run as the contract shows it: the list view (no params or result) and the detail, from a row of job_runs.
import { eq, getTableColumns, sql } from 'drizzle-orm';
import { type JobRunDetailView, type JobRunView } from '../../src-shared/schemas/jobs';
import { tagsOf } from '../../src-shared/tags';
import { USER_NAME } from '../accounts/user-name';
import { type AppDatabase } from '../db/connection';
import { businesses, jobRuns, users, type JobRunRow } from '../db/schema';

// ---- Views ----------------------------------------------------------------------------------------

/** A run as lists read it: everything but params and result, which can be large and only the detail shows. */
export type JobRunListRow = Omit<JobRunRow, 'params' | 'result'> & { triggeredByName?: string | null };

/** In a select of job_runs: the linked user's display name, else email; NULL when none is linked. */
export const TRIGGERED_BY_NAME = sql<string | null>`(SELECT ${USER_NAME} FROM ${users} WHERE ${users.id} = ${jobRuns.triggeredByUserId})`;

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
    triggeredByName: row.triggeredByName ?? null,
    cancelledByUserId: row.cancelledByUserId,
    retryOfRunId: row.retryOfRunId,
    rerunOfRunId: row.rerunOfRunId,
    scheduleId: row.scheduleId,
    progress: row.progress,
    progressMessage: row.progressMessage,
    error: row.error,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    durationMs: row.durationMs,
    tags: tagsOf(row.tags),
  };
}

/** What the detail adds to a run's row: names for the ids it holds, and the runs that retry or re-run it. */
export type RunDetailExtras = Pick<JobRunDetailView, 'cancelledBy' | 'scheduleName' | 'retriedAs' | 'rerunAs'>;

export function toJobRunDetailView(row: JobRunRow & { triggeredByName: string | null }, businessName: string | null, extras: RunDetailExtras): JobRunDetailView {
  return { ...toJobRunView(row, businessName), params: row.params, result: row.result ?? null, ...extras };
}

export const { params: _params, result: _result, ...listColumns } = getTableColumns(jobRuns);

/** Runs with their business's name (NULL for system runs and orphans). */
export function selectRunList(db: AppDatabase) {
  return db.orm
    .select({ ...listColumns, businessName: businesses.name, triggeredByName: TRIGGERED_BY_NAME })
    .from(jobRuns)
    .leftJoin(businesses, eq(businesses.id, jobRuns.businessId));
}
