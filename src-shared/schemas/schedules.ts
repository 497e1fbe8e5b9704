// Cron schedules as they cross the IPC boundary: the view, create, update, enable and delete, and the cron helper.
import { z } from 'zod';
import { MISSED_RUN_POLICIES } from '../domain';
import { epochMsSchema, idSchema, nameSchema, timeZoneSchema } from './common';
import { jobParamsSchema, jobTypeKeySchema, runScopeSchema } from './jobs';
import { runTargetSchema } from '../tenancy';
import { runTagsSchema } from '../tags';

/** A five-field cron expression (minute hour day-of-month month day-of-week) or a nickname such as `@daily`; main checks it parses. */
export const cronSchema = z.string().trim().min(1).max(100).meta({ title: 'Cron expression' });

export const scheduleSchema = z.strictObject({
  id: idSchema,
  scope: runScopeSchema,
  businessId: idSchema.nullable(),
  businessName: z.string().nullable(),
  name: z.string(),
  jobType: z.string(),
  params: z.record(z.string(), z.unknown()),
  /** The tags every run it creates carries; {} for none. */
  tags: z.record(z.string(), z.string()),
  cron: z.string(),
  timeZone: z.string(),
  enabled: z.boolean(),
  /** What happens to runs missed while the app was closed: skipped, or one run on start. */
  missedRunPolicy: z.enum(MISSED_RUN_POLICIES),
  nextRunAt: epochMsSchema.nullable(),
  lastRunAt: epochMsSchema.nullable(),
  createdByUserId: idSchema.nullable(),
  createdAt: epochMsSchema,
  updatedAt: epochMsSchema,
});
export type ScheduleView = z.output<typeof scheduleSchema>;

export const createScheduleInput = z.strictObject({
  name: nameSchema,
  jobType: jobTypeKeySchema,
  params: jobParamsSchema.default({}),
  tags: runTagsSchema.optional(),
  cron: cronSchema,
  timeZone: timeZoneSchema.default('UTC'),
  missedRunPolicy: z.enum(MISSED_RUN_POLICIES).default('skip'),
  enabled: z.boolean().default(true),
  /** Like a triggered run: only system admins name it; everyone else schedules in their own business. */
  target: runTargetSchema.optional(),
});
export const updateScheduleInput = z.strictObject({
  id: idSchema,
  name: nameSchema.optional(),
  params: jobParamsSchema.optional(),
  /** Replaces its tags ({} removes them all); runs it already created keep theirs. */
  tags: runTagsSchema.optional(),
  cron: cronSchema.optional(),
  timeZone: timeZoneSchema.optional(),
  missedRunPolicy: z.enum(MISSED_RUN_POLICIES).optional(),
});
export const setScheduleEnabledInput = z.strictObject({ id: idSchema, enabled: z.boolean() });
export const scheduleIdInput = z.strictObject({ id: idSchema });
/** The cron helper: the next times an expression fires, in its time zone. */
export const previewCronInput = z.strictObject({
  cron: cronSchema,
  timeZone: timeZoneSchema.default('UTC'),
  count: z.number().int().min(1).max(20).default(5),
});
export const cronPreviewSchema = z.strictObject({ nextRuns: z.array(epochMsSchema) });
