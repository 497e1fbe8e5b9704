// THE IPC contract: every channel's input and output as zod schemas. Main binds it once (src-main/ipc),
// the preload and the renderer's client are typed from it. Objects are strict: unknown fields are refused.
import { z } from 'zod';
import { type AppEventName, type Channel } from './channels';
import { type Envelope } from './errors';
import {
  authStatusSchema,
  businessDeletionPreviewSchema,
  businessDeletionSchema,
  businessIdInput,
  businessSchema,
  createBusinessInput,
  createUserInput,
  credentialsSchema,
  deleteBusinessInput,
  renameBusinessInput,
  scopeSelectionSchema,
  sessionSchema,
  setDisabledInput,
  setPasswordInput,
  setupInputSchema,
  updateUserInput,
  userSchema,
} from './schemas/accounts';
import { bulkChangeInput, bulkChangeSchema, bulkPreviewInput, bulkPreviewSchema, exportRunsInput, runsExportSchema } from './schemas/bulk';
import { emptyInput, idSchema } from './schemas/common';
import {
  auditEventPageSchema,
  auditEventSchema,
  createScheduleInput,
  cronPreviewSchema,
  listAuditEventsInput,
  previewCronInput,
  scheduleIdInput,
  scheduleSchema,
  setScheduleEnabledInput,
  updateScheduleInput,
  usageExportSchema,
  usageInput,
  usageReportSchema,
} from './schemas/engine';
import {
  activeJobRunsInput,
  createJobRunInput,
  jobRunDetailSchema,
  jobRunIdInput,
  jobRunPageSchema,
  jobRunSchema,
  jobRunStatsInput,
  jobRunStatsSchema,
  jobTypeSchema,
  listJobRunsInput,
  recentJobRunsInput,
  runScopeSchema,
} from './schemas/jobs';
import {
  assignOrphansInput,
  deleteOrphansInput,
  listOrphansInput,
  orphanAssignmentPreviewInput,
  orphanAssignmentPreviewSchema,
  orphanAssignmentSchema,
  orphanDeletionPreviewInput,
  orphanDeletionPreviewSchema,
  orphanDeletionSchema,
  orphansCheckInput,
  orphanSuggestionsInput,
  orphanSuggestionsSchema,
  assignSuggestedOrphansInput,
  suggestedAssignmentSchema,
  runsOverviewSchema,
} from './schemas/orphans';

export { APP_EVENTS, CHANNELS, type AppEventName, type Channel } from './channels';

// ---- Shared shapes ------------------------------------------------------------------------------

const count = z.number().int().nonnegative();

/** A database converted from the server edition (src-main/adoption/adopt.ts AdoptionReport). */
export const adoptionReportSchema = z.strictObject({
  revision: z.string().nullable(),
  shape: z.enum(['pre_tenant', 'tenant']),
  backupPath: z.string(),
  businesses: count,
  users: count,
  runs: count,
  orphans: count,
  /**
   * What the adopted runs became (absent from reports of earlier versions): ended runs kept as they were, runs not
   * finished in the server edition (now `unfinished`, of which `unfinishedStarted` had started), runs of job types
   * this app has no handler for, and orphans for which the file gives evidence of their business.
   */
  runOutcomes: z
    .strictObject({ ended: count, unfinished: count, unfinishedStarted: count, unknownJobTypes: count, orphansWithSuggestion: count })
    .optional(),
  durationMs: z.number().nonnegative(),
  notes: z.array(z.string()),
  phaseMs: z.record(z.string(), z.number().nonnegative()),
});

/** What a database holds (src-main/services/database-info.ts DatabaseInfo). */
export const databaseInfoSchema = z.strictObject({
  path: z.string(),
  schemaVersion: count,
  sqliteVersion: z.string(),
  fileBytes: count,
  counts: z.strictObject({
    businesses: count,
    users: count,
    runs: count,
    systemRuns: count,
    orphanRuns: count,
    schedules: count,
    auditEvents: count,
  }),
  adoption: adoptionReportSchema.nullable(),
});

/** What this start did to the file (src-main/startup.ts StartupReport, minus what `info` already says). */
export const startupSummarySchema = z.strictObject({
  created: z.boolean(),
  migrated: z.strictObject({ from: count, to: count, backupPath: z.string().nullable() }).nullable(),
  adoption: adoptionReportSchema.nullable(),
});

