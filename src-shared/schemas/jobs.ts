// Job runs as they cross the IPC boundary: list, statistics, detail, job types, trigger.
import { z } from 'zod';
import { RUN_SCOPES, RUN_STATUSES, RUN_TRIGGERS } from '../domain';
import { countSchema, epochMsSchema, idSchema, instantSchema, timeZoneSchema } from './common';
import { runOwnerSchema, runTargetSchema, type RunTarget } from '../tenancy';
import { jsonSizeProblem } from '../json-size';
import { runTagsSchema } from '../tags';

export const runStatusSchema = z.enum(RUN_STATUSES);
export const runTriggerSchema = z.enum(RUN_TRIGGERS);
export const runScopeSchema = z.enum(RUN_SCOPES);
export const jobTypeKeySchema = z.string().min(1).max(100).regex(/^[A-Za-z0-9_.:-]+$/, 'must be a job type key such as reports.monthly_usage');

/** A run in a list: everything but its params and result, which only the detail carries. */
export const jobRunSchema = z.strictObject({
  id: idSchema,
  /** The server-edition UUID of an adopted run. */
  legacyId: z.string().nullable(),
  scope: runScopeSchema,
  businessId: idSchema.nullable(),
  /** Filled in every view, so the all-business view can show the business column. */
  businessName: z.string().nullable(),
  /** For an adopted orphan: the business id it referenced, which did not exist. */
  orphanedFrom: z.string().nullable(),
  jobType: z.string(),
  status: runStatusSchema,
  trigger: runTriggerSchema,
  triggeredByUserId: idSchema.nullable(),
  triggeredBy: z.string().nullable(),
  /**
   * Who triggered it as people read them: the linked user's display name, else email (for an adopted run, the
   * server-edition user its triggered_by names); null when no user is linked, where triggeredBy says it as recorded.
   */
  triggeredByName: z.string().nullable(),
  cancelledByUserId: idSchema.nullable(),
  retryOfRunId: idSchema.nullable(),
  /** The run this one re-runs with its params edited (jobs.create's rerunOf); null for other runs or when that run is gone. */
  rerunOfRunId: idSchema.nullable(),
  scheduleId: idSchema.nullable(),
  progress: z.number().min(0).max(1).nullable(),
  progressMessage: z.string().nullable(),
  error: z.string().nullable(),
  createdAt: epochMsSchema,
  startedAt: epochMsSchema.nullable(),
  finishedAt: epochMsSchema.nullable(),
  durationMs: z.number().int().nullable(),
  /** Its tags (src-shared/tags.ts): key → value, by key; {} when it has none. */
  tags: z.record(z.string(), z.string()),
});
export type JobRunView = z.output<typeof jobRunSchema>;

export const jobRunDetailSchema = jobRunSchema.extend({
  params: z.record(z.string(), z.unknown()),
  result: z.unknown().nullable(),
  /** Who cancelled it, as people read them (display name, else email); null when no one did or the user is gone. */
  cancelledBy: z.string().nullable(),
  /** The name of the schedule that created it; null for other runs or a schedule since deleted. */
  scheduleName: z.string().nullable(),
  /** The runs that retry this one, oldest first, as far as the caller's scope reaches (at most 20). */
  retriedAs: z.array(idSchema),
  /** The runs triggered as re-runs of this one, oldest first, as far as the caller's scope reaches (at most 20). */
  rerunAs: z.array(idSchema),
});
export type JobRunDetailView = z.output<typeof jobRunDetailSchema>;

export const JOB_RUN_SORT_FIELDS = ['createdAt', 'startedAt', 'durationMs'] as const;
export const jobRunSortSchema = z.strictObject({
  field: z.enum(JOB_RUN_SORT_FIELDS),
  direction: z.enum(['asc', 'desc']),
});

/** How a scheduled run records who triggered it: this, then the schedule's name. */
export const SCHEDULE_TRIGGERED_BY_PREFIX = 'schedule: ';

