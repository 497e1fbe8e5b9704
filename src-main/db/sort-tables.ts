// The tables behind the history's first pages by duration and by start (drizzle/0021_run_sort_tables.sql): each
// owner's slowest and fastest runs (job_run_sort_extremes, with their bounds in job_run_sort_bounds) and the runs whose
// start is off the usual pattern (job_run_late_starts). Triggers keep them in every ordinary transaction; this module
// fills them from scratch (the count after a bulk load, the migration), keeps them through the bulk changes that run
// with the triggers dropped, refills an owner left with too few entries, and checks them against a recount.
import type Database from 'better-sqlite3';
import { MAX_RUNS_PAGE } from '../../src-shared/schemas/jobs';
import { ownerRunsCondition, RUN_OWNER_SQL } from '../tenancy/owner-sql';

/** The two sorts the extremes serve, and each one's order: the history's order by duration, desc or asc. */
export const SORT_EXTREMES = {
  slowest: { direction: 'DESC', beyond: '<' },
  fastest: { direction: 'ASC', beyond: '>' },
} as const;
export type ExtremeSort = keyof typeof SORT_EXTREMES;
const SORTS = Object.keys(SORT_EXTREMES) as ExtremeSort[];
/** The sorts as SQL literals, for an IN list. */
const SORTS_SQL = SORTS.map((sort) => `'${sort}'`).join(', ');

/** Entries an owner keeps after a trim (the trim triggers raise the bound to the K-th past twice as many). */
export const SORT_EXTREMES_KEPT = 256;

/** A run starts within this long of its creation unless job_run_late_starts holds it (the triggers' LAG). */
export const LATE_START_MS = 600_000;

/** The runs job_run_late_starts holds, over job_runs' columns. */
const LATE_START_SQL = `started_at IS NOT NULL AND (started_at < created_at OR started_at > created_at + ${LATE_START_MS})`;

/** An owner with fewer entries than a largest page (and more runs than it holds) cannot serve a page: it is refilled. */
const SHORT_BELOW = MAX_RUNS_PAGE + 1;

/** A sort's order over job_runs' columns (ties by id, the same way). */
const sortOrder = (sort: ExtremeSort) => `duration_ms ${SORT_EXTREMES[sort].direction}, id ${SORT_EXTREMES[sort].direction}`;

/**
 * temp.sort_ranked (owner, key, run_id, a rank per sort, total): every owner's runs with a duration ranked in both
 * sorts, the first SORT_EXTREMES_KEPT of each owner in either sort kept, total its runs with a duration. One ranking
 * of all the runs: the fill from scratch.
 */
function rankedSql(): string {
  const rank = (sort: ExtremeSort) => `row_number() OVER (PARTITION BY ${RUN_OWNER_SQL} ORDER BY ${sortOrder(sort)}) AS ${sort}`;
  return `CREATE TEMP TABLE sort_ranked AS SELECT * FROM (
    SELECT ${RUN_OWNER_SQL} AS owner, duration_ms AS key, id AS run_id, ${SORTS.map(rank).join(', ')}, count(*) OVER (PARTITION BY ${RUN_OWNER_SQL}) AS total
    FROM job_runs WHERE duration_ms IS NOT NULL) WHERE ${SORTS.map((sort) => `${sort} <= ${SORT_EXTREMES_KEPT}`).join(' OR ')}`;
}

/**
 * temp.sort_ranked as rankedSql makes it, for one owner: only the owner's first SORT_EXTREMES_KEPT + 1 runs of each sort
 * are read in order (an ORDER BY … LIMIT keeps no more than that while it scans) and ranked, total capped at that
 * count, which is all the bounds ask of it (more runs than the entries, or not). Ranking all of an owner's runs
 * sorted every one of them: 2.1–3.6 s for an adopted file's million orphans, against 0.37–0.54 s.
 */
