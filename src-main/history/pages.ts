// The history: runs in keyset pages (newest first, or sorted by start or duration), their filters and free-text
// search, the recent runs and the active queue. Cursors are opaque and continue only the order they came from.
import { and, asc, desc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { ACTIVE_RUN_STATUSES, type RunStatus, type RunTrigger } from '../../src-shared/domain';
import { invalidField } from '../../src-shared/errors';
import { JOB_RUN_SORT_FIELDS, MAX_RUNS_PAGE, SCHEDULE_TRIGGERED_BY_PREFIX, type JobRunFilters, type JobRunPageView, type JobRunView, type ListJobRunsInput } from '../../src-shared/schemas/jobs';
import { type AppDatabase } from '../db/connection';
import { preparedOnce } from '../db/prepared';
import { jobRuns, jobRunTags } from '../db/schema';
import { sortedTags } from '../../src-shared/tags';
import type { TenantScope } from '../../src-shared/tenancy';
import { preparedRunScopeCondition, runScopeCondition, runScopeValues } from '../tenancy/owner-sql';
import { decodePageCursor, encodePageCursor, isPositiveId, requirePageSize } from '../services/page-cursor';
import { containsText, startsWithText } from '../services/like';
import { durationPage, startPage } from './sorted-pages';
import { jobTypesWithRuns } from '../stats/run-counts';
import { taggedPage } from './tag-pages';
import { type JobRunListRow, selectRunList, toJobRunView } from './views';

// ---- Lists: keyset pages --------------------------------------------------------------------------

type SortField = (typeof JOB_RUN_SORT_FIELDS)[number];
type SortDirection = 'asc' | 'desc';

/** An order runs are paged in; `tag` goes into the cursor so a cursor only continues the order it came from. */
interface RunOrder {
  tag: string;
  field: SortField;
  direction: SortDirection;
}

const SORT_COLUMNS = { createdAt: jobRuns.createdAt, startedAt: jobRuns.startedAt, durationMs: jobRuns.durationMs } as const;
/** Unstarted runs have no start or duration; those sort last in both directions. */
const NULLABLE_SORT: Record<SortField, boolean> = { createdAt: false, startedAt: true, durationMs: true };

const NEWEST_FIRST: RunOrder = { tag: 'createdAt:desc', field: 'createdAt', direction: 'desc' };
// The queue view pages by created_at, which never changes, so runs that start or finish meanwhile do not shift the pages.
const ACTIVE_QUEUE: RunOrder = { tag: 'active:createdAt:asc', field: 'createdAt', direction: 'asc' };

function orderBy(order: RunOrder): SQL[] {
  const column = SORT_COLUMNS[order.field];
  const direction = order.direction === 'desc' ? desc : asc;
  const byValue = [direction(column), direction(jobRuns.id)];
  return NULLABLE_SORT[order.field] ? [sql`${column} IS NULL`, ...byValue] : byValue;
}

interface CursorPosition {
  key: number | null;
  id: number;
}

/**
 * The runs after a position in the order, ties broken by id in the same direction. Written as
 * `key <= k AND (key < k OR id < i)` (for desc) so SQLite takes `key <= k` as an index range.
 */
function afterPosition(order: RunOrder, { key, id }: CursorPosition): SQL {
  const column = SORT_COLUMNS[order.field];
  if (key === null) return sql`(${column} IS NULL AND ${jobRuns.id} ${order.direction === 'desc' ? sql.raw('<') : sql.raw('>')} ${id})`;
  const afterAmongValues = afterValue(order, key, id);
  return NULLABLE_SORT[order.field] ? sql`(${afterAmongValues} OR ${column} IS NULL)` : afterAmongValues;
}

/** After a (key, id) that has a value, in the order's direction; key and id are values or placeholders. */
function afterValue(order: RunOrder, key: unknown, id: unknown): SQL {
  const column = SORT_COLUMNS[order.field];
  const beyond = order.direction === 'desc' ? sql.raw('<') : sql.raw('>');
  const beyondOrAt = order.direction === 'desc' ? sql.raw('<=') : sql.raw('>=');
  return sql`(${column} ${beyondOrAt} ${key} AND (${column} ${beyond} ${key} OR ${jobRuns.id} ${beyond} ${id}))`;
}

const CURSOR_VERSION = 1;

/** Opaque to the renderer: base64url of `{v, sort, key, id}`, the last run of the page. */
function encodeCursor(order: RunOrder, run: JobRunListRow): string {
  return encodePageCursor({ v: CURSOR_VERSION, sort: order.tag, key: run[order.field], id: run.id });
}

function decodeCursor(cursor: string, order: RunOrder): CursorPosition {
  const refusal = 'Cursor is not a page of this list; start again from the first page.';
  const { v, sort, key, id } = decodePageCursor(cursor, refusal);
  if (v !== CURSOR_VERSION || typeof sort !== 'string') throw invalidField('cursor', refusal);
  if (sort !== order.tag) {
    throw invalidField('cursor', `Cursor belongs to another sort (${sort}, not ${order.tag}); start again from the first page.`);
  }
  const keyValid = key === null ? NULLABLE_SORT[order.field] : typeof key === 'number' && Number.isSafeInteger(key);
  if (!keyValid || !isPositiveId(id)) throw invalidField('cursor', refusal);
  return { key: key as number | null, id };
}


/**
 * One page of the scope's runs in created_at order (optionally of one status), after a position or from the
 * start: the history without filters, recent and active runs. Built once per connection and shape with the
 * scope, position, status and size as placeholders, so a page skips drizzle's query building (about a third of
 * a first page's time).
 */
function createdAtPage(
  db: AppDatabase,
  scope: TenantScope,
  order: RunOrder,
  after: CursorPosition | null,
  status: RunStatus | null,
  size: number,
): (JobRunListRow & { businessName: string | null })[] {
  const key = `runs.page:${scope.kind}:${order.tag}:${after ? 'after' : 'first'}:${status ? 'status' : 'any'}`;
  const statement = preparedOnce(db, key, () => {
    const conditions = [preparedRunScopeCondition(scope.kind)];
    if (status) conditions.push(eq(jobRuns.status, sql.placeholder('status')));
    // created_at is never NULL, so a position always has a value.
    if (after) conditions.push(afterValue(order, sql.placeholder('key'), sql.placeholder('id')));
    return selectRunList(db)
      .where(and(...conditions))
      .orderBy(...orderBy(order))
      .limit(sql.placeholder('limit'))
      .prepare();
  });
  return statement.all({ ...runScopeValues(scope), status, key: after?.key, id: after?.id, limit: size + 1 });
}

/** A page by duration or start from the sort tables (sorted-pages.ts), or null when they cannot say it. */
function sortedPage(db: AppDatabase, scope: TenantScope, order: RunOrder, after: CursorPosition | null, size: number): (JobRunListRow & { businessName: string | null })[] | null {
  if (after && after.key === null) return null;
  const position = after && after.key !== null ? { key: after.key, id: after.id } : null;
  if (order.field === 'durationMs') return durationPage(db, scope, order.direction, position, size);
  if (order.field === 'startedAt') return startPage(db, scope, order.direction, position, size);
  return null;
}

/** What a page is asked for besides its conditions: merged per status, trigger or job type, or walked from a tag's index. */
interface PageSplits {
  statuses?: readonly RunStatus[];
  triggers?: readonly RunTrigger[];
  jobTypes?: readonly string[];
  tagged?: { scope: TenantScope; tags: [string, string][]; filters: SQL[] };
  /** No run can match (the job types asked are none the scope has runs of): the page is empty, read from nothing. */
  noRuns?: boolean;
}

/**
 * One keyset page. With several `statuses` in creation order, one query per status is merged: `status IN (…)
 * ORDER BY created_at` makes SQLite sort every matching run, while each `status = ?` query walks its
 * (…, status, created_at) index in order and stops after the page. `triggers` and `jobTypes` (given only in creation
 * order, and then not among `conditions`) are merged the same way, one query per trigger, job type (and status) on
 * their indexes.
 */
function pageOfRuns(
  db: AppDatabase,
  conditions: SQL[] | { scope: TenantScope },
  order: RunOrder,
  cursor: string | null,
  limit: number,
  { statuses = [], triggers = [], jobTypes = [], tagged, noRuns = false }: PageSplits = {},
): JobRunPageView {
  const size = requirePageSize(limit, MAX_RUNS_PAGE);
  const after = cursor === null ? null : decodeCursor(cursor, order);
  if (noRuns) return { runs: [], nextCursor: null };
  const select = (extra: SQL[], status: RunStatus | null): (JobRunListRow & { businessName: string | null })[] => {
    if (tagged) {
      // In creation order, walked from the tag index (tag-pages.ts), which adds the scope; created_at is never NULL.
      const position = after && after.key !== null ? { key: after.key, id: after.id } : null;
      return taggedPage(db, tagged.scope, tagged.tags, [...tagged.filters, ...extra], order.direction, position, size);
    }
    if (!Array.isArray(conditions) && order.field === 'createdAt') return createdAtPage(db, conditions.scope, order, after, status, size);
    const served = !Array.isArray(conditions) && extra.length === 0 ? sortedPage(db, conditions.scope, order, after, size) : null;
    if (served) return served;
    const where = [...(Array.isArray(conditions) ? conditions : [runScopeCondition(conditions.scope)]), ...extra];
    if (after) where.push(afterPosition(order, after));
    if (order.field === 'createdAt') {
      return selectRunList(db)
        .where(and(...where))
        .orderBy(...orderBy(order))
        .limit(size + 1)
        .all();
    }
    // Filters besides the scope, or a page the sort tables cannot say (sorted-pages.ts): no index has started_at or
    // duration_ms (they cost the writes too much), so SQLite sorts the matching runs for each page. It sorts their ids
    // alone, then reads the page's rows: sorting whole rows built each one, its business's name included.
    const page = db.orm
      .select({ id: jobRuns.id })
      .from(jobRuns)
      .where(and(...where))
      .orderBy(...orderBy(order))
      .limit(size + 1);
    // The page's rows are selected by the same conditions too, so this read filters by the scope like every other.
    return selectRunList(db)
      .where(and(inArray(jobRuns.id, page), ...where))
      .orderBy(...orderBy(order))
      .all();
  };
  let rows: (JobRunListRow & { businessName: string | null })[];
  const inCreationOrder = order.field === 'createdAt';
  if ((statuses.length > 1 && inCreationOrder) || triggers.length > 0 || jobTypes.length > 0) {
    const sign = order.direction === 'desc' ? -1 : 1;
    const each = <T,>(values: readonly T[]): (T | null)[] => (values.length === 0 ? [null] : [...values]);
    rows = each(statuses)
      .flatMap((status) =>
        each(triggers).flatMap((trigger) =>
          each(jobTypes).flatMap((jobType) =>
            select(
              [
                ...(status ? [eq(jobRuns.status, status)] : []),
                ...(trigger ? [eq(jobRuns.trigger, trigger)] : []),
                ...(jobType ? [eq(jobRuns.jobType, jobType)] : []),
              ],
              status,
            ),
          ),
        ),
      )
      .sort((x, y) => sign * (x.createdAt - y.createdAt || x.id - y.id))
      .slice(0, size + 1);
  } else {
    const only = statuses.length === 1 ? (statuses[0] as RunStatus) : null;
    const statusCondition = only ? [eq(jobRuns.status, only)] : statuses.length > 1 ? [inArray(jobRuns.status, [...statuses])] : [];
    rows = select(statusCondition, only);
  }
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  return {
    runs: page.map((row) => toJobRunView(row, row.businessName)),
    nextCursor: rows.length > size && last ? encodeCursor(order, last) : null,
  };
}

/** A run id (`123` or `#123`), a server-edition id (exact or prefix), or a substring of the job type or error; ASCII case-insensitive. */
function searchCondition(text: string): SQL {
  const matches: SQL[] = [startsWithText(jobRuns.legacyId, text), containsText(jobRuns.jobType, text), containsText(jobRuns.error, text)];
  const idText = text.startsWith('#') ? text.slice(1) : text;
  if (/^\d{1,16}$/.test(idText) && Number.isSafeInteger(Number(idText))) matches.unshift(eq(jobRuns.id, Number(idText)));
  return or(...matches) as SQL;
}

/**
 * Each filter narrows what the scope allows; an empty list filters nothing. businessIds can only intersect the scope, never widen it.
 * Also the meaning of a bulk selection by filter (bulk-runs.ts), so a bulk action applies to exactly what the list shows.
 */
export function filterConditions(filters: JobRunFilters): SQL[] {
  const conditions: SQL[] = [];
  if (filters.statuses?.length) conditions.push(inArray(jobRuns.status, filters.statuses));
  conditions.push(...filterConditionsBesidesStatus(filters), ...tagConditions(filters.tags));
  return conditions;
}

/** Runs that carry every tag given, each looked up in job_run_tags (a page in creation order walks it instead: tag-pages.ts). */
function tagConditions(tags: JobRunFilters['tags']): SQL[] {
  return sortedTags(tags ?? {}).map(
    ([key, value]) => sql`${jobRuns.id} IN (SELECT ${jobRunTags.runId} FROM ${jobRunTags} WHERE ${jobRunTags.key} = ${key} AND ${jobRunTags.value} = ${value})`,
  );
}

/** The filters but statuses and tags, which a page applies its own way. */
function filterConditionsBesidesStatus(filters: JobRunFilters): SQL[] {
  const conditions: SQL[] = [];
  if (filters.jobTypes?.length) conditions.push(inArray(jobRuns.jobType, filters.jobTypes));
  if (filters.triggers?.length) conditions.push(inArray(jobRuns.trigger, filters.triggers));
  if (filters.triggeredByUserId !== undefined) conditions.push(eq(jobRuns.triggeredByUserId, filters.triggeredByUserId));
  // As recorded (an email, a server-edition user id, a label such as `scheduler`), or a schedule's name (its runs
  // record `schedule: <name>`): ASCII case-insensitive, like emails are unique.
  if (filters.triggeredBy !== undefined) {
    const bySchedule = `${SCHEDULE_TRIGGERED_BY_PREFIX}${filters.triggeredBy}`;
    conditions.push(sql`(${jobRuns.triggeredBy} = ${filters.triggeredBy} COLLATE NOCASE OR ${jobRuns.triggeredBy} = ${bySchedule} COLLATE NOCASE)`);
  }
  if (filters.businessIds?.length) conditions.push(inArray(jobRuns.businessId, filters.businessIds));
  if (filters.createdFrom !== undefined) conditions.push(gte(jobRuns.createdAt, filters.createdFrom));
  if (filters.createdTo !== undefined) conditions.push(lt(jobRuns.createdAt, filters.createdTo));
  const search = filters.search?.trim();
  if (search) conditions.push(searchCondition(search));
  return conditions;
}

function requireSort(sort: ListJobRunsInput['sort']): RunOrder {
  if (!(JOB_RUN_SORT_FIELDS as readonly string[]).includes(sort.field)) {
    throw invalidField('sort.field', `Sort must be one of: ${JOB_RUN_SORT_FIELDS.join(', ')}.`);
  }
  if (sort.direction !== 'asc' && sort.direction !== 'desc') throw invalidField('sort.direction', 'Direction must be asc or desc.');
  return { tag: `${sort.field}:${sort.direction}`, field: sort.field, direction: sort.direction };
}

/**
 * The run history: filtered, sorted (ties by id in the same direction, unstarted runs last), paged by keyset
 * so page 1,000 costs what page 1 does, and runs inserted meanwhile never shift a page. A run whose sort key
 * changes meanwhile (it starts or finishes while sorted by start or duration) may move across the cursor.
 */
export function listJobRuns(db: AppDatabase, scope: TenantScope, input: ListJobRunsInput): JobRunPageView {
  const jobTypes = [...new Set(input.filters.jobTypes ?? [])];
  if (jobTypes.length === 0) return historyPage(db, scope, input);
  // Job types the scope has no run of match nothing: left out, they need no walk (with a status, SQLite walks the
  // status's index and reads every run in range looking for them: 18 ms in a business of 189,000 runs). Known from
  // job_run_counts, read in the page's snapshot; while the rollups are still to count, the filter is applied as asked.
  return db.sqlite.transaction(() => {
    const present = jobTypesWithRuns(db, scope, jobTypes);
    if (present === null || present.length === jobTypes.length) return historyPage(db, scope, input);
    // None of them present: a page that reads no run, its sort, size and cursor checked as any page's.
    return historyPage(db, scope, { ...input, filters: { ...input.filters, jobTypes: present } }, present.length === 0);
  })();
}

function historyPage(db: AppDatabase, scope: TenantScope, input: ListJobRunsInput, noRuns = false): JobRunPageView {
  const order = requireSort(input.sort);
  const tags = sortedTags(input.filters.tags ?? {});
  const statuses = [...new Set(input.filters.statuses ?? [])];
  if (tags.length > 0 && order.field === 'createdAt') {
    const tagged = { scope, tags, filters: filterConditionsBesidesStatus(input.filters) };
    return pageOfRuns(db, [runScopeCondition(scope), ...tagged.filters], order, input.cursor, input.limit, { statuses, tagged, noRuns });
  }
  // Several triggers or job types in creation order: one walk per trigger and job type, merged (pageOfRuns);
  // `trigger IN (…)` or `job_type IN (…)` made SQLite sort every matching run (two job types in the all-view: 0.6 s).
  const several = <T,>(values: readonly T[] | undefined): T[] => (order.field === 'createdAt' && (values?.length ?? 0) > 1 ? [...new Set(values)] : []);
  const triggers = several(input.filters.triggers);
  const jobTypes = several(input.filters.jobTypes);
  const asked = { ...input.filters, ...(triggers.length > 0 ? { triggers: [] } : {}), ...(jobTypes.length > 0 ? { jobTypes: [] } : {}) };
  const filters = [...filterConditionsBesidesStatus(asked), ...tagConditions(input.filters.tags)];
  const conditions = filters.length === 0 && triggers.length === 0 && jobTypes.length === 0 ? { scope } : [runScopeCondition(scope), ...filters];
  return pageOfRuns(db, conditions, order, input.cursor, input.limit, { statuses, triggers, jobTypes, noRuns });
}

/** The newest runs, newest first. */
export function getRecentJobRuns(db: AppDatabase, scope: TenantScope, input: { limit: number }): JobRunView[] {
  return pageOfRuns(db, { scope }, NEWEST_FIRST, null, input.limit).runs;
}

/** Pending and running runs as a queue: oldest first (the next to be served, the longest running), paged by keyset. */
export function getActiveJobRuns(db: AppDatabase, scope: TenantScope, input: { cursor: string | null; limit: number }): JobRunPageView {
  return pageOfRuns(db, { scope }, ACTIVE_QUEUE, input.cursor, input.limit, { statuses: ACTIVE_RUN_STATUSES });
}