export const jobRunFiltersSchema = z.strictObject({
  statuses: z.array(runStatusSchema).max(RUN_STATUSES.length).optional(),
  jobTypes: z.array(jobTypeKeySchema).max(50).optional(),
  triggers: z.array(runTriggerSchema).max(RUN_TRIGGERS.length).optional(),
  triggeredByUserId: idSchema.optional(),
  /** Who triggered the run as recorded (triggered_by: an email, a server-edition user id, a label) or the name of its schedule, matched without case. */
  triggeredBy: z.string().trim().min(1).max(320).optional(),
  /** Narrows the all-business view; outside it, only the business in scope may be named. */
  businessIds: z.array(idSchema).max(200).optional(),
  createdFrom: instantSchema.optional().meta({ title: 'Created from' }),
  /** The range's end, not included. */
  createdTo: instantSchema.optional().meta({ title: 'Created before' }),
  /** Matches a run id, a server-edition id, the job type, or the error text. */
  search: z.string().trim().max(200).optional(),
  /** Runs that carry every one of these tags with exactly this value. */
  tags: runTagsSchema.optional(),
});
export type JobRunFilters = z.output<typeof jobRunFiltersSchema>;

export const MAX_RUNS_PAGE = 200;

export const listJobRunsInput = z.strictObject({
  filters: jobRunFiltersSchema.default({}),
  sort: jobRunSortSchema.default({ field: 'createdAt', direction: 'desc' }),
  /** Opaque: the `nextCursor` of the previous page, for the same filters and sort. */
  cursor: z.string().max(512).nullable().default(null),
  limit: z.number().int().min(1).max(MAX_RUNS_PAGE).default(50),
});
export type ListJobRunsInput = z.output<typeof listJobRunsInput>;

export const jobRunPageSchema = z.strictObject({
  runs: z.array(jobRunSchema),
  nextCursor: z.string().nullable(),
});
export type JobRunPageView = z.output<typeof jobRunPageSchema>;

/** Statistics cover at most this many days. */
export const MAX_STATS_DAYS = 366;

/**
 * Where a statistics range that ends now ends: the next whole minute after `now`. The view's presets end there, and
 * main reads a remembered one again the same way (src-main/stats/recent-asks.ts), so a range asked again within the
 * minute is the same range.
 */
export function rangeEndAfter(now: number): number {
  return Math.ceil((now + 1) / 60_000) * 60_000;
}

export const jobRunStatsInput = z
  .strictObject({
    from: instantSchema,
    to: instantSchema,
    /** Days of the per-day series start at midnight in this zone. */
    timeZone: timeZoneSchema.default('UTC'),
  })
  .refine((range) => range.from < range.to, { message: 'must be after From', path: ['to'] })
  .refine((range) => range.to - range.from <= MAX_STATS_DAYS * 86_400_000, {
    message: `may be at most ${MAX_STATS_DAYS} days after From`,
    path: ['to'],
  });
export type JobRunStatsInput = z.output<typeof jobRunStatsInput>;

const statusCountsSchema = z.strictObject({
  pending: countSchema,
  running: countSchema,
  completed: countSchema,
  failed: countSchema,
  cancelled: countSchema,
  unfinished: countSchema,
});

/**
 * Over finished runs (completed or failed) that have a duration. avgMs is exact. p50Ms and p95Ms are bucketed:
 * the nearest-rank percentile (rank ceil(p·n)) is found exactly in a histogram of 8 buckets per doubling of
 * (duration + 1) and reported as its bucket's geometric middle, so |reported − exact| ≤ 0.0443·(exact + 1) + 0.5 ms
 * (within 4.5%).
 */
const durationSummarySchema = z.strictObject({
  avgMs: z.number().nullable(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
});

/**
 * Success rate = completed / (completed + failed), null when neither. Pending and running runs have no
 * outcome yet, and a cancelled run was stopped on purpose: none of them count either way.
 */
const successRateSchema = z.number().min(0).max(1).nullable();

/** The figures of a group of runs (the range, a job type, an owner). */
const statsFigures = {
  total: countSchema,
  byStatus: statusCountsSchema,
  successRate: successRateSchema,
  duration: durationSummarySchema,
};

export const jobRunStatsSchema = z.strictObject({
  from: epochMsSchema,
  to: epochMsSchema,
  timeZone: z.string(),
  ...statsFigures,
  byJobType: z.array(z.strictObject({ jobType: z.string(), ...statsFigures })),
  /** One entry per calendar day of the range in `timeZone`, empty days included. */
  perDay: z.array(z.strictObject({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), byStatus: statusCountsSchema })),
  /**
   * Only in the all-business view: each business (and system-wide and orphaned runs) with runs in the range or in
   * the previous period, compared.
   */
  byBusiness: z
    .array(
      z.strictObject({
        owner: runOwnerSchema,
        ...statsFigures,
        /**
         * Its runs created in the period of the same length just before the range, [from − (to − from), from); null
         * when that period would start before the epoch.
         */
        previous: z.strictObject({ total: countSchema, successRate: successRateSchema }).nullable(),
      }),
    )
    .nullable(),
});
export type JobRunStatsView = z.output<typeof jobRunStatsSchema>;