function ownerRankedSql(owner: number): string {
  const limit = SORT_EXTREMES_KEPT + 1;
  const where = `duration_ms IS NOT NULL AND ${ownerRunsCondition(owner).sql.replace('?', String(owner))}`;
  const first = (sort: ExtremeSort) => `first_${sort} AS (SELECT id, duration_ms FROM job_runs WHERE ${where} ORDER BY ${sortOrder(sort)} LIMIT ${limit})`;
  // One row per run and sort it is first in, its rank in that sort (the other's NULL); then one row per run.
  const ranks = (sort: ExtremeSort) =>
    `SELECT duration_ms AS key, id AS run_id, ${SORTS.map((other) => (other === sort ? `row_number() OVER (ORDER BY ${sortOrder(sort)})` : 'NULL') + ` AS rank_${other}`).join(', ')} FROM first_${sort}`;
  return `CREATE TEMP TABLE sort_ranked AS WITH ${SORTS.map(first).join(', ')}
    SELECT ${owner} AS owner, key, run_id, ${SORTS.map((sort) => `max(rank_${sort}) AS ${sort}`).join(', ')}, (SELECT count(*) FROM first_${SORTS[0]}) AS total
    FROM (${SORTS.map(ranks).join(' UNION ALL ')}) GROUP BY run_id HAVING ${SORTS.map((sort) => `max(rank_${sort}) <= ${SORT_EXTREMES_KEPT}`).join(' OR ')}`;
}

/** The statements that put temp.sort_ranked into the tables: entries, and a bound only where the owner has more runs. */
function fromRankedSql(): string[] {
  return [
    ...SORTS.flatMap((sort) => [
      `INSERT INTO job_run_sort_extremes (sort, owner, key, run_id) SELECT '${sort}', owner, key, run_id FROM temp.sort_ranked WHERE ${sort} <= ${SORT_EXTREMES_KEPT}`,
      `INSERT INTO job_run_sort_bounds (sort, owner, bound_key, bound_id, entries) SELECT '${sort}', owner, CASE WHEN total > ${sort} THEN key END,
       CASE WHEN total > ${sort} THEN run_id END, ${sort} FROM temp.sort_ranked WHERE ${sort} = min(total, ${SORT_EXTREMES_KEPT})`,
    ]),
    'DROP TABLE temp.sort_ranked',
  ];
}

/**
 * The app_meta key present while the sort tables are still to be filled from scratch: a bulk load (adoption) or the
 * migration that made them leaves it, and the work after open (adoption/after-open.ts) fills them on a worker once the
 * rollups are counted. Until then the history sorts the runs, as it did before the tables (sorted-pages.ts). Stored in
 * users' files: the name never changes.
 */
export const META_SORT_TABLES_UNFILLED = 'sort_tables_unfilled';

/** 1 while the sort tables are still to be filled (META_SORT_TABLES_UNFILLED), else 0. */
export const SORT_TABLES_UNFILLED_SQL = `SELECT count(*) FROM app_meta WHERE key = '${META_SORT_TABLES_UNFILLED}'`;

export function sortTablesUnfilled(sqlite: Database.Database): boolean {
  return sqlite.prepare(SORT_TABLES_UNFILLED_SQL).pluck().get() !== 0;
}

/**
 * The statements that fill the three tables from scratch, for every owner, in one write transaction: one ranking of
 * the runs with a duration in both sorts, and one pass for the late starts; then they forget
 * META_SORT_TABLES_UNFILLED. Whatever the triggers kept meanwhile is replaced. The CLI's open runs them; the app fills
 * owner by owner instead (refillSortOwnersSql, then finishSortFillSql), so that no write waits for the whole fill.
 */
export function fillSortTablesSql(): string[] {
  return [
    'DELETE FROM job_run_sort_extremes',
    'DELETE FROM job_run_sort_bounds',
    'DROP TABLE IF EXISTS temp.sort_ranked',
    rankedSql(),
    ...fromRankedSql(),
    ...finishSortFillSql(),
  ];
}

