// THE IPC contract: every channel's input and output as zod schemas. Main binds it once (src-main/ipc),
// the preload and the renderer's client are typed from it. Objects are strict: unknown fields are refused.
import { z } from 'zod';
import { type ChannelAccess } from './access';
import { type AppEventName, type Channel } from './channels';
import { type Envelope } from './errors';
import {
  authStatusSchema,
  businessDeletionPreviewSchema,
  businessDisablePreviewSchema,
  businessDeletionSchema,
  businessIdInput,
  businessSchema,
  createBusinessInput,
  createUserInput,
  credentialsSchema,
  listUsersInput,
  deleteBusinessInput,
  renameBusinessInput,
  scopeSelectionSchema,
  sessionSchema,
  setTimeDisplayInput,
  setDisabledInput,
  setPasswordInput,
  setupInputSchema,
  updateUserInput,
  userPageSchema,
  userSchema,
} from './schemas/accounts';
import { auditEventPageSchema, auditEventSchema, listAuditEventsInput } from './schemas/audit';
import { bulkChangeInput, bulkChangeSchema, bulkPreviewInput, bulkPreviewSchema, exportRunsInput } from './schemas/bulk';
import { emptyInput, idSchema } from './schemas/common';
import {
  createScheduleInput,
  cronPreviewSchema,
  previewCronInput,
  scheduleIdInput,
  scheduleSchema,
  setScheduleEnabledInput,
  updateScheduleInput,
} from './schemas/schedules';
import { downloadExportInput, exportDownloadSchema, exportedFileSchema } from './schemas/exports';
import { runLimitsViewSchema, setRunLimitsInput } from './schemas/limits';
import {
  backupListSchema,
  backupPolicyViewSchema,
  backupVerificationSchema,
  pruneBackupsInput,
  pruneOutcomeSchema,
  setBackupPolicyInput,
  verifyBackupInput,
} from './schemas/backups';
import { restoreInput, restorePreviewInput, restorePreviewSchema, restoreResultSchema } from './schemas/restore';
import { usageInput, usageReportSchema } from './schemas/usage';
import { createViewInput, savedViewSchema, setDefaultViewInput, updateViewInput, viewIdInput, viewsListSchema } from './schemas/views';
import {
  activeJobRunsInput,
  createJobRunInput,
  retentionPreviewInput,
  retentionPreviewSchema,
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
  /** `info` and `startup` only for a caller whose role reads the database (`database.read`); null for anyone else, signed out included. */
  z.strictObject({ state: z.literal('ready'), info: databaseInfoSchema.nullable(), startup: startupSummarySchema.nullable() }),
  z.strictObject({
    state: z.literal('failed'),
    reason: z.enum(STARTUP_FAILURE_REASONS),
    message: z.string(),
    path: z.string(),
    /** A copy made before the failed step: the operator's way back. */
    backupPath: z.string().nullable(),
    /**
     * The main process's log file, where the failure is written with its details; null when it logs to its console
     * only. Told to anyone who can open the window, like the database's path: the screen is the operator's, before
     * anyone can sign in.
     */
    logPath: z.string().nullable(),
  }),
]);

// ---- Channels and events ------------------------------------------------------------------------

export interface ChannelSpec {
  /** Who may call it, enforced by the dispatcher before the handler runs (ChannelAccess, src-shared/access.ts). */
  access: ChannelAccess;
  input: z.ZodType;
  output: z.ZodType;
}

export type ContractShape = Record<string, ChannelSpec>;

const done = z.strictObject({ ok: z.literal(true) });
const deletedUser = z.strictObject({ id: idSchema });

/**
 * Every channel: who may call it (`access`, see ChannelAccess in src-shared/access.ts: `anyone`, `signed_in` or an
 * action of the access matrix, and `tenant: 'scope'` for the channels that work in the session's tenant scope),
 * its input and its output. The dispatcher refuses a caller below `access` before the handler runs.
 */