/** Why the database could not be opened: src-main/startup.ts StartupFailure, plus anything unforeseen. */
export const STARTUP_FAILURE_REASONS = [
  'cannot_open',
  'not_an_app_database',
  'newer_schema',
  'adoption_declined',
  'adoption_failed',
  'migration_failed',
  'foreign_key_violations',
  'unexpected',
] as const;
export type StartupFailureReason = (typeof STARTUP_FAILURE_REASONS)[number];

export const appStatusSchema = z.discriminatedUnion('state', [
  z.strictObject({ state: z.literal('ready'), info: databaseInfoSchema, startup: startupSummarySchema }),
  z.strictObject({
    state: z.literal('failed'),
    reason: z.enum(STARTUP_FAILURE_REASONS),
    message: z.string(),
    path: z.string(),
    /** A copy made before the failed step: the operator's way back. */
    backupPath: z.string().nullable(),
  }),
]);

// ---- Channels and events ------------------------------------------------------------------------

export interface ChannelSpec {
  input: z.ZodType;
  output: z.ZodType;
}

export type ContractShape = Record<string, ChannelSpec>;

const done = z.strictObject({ ok: z.literal(true) });
const deletedUser = z.strictObject({ id: idSchema });

/**
 * Every channel. Which ones need a session, and which are tenant channels (refused with FORBIDDEN to a
 * member or business admin without a business), is decided in src-main/ipc/handlers.ts, not here.
 */
export const contract = {
  'app.status': { input: emptyInput, output: appStatusSchema },

  'auth.status': { input: emptyInput, output: authStatusSchema },
  'auth.setup': { input: setupInputSchema, output: sessionSchema },
  'auth.login': { input: credentialsSchema, output: sessionSchema },
  'auth.logout': { input: emptyInput, output: done },
  'session.setScope': { input: z.strictObject({ scope: scopeSelectionSchema }), output: sessionSchema },

  'businesses.list': { input: emptyInput, output: z.array(businessSchema) },
  'businesses.create': { input: createBusinessInput, output: businessSchema },
  'businesses.rename': { input: renameBusinessInput, output: businessSchema },
  'businesses.setDisabled': { input: setDisabledInput, output: businessSchema },
  'businesses.previewDelete': { input: businessIdInput, output: businessDeletionPreviewSchema },
  'businesses.delete': { input: deleteBusinessInput, output: businessDeletionSchema },

  'users.list': { input: emptyInput, output: z.array(userSchema) },
  'users.create': { input: createUserInput, output: userSchema },
  'users.update': { input: updateUserInput, output: userSchema },
  'users.setDisabled': { input: setDisabledInput, output: userSchema },
  'users.setPassword': { input: setPasswordInput, output: userSchema },
  'users.delete': { input: z.strictObject({ id: idSchema }), output: deletedUser },

  'jobs.list': { input: listJobRunsInput, output: jobRunPageSchema },
  'jobs.stats': { input: jobRunStatsInput, output: jobRunStatsSchema },
  'jobs.recent': { input: recentJobRunsInput, output: z.array(jobRunSchema) },
  'jobs.active': { input: activeJobRunsInput, output: jobRunPageSchema },
  'jobs.types': { input: emptyInput, output: z.array(jobTypeSchema) },
  'jobs.get': { input: jobRunIdInput, output: jobRunDetailSchema },
  'jobs.create': { input: createJobRunInput, output: jobRunSchema },
  'jobs.cancel': { input: jobRunIdInput, output: jobRunSchema },
  /** A new run with the same type, target and params, linked to the first (`trigger = retry`). */
  'jobs.retry': { input: jobRunIdInput, output: jobRunSchema },
  'jobs.auditTrail': { input: jobRunIdInput, output: z.array(auditEventSchema) },
  /** Bulk actions over a selection of runs in the caller's scope (src-shared/schemas/bulk.ts). */
  'jobs.bulkPreview': { input: bulkPreviewInput, output: bulkPreviewSchema },
  /** Cancels the eligible runs (pending or running, the caller's to control); CONFLICT when their count changed since the preview. */
  'jobs.bulkCancel': { input: bulkChangeInput, output: bulkChangeSchema },
  /** One new linked run (`trigger = retry`) per eligible failed or cancelled run; CONFLICT when their count changed since the preview. */
  'jobs.bulkRetry': { input: bulkChangeInput, output: bulkChangeSchema },
  /** Writes the matching runs as CSV to the exports folder beside the database (at most 100,000 rows). */
  'jobs.exportCsv': { input: exportRunsInput, output: runsExportSchema },

  /** The orphan wizard (src-shared/schemas/orphans.ts): system administrators only. */
  'orphans.check': { input: orphansCheckInput, output: runsOverviewSchema },
  'orphans.list': { input: listOrphansInput, output: jobRunPageSchema },
  'orphans.previewDelete': { input: orphanDeletionPreviewInput, output: orphanDeletionPreviewSchema },
  /** Backs the database up, then deletes the selected orphans in one transaction; the confirmation is `delete N orphans`. */
  'orphans.delete': { input: deleteOrphansInput, output: orphanDeletionSchema },
  'orphans.previewAssign': { input: orphanAssignmentPreviewInput, output: orphanAssignmentPreviewSchema },
  'orphans.assign': { input: assignOrphansInput, output: orphanAssignmentSchema },
  /** Businesses proposed for orphans by evidence in the file, in groups by business and reason, each with a preview of its runs. */
  'orphans.suggestions': { input: orphanSuggestionsInput, output: orphanSuggestionsSchema },
  /** Backs the database up, then assigns the accepted groups in one transaction; CONFLICT when a group's count changed. */
  'orphans.assignSuggested': { input: assignSuggestedOrphansInput, output: suggestedAssignmentSchema },

  'schedules.list': { input: emptyInput, output: z.array(scheduleSchema) },
  'schedules.create': { input: createScheduleInput, output: scheduleSchema },
  'schedules.update': { input: updateScheduleInput, output: scheduleSchema },
  'schedules.setEnabled': { input: setScheduleEnabledInput, output: scheduleSchema },
  'schedules.delete': { input: scheduleIdInput, output: z.strictObject({ id: idSchema }) },
  'schedules.previewCron': { input: previewCronInput, output: cronPreviewSchema },

  'audit.list': { input: listAuditEventsInput, output: auditEventPageSchema },
  'metrics.usage': { input: usageInput, output: usageReportSchema },
  /** Writes the usage report as CSV to the exports folder beside the database. */
  'metrics.exportCsv': { input: usageInput, output: usageExportSchema },
} as const satisfies Record<Channel, ChannelSpec>;

