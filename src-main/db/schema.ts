// The database schema. Times are integer milliseconds since the Unix epoch (UTC).
// drizzle-kit generates drizzle/*.sql from this file; test/db/schema-drift.test.ts fails when they disagree.
import { sql } from 'drizzle-orm';
import { blob, check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { MISSED_RUN_POLICIES, RUN_SCOPES, RUN_STATUSES, RUN_TRIGGERS, TIME_DISPLAYS, USER_ROLES } from '../../src-shared/domain';
import { VIEW_SHARINGS } from '../../src-shared/schemas/views';

const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

export const businesses = sqliteTable(
  'businesses',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The UUID this business had in the server edition, when adopted from it. */
    legacyId: text('legacy_id'),
    name: text('name').notNull(),
    createdAt: integer('created_at').notNull(),
    disabledAt: integer('disabled_at'),
  },
  (t) => [
    uniqueIndex('businesses_name_unique').on(sql`${t.name} COLLATE NOCASE`),
    uniqueIndex('businesses_legacy_id_unique').on(t.legacyId).where(sql`${t.legacyId} IS NOT NULL`),
    check('businesses_name_not_blank', sql`length(trim(${t.name})) > 0`),
  ],
);

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    legacyId: text('legacy_id'),
    email: text('email').notNull(),
    displayName: text('display_name'),
    role: text('role', { enum: USER_ROLES }).notNull(),
    businessId: integer('business_id').references(() => businesses.id, { onDelete: 'set null' }),
    /** `scrypt$N$r$p$salt$hash` (base64); NULL until a password is set (e.g. users adopted from the server edition). */
    passwordHash: text('password_hash'),
    failedLoginCount: integer('failed_login_count').notNull().default(0),
    lockedUntil: integer('locked_until'),
    lastLoginAt: integer('last_login_at'),
    createdAt: integer('created_at').notNull(),
    disabledAt: integer('disabled_at'),
    /** How the app shows this user times: in their computer's zone (`local`) or in UTC (`utc`). */
    timeDisplay: text('time_display', { enum: TIME_DISPLAYS }).notNull().default('local'),
  },
  (t) => [
    uniqueIndex('users_email_unique').on(sql`${t.email} COLLATE NOCASE`),
    uniqueIndex('users_legacy_id_unique').on(t.legacyId).where(sql`${t.legacyId} IS NOT NULL`),
    // One business's users in list order (users.list pages by email without case), and its foreign key's lookups.
    index('users_business_email_idx').on(t.businessId, sql`${t.email} COLLATE NOCASE`),
    check('users_role_valid', sql`${t.role} IN (${inList(USER_ROLES)})`),
  ],
);