/**
 * The statements that refill `owners`' entries of both sorts from their runs: each owner's entries and bounds
 * replaced by its first runs with a duration in each sort, read through its own index (ownerRankedSql).
 * Exact whatever the tables held for them, so they serve a fill owner by owner while the app writes: an owner the fill
 * has not reached yet holds what the triggers kept (the tables unfilled, no page reads it), one it has passed is kept
 * by the triggers and the bulk paths from then on (moveOwnerSortEntries refills the owner it merges into meanwhile).
 */
export function refillSortOwnersSql(owners: readonly number[]): string[] {
  return owners.flatMap((owner) => {
    const key = Number(owner);
    return [
      `DELETE FROM job_run_sort_extremes WHERE sort IN (${SORTS_SQL}) AND owner = ${key}`,
      `DELETE FROM job_run_sort_bounds WHERE sort IN (${SORTS_SQL}) AND owner = ${key}`,
      'DROP TABLE IF EXISTS temp.sort_ranked',
      ownerRankedSql(key),
      ...fromRankedSql(),
    ];
  });
}

/** The end of a fill, once every owner is refilled: the late starts from scratch (one pass), and the fill forgotten. */
export function finishSortFillSql(): string[] {
  return [
    'DELETE FROM job_run_late_starts',
    `INSERT INTO job_run_late_starts (run_id, started_at) SELECT id, started_at FROM job_runs WHERE ${LATE_START_SQL}`,
    `DELETE FROM app_meta WHERE key = '${META_SORT_TABLES_UNFILLED}'`,
  ];
}

/** Refills one owner's entries of both sorts from its runs (its first runs with a duration in each sort). */
export function refillSortOwner(sqlite: Database.Database, owner: number): void {
  for (const statement of refillSortOwnersSql([owner])) sqlite.exec(statement);
}

/** Owners whose bound is closed with too few entries left to serve a page (deletes made them short). */
export function shortSortOwners(sqlite: Database.Database): number[] {
  return sqlite
    .prepare(`SELECT DISTINCT owner FROM job_run_sort_bounds WHERE sort IN (?, ?) AND bound_key IS NOT NULL AND entries < ${SHORT_BELOW}`)
    .pluck()
    .all(...SORTS) as number[];
}

/** Refills every short owner: after a bulk change, in its transaction. */
export function refillShortSortOwners(sqlite: Database.Database): void {
  for (const owner of shortSortOwners(sqlite)) refillSortOwner(sqlite, owner);
}

/** Recounts the entries of the given owners (after a bulk change); the trim triggers run where they exceed the limit. */
function recountEntries(sqlite: Database.Database, owners: number[]): void {
  const recount = sqlite.prepare(
    `UPDATE job_run_sort_bounds SET entries = (SELECT count(*) FROM job_run_sort_extremes AS e WHERE e.sort = job_run_sort_bounds.sort AND e.owner = job_run_sort_bounds.owner)
     WHERE sort = ? AND owner = ?`,
  );
  for (const owner of new Set(owners)) for (const sort of SORTS) recount.run(sort, owner);
  sqlite.prepare('DELETE FROM job_run_sort_bounds WHERE sort IN (?, ?) AND entries = 0 AND bound_key IS NULL').run(...SORTS);
}

interface Bound {
  key: number | null;
  id: number | null;
}

/** The stricter of two bounds of a sort: the one nearer the top (no bound is the loosest). */
function stricterBound(sort: ExtremeSort, a: Bound | undefined, b: Bound | undefined): Bound {
  if (!a || a.key === null) return b ?? { key: null, id: null };
  if (!b || b.key === null) return a;
  const sign = sort === 'slowest' ? 1 : -1;
  const cmp = sign * (a.key - b.key || (a.id ?? 0) - (b.id ?? 0));
  return cmp >= 0 ? a : b;
}

/**
 * Every run of `fromOwner` deleted, or moved to `toOwner` (with the job_runs triggers dropped): its entries go, or join
 * the other owner's under the stricter of the two bounds; then short owners are refilled. In the caller's transaction.
 */
