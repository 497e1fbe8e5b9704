// The job engine as it crosses the IPC boundary: cancel and retry, schedules, the audit log, usage metrics.
import { z } from 'zod';
import { MISSED_RUN_POLICIES } from '../domain';
import { countSchema, epochMsSchema, idSchema, nameSchema, timeZoneSchema } from './common';
import { jobTypeKeySchema, runOwnerSchema, runScopeSchema, runTargetSchema } from './jobs';

const paramsSchema = z
  .record(z.string().max(100), z.unknown())
  .refine((params) => JSON.stringify(params).length <= 65_536, { message: 'params may be at most 64 KiB of JSON' });

// ---- Schedules ------------------------------------------------------------------------------------

/** A five-field cron expression (minute hour day-of-month month day-of-week) or a nickname such as `@daily`; main checks it parses. */
export const cronSchema = z.string().trim().min(1, 'a cron expression is required').max(100);

export const scheduleSchema = z.strictObject({
  id: idSchema,
  scope: runScopeSchema,
  businessId: idSchema.nullable(),
  businessName: z.string().nullable(),
  name: z.string(),
  jobType: z.string(),
  params: z.record(z.string(), z.unknown()),
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
  params: paramsSchema.default({}),
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
  params: paramsSchema.optional(),
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

// ---- Audit log ------------------------------------------------------------------------------------

export const auditEventSchema = z.strictObject({
  id: idSchema,
  at: epochMsSchema,
  actorUserId: idSchema.nullable(),
  actorLabel: z.string(),
  actorRole: z.string().nullable(),
  actorBusinessId: idSchema.nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  businessId: idSchema.nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEventView = z.output<typeof auditEventSchema>;

export const listAuditEventsInput = z.strictObject({
  filters: z
    .strictObject({
      actions: z.array(z.string().min(1).max(100)).max(50).optional(),
      actorUserId: idSchema.optional(),
      from: epochMsSchema.optional(),
      to: epochMsSchema.optional(),
    })
    .default({}),
  cursor: z.string().max(512).nullable().default(null),
  limit: z.number().int().min(1).max(200).default(50),
});
export type ListAuditEventsInput = z.output<typeof listAuditEventsInput>;
export const auditEventPageSchema = z.strictObject({ events: z.array(auditEventSchema), nextCursor: z.string().nullable() });

// ---- Usage metrics --------------------------------------------------------------------------------

export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month such as 2026-03');

export const usageInput = z
  .strictObject({ fromMonth: monthSchema, toMonth: monthSchema })
  .refine((range) => range.fromMonth <= range.toMonth, { message: 'fromMonth must not be after toMonth', path: ['toMonth'] });
export type UsageInput = z.output<typeof usageInput>;

const usageFigures = {
  runs: countSchema,
  failures: countSchema,
  totalDurationMs: z.number().int().nonnegative(),
  /** Exact, nearest rank, over finished runs with a duration; null when there are none. */
  p95DurationMs: z.number().nullable(),
};

/** One owner's usage in one month (UTC): a business, system-wide runs, or orphans. */
export const usageRowSchema = z.strictObject({
  month: monthSchema,
  owner: runOwnerSchema,
  ...usageFigures,
  byJobType: z.array(z.strictObject({ jobType: z.string(), ...usageFigures })),
});
export type UsageRowView = z.output<typeof usageRowSchema>;
export const usageReportSchema = z.strictObject({ rows: z.array(usageRowSchema) });

export const usageExportSchema = z.strictObject({ path: z.string(), rows: countSchema, bytes: countSchema });