export const jobSchedules = sqliteTable(
  'job_schedules',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    scope: text('scope', { enum: RUN_SCOPES }).notNull(),
    businessId: integer('business_id').references(() => businesses.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    jobType: text('job_type').notNull(),
    params: text('params', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    /** The tags its runs carry (src-shared/tags.ts), as tagsJson writes them; NULL for none. */
    tags: text('tags'),
    cron: text('cron').notNull(),
    timezone: text('timezone').notNull().default('UTC'),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    missedRunPolicy: text('missed_run_policy', { enum: MISSED_RUN_POLICIES }).notNull().default('skip'),
    nextRunAt: integer('next_run_at'),
    lastRunAt: integer('last_run_at'),
    createdByUserId: integer('created_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('job_schedules_business_idx').on(t.businessId),
    index('job_schedules_due_idx').on(t.enabled, t.nextRunAt),
    index('job_schedules_created_by_idx').on(t.createdByUserId).where(sql`${t.createdByUserId} IS NOT NULL`),
    check('job_schedules_scope_valid', sql`${t.scope} IN (${inList(RUN_SCOPES)})`),
    check(
      'job_schedules_scope_business',
      sql`(${t.scope} = 'system' AND ${t.businessId} IS NULL) OR (${t.scope} = 'business' AND ${t.businessId} IS NOT NULL)`,
    ),
    check('job_schedules_missed_policy_valid', sql`${t.missedRunPolicy} IN (${inList(MISSED_RUN_POLICIES)})`),
    check('job_schedules_params_json', sql`json_valid(${t.params})`),
  ],
);

export const jobRuns = sqliteTable(
  'job_runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The id (UUID) this run had in the server edition, when adopted from it. */
    legacyId: text('legacy_id'),
    scope: text('scope', { enum: RUN_SCOPES }).notNull(),
    /** NULL for system runs, and for orphans: business-scoped runs whose business is missing. */
    businessId: integer('business_id').references(() => businesses.id, { onDelete: 'cascade' }),
    /** For an adopted orphan: the business id it referenced, which did not exist. */
    orphanedFrom: text('orphaned_from'),
    jobType: text('job_type').notNull(),
    status: text('status', { enum: RUN_STATUSES }).notNull(),
    trigger: text('trigger', { enum: RUN_TRIGGERS }).notNull(),
    triggeredByUserId: integer('triggered_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** Who started the run, as recorded at the time (kept when the user is deleted; verbatim for adopted runs). */
    triggeredBy: text('triggered_by'),
    cancelledByUserId: integer('cancelled_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    retryOfRunId: integer('retry_of_run_id').references((): AnySQLiteColumn => jobRuns.id, {
      onDelete: 'set null',
    }),
    scheduleId: integer('schedule_id').references(() => jobSchedules.id, { onDelete: 'set null' }),
    params: text('params', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    result: text('result', { mode: 'json' }).$type<unknown>(),
    error: text('error'),
    progress: real('progress'),
    progressMessage: text('progress_message'),
    createdAt: integer('created_at').notNull(),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
    durationMs: integer('duration_ms'),
    /**
     * The last time the runner recorded this run alive (its heartbeat, and every progress write): where a run a crash
     * interrupted ends, since nothing recorded it later.
     */
    heartbeatAt: integer('heartbeat_at'),
    /** The run this one re-runs with its params edited (jobs.create's rerunOf): trigger 'manual', linked like a retry. */
    rerunOfRunId: integer('rerun_of_run_id').references((): AnySQLiteColumn => jobRuns.id, {
      onDelete: 'set null',
    }),
    /**
     * Its tags (src-shared/tags.ts) as tagsJson writes them: a JSON object by key, NULL for none. Set at creation and
     * never changed; job_run_tags indexes them (triggers of drizzle/0025_run_tags.sql).
     */
    tags: text('tags'),
  },
  (t) => [
    // Every index ends in the rowid (= id), so (created_at, id) keyset order needs no sort. One business history, newest first; also orphans and system runs (NULL business).
    index('job_runs_business_created_idx').on(t.businessId, t.createdAt),
    // Status filters and active runs per business, and counts by status.
    index('job_runs_business_status_created_idx').on(t.businessId, t.status, t.createdAt),
    // Job-type filters and the distinct job types of a business.
    index('job_runs_business_type_created_idx').on(t.businessId, t.jobType, t.createdAt),
    // The all-business history, newest first.
    index('job_runs_created_idx').on(t.createdAt),
    // Status across all businesses: active runs.
    index('job_runs_status_created_idx').on(t.status, t.createdAt),
    // Job-type filters across businesses (the all-view), newest first. A run's type and creation time never
    // change, so only its insert (and delete) touch it.
    index('job_runs_type_created_idx').on(t.jobType, t.createdAt),
    // Trigger filters per business and across businesses, newest first: a page walks the trigger's own runs, however
    // few the scope has (a business without schedules, a file never adopted). Like the job type, a run's trigger
    // never changes, so only its insert, its delete and a change of business touch them.
    index('job_runs_business_trigger_created_idx').on(t.businessId, t.trigger, t.createdAt),
    index('job_runs_trigger_created_idx').on(t.trigger, t.createdAt),
    // Child-side indexes for the self and user references, so deleting a run or a user does not scan the table.
    index('job_runs_retry_of_idx').on(t.retryOfRunId).where(sql`${t.retryOfRunId} IS NOT NULL`),
    index('job_runs_rerun_of_idx').on(t.rerunOfRunId).where(sql`${t.rerunOfRunId} IS NOT NULL`),
    // With created_at, it also serves the triggered-by filter across businesses in keyset order.
    index('job_runs_triggered_by_user_idx').on(t.triggeredByUserId, t.createdAt).where(sql`${t.triggeredByUserId} IS NOT NULL`),
    index('job_runs_cancelled_by_user_idx').on(t.cancelledByUserId).where(sql`${t.cancelledByUserId} IS NOT NULL`),
    index('job_runs_schedule_idx').on(t.scheduleId).where(sql`${t.scheduleId} IS NOT NULL`),
    uniqueIndex('job_runs_legacy_id_unique').on(t.legacyId).where(sql`${t.legacyId} IS NOT NULL`),
    check('job_runs_scope_valid', sql`${t.scope} IN (${inList(RUN_SCOPES)})`),
    check('job_runs_system_has_no_business', sql`${t.scope} = 'business' OR ${t.businessId} IS NULL`),
    check('job_runs_status_valid', sql`${t.status} IN (${inList(RUN_STATUSES)})`),
    check('job_runs_trigger_valid', sql`${t.trigger} IN (${inList(RUN_TRIGGERS)})`),
    check('job_runs_progress_range', sql`${t.progress} IS NULL OR (${t.progress} >= 0 AND ${t.progress} <= 1)`),
    check('job_runs_params_json', sql`json_valid(${t.params})`),
    check('job_runs_result_json', sql`${t.result} IS NULL OR json_valid(${t.result})`),
  ],
);

/**
 * How many runs each owner has of each job type: a rollup kept by triggers on job_runs
 * (drizzle/0004_run_counts_triggers.sql), so every insert, delete and change of owner or type, by any
 * code path, updates it in the same transaction. Job types and run counts read these few hundred rows
 * instead of counting a million runs. owner: the business id; 0 for system-wide runs; -1 for orphans.
 */
export const jobRunCounts = sqliteTable(
  'job_run_counts',
  {
    owner: integer('owner').notNull(),
    jobType: text('job_type').notNull(),
    runs: integer('runs').notNull(),
  },
  (t) => [primaryKey({ columns: [t.owner, t.jobType] }), check('job_run_counts_runs_positive', sql`${t.runs} > 0`)],
);

/**
 * Ended runs (completed, failed, cancelled) per owner, UTC day, job type and status: a rollup kept by triggers on
 * job_runs (drizzle/0013_run_daily_ended.sql) in the same transaction as every insert, delete and change of owner,
 * type, status, creation time or duration. A run enters it when it ends; pending and running runs, few at any
 * time, are counted from job_runs. day = created_at / 86400000 (the UTC day index). dur_n and dur_sum
 * count and sum duration_ms over the runs "finished with a duration" (completed or failed, duration_ms not
 * NULL). Stats read whole days here instead of scanning job_runs. WITHOUT ROWID (made so by hand in
 * drizzle/0008_run_histograms_triggers.sql; drizzle cannot declare it): one owner's days are one covering range
 * of the primary key.
 */
export const jobRunDaily = sqliteTable(
  'job_run_daily',
  {
    owner: integer('owner').notNull(),
    day: integer('day').notNull(),
    jobType: text('job_type').notNull(),
    status: text('status', { enum: RUN_STATUSES }).notNull(),
    runs: integer('runs').notNull(),
    durN: integer('dur_n').notNull(),
    durSum: integer('dur_sum').notNull(),
  },
  (t) => [
    // The only index (drizzle/0012_run_daily_no_indexes.sql dropped two covering ones): every read is a range of
    // it, per owner. Covering indexes that held the counts moved their entries at every run's start and finish.
    primaryKey({ columns: [t.owner, t.day, t.jobType, t.status] }),
    check('job_run_daily_runs_positive', sql`${t.runs} > 0`),
  ],
);

/**
 * A duration histogram per owner, UTC day and job type over the runs finished with a duration, kept by triggers
 * on job_runs (drizzle/0008_run_histograms_triggers.sql) in the same transaction as every change. Packed: one row
 * per key, `buckets` a JSONB object from bucket (as text) to runs, never empty (its last run removes the row).
 * bucket = CAST(log2(max(duration_ms, 0) + 1) * 8 AS INTEGER), so bucket b holds durations in
 * [2^(b/8) - 1, 2^((b+1)/8) - 1). Percentiles read from it are bucketed (src-main/stats/rollup-reads.ts). One
 * row holds what took about 40 rows of (bucket, runs), so a range's histograms are a few rows to read.
 */
export const jobRunDailyHistograms = sqliteTable(
  'job_run_daily_histograms',
  {
    owner: integer('owner').notNull(),
    day: integer('day').notNull(),
    jobType: text('job_type').notNull(),
    buckets: blob('buckets', { mode: 'buffer' }).notNull(),
  },
  (t) => [
    // WITHOUT ROWID (edited into drizzle/0007_run_histograms.sql; drizzle cannot declare it): the primary key
    // holds the rows, so an owner's days are one covering range.
    primaryKey({ columns: [t.owner, t.day, t.jobType] }),
  ],
);

/**
 * The same histograms per owner, UTC week and job type (week = created_at / 604800000: 7 whole UTC days from a
 * Thursday), kept by the same triggers: stats read whole weeks here and only the days at a range's edges from
 * job_run_daily_histograms.
 */
export const jobRunWeeklyHistograms = sqliteTable(
  'job_run_weekly_histograms',
  {
    owner: integer('owner').notNull(),
    week: integer('week').notNull(),
    jobType: text('job_type').notNull(),
    buckets: blob('buckets', { mode: 'buffer' }).notNull(),
  },
  // WITHOUT ROWID, as job_run_daily_histograms.
  (t) => [primaryKey({ columns: [t.owner, t.week, t.jobType] })],
);

/**
 * Runs not yet ended (pending or running) per owner, UTC day of creation, job type and status: a rollup kept by
 * triggers on job_runs (drizzle/0022_run_active_counts.sql) in the same transaction as every insert, delete and change
 * of status, owner, type or creation time. A run is in it from its creation until it ends (pending until claimed, then
 * running), so its rows are few whatever the length of the queue or the backlog of running runs: the stats count them
 * from a handful of rows instead of reading every run. day = created_at / 86400000. WITHOUT ROWID (by hand in the
 * migration): one owner's days are one range of the primary key. A row's runs never reaches 0.
 */
export const jobRunActive = sqliteTable(
  'job_run_active',
  {
    owner: integer('owner').notNull(),
    day: integer('day').notNull(),
    jobType: text('job_type').notNull(),
    status: text('status', { enum: ['pending', 'running'] }).notNull(),
    runs: integer('runs').notNull(),
  },
  (t) => [primaryKey({ columns: [t.owner, t.day, t.jobType, t.status] }), check('job_run_active_runs_positive', sql`${t.runs} > 0`)],
);

/**
 * The tags of the runs, one row per run and tag, for the history's tag filter: kept by triggers on job_runs
 * (drizzle/0025_run_tags.sql) and by the bulk paths that drop them (db/run-tags.ts). The primary key walks one
 * owner's runs with a tag newest first, and holds an owner's rows in one range (the bulk paths move them by owner);
 * job_run_tags_all_idx walks every owner's (the all-business view). owner as job_run_counts (business id; 0
 * system-wide; -1 orphans). WITHOUT ROWID by hand (drizzle cannot declare it).
 */
export const jobRunTags = sqliteTable(
  'job_run_tags',
  {
    key: text('key').notNull(),
    value: text('value').notNull(),
    owner: integer('owner').notNull(),
    createdAt: integer('created_at').notNull(),
    runId: integer('run_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.owner, t.key, t.value, t.createdAt, t.runId] }),
    index('job_run_tags_all_idx').on(t.key, t.value, t.createdAt, t.runId),
  ],
);

/**
 * Each owner's slowest and fastest finished runs, for the history's first pages by duration: kept by triggers on
 * job_runs (drizzle/0021_run_sort_tables.sql). For each sort (`slowest`: duration_ms DESC, id DESC; `fastest`:
 * duration_ms ASC, id ASC) and owner (as the rollups key it), the table holds exactly the owner's runs with a duration
 * whose (duration_ms, id) lies at or before the owner's bound in that order (job_run_sort_bounds; no bound: every run
 * with a duration). WITHOUT ROWID (by hand): one owner's entries are one range of the primary key; the all-view reads
 * them through (sort, key, run_id).
 */
export const jobRunSortExtremes = sqliteTable(
  'job_run_sort_extremes',
  {
    sort: text('sort', { enum: ['slowest', 'fastest'] }).notNull(),
    owner: integer('owner').notNull(),
    key: integer('key').notNull(),
    runId: integer('run_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sort, t.owner, t.key, t.runId] }), index('job_run_sort_extremes_key_idx').on(t.sort, t.key, t.runId)],
);

/**
 * Per sort and owner of job_run_sort_extremes: the bound (the last (duration_ms, id) the table holds for the owner in
 * that sort's order; NULL while it holds every run of the owner with a duration) and how many entries it holds.
 */
export const jobRunSortBounds = sqliteTable(
  'job_run_sort_bounds',
  {
    sort: text('sort', { enum: ['slowest', 'fastest'] }).notNull(),
    owner: integer('owner').notNull(),
    boundKey: integer('bound_key'),
    boundId: integer('bound_id'),
    entries: integer('entries').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sort, t.owner] })],
);

/**
 * Runs whose start is off the usual pattern (before their creation, or more than ten minutes after it), kept by
 * triggers on job_runs (drizzle/0021_run_sort_tables.sql): every other run starts within ten minutes of its creation,
 * so a page by start walks the created_at order and merges these (src-main/history/sorted-pages.ts). A superset is
 * harmless: a page reads each run's start from job_runs.
 */
export const jobRunLateStarts = sqliteTable(
  'job_run_late_starts',
  {
    runId: integer('run_id').primaryKey(),
    startedAt: integer('started_at').notNull(),
  },
  (t) => [index('job_run_late_starts_started_idx').on(t.startedAt, t.runId)],
);

/**
 * A version per UTC day of job_runs that is over: triggers on job_runs (drizzle/0010_run_day_versions.sql) add 1
 * to the day of any run inserted, deleted or changed in what the stats read (owner, type, status, creation
 * time, duration) whose created_at lies before the current UTC day by SQLite's clock; a write to today's runs
 * costs only the trigger's WHEN. Day -1 stands for every day: a bulk change made with the triggers dropped
 * (withTriggersDropped) adds 1 to it. Versions only grow and rows are never deleted, so the sum of a range's
 * versions changes whenever any run of those days does: the stats keep what they read of days that are over
 * in memory, keyed by that sum (src-main/stats/settled-days.ts).
 */
export const jobRunDayVersions = sqliteTable('job_run_day_versions', {
  day: integer('day').primaryKey(),
  version: integer('version').notNull(),
});

/**
 * What the stats read of a window of whole UTC days that are over, kept in the file so that a new process starts
 * with it (src-main/stats/kept-windows.ts): one row per tenant scope (`scope`: the format of `value`, then `all`,
 * `system`, `orphans` or `business <id>`), window length in days and age (how many days before the first day that
 * is not over the window ends: 0 for a view's last N days, N for the period before it, whatever the date), holding
 * the window's first day, the day versions it was read under (JSON: the every-day version, then each day's) and
 * its aggregate (JSON). Never a source of truth: a row whose versions differ from the file's is read again from
 * the rollups, and a window that moved on by a few days is brought forward from the rollups of the days it gained
 * and lost. Written by the main thread only.
 */
export const jobRunStatsWindows = sqliteTable(
  'job_run_stats_windows',
  {
    scope: text('scope').notNull(),
    days: integer('days').notNull(),
    age: integer('age').notNull(),
    firstDay: integer('first_day').notNull(),
    versions: text('versions').notNull(),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.days, t.age] })],
);