export function moveOwnerSortEntries(sqlite: Database.Database, fromOwner: number, toOwner: number | null): void {
  if (toOwner !== null && sortTablesUnfilled(sqlite)) {
    // A fill under way, owner by owner: `fromOwner`'s entries may be what the triggers kept before the fill reached it,
    // not its extremes, so the owner they join is refilled from its runs instead (exact at any point of the fill).
    refillSortOwner(sqlite, toOwner);
  } else if (toOwner !== null) {
    const boundOf = sqlite.prepare('SELECT bound_key AS key, bound_id AS id FROM job_run_sort_bounds WHERE sort = ? AND owner = ?');
    for (const sort of SORTS) {
      const bound = stricterBound(sort, boundOf.get(sort, fromOwner) as Bound | undefined, boundOf.get(sort, toOwner) as Bound | undefined);
      sqlite.prepare('UPDATE job_run_sort_extremes SET owner = ? WHERE sort = ? AND owner = ?').run(toOwner, sort, fromOwner);
      sqlite
        .prepare(
          `INSERT INTO job_run_sort_bounds (sort, owner, bound_key, bound_id, entries) VALUES (?, ?, ?, ?, 0)
           ON CONFLICT (sort, owner) DO UPDATE SET bound_key = excluded.bound_key, bound_id = excluded.bound_id`,
        )
        .run(sort, toOwner, bound.key, bound.id);
      if (bound.key !== null) {
        sqlite
          .prepare(`DELETE FROM job_run_sort_extremes WHERE sort = ? AND owner = ? AND (key, run_id) ${SORT_EXTREMES[sort].beyond} (?, ?)`)
          .run(sort, toOwner, bound.key, bound.id);
      }
    }
  }
  sqlite.prepare('DELETE FROM job_run_sort_extremes WHERE sort IN (?, ?) AND owner = ?').run(...SORTS, fromOwner);
  sqlite.prepare('DELETE FROM job_run_sort_bounds WHERE sort IN (?, ?) AND owner = ?').run(...SORTS, fromOwner);
  if (toOwner !== null) recountEntries(sqlite, [toOwner]);
  refillShortSortOwners(sqlite);
}

/**
 * The runs in temp.rollup_affected deleted, or moved to `toOwner` (with the job_runs triggers dropped): before the
 * change (`phase` 'before'), their entries and late starts go; after it, moved runs enter the new owner's entries
 * where its bound admits them. Then the owners touched are recounted and short ones refilled.
 */
export function moveRunsSortEntries(sqlite: Database.Database, phase: 'before' | 'after', toOwner: number | null): void {
  if (phase === 'before') {
    const owners = sqlite
      .prepare('SELECT DISTINCT owner FROM job_run_sort_extremes WHERE run_id IN (SELECT id FROM temp.rollup_affected)')
      .pluck()
      .all() as number[];
    sqlite.exec('DELETE FROM job_run_sort_extremes WHERE run_id IN (SELECT id FROM temp.rollup_affected)');
    sqlite.exec('DELETE FROM job_run_late_starts WHERE run_id IN (SELECT id FROM temp.rollup_affected)');
    recountEntries(sqlite, owners);
    return;
  }
  if (toOwner !== null) {
    for (const sort of SORTS) {
      const { beyond } = SORT_EXTREMES[sort];
      sqlite
        .prepare(
          `INSERT INTO job_run_sort_extremes (sort, owner, key, run_id)
           SELECT ?, ?, r.duration_ms, r.id FROM job_runs AS r WHERE r.id IN (SELECT id FROM temp.rollup_affected) AND r.duration_ms IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM job_run_sort_bounds AS b WHERE b.sort = ? AND b.owner = ? AND (r.duration_ms, r.id) ${beyond} (b.bound_key, b.bound_id))`,
        )
        .run(sort, toOwner, sort, toOwner);
      sqlite
        .prepare('INSERT INTO job_run_sort_bounds (sort, owner, bound_key, bound_id, entries) VALUES (?, ?, NULL, NULL, 0) ON CONFLICT (sort, owner) DO NOTHING')
        .run(sort, toOwner);
    }
    sqlite.exec(`INSERT OR REPLACE INTO job_run_late_starts (run_id, started_at) SELECT id, started_at FROM job_runs WHERE id IN (SELECT id FROM temp.rollup_affected) AND ${LATE_START_SQL}`);
    recountEntries(sqlite, [toOwner]);
  }
  refillShortSortOwners(sqlite);
}

