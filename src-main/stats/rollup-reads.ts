// Reads of the rollups (job_run_daily; the packed histograms job_run_daily_histograms and
// job_run_weekly_histograms; drizzle/0008_run_histograms_triggers.sql) for the stats: a time range [from, to) is
// decomposed into signed pieces (whole UTC weeks and days from the rollups, raw runs of job_runs for the partial
// days at its edges, each read once per call), and the pieces are added up into exact counts, duration counts and
// sums, and duration histograms. Runs in a raw piece are grouped in SQL with the same owner, "finished" and bucket
// expressions as the triggers.
import { and, count, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { ACTIVE_RUN_STATUSES, RUN_STATUSES, type RunStatus } from '../../src-shared/domain';
import type { Orm } from '../db/connection';
import { preparedOnce } from '../db/prepared';
import { DAY_MS, DAYS_PER_WEEK, RUN_BUCKET_SQL, RUN_ENDED_SQL, RUN_FINISHED_SQL } from '../db/rollup-keys';
import { type CountedRollups } from '../db/rollups';
import { jobRuns } from '../db/schema';
import { ownerRangesCondition, preparedRunScopeCondition, RUN_OWNER_SQL, runScopeCondition, runScopeValues, type TenantScope } from '../tenancy/owner-sql';

/** A signed piece of a time range: whole UTC days [fromDay, toDay) from the rollups, or raw runs created in [from, to). */
export type RangePiece = { kind: 'days'; fromDay: number; toDay: number; sign: 1 | -1 } | { kind: 'raw'; from: number; to: number; sign: 1 | -1 };

/** A signed piece of a histogram's range: a RangePiece, or whole UTC weeks [fromWeek, toWeek) from the weekly histograms. */
export type HistogramPiece = RangePiece | { kind: 'weeks'; fromWeek: number; toWeek: number; sign: 1 | -1 };

export interface StatusAggregate {
  owner: number;
  jobType: string;
  status: RunStatus;
  runs: number;
  durN: number;
  durSum: number;
}

/** Finished runs per duration bucket (the index) of one owner and job type; buckets outside [lo, hi] are 0. */
export interface HistogramAggregate {
  owner: number;
  jobType: string;
  buckets: Float64Array;
  lo: number;
  hi: number;
}

/** Buckets run 0..HISTOGRAM_SIZE - 1: the longest duration SQLite can hold (2^63 - 1 ms) is bucket 504. */
export const HISTOGRAM_SIZE = 512;

/** The length of [a, b) that can hold runs: none of it after `now` (runs are created at the present). */
function liveLength(a: number, b: number, now: number): number {
  return Math.max(0, Math.min(b, now + 60_000) - a);
}

/**
 * [from, to) as signed pieces with as little raw reading as possible: whole UTC days from the rollups; at each
 * edge that is not a UTC midnight, either the raw part inside the range, or the rollup's whole day minus the raw
 * part outside it, whichever raw interval holds less (intervals after `now` count as empty). A range inside one
 * UTC day is raw only.
 */
export function rangePieces(from: number, to: number, now: number): RangePiece[] {
  const firstDay = Math.floor(from / DAY_MS);
  const lastDay = Math.floor((to - 1) / DAY_MS);
  if (from % DAY_MS !== 0 && firstDay === lastDay && to % DAY_MS !== 0) {
    // Inside one day: raw only (as the brief asks; the complement may be shorter but would read the rollup day).
    return [{ kind: 'raw', from, to, sign: 1 }];
  }
  const pieces: RangePiece[] = [];
  let wholeFrom = firstDay;
  let wholeTo = lastDay + 1;
  if (from % DAY_MS !== 0) {
    const dayStart = firstDay * DAY_MS;
    const dayEnd = dayStart + DAY_MS;
    if (liveLength(from, dayEnd, now) <= liveLength(dayStart, from, now)) {
      pieces.push({ kind: 'raw', from, to: dayEnd, sign: 1 });
      wholeFrom = firstDay + 1;
    } else {
      pieces.push({ kind: 'raw', from: dayStart, to: from, sign: -1 });
    }
  }
  if (to % DAY_MS !== 0) {
    const dayStart = lastDay * DAY_MS;
    const dayEnd = dayStart + DAY_MS;
    if (liveLength(dayStart, to, now) < liveLength(to, dayEnd, now)) {
      pieces.push({ kind: 'raw', from: dayStart, to, sign: 1 });
      wholeTo = lastDay;
    } else {
      pieces.push({ kind: 'raw', from: to, to: dayEnd, sign: -1 });
    }
  }
  if (wholeFrom < wholeTo) pieces.push({ kind: 'days', fromDay: wholeFrom, toDay: wholeTo, sign: 1 });
  return pieces;
}

/** How many of the days [a, b) can hold runs: none after `today` (runs are created at the present). */
function liveDays(a: number, b: number, today: number): number {
  return Math.max(0, Math.min(b, today + 1) - a);
}

/**
 * Whole days [fromDay, toDay) as signed pieces for the histograms: whole weeks from the weekly rollup, and at each
 * edge that is not a week's first day, either the days inside the range or the week minus the days outside it,
 * whichever reads fewer (a week costs about as much as a day: one packed row per owner and type either way, so
 * it counts as one more day; days after `today` are empty and cost nothing).
 */
function weekPieces(fromDay: number, toDay: number, today: number): HistogramPiece[] {
  const pieces: HistogramPiece[] = [];
  let fromWeek = Math.ceil(fromDay / DAYS_PER_WEEK);
  let toWeek = Math.floor(toDay / DAYS_PER_WEEK);
  if (fromWeek > toWeek) {
    // Inside one week: its days, or the week minus the days outside the range.
    const week = toWeek;
    const [start, end] = [week * DAYS_PER_WEEK, (week + 1) * DAYS_PER_WEEK];
    if (liveDays(fromDay, toDay, today) <= 1 + liveDays(start, fromDay, today) + liveDays(toDay, end, today)) {
      return [{ kind: 'days', fromDay, toDay, sign: 1 }];
    }
    pieces.push({ kind: 'weeks', fromWeek: week, toWeek: week + 1, sign: 1 });
    if (start < fromDay) pieces.push({ kind: 'days', fromDay: start, toDay: fromDay, sign: -1 });
    if (toDay < end) pieces.push({ kind: 'days', fromDay: toDay, toDay: end, sign: -1 });
    return pieces;
  }
  if (fromDay % DAYS_PER_WEEK !== 0) {
    const start = (fromWeek - 1) * DAYS_PER_WEEK;
    if (liveDays(fromDay, fromWeek * DAYS_PER_WEEK, today) <= 1 + liveDays(start, fromDay, today)) {
      pieces.push({ kind: 'days', fromDay, toDay: fromWeek * DAYS_PER_WEEK, sign: 1 });
    } else {
      fromWeek -= 1;
      pieces.push({ kind: 'days', fromDay: start, toDay: fromDay, sign: -1 });
    }
  }
  if (toDay % DAYS_PER_WEEK !== 0) {
    const end = (toWeek + 1) * DAYS_PER_WEEK;
    if (liveDays(toWeek * DAYS_PER_WEEK, toDay, today) <= 1 + liveDays(toDay, end, today)) {
      pieces.push({ kind: 'days', fromDay: toWeek * DAYS_PER_WEEK, toDay, sign: 1 });
    } else {
      toWeek += 1;
      // Read even when it lies after today: empty then, and a run created ahead of the clock still counts right.
      pieces.push({ kind: 'days', fromDay: toDay, toDay: end, sign: -1 });
    }
  }
  if (fromWeek < toWeek) pieces.push({ kind: 'weeks', fromWeek, toWeek, sign: 1 });
  return pieces;
}

/** rangePieces with each run of whole days split further by weekPieces (signs multiply). */
export function histogramPieces(from: number, to: number, now: number): HistogramPiece[] {
  const today = Math.floor(now / DAY_MS);
  return rangePieces(from, to, now).flatMap((piece): HistogramPiece[] =>
    piece.kind === 'days' ? weekPieces(piece.fromDay, piece.toDay, today).map((inner) => ({ ...inner, sign: (inner.sign * piece.sign) as 1 | -1 })) : [piece],
  );
}

const RAW_OWNER = sql.raw(RUN_OWNER_SQL);
const RAW_FINISHED = sql.raw(RUN_FINISHED_SQL);
const RAW_BUCKET = sql.raw(RUN_BUCKET_SQL);
const RAW_ENDED = sql.raw(RUN_ENDED_SQL);

/** Ended runs of one owner, job type, status and duration bucket (null: not finished with a duration), read from job_runs. */
export interface RawGroup {
  owner: number;
  jobType: string;
  status: RunStatus;
  bucket: number | null;
  runs: number;
  durSum: number;
}

/**
 * The raw side of a stats call: the ended runs of `scope` created in [from, to) in groups (what job_run_daily
 * counts, so the two add and subtract; the pending and running are read apart, activeRunsOf), each interval read once
 * however many parts of the call need it (the statuses, the histograms and the per-day series all read the
 * partial days at the range's edges). `peek` answers only from what was read.
 */
export interface RawRuns {
  read(from: number, to: number): RawGroup[];
  peek(from: number, to: number): RawGroup[] | undefined;
}

export function rawRunsOf(orm: Orm, scope: TenantScope): RawRuns {
  const read = new Map<string, RawGroup[]>();
  return {
    read(from, to) {
      const key = `${from}:${to}`;
      let groups = read.get(key);
      if (!groups) {
        groups = orm.all<RawGroup>(sql`
          SELECT ${RAW_OWNER} AS owner, ${jobRuns.jobType} AS jobType, ${jobRuns.status} AS status,
                 CASE WHEN ${RAW_FINISHED} THEN ${RAW_BUCKET} END AS bucket, count(*) AS runs,
                 sum(CASE WHEN ${RAW_FINISHED} THEN ${jobRuns.durationMs} ELSE 0 END) AS durSum
          FROM ${jobRuns}
          WHERE ${runScopeCondition(scope)} AND ${RAW_ENDED} AND ${jobRuns.createdAt} >= ${from} AND ${jobRuns.createdAt} < ${to}
          GROUP BY 1, 2, 3, 4`);
        read.set(key, groups);
      }
      return groups;
    },
    peek(from, to) {
      return read.get(`${from}:${to}`);
    },
  };
}

/** The tenant condition on a rollup's owner column, as a range of its primary key per owner (ownerRangesCondition). */
function rollupOwners({ tables: { jobRunCounts } }: CountedRollups, scope: TenantScope, owner: SQLiteColumn): SQL {
  return ownerRangesCondition(scope, owner, jobRunCounts);
}

/** Up to this many days, status rows are added up by the caller, not grouped in SQL (see statusRowsOf). */
const FEW_DAYS = 7;

// Status rows are a range of job_run_daily's primary key (owner, day, …) per owner. Over a few days (the current
// day, once settled-days.ts kept the rest) they come back as they are and the caller adds them up; over more
// (a first call) SQLite groups them first (a sort of some 70,000 rows for every owner's 90 days, once).
function statusRowsOf(rollups: CountedRollups, scope: TenantScope, raw: RawRuns, piece: RangePiece): StatusAggregate[] {
  if (piece.kind === 'days') {
    const { orm } = rollups;
    const t = rollups.tables.jobRunDaily;
    const where = sql`${rollupOwners(rollups, scope, t.owner)} AND ${t.day} >= ${piece.fromDay} AND ${t.day} < ${piece.toDay}`;
    if (piece.toDay - piece.fromDay <= FEW_DAYS) {
      return orm.all<StatusAggregate>(sql`
        SELECT ${t.owner} AS owner, ${t.jobType} AS jobType, ${t.status} AS status, ${t.runs} AS runs, ${t.durN} AS durN, ${t.durSum} AS durSum
        FROM ${t} WHERE ${where}`);
    }
    return orm.all<StatusAggregate>(sql`
      SELECT ${t.owner} AS owner, ${t.jobType} AS jobType, ${t.status} AS status,
             sum(${t.runs}) AS runs, sum(${t.durN}) AS durN, sum(${t.durSum}) AS durSum
      FROM ${t} WHERE ${where}
      GROUP BY 1, 2, 3`);
  }
  return raw.read(piece.from, piece.to).map(({ owner, jobType, status, bucket, runs, durSum }) => ({
    owner,
    jobType,
    status,
    runs,
    durN: bucket === null ? 0 : runs,
    durSum,
  }));
}

/** One ended run as the stats count it: its owner key, type, status and duration bucket (null: not finished with a duration). */
export interface RawRun {
  createdAt: number;
  owner: number;
  jobType: string;
  status: RunStatus;
  bucket: number | null;
  durationMs: number | null;
}

/** The ended runs of `scope` created on one UTC day, in created_at order (the (business_id, created_at) or (created_at) index). */
export function rawRunsOfDay(orm: Orm, scope: TenantScope, day: number): RawRun[] {
  return orm.all<RawRun>(sql`
    SELECT ${jobRuns.createdAt} AS createdAt, ${RAW_OWNER} AS owner, ${jobRuns.jobType} AS jobType, ${jobRuns.status} AS status,
           CASE WHEN ${RAW_FINISHED} THEN ${RAW_BUCKET} END AS bucket, ${jobRuns.durationMs} AS durationMs
    FROM ${jobRuns}
    WHERE ${runScopeCondition(scope)} AND ${RAW_ENDED} AND ${jobRuns.createdAt} >= ${day * DAY_MS} AND ${jobRuns.createdAt} < ${(day + 1) * DAY_MS}
    ORDER BY ${jobRuns.createdAt}`);
}

/** A pending or running run: the runs job_run_daily does not count. */
export interface ActiveRun {
  createdAt: number;
  owner: number;
  jobType: string;
  status: RunStatus;
}

/**
 * The pending and running runs of `scope` created in [from, to), in created_at order: a few (the queue and the
 * runner's slots), found on the status indexes ((business_id, status, created_at), or (status, created_at) for
 * all businesses) and sorted here.
 */
export function activeRunsOf(orm: Orm, scope: TenantScope, from: number, to: number): ActiveRun[] {
  return orm
    .all<ActiveRun>(
      sql`
        SELECT ${jobRuns.createdAt} AS createdAt, ${RAW_OWNER} AS owner, ${jobRuns.jobType} AS jobType, ${jobRuns.status} AS status
        FROM ${jobRuns}
        WHERE ${runScopeCondition(scope)} AND ${inArray(jobRuns.status, [...ACTIVE_RUN_STATUSES])}
          AND ${jobRuns.createdAt} >= ${from} AND ${jobRuns.createdAt} < ${to}`,
    )
    .sort((x, y) => x.createdAt - y.createdAt);
}

// The histograms are packed (one row per owner, day or week, and job type; a JSONB object from bucket to runs)
// and WITHOUT ROWID, keyed (owner, day|week, job_type): one owner's days or weeks are one covering range of the
// key, every owner's a range per owner (owner IN the owners that have runs). Rows come back as JSON text.
type PackedRow = { owner: number; jobType: string; buckets: string };
type BucketRow = { owner: number; jobType: string; bucket: number; runs: number };

function histogramRowsOf(rollups: CountedRollups, scope: TenantScope, raw: RawRuns, piece: HistogramPiece): PackedRow[] | BucketRow[] {
  if (piece.kind === 'raw') {
    return raw.read(piece.from, piece.to).flatMap(({ owner, jobType, bucket, runs }) => (bucket === null ? [] : [{ owner, jobType, bucket, runs }]));
  }
  const { jobRunDailyHistograms, jobRunWeeklyHistograms } = rollups.tables;
  const [t, period, from, to] =
    piece.kind === 'weeks'
      ? [jobRunWeeklyHistograms, jobRunWeeklyHistograms.week, piece.fromWeek, piece.toWeek]
      : [jobRunDailyHistograms, jobRunDailyHistograms.day, piece.fromDay, piece.toDay];
  return rollups.orm.all<PackedRow>(sql`
    SELECT ${t.owner} AS owner, ${t.jobType} AS jobType, json(${t.buckets}) AS buckets
    FROM ${t}
    WHERE ${rollupOwners(rollups, scope, t.owner)} AND ${period} >= ${from} AND ${period} < ${to}`);
}

/** What a range's runs add up to: StatusAggregate and HistogramAggregate rows, each key once. */
export interface RangeAggregate {
  statuses: StatusAggregate[];
  histograms: HistogramAggregate[];
}

/** Adds up signed rows of a range's pieces per owner, job type and status (and duration bucket). */
export class RunAggregate {
  private readonly statuses = new Map<string, StatusAggregate>();
  private readonly histograms = new Map<string, HistogramAggregate>();

  addRuns(owner: number, jobType: string, status: RunStatus, runs: number, durN: number, durSum: number): void {
    const key = `${owner}\u0000${jobType}\u0000${status}`;
    const entry = this.statuses.get(key);
    if (entry) {
      entry.runs += runs;
      entry.durN += durN;
      entry.durSum += durSum;
    } else {
      this.statuses.set(key, { owner, jobType, status, runs, durN, durSum });
    }
  }

  histogramOf(owner: number, jobType: string): HistogramAggregate {
    const key = `${owner}\u0000${jobType}`;
    let entry = this.histograms.get(key);
    if (!entry) {
      entry = { owner, jobType, buckets: new Float64Array(HISTOGRAM_SIZE), lo: HISTOGRAM_SIZE, hi: -1 };
      this.histograms.set(key, entry);
    }
    return entry;
  }

  /** Adds a kept aggregate. */
  add(aggregate: CompactAggregate): void {
    for (const row of aggregate.statuses) this.addRuns(row.owner, row.jobType, row.status, row.runs, row.durN, row.durSum);
    for (const { owner, jobType, lo, counts } of aggregate.histograms) {
      const entry = this.histogramOf(owner, jobType);
      counts.forEach((runs, i) => addToBucket(entry, lo + i, runs));
    }
  }

  /** The rows, without statuses that add up to no runs. */
  result(): RangeAggregate {
    return { statuses: [...this.statuses.values()].filter((row) => row.runs !== 0), histograms: [...this.histograms.values()] };
  }
}

export function addToBucket(entry: HistogramAggregate, bucket: number, runs: number): void {
  entry.buckets[bucket] = (entry.buckets[bucket] ?? 0) + runs;
  if (bucket < entry.lo) entry.lo = bucket;
  if (bucket > entry.hi) entry.hi = bucket;
}

/** A RangeAggregate to keep in memory: each histogram cut to its buckets lo, lo + 1, … (a full one is 4 KB). */
export interface CompactAggregate {
  statuses: StatusAggregate[];
  histograms: { owner: number; jobType: string; lo: number; counts: Float64Array }[];
}

export function compactAggregate({ statuses, histograms }: RangeAggregate): CompactAggregate {
  return {
    statuses,
    histograms: histograms.filter((row) => row.lo <= row.hi).map(({ owner, jobType, lo, hi, buckets }) => ({ owner, jobType, lo, counts: buckets.slice(lo, hi + 1) })),
  };
}

/** Adds to `into` the ended runs of `scope` created in [from, to): exact counts, duration counts and sums, and duration histograms per owner and job type. */
export function aggregateRangeInto(into: RunAggregate, rollups: CountedRollups, scope: TenantScope, from: number, to: number, now: number, raw: RawRuns): void {
  for (const piece of rangePieces(from, to, now)) {
    for (const row of statusRowsOf(rollups, scope, raw, piece)) {
      into.addRuns(row.owner, row.jobType, row.status, piece.sign * row.runs, piece.sign * row.durN, piece.sign * row.durSum);
    }
  }
  for (const piece of histogramPieces(from, to, now)) {
    for (const row of histogramRowsOf(rollups, scope, raw, piece)) {
      const entry = into.histogramOf(row.owner, row.jobType);
      if ('bucket' in row) {
        addToBucket(entry, row.bucket, piece.sign * row.runs);
        continue;
      }
      const packed = JSON.parse(row.buckets) as Record<string, number>;
      for (const bucket in packed) addToBucket(entry, Number(bucket), piece.sign * (packed[bucket] ?? 0));
    }
  }
}

/** The ended runs of `scope` created in [from, to), read from the rollups and job_runs (nothing kept: see settled-days.ts). */
export function aggregateRange(
  rollups: CountedRollups,
  scope: TenantScope,
  from: number,
  to: number,
  now: number,
  raw: RawRuns = rawRunsOf(rollups.orm, scope),
): RangeAggregate {
  const into = new RunAggregate();
  aggregateRangeInto(into, rollups, scope, from, to, now, raw);
  return into.result();
}

/** Runs per status. */
export type StatusCounts = Record<RunStatus, number>;

// A stats call makes a few hundred of these (the per-day series): a plain loop over the statuses, about five
// times cheaper than Object.fromEntries.
const STATUSES: readonly RunStatus[] = RUN_STATUSES;

export function emptyStatusCounts(): StatusCounts {
  const counts = {} as StatusCounts;
  for (const status of STATUSES) counts[status] = 0;
  return counts;
}

/** a + sign·b, status by status. */
export function addStatusCounts(a: StatusCounts, b: StatusCounts, sign: 1 | -1 = 1): StatusCounts {
  const sum = {} as StatusCounts;
  for (const status of STATUSES) sum[status] = a[status] + sign * b[status];
  return sum;
}

/**
 * A counter of the runs of `scope` per status created in [from, to), counting only the statuses it is given (the
 * ones the interval's UTC day has any runs of: the others are surely 0): one index range seek each on the status
 * indexes alone (no table lookups for a business or all), through a statement built once per connection and kind
 * of scope. Asked once per local-day boundary of a stats call in a zone other than UTC; about 4 µs a seek, where
 * joining the intervals into one statement (VALUES, or a JSON parameter) cost 1.5 to 4 times more.
 */
function rawStatusCounter(orm: Orm, scope: TenantScope): (from: number, to: number, statuses: readonly RunStatus[]) => StatusCounts {
  const statement = preparedOnce(orm, `stats.rawStatusCount:${scope.kind}`, () =>
    orm
      .select({ n: count() })
      .from(jobRuns)
      .where(
        and(
          preparedRunScopeCondition(scope.kind),
          eq(jobRuns.status, sql.placeholder('status')),
          gte(jobRuns.createdAt, sql.placeholder('from')),
          lt(jobRuns.createdAt, sql.placeholder('to')),
        ),
      )
      .prepare(),
  );
  const scopeValues = runScopeValues(scope);
  return (from, to, statuses) => {
    const counts = emptyStatusCounts();
    for (const status of statuses) counts[status] = statement.get({ ...scopeValues, status, from, to })?.n ?? 0;
    return counts;
  };
}

/** Ended runs of `scope` per status on each UTC day in [fromDay, lastDay] that has any, from the rollup. */
export function dailyStatusTotals(rollups: CountedRollups, scope: TenantScope, fromDay: number, lastDay: number): Map<number, StatusCounts> {
  const perDay = new Map<number, StatusCounts>();
  const { jobRunDaily } = rollups.tables;
  const rows = rollups.orm.all<{ day: number; status: RunStatus; runs: number }>(sql`
    SELECT ${jobRunDaily.day} AS day, ${jobRunDaily.status} AS status, sum(${jobRunDaily.runs}) AS runs
    FROM ${jobRunDaily}
    WHERE ${rollupOwners(rollups, scope, jobRunDaily.owner)} AND ${jobRunDaily.day} >= ${fromDay} AND ${jobRunDaily.day} <= ${lastDay}
    GROUP BY 1, 2`);
  for (const { day, status, runs } of rows) {
    const counts = perDay.get(day) ?? emptyStatusCounts();
    counts[status] += runs;
    perDay.set(day, counts);
  }
  return perDay;
}

/**
 * The ended runs of `scope` per status created on x's UTC day before x (x not a UTC midnight), given that day's
 * total: a raw count of the shorter side of the day, added to nothing or taken from the total. The same side
 * rangePieces picks at a range's edge (ties go to [x, dayEnd)), so an edge the rest of the call already read
 * is counted from that (`raw`), any other by index seeks for the statuses the day has.
 */
export function rawCountsInDay(orm: Orm, scope: TenantScope, now: number, raw: RawRuns): (x: number, dayTotal: StatusCounts | undefined) => StatusCounts {
  const countByIndex = rawStatusCounter(orm, scope);
  return (x, dayTotal) => {
    const day = Math.floor(x / DAY_MS);
    const [dayStart, dayEnd] = [day * DAY_MS, (day + 1) * DAY_MS];
    const before = liveLength(dayStart, x, now) < liveLength(x, dayEnd, now);
    const [from, to] = before ? [dayStart, x] : [x, dayEnd];
    const groups = raw.peek(from, to);
    let side: StatusCounts;
    if (groups) {
      side = emptyStatusCounts();
      for (const group of groups) side[group.status] += group.runs;
    } else {
      side = countByIndex(from, to, dayTotal ? RUN_STATUSES.filter((status) => dayTotal[status] > 0) : []);
    }
    return before ? side : addStatusCounts(dayTotal ?? emptyStatusCounts(), side, -1);
  };
}

/**
 * For ascending instants `bounds`, the runs per status created from the start of bounds[0]'s UTC day up to each
 * x: the whole days before x's day (a prefix sum of `dayTotal`) plus `inDay(x)`, the runs of x's day created
 * before x (asked only for an x that is not a UTC midnight). Differences of neighbours count between bounds.
 */
export function countsBeforeBounds(
  bounds: readonly number[],
  dayTotal: (day: number) => StatusCounts | undefined,
  inDay: (x: number) => StatusCounts,
): StatusCounts[] {
  const first = bounds[0];
  const last = bounds[bounds.length - 1];
  if (first === undefined || last === undefined) return [];
  const baseDay = Math.floor(first / DAY_MS);
  const lastDay = Math.floor(last / DAY_MS);
  // prefix[d - baseDay] = runs in whole days [baseDay, d)
  const prefix: StatusCounts[] = [emptyStatusCounts()];
  // Up to lastDay's start: no bound needs a day it lies in as a whole day.
  for (let day = baseDay; day < lastDay; day++) {
    const previous = prefix[prefix.length - 1] as StatusCounts;
    const counts = dayTotal(day);
    prefix.push(counts ? addStatusCounts(previous, counts) : previous);
  }
  return bounds.map((x) => {
    const day = Math.floor(x / DAY_MS);
    const before = prefix[day - baseDay] as StatusCounts;
    return x === day * DAY_MS ? before : addStatusCounts(before, inDay(x));
  });
}