// Append-only: migration 0001 adds triggers that refuse UPDATE and DELETE. No foreign keys, so the
// record of who did what outlives the users and businesses it names.
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actorUserId: integer('actor_user_id'),
    /** The actor as a person reads it: an email, or `cli`, `system`, `scheduler`. */
    actorLabel: text('actor_label').notNull(),
    actorRole: text('actor_role'),
    actorBusinessId: integer('actor_business_id'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    /** The business the target belongs to, for scoping the log; NULL for system-wide targets. */
    businessId: integer('business_id'),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
  },
  (t) => [
    index('audit_events_at_idx').on(t.at),
    index('audit_events_business_at_idx').on(t.businessId, t.at),
    index('audit_events_action_at_idx').on(t.action, t.at),
    // The audit log's actor and target filters, each read newest first by `at` without a sort; the one target's
    // index also serves a run's timeline (oldest first).
    index('audit_events_actor_at_idx').on(t.actorUserId, t.at).where(sql`${t.actorUserId} IS NOT NULL`),
    index('audit_events_target_at_idx').on(t.targetType, t.at),
    index('audit_events_one_target_at_idx').on(t.targetType, t.targetId, t.at),
    check('audit_events_details_json', sql`json_valid(${t.details})`),
  ],
);

/**
 * Saved views of the Automation view: a name and what the view's URL holds (range, filters, sort: `query`) and, for a
 * system admin's view, the switcher's choice (`scope`, JSON). Personal (its owner's), shared with a business (made by
 * its business admin; `business_id`) or with every system admin. What a view shows is always re-derived for whoever
 * opens it: a member's or business admin's scope is their business, whatever the view holds.
 */
