// Reads of the rollups (job_run_daily; the packed histograms job_run_daily_histograms and
// job_run_weekly_histograms; drizzle/0008_run_histograms_triggers.sql) for the stats: a time range [from, to) is
// decomposed into signed pieces (range-pieces.ts: whole UTC weeks and days from the rollups, raw runs of job_runs for
// the partial days at its edges, each read once per call), and the pieces are added up (aggregates.ts) into exact
// counts, duration counts and sums, and duration histograms. Runs in a raw piece are grouped in SQL with the same
// owner, "finished" and bucket expressions as the triggers.
import { and, count, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { RUN_STATUSES, type RunStatus } from '../../src-shared/domain';
import type { AppDatabase } from '../db/connection';
import { preparedOnce } from '../db/prepared';
import { DAY_MS, RUN_BUCKET_SQL, RUN_ENDED_SQL, RUN_FINISHED_SQL } from '../db/rollup-keys';
import { type CountedRollups } from '../db/rollups';
import { jobRuns } from '../db/schema';
import {
  addStatusCounts,
  addToBucket,
  emptyStatusCounts,
  RunAggregate,
  type RangeAggregate,
  type StatusAggregate,
  type StatusCounts,
} from './aggregates';
import { forEachPackedBucket } from './packed-histogram';
import { histogramPieces, liveLength, rangePieces, type HistogramPiece, type RangePiece } from './range-pieces';
import type { TenantScope } from '../../src-shared/tenancy';
import { ownerRangesCondition, preparedRunScopeCondition, RUN_OWNER_SQL, runScopeCondition, runScopeValues } from '../tenancy/owner-sql';

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

export function rawRunsOf(db: AppDatabase, scope: TenantScope): RawRuns {
  const read = new Map<string, RawGroup[]>();
  return {
    read(from, to) {
      const key = `${from}:${to}`;
      let groups = read.get(key);
      if (!groups) {
        groups = db.orm.all<RawGroup>(sql`
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
    const { orm } = rollups.db;
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
export function rawRunsOfDay(db: AppDatabase, scope: TenantScope, day: number): RawRun[] {
  return db.orm.all<RawRun>(sql`
    SELECT ${jobRuns.createdAt} AS createdAt, ${RAW_OWNER} AS owner, ${jobRuns.jobType} AS jobType, ${jobRuns.status} AS status,
           CASE WHEN ${RAW_FINISHED} THEN ${RAW_BUCKET} END AS bucket, ${jobRuns.durationMs} AS durationMs
    FROM ${jobRuns}
    WHERE ${runScopeCondition(scope)} AND ${RAW_ENDED} AND ${jobRuns.createdAt} >= ${day * DAY_MS} AND ${jobRuns.createdAt} < ${(day + 1) * DAY_MS}
    ORDER BY ${jobRuns.createdAt}`);
}

// The histograms are packed (one row per owner, day or week, and job type; a JSONB object from bucket to runs)
// and WITHOUT ROWID, keyed (owner, day|week, job_type): one owner's days or weeks are one covering range of the
// key, every owner's a range per owner (owner IN the owners that have runs). Rows come back as their JSONB bytes,
// decoded in place (packed-histogram.ts).
type PackedRow = { owner: number; jobType: string; buckets: Uint8Array };
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
  return rollups.db.orm.all<PackedRow>(sql`
    SELECT ${t.owner} AS owner, ${t.jobType} AS jobType, ${t.buckets} AS buckets
    FROM ${t}
    WHERE ${rollupOwners(rollups, scope, t.owner)} AND ${period} >= ${from} AND ${period} < ${to}`);
}

/**
 * Adds to `into` the ended runs of `scope` created in [from, to): exact counts, duration counts and sums, and (unless
 * `into` keeps none) duration histograms per owner and job type.
 */
export function aggregateRangeInto(into: RunAggregate, rollups: CountedRollups, scope: TenantScope, from: number, to: number, now: number, raw: RawRuns): void {
  for (const piece of rangePieces(from, to, now)) {
    for (const row of statusRowsOf(rollups, scope, raw, piece)) {
      into.addRuns(row.owner, row.jobType, row.status, piece.sign * row.runs, piece.sign * row.durN, piece.sign * row.durSum);
    }
  }
  if (!into.withHistograms) return;
  for (const piece of histogramPieces(from, to, now)) {
    for (const row of histogramRowsOf(rollups, scope, raw, piece)) {
      const entry = into.histogramOf(row.owner, row.jobType);
      if ('bucket' in row) {
        addToBucket(entry, row.bucket, piece.sign * row.runs);
        continue;
      }
      forEachPackedBucket(row.buckets, (bucket, runs) => addToBucket(entry, bucket, piece.sign * runs));
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
  raw: RawRuns = rawRunsOf(rollups.db, scope),
): RangeAggregate {
  const into = new RunAggregate();
  aggregateRangeInto(into, rollups, scope, from, to, now, raw);
  return into.result();
}

/**
 * A counter of the runs of `scope` per status created in [from, to), counting only the statuses it is given (the
 * ones the interval's UTC day has any runs of: the others are surely 0): one index range seek each on the status
 * indexes alone (no table lookups for a business or all), through a statement built once per connection and kind
 * of scope. Asked once per local-day boundary of a stats call in a zone other than UTC; about 4 µs a seek, where
 * joining the intervals into one statement (VALUES, or a JSON parameter) cost 1.5 to 4 times more.
 */
export function rawStatusCounter(db: AppDatabase, scope: TenantScope): (from: number, to: number, statuses: readonly RunStatus[]) => StatusCounts {
  const statement = preparedOnce(db, `stats.rawStatusCount:${scope.kind}`, () =>
    db.orm
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
  const rows = rollups.db.orm.all<{ day: number; status: RunStatus; runs: number }>(sql`
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
export function rawCountsInDay(db: AppDatabase, scope: TenantScope, now: number, raw: RawRuns): (x: number, dayTotal: StatusCounts | undefined) => StatusCounts {
  const countByIndex = rawStatusCounter(db, scope);
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
