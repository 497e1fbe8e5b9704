// Pages of the history by duration or by start without an index on those columns (the tables of
// drizzle/0021_run_sort_tables.sql, kept by triggers: src-main/db/sort-tables.ts). Each function answers a page exactly
// as `ORDER BY col IS NULL, col <dir>, id <dir>` would (unstarted runs last), or null when the tables cannot say it
// (then the caller sorts, as before): the rows themselves are read by id through the scope's conditions like every read.
import { and, asc, desc, eq, gt, gte, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { type AppDatabase } from '../db/connection';
import { jobRuns, jobRunSortBounds, jobRunSortExtremes } from '../db/schema';
import { LATE_START_MS, sortTablesUnfilled, type ExtremeSort } from '../db/sort-tables';
import type { TenantScope } from '../../src-shared/tenancy';
import { ownerCondition, runScopeCondition } from '../tenancy/owner-sql';
import { type JobRunListRow, selectRunList } from './views';

type Direction = 'asc' | 'desc';
type Row = JobRunListRow & { businessName: string | null };
/** A position in a sort with a value: the key (duration or start) and the id. */
interface Position {
  key: number;
  id: number;
}

/** Whether `a` comes before `b` in the order (ties by id in the same direction). */
function before(direction: Direction, a: Position, b: Position): boolean {
  const sign = direction === 'desc' ? -1 : 1;
  return sign * (a.key - b.key || a.id - b.id) < 0;
}

/** `(key, id)` strictly after `position` in the order, over two expressions. */
function afterSql(direction: Direction, key: SQL, id: SQL, position: Position): SQL {
  const [beyond, beyondOrAt] = direction === 'desc' ? [sql.raw('<'), sql.raw('<=')] : [sql.raw('>'), sql.raw('>=')];
  return sql`(${key} ${beyondOrAt} ${position.key} AND (${key} ${beyond} ${position.key} OR ${id} ${beyond} ${position.id}))`;
}

/** The runs of `ids` through the scope's conditions, in the order of `ids`; null when one is missing (not in scope, or gone). */
function rowsInOrder(db: AppDatabase, scope: TenantScope, ids: number[]): Row[] | null {
  const rows = selectRunList(db)
    .where(and(inArray(jobRuns.id, ids), runScopeCondition(scope)))
    .all();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const ordered = ids.map((id) => byId.get(id));
  return ordered.every((row) => row !== undefined) ? (ordered as Row[]) : null;
}

/**
 * A page by duration from each owner's extremes (the scope's owner, or every owner for the all-view, through the
 * (sort, key, run_id) index): exact when it fills the page and its last run lies at or before every bound concerned,
 * since an owner's runs that are no entry all lie beyond its bound.
 */
export function durationPage(db: AppDatabase, scope: TenantScope, direction: Direction, after: Position | null, size: number): Row[] | null {
  if (sortTablesUnfilled(db.sqlite)) return null;
  const sort: ExtremeSort = direction === 'desc' ? 'slowest' : 'fastest';
  const t = jobRunSortExtremes;
  const order = direction === 'desc' ? desc : asc;
  const entries = db.orm
    .select({ key: t.key, id: t.runId })
    .from(t)
    .where(and(eq(t.sort, sort), ownerCondition(scope, t.owner), after ? afterSql(direction, sql`${t.key}`, sql`${t.runId}`, after) : undefined))
    .orderBy(order(t.key), order(t.runId))
    .limit(size + 1)
    .all();
  const last = entries[entries.length - 1];
  if (!last || entries.length < size + 1) return null;
  const b = jobRunSortBounds;
  const boundFirst = direction === 'desc' ? sql`(${b.boundKey}, ${b.boundId}) > (${last.key}, ${last.id})` : sql`(${b.boundKey}, ${b.boundId}) < (${last.key}, ${last.id})`;
  // A bound before the page's last entry: that owner may have runs between them that are no entry.
  const cut = db.orm
    .select({ owner: b.owner })
    .from(b)
    .where(and(eq(b.sort, sort), ownerCondition(scope, b.owner), boundFirst))
    .limit(1)
    .all();
  if (cut.length > 0) return null;
  return rowsInOrder(db, scope, entries.map((entry) => entry.id));
}

/** The walk's batch of runs in created_at order, after a position in it. */
const WALK_BATCH = 256;

interface Started extends Position {
  createdAt: number;
}

/** The `size` first of `candidates` in the order, without duplicates. */
function firstInOrder(direction: Direction, candidates: Started[], size: number): Started[] {
  const seen = new Set<number>();
  return candidates
    .filter((run) => !seen.has(run.id) && seen.add(run.id))
    .sort((a, b) => (before(direction, a, b) ? -1 : before(direction, b, a) ? 1 : 0))
    .slice(0, size);
}

/** Runs off the start pattern (job_run_late_starts) in the scope, in the order after `after`, with their start read from job_runs. */
function lateStarts(db: AppDatabase, scope: TenantScope, direction: Direction, after: Position | null, size: number): Started[] {
  const dir = sql.raw(direction === 'desc' ? 'DESC' : 'ASC');
  const position = after ? sql`AND ${afterSql(direction, sql`s.started_at`, sql`s.run_id`, after)}` : sql``;
  // CROSS JOIN keeps the side table outside: it is walked in start order and each run found by its id.
  const rows = db.orm.all<{ id: number; key: number; createdAt: number }>(sql`
    SELECT ${jobRuns.id} AS id, ${jobRuns.startedAt} AS key, ${jobRuns.createdAt} AS createdAt
    FROM job_run_late_starts AS s CROSS JOIN ${jobRuns} ON ${jobRuns.id} = s.run_id
    WHERE ${runScopeCondition(scope)} AND ${jobRuns.startedAt} = s.started_at ${position}
    ORDER BY s.started_at ${dir}, s.run_id ${dir} LIMIT ${size}`);
  return rows;
}

/**
 * The runs of `scope` created beyond `walked` in the walk's order that start before `last` (and after `after`): those
 * created no earlier than LATE_START_MS before `last` starts (desc), or no later than it starts (asc), as the rest of
 * the runs cannot start before it.
 */
function startingBefore(db: AppDatabase, scope: TenantScope, direction: Direction, walked: { createdAt: number; id: number }, last: Started, after: Position | null): Started[] {
  const [beyond, beyondOrAt, opposite] = direction === 'desc' ? ([lt, lte, 'asc'] as const) : ([gt, gte, 'desc'] as const);
  const started = sql`${jobRuns.startedAt}`;
  const id = sql`${jobRuns.id}`;
  return db.orm
    .select({ id: jobRuns.id, createdAt: jobRuns.createdAt, key: sql<number>`${jobRuns.startedAt}` })
    .from(jobRuns)
    .where(
      and(
        runScopeCondition(scope),
        beyondOrAt(jobRuns.createdAt, walked.createdAt),
        or(beyond(jobRuns.createdAt, walked.createdAt), beyond(jobRuns.id, walked.id)),
        direction === 'desc' ? gte(jobRuns.createdAt, last.key - LATE_START_MS) : lte(jobRuns.createdAt, last.key),
        afterSql(opposite, started, id, last),
        after ? afterSql(direction, started, id, after) : undefined,
      ),
    )
    .all();
}

/**
 * A page by start: every run outside job_run_late_starts started within LATE_START_MS after its creation, so walking
 * the scope's created_at index (newest first for desc, oldest first for asc) and keeping the first `size + 1` started
 * runs can stop once no later-walked run can come before the last kept: for desc, once created_at + LATE_START_MS is
 * below it; for asc, once created_at is above it. Merged with the side table's first `size + 1`. Null when fewer runs
 * than the page have a start after the position (the page then reaches the unstarted runs, which the caller sorts).
 */
export function startPage(db: AppDatabase, scope: TenantScope, direction: Direction, after: Position | null, size: number): Row[] | null {
  if (sortTablesUnfilled(db.sqlite)) return null;
  const want = size + 1;
  const order = direction === 'desc' ? desc : asc;
  const walkBeyond = direction === 'desc' ? lt : gt;
  const walkBeyondOrAt = direction === 'desc' ? lte : gte;
  // Where the walk begins: a run that starts after the position was created at or before it (desc), or at most
  // LATE_START_MS before it (asc).
  const from = after ? (direction === 'desc' ? after.key : after.key - LATE_START_MS) : null;
  let kept: Started[] = [];
  let walked: { createdAt: number; id: number } | null = null;
  for (;;) {
    const position: SQL | undefined = walked
      ? (and(walkBeyondOrAt(jobRuns.createdAt, walked.createdAt), or(walkBeyond(jobRuns.createdAt, walked.createdAt), walkBeyond(jobRuns.id, walked.id))) as SQL)
      : from !== null
        ? walkBeyondOrAt(jobRuns.createdAt, from)
        : undefined;
    const batch: { id: number; createdAt: number; key: number | null }[] = db.orm
      .select({ id: jobRuns.id, createdAt: jobRuns.createdAt, key: jobRuns.startedAt })
      .from(jobRuns)
      .where(and(runScopeCondition(scope), position))
      .orderBy(order(jobRuns.createdAt), order(jobRuns.id))
      .limit(WALK_BATCH)
      .all();
    let done = batch.length < WALK_BATCH;
    for (const run of batch) {
      const last = kept.length >= want ? kept[want - 1] : undefined;
      if (last && (direction === 'desc' ? run.createdAt + LATE_START_MS < last.key : run.createdAt > last.key)) {
        done = true;
        break;
      }
      if (run.key === null) continue;
      const started = run as Started;
      if (after && !before(direction, after, started)) continue;
      if (!last || before(direction, started, last)) kept = firstInOrder(direction, [...kept, started], want);
    }
    const end: { id: number; createdAt: number } | undefined = batch[batch.length - 1];
    if (done || !end) break;
    walked = end;
    const last = kept[want - 1];
    if (last) {
      // The page is full: the rest of the walk keeps only runs that start before its last, which SQLite finds in its
      // scan of the same index (the walk in batches grew with the runs created in LATE_START_MS: 4 batches at 10M).
      kept = firstInOrder(direction, [...kept, ...startingBefore(db, scope, direction, end, last, after)], want);
      break;
    }
  }
  const page = firstInOrder(direction, [...kept, ...lateStarts(db, scope, direction, after, want)], want);
  if (page.length < want) return null;
  return rowsInOrder(db, scope, page.map((run) => run.id));
}