export const contract = {
  'app.status': { access: { who: 'anyone', tenant: 'none' }, input: emptyInput, output: appStatusSchema },

  'auth.status': { access: { who: 'anyone', tenant: 'none' }, input: emptyInput, output: authStatusSchema },
  'auth.setup': { access: { who: 'anyone', tenant: 'none' }, input: setupInputSchema, output: sessionSchema },
  'auth.login': { access: { who: 'anyone', tenant: 'none' }, input: credentialsSchema, output: sessionSchema },
  'auth.logout': { access: { who: 'signed_in', tenant: 'none' }, input: emptyInput, output: done },
  /** The signed-in user's own choice of local time or UTC, kept with their account; answers the session. */
  'auth.setTimeDisplay': { access: { who: 'signed_in', tenant: 'none' }, input: setTimeDisplayInput, output: sessionSchema },
  'session.setScope': { access: { who: 'scope.switch', tenant: 'none' }, input: z.strictObject({ scope: scopeSelectionSchema }), output: sessionSchema },

  'businesses.list': { access: { who: 'businesses.read', tenant: 'none' }, input: emptyInput, output: z.array(businessSchema) },
  'businesses.create': { access: { who: 'businesses.manage', tenant: 'none' }, input: createBusinessInput, output: businessSchema },
  'businesses.rename': { access: { who: 'businesses.manage', tenant: 'none' }, input: renameBusinessInput, output: businessSchema },
  'businesses.setDisabled': { access: { who: 'businesses.manage', tenant: 'none' }, input: setDisabledInput, output: businessSchema },
  'businesses.previewDisable': { access: { who: 'businesses.manage', tenant: 'none' }, input: businessIdInput, output: businessDisablePreviewSchema },
  'businesses.previewDelete': { access: { who: 'businesses.manage', tenant: 'none' }, input: businessIdInput, output: businessDeletionPreviewSchema },
  'businesses.delete': { access: { who: 'businesses.manage', tenant: 'none' }, input: deleteBusinessInput, output: businessDeletionSchema },

  /** The users the caller may manage, searched, filtered and paged (src-shared/schemas/accounts.ts). */
  'users.list': { access: { who: 'users.manage', tenant: 'none' }, input: listUsersInput, output: userPageSchema },
  'users.create': { access: { who: 'users.manage', tenant: 'none' }, input: createUserInput, output: userSchema },
  'users.update': { access: { who: 'users.manage', tenant: 'none' }, input: updateUserInput, output: userSchema },
  'users.setDisabled': { access: { who: 'users.manage', tenant: 'none' }, input: setDisabledInput, output: userSchema },
  'users.setPassword': { access: { who: 'users.manage', tenant: 'none' }, input: setPasswordInput, output: userSchema },
  'users.delete': { access: { who: 'users.manage', tenant: 'none' }, input: z.strictObject({ id: idSchema }), output: deletedUser },

  'jobs.list': { access: { who: 'runs.read', tenant: 'scope' }, input: listJobRunsInput, output: jobRunPageSchema },
  'jobs.stats': { access: { who: 'runs.read', tenant: 'scope' }, input: jobRunStatsInput, output: jobRunStatsSchema },
  'jobs.recent': { access: { who: 'runs.read', tenant: 'scope' }, input: recentJobRunsInput, output: z.array(jobRunSchema) },
  'jobs.active': { access: { who: 'runs.read', tenant: 'scope' }, input: activeJobRunsInput, output: jobRunPageSchema },
  'jobs.types': { access: { who: 'runs.read', tenant: 'scope' }, input: emptyInput, output: z.array(jobTypeSchema) },
  'jobs.get': { access: { who: 'runs.read', tenant: 'scope' }, input: jobRunIdInput, output: jobRunDetailSchema },
  'jobs.create': { access: { who: 'runs.trigger', tenant: 'scope' }, input: createJobRunInput, output: jobRunSchema },
  'jobs.previewRetention': { access: { who: 'runs.trigger', tenant: 'scope' }, input: retentionPreviewInput, output: retentionPreviewSchema },
  'jobs.cancel': { access: { who: 'runs.control', tenant: 'scope' }, input: jobRunIdInput, output: jobRunSchema },
  /** A new run with the same type, target and params, linked to the first (`trigger = retry`). */
  'jobs.retry': { access: { who: 'runs.control', tenant: 'scope' }, input: jobRunIdInput, output: jobRunSchema },
  'jobs.auditTrail': { access: { who: 'runs.read', tenant: 'scope' }, input: jobRunIdInput, output: z.array(auditEventSchema) },
  /** Bulk actions over a selection of runs in the caller's scope (src-shared/schemas/bulk.ts). */
  'jobs.bulkPreview': { access: { who: 'runs.control', tenant: 'scope' }, input: bulkPreviewInput, output: bulkPreviewSchema },
  /** Cancels the eligible runs (pending or running, the caller's to control); CONFLICT when their count changed since the preview. */
  'jobs.bulkCancel': { access: { who: 'runs.control', tenant: 'scope' }, input: bulkChangeInput, output: bulkChangeSchema },
  /** One new linked run (`trigger = retry`) per eligible failed or cancelled run; CONFLICT when their count changed since the preview. */
  'jobs.bulkRetry': { access: { who: 'runs.control', tenant: 'scope' }, input: bulkChangeInput, output: bulkChangeSchema },
  /** Writes the matching runs as CSV to the exports folder beside the database (at most 100,000 rows). */
  'jobs.exportCsv': { access: { who: 'runs.read', tenant: 'scope' }, input: exportRunsInput, output: exportedFileSchema },

  /** The orphan wizard (src-shared/schemas/orphans.ts): system administrators only. */
  'orphans.check': { access: { who: 'orphans.manage', tenant: 'none' }, input: orphansCheckInput, output: runsOverviewSchema },
  'orphans.list': { access: { who: 'orphans.manage', tenant: 'none' }, input: listOrphansInput, output: jobRunPageSchema },
  'orphans.previewDelete': { access: { who: 'orphans.manage', tenant: 'none' }, input: orphanDeletionPreviewInput, output: orphanDeletionPreviewSchema },
  /** Backs the database up, then deletes the selected orphans in one transaction; the confirmation is `delete N orphans`. */
  'orphans.delete': { access: { who: 'orphans.manage', tenant: 'none' }, input: deleteOrphansInput, output: orphanDeletionSchema },
  'orphans.previewAssign': { access: { who: 'orphans.manage', tenant: 'none' }, input: orphanAssignmentPreviewInput, output: orphanAssignmentPreviewSchema },
  'orphans.assign': { access: { who: 'orphans.manage', tenant: 'none' }, input: assignOrphansInput, output: orphanAssignmentSchema },
  /** Businesses proposed for orphans by evidence in the file, in groups by business and reason, each with a preview of its runs. */
  'orphans.suggestions': { access: { who: 'orphans.manage', tenant: 'none' }, input: orphanSuggestionsInput, output: orphanSuggestionsSchema },
  /** Backs the database up, then assigns the accepted groups in one transaction; CONFLICT when a group's count changed. */
  'orphans.assignSuggested': { access: { who: 'orphans.manage', tenant: 'none' }, input: assignSuggestedOrphansInput, output: suggestedAssignmentSchema },

  'schedules.list': { access: { who: 'schedules.read', tenant: 'scope' }, input: emptyInput, output: z.array(scheduleSchema) },
  'schedules.create': { access: { who: 'schedules.manage', tenant: 'scope' }, input: createScheduleInput, output: scheduleSchema },
  'schedules.update': { access: { who: 'schedules.manage', tenant: 'scope' }, input: updateScheduleInput, output: scheduleSchema },
  'schedules.setEnabled': { access: { who: 'schedules.manage', tenant: 'scope' }, input: setScheduleEnabledInput, output: scheduleSchema },
  'schedules.delete': { access: { who: 'schedules.manage', tenant: 'scope' }, input: scheduleIdInput, output: z.strictObject({ id: idSchema }) },
  'schedules.previewCron': { access: { who: 'signed_in', tenant: 'none' }, input: previewCronInput, output: cronPreviewSchema },

  // Saved views: who may share one with whom depends on the view (src-main/views/views.ts); a view holds no run data.
  'views.list': { access: { who: 'views.use', tenant: 'none' }, input: emptyInput, output: viewsListSchema },
  'views.create': { access: { who: 'views.use', tenant: 'none' }, input: createViewInput, output: savedViewSchema },
  'views.update': { access: { who: 'views.use', tenant: 'none' }, input: updateViewInput, output: savedViewSchema },
  'views.delete': { access: { who: 'views.use', tenant: 'none' }, input: viewIdInput, output: z.strictObject({ id: idSchema }) },
  'views.setDefault': { access: { who: 'views.use', tenant: 'none' }, input: setDefaultViewInput, output: z.strictObject({ defaultViewId: idSchema.nullable() }) },

  'audit.list': { access: { who: 'audit.read', tenant: 'none' }, input: listAuditEventsInput, output: auditEventPageSchema },
  'metrics.usage': { access: { who: 'metrics.read', tenant: 'scope' }, input: usageInput, output: usageReportSchema },
  /** Writes the usage report as CSV to the exports folder beside the database. */
  'metrics.exportCsv': { access: { who: 'metrics.read', tenant: 'scope' }, input: usageInput, output: exportedFileSchema },
  /** An export's file, to the user who made it (NOT_FOUND for anyone else); audited as exports.download. */
  'exports.download': { access: { who: 'signed_in', tenant: 'none' }, input: downloadExportInput, output: exportDownloadSchema },

  /** The per-business limits in force and their defaults (src-shared/schemas/limits.ts): system administrators only. */
  'limits.get': { access: { who: 'limits.manage', tenant: 'none' }, input: emptyInput, output: runLimitsViewSchema },
  /** Sets every limit at once; audited as limits.set with the values before and after. */
  'limits.set': { access: { who: 'limits.manage', tenant: 'none' }, input: setRunLimitsInput, output: runLimitsViewSchema },
  /** Every backup of the database, newest first, with its record, their total size and the retention policy: system administrators only. */
  'backups.list': { access: { who: 'backups.manage', tenant: 'none' }, input: emptyInput, output: backupListSchema },
  /** Checks one backup (integrity, schema version, checksum); the outcome is kept in its record. */
  'backups.verify': { access: { who: 'backups.manage', tenant: 'none' }, input: verifyBackupInput, output: backupVerificationSchema },
  /** What the retention policy would remove (`preview`), or removes the previewed backups (`prune`); audited as backup.pruned. */
  'backups.prune': { access: { who: 'backups.manage', tenant: 'none' }, input: pruneBackupsInput, output: pruneOutcomeSchema },
  /** The retention policy in force and its defaults. */
  'backups.policy': { access: { who: 'backups.manage', tenant: 'none' }, input: emptyInput, output: backupPolicyViewSchema },
  /** Sets the retention policy; audited as backup.policy_set with the policy before and after. */
  'backups.setPolicy': { access: { who: 'backups.manage', tenant: 'none' }, input: setBackupPolicyInput, output: backupPolicyViewSchema },

  /** What restoring a backup would do: the backup against the live file (src-shared/schemas/restore.ts). System administrators only. */
  'backups.restorePreview': { access: { who: 'backups.manage', tenant: 'none' }, input: restorePreviewInput, output: restorePreviewSchema },
  /**
   * Backs the database up, puts the backup in its place, opens it again (migrating an older backup) and ends every
   * session; the confirmation is `restore <backup name>`. Calls made meanwhile wait for the restored database.
   */
  'backups.restore': { access: { who: 'backups.manage', tenant: 'none' }, input: restoreInput, output: restoreResultSchema },
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
  /**
   * What this user may do or sees of themselves changed: their role, business or name, their business enabled,
   * disabled, renamed or deleted, their account disabled or deleted. Sent only to that user's sessions, which read
   * who they are again (before a session is ended, so its window learns it was signed out).
   */
  'account.changed': z.strictObject({ userId: idSchema }),
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

/** Where the desktop app saved an export's copy; null when the person closed the save dialog. */
export interface SavedExport {
  savedPath: string | null;
}

/** The desktop app's export delivery (DESKTOP_CHANNELS): the save dialog, then the file shown in its folder. */
export interface DesktopExports {
  saveExport(fileName: string): Promise<Envelope<SavedExport>>;
  /** Only a path this app saved since it started; anything else is NOT_FOUND. */
  showInFolder(path: string): Promise<Envelope<null>>;
}

/**
 * What the preload exposes as `window.api`: one method per channel, `on` for pushed events, the desktop's exports, and
 * `onDeepLink` for the links of the app opened while it runs (the path to go to; returns the unsubscribe function).
 */
export type ContractClient = ContractInvokers &
  DesktopExports & {
    on<E extends AppEventName>(event: E, listener: AppEventListener<E>): () => void;
    onDeepLink(listener: (path: string) => void): () => void;
  };