export const recentJobRunsInput = z.strictObject({ limit: z.number().int().min(1).max(50).default(10) });
export const activeJobRunsInput = z.strictObject({
  cursor: z.string().max(512).nullable().default(null),
  limit: z.number().int().min(1).max(MAX_RUNS_PAGE).default(50),
});
export const jobRunIdInput = z.strictObject({ id: idSchema });

export const JOB_TYPE_SCOPES = ['business', 'system', 'either'] as const;
export const jobTypeSchema = z.strictObject({
  key: z.string(),
  /** Null for a type seen in the runs but not registered in this app (e.g. from the server edition). */
  title: z.string().nullable(),
  description: z.string().nullable(),
  scope: z.enum(JOB_TYPE_SCOPES).nullable(),
  registered: z.boolean(),
  /** The params as JSON Schema (from the type's zod schema), for the trigger form; null when not registered. */
  paramsSchema: z.record(z.string(), z.unknown()).nullable(),
  /** Runs of this type in the current scope. */
  runs: countSchema,
});
export type JobTypeView = z.output<typeof jobTypeSchema>;

/** Where a triggered run belongs (src-shared/tenancy.ts). */
export type RunTargetInput = RunTarget;

/** The most params a run or schedule takes, as JSON characters, and how deep they may nest. */
export const MAX_PARAMS_JSON = 65_536;
export const MAX_PARAMS_DEPTH = 32;

/** A run's or schedule's params as sent: a JSON object within MAX_PARAMS_JSON and MAX_PARAMS_DEPTH, measured without recursion. */
export const jobParamsSchema = z.record(z.string().max(100), z.unknown()).superRefine((params, ctx) => {
  const problem = jsonSizeProblem(params, MAX_PARAMS_JSON, MAX_PARAMS_DEPTH);
  if (problem === 'too_large') ctx.addIssue({ code: 'custom', message: 'may be at most 64 KiB of JSON' });
  if (problem === 'too_deep') ctx.addIssue({ code: 'custom', message: `may nest at most ${MAX_PARAMS_DEPTH} levels deep` });
});

export const createJobRunInput = z.strictObject({
  jobType: jobTypeKeySchema,
  params: jobParamsSchema.default({}),
  target: runTargetSchema.optional(),
  /**
   * Edit and re-run: the run this one repeats with its params (and place) as sent. It must be a run the caller can
   * see, of the same job type; the new run links to it (rerunOfRunId), as a retry links to the run it retries.
   */
  rerunOf: idSchema.optional().meta({ title: 'Re-run of' }),
  /** Labels the run carries (src-shared/tags.ts); a re-run sends them like its params, as they should be. */
  tags: runTagsSchema.optional(),
});
export type CreateJobRunInputView = z.output<typeof createJobRunInput>;

/** How old a completed run must be for the retention purge (runs.retention) to delete it. */
export const retentionDaysSchema = z
  .number()
  .int()
  .min(1)
  .max(3650)
  .meta({ title: 'Older than', unit: 'days', description: 'Completed runs created longer ago than this are deleted.' });

/** What a retention purge would delete now, where it would run: the preview before one is triggered. */
export const retentionPreviewInput = z.strictObject({ olderThanDays: retentionDaysSchema, target: runTargetSchema.optional() });
export const retentionPreviewSchema = z.strictObject({
  /** Completed runs of that business (or system-wide) created before `cutoff`. */
  runs: countSchema,
  cutoff: epochMsSchema,
});