export const savedViews = sqliteTable(
  'saved_views',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    ownerUserId: integer('owner_user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    sharing: text('sharing', { enum: VIEW_SHARINGS }).notNull(),
    businessId: integer('business_id').references(() => businesses.id, { onDelete: 'cascade' }),
    query: text('query').notNull(),
    scope: text('scope', { mode: 'json' }).$type<unknown>(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('saved_views_owner_idx').on(t.ownerUserId),
    index('saved_views_business_idx').on(t.businessId).where(sql`${t.businessId} IS NOT NULL`),
    check('saved_views_sharing_valid', sql`${t.sharing} IN (${inList(VIEW_SHARINGS)})`),
    check('saved_views_business_shared', sql`(${t.sharing} = 'business') = (${t.businessId} IS NOT NULL)`),
  ],
);

/** Each user's default view, opened when they come to the Automation view with nothing in its URL. */
export const userDefaultViews = sqliteTable(
  'user_default_views',
  {
    userId: integer('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    viewId: integer('view_id')
      .notNull()
      .references(() => savedViews.id, { onDelete: 'cascade' }),
  },
  // Child-side index: deleting a view does not scan the table.
  (t) => [index('user_default_views_view_idx').on(t.viewId)],
);

/** Facts about this database file itself: where it came from, what the app should tell on first open. */
export const appMeta = sqliteTable('app_meta', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).$type<unknown>().notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export type BusinessRow = typeof businesses.$inferSelect;
export type UserRow = typeof users.$inferSelect;
export type JobRunRow = typeof jobRuns.$inferSelect;
export type JobRunInsert = typeof jobRuns.$inferInsert;
export type JobScheduleRow = typeof jobSchedules.$inferSelect;
export type AuditEventRow = typeof auditEvents.$inferSelect;
export type SavedViewRow = typeof savedViews.$inferSelect;