export type Contract = typeof contract;

/** Payloads of pushed events. */
export const appEvents = {
  /** After a write: which tables changed, so the renderer refreshes exactly what read them. */
  'database.changed': z.strictObject({ tables: z.array(z.string()) }),
  /** A run was created or changed state. Sent only to sessions whose scope may see that run. */
  'jobs.changed': z.strictObject({ run: jobRunSchema }),
  /** A schedule was created, edited, paused, resumed or deleted. Sent only to sessions whose scope may read it. */
  'schedules.changed': z.strictObject({ id: idSchema, scope: runScopeSchema, businessId: idSchema.nullable() }),
} as const satisfies Record<AppEventName, z.ZodType>;

export type ChannelInput<C extends Channel> = z.input<Contract[C]['input']>;
export type ChannelOutput<C extends Channel> = z.output<Contract[C]['output']>;
export type AppEventPayload<E extends AppEventName> = z.output<(typeof appEvents)[E]>;

export type AppStatus = z.output<typeof appStatusSchema>;
export type DatabaseInfoView = z.output<typeof databaseInfoSchema>;
export type AdoptionReportView = z.output<typeof adoptionReportSchema>;
export type StartupSummary = z.output<typeof startupSummarySchema>;

export type AppEventListener<E extends AppEventName> = (payload: AppEventPayload<E>) => void;

export type ChannelCall<C extends Channel> = (input: ChannelInput<C>) => Promise<Envelope<ChannelOutput<C>>>;
export type ContractInvokers = { [C in Channel]: ChannelCall<C> };

/** What the preload exposes as `window.api`: one method per channel, and `on` for pushed events. */
export type ContractClient = ContractInvokers & {
  on<E extends AppEventName>(event: E, listener: AppEventListener<E>): () => void;
};