/** What the sort tables keep that a fill from scratch would not: empty when they hold their invariant. */
export function sortTablesDrift(sqlite: Database.Database): string[] {
  // Still to be filled after a bulk load or the migration: pending work, not drift.
  if (sortTablesUnfilled(sqlite)) return [];
  const problems: string[] = [];
  for (const sort of SORTS) {
    const { direction, beyond } = SORT_EXTREMES[sort];
    // Every entry is a run of its owner with that duration; every run at or before its owner's bound is an entry.
    const wrong = sqlite
      .prepare(
        `SELECT e.owner || '/' || e.run_id FROM job_run_sort_extremes AS e LEFT JOIN job_runs AS r ON r.id = e.run_id
         WHERE e.sort = ? AND (r.id IS NULL OR r.duration_ms IS NOT e.key OR (${RUN_OWNER_SQL.replace(/\b(scope|business_id)\b/g, 'r.$1')}) <> e.owner
           OR EXISTS (SELECT 1 FROM job_run_sort_bounds AS b WHERE b.sort = e.sort AND b.owner = e.owner AND (e.key, e.run_id) ${beyond} (b.bound_key, b.bound_id)))`,
      )
      .pluck()
      .all(sort) as string[];
    problems.push(...wrong.map((key) => `${sort}: entry ${key} is not a run of that owner and duration`));
    const missing = sqlite
      .prepare(
        `SELECT owner || '/' || id FROM (SELECT ${RUN_OWNER_SQL} AS owner, duration_ms, id FROM job_runs WHERE duration_ms IS NOT NULL) AS r
         WHERE NOT EXISTS (SELECT 1 FROM job_run_sort_bounds AS b WHERE b.sort = ? AND b.owner = r.owner AND (r.duration_ms, r.id) ${beyond} (b.bound_key, b.bound_id))
         AND NOT EXISTS (SELECT 1 FROM job_run_sort_extremes AS e WHERE e.sort = ? AND e.owner = r.owner AND e.key = r.duration_ms AND e.run_id = r.id)
         ORDER BY owner, duration_ms ${direction}`,
      )
      .pluck()
      .all(sort, sort) as string[];
    problems.push(...missing.map((key) => `${sort}: run ${key} lies at or before its owner's bound and is no entry`));
    const counts = sqlite
      .prepare(
        `SELECT b.owner || ': ' || b.entries || ' kept, ' || (SELECT count(*) FROM job_run_sort_extremes AS e WHERE e.sort = b.sort AND e.owner = b.owner) || ' entries'
         FROM job_run_sort_bounds AS b WHERE b.sort = ? AND b.entries <> (SELECT count(*) FROM job_run_sort_extremes AS e WHERE e.sort = b.sort AND e.owner = b.owner)`,
      )
      .pluck()
      .all(sort) as string[];
    problems.push(...counts.map((text) => `${sort}: owner ${text}`));
  }
  const late = sqlite
    .prepare(`SELECT id FROM job_runs WHERE ${LATE_START_SQL} AND NOT EXISTS (SELECT 1 FROM job_run_late_starts AS l WHERE l.run_id = job_runs.id AND l.started_at = job_runs.started_at)`)
    .pluck()
    .all() as number[];
  problems.push(...late.map((id) => `late start of run ${id} is not kept`));
  return problems;
}
