// The statistics of a scope over a time range: counts per status, success rate, duration figures, the per-day series
// in a time zone, per job type and, in the all-view, per owner. Read from the rollups (rollup-reads.ts) through
// the settled-day cache (settled-days.ts); the figures of a group are figures.ts, the all-view's comparison owners.ts.
import { invalidField } from '../../src-shared/errors';
import { compareText, type TenantScope } from '../../src-shared/tenancy';
import { MAX_STATS_DAYS, type JobRunStatsInput, type JobRunStatsView } from '../../src-shared/schemas/jobs';
import { type AppDatabase } from '../db/connection';
import { DAY_MS } from '../db/rollup-keys';
import { addStatusCounts, type StatusCounts } from './aggregates';
import { addToGroups, copyOfGroups, figuresOf, groupsBytes, groupsOf, totalOf } from './figures';
import { previousPeriodCounts, statsByOwner } from './owners';
import { statsReader, type StatsReader } from './settled-days';
import { unknownTimeZone } from '../../src-shared/time-zone';

// ---- Statistics -----------------------------------------------------------------------------------

/**
 * Counts, success rate, durations, per job type, per local day, and (in the all-business view) per owner,
 * over the runs created in [from, to). Read from the rollups (job_run_daily; the daily and weekly histograms) for
 * whole UTC days and weeks, and from job_runs for the partial days at the edges (src-main/stats/rollup-reads.ts);
 * what it read of days that are over is kept in memory while their versions say they are unchanged
 * (src-main/stats/settled-days.ts).
 * Counts, success rates, mean durations and the per-day series are exact. Duration percentiles are bucketed:
 * the nearest-rank percentile (rank ceil(p·n) of n sorted values) is located exactly in a histogram of
 * 8 buckets per doubling of (duration + 1), and reported as that bucket's geometric middle (bucketValue), so
 * |reported − exact| ≤ 0.0443·(exact + 1) + 0.5 ms (within 4.5%).
 */
export function getJobRunStats(db: AppDatabase, scope: TenantScope, input: JobRunStatsInput): JobRunStatsView {
  const { from, to } = requireStatsRange(input);
  const localDay = localDayOf(input.timeZone);
  // One read transaction: the rollups and the runs it counts at a day's edges are read from one snapshot, so a
  // commit between two of its statements (a run claimed, another created) cannot count a run twice or not at all.
  return db.sqlite.transaction(() => statsOf(db, scope, input, { from, to }, localDay))();
}

function statsOf(db: AppDatabase, scope: TenantScope, input: JobRunStatsInput, { from, to }: { from: number; to: number }, localDay: (ms: number) => string): JobRunStatsView {
  const now = Date.now();
  const reader = statsReader(db, scope, from, to, now);

  // The settled part's groups are kept (a view asks the same range on every refresh); what is live is added to a copy.
  const groups = copyOfGroups(reader.settled('groups', true, (aggregate) => groupsOf(aggregate, scope.kind === 'all'), groupsBytes));
  addToGroups(reader.live(true), groups);
  const { overall, byType, byOwner } = groups;

  return {
    from,
    to,
    timeZone: input.timeZone,
    ...figuresOf(overall),
    byJobType: [...byType]
      .filter(([, group]) => totalOf(group.counts) > 0)
      .map(([jobType, group]) => ({ jobType, ...figuresOf(group) }))
      .sort((x, y) => y.total - x.total || compareText(x.jobType, y.jobType)),
    perDay: countsPerDay(reader, from, to, input.timeZone, localDay),
    byBusiness: byOwner ? statsByOwner(db, byOwner, previousPeriodCounts(db, from, to, now)) : null,
  };
}

function requireStatsRange(input: JobRunStatsInput): { from: number; to: number } {
  const { from, to } = input;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from >= to) {
    throw invalidField('to', 'To must be after From.');
  }
  if (to - from > MAX_STATS_DAYS * DAY_MS) throw invalidField('to', `The range may span at most ${MAX_STATS_DAYS} days.`);
  return { from, to };
}

// Every UTC offset in use is a whole multiple of 15 minutes, so local midnight always falls on a 15-minute UTC grid.
const GRID_MS = 15 * 60_000;

/**
 * Runs per status per local day: the first instant of each local day after the first (a local midnight, on the
 * 15-minute grid) is found from the zone's dates alone, the runs created before each boundary are counted
 * from the rollup plus a count of part of one UTC day (StatsReader.countsBefore), and a day's counts are the
 * difference between its two boundaries. In UTC every boundary is a UTC midnight and nothing raw is read.
 */
function countsPerDay(reader: StatsReader, from: number, to: number, timeZone: string, localDay: (ms: number) => string): JobRunStatsView['perDay'] {
  const { days, bounds } = localDaysOf(from, to, timeZone, localDay);
  const before = reader.countsBefore(bounds);
  return days.map((day, i) => {
    return { day, byStatus: addStatusCounts(before[i + 1] as StatusCounts, before[i] as StatusCounts, -1) };
  });
}

/** The local days of [from, to) in a zone and the instants they start at (`from` first, `to` last), kept per range: a view asks the same range on every refresh. */
const localDaysKept = new Map<string, { days: string[]; bounds: number[] }>();
const MAX_LOCAL_DAYS_KEPT = 64;

function localDaysOf(from: number, to: number, timeZone: string, localDay: (ms: number) => string): { days: string[]; bounds: number[] } {
  const key = `${timeZone} ${from} ${to}`;
  const kept = localDaysKept.get(key);
  if (kept) return kept;
  const days = calendarDays(localDay(from), localDay(to - 1));
  const bounds = [from];
  let offset = 0;
  for (const day of days.slice(1)) {
    const boundary = firstInstantOf(day, from, to, localDay, offset);
    offset = utcMidnightOf(day) - boundary;
    bounds.push(boundary);
  }
  bounds.push(to);
  if (localDaysKept.size >= MAX_LOCAL_DAYS_KEPT) localDaysKept.delete(localDaysKept.keys().next().value as string);
  localDaysKept.set(key, { days, bounds });
  return { days, bounds };
}

function utcMidnightOf(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}

/**
 * The first instant in (from, to) whose local date is `day` or later, for a `day` after localDay(from) and no
 * later than localDay(to - 1). Tries the guess from the previous boundary's offset, else searches the grid.
 */
function firstInstantOf(day: string, from: number, to: number, localDay: (ms: number) => string, offsetGuess: number): number {
  const isReached = (ms: number) => localDay(ms) >= day;
  const guess = utcMidnightOf(day) - offsetGuess;
  if (guess > from && guess < to && isReached(guess) && !isReached(guess - GRID_MS)) return guess;
  // Invariant: grid point lo is before the day, grid point hi is in it or after.
  let lo = Math.floor(from / GRID_MS);
  let hi = Math.ceil(to / GRID_MS);
  const midnight = utcMidnightOf(day) / GRID_MS;
  const early = midnight - 15 * 4; // no offset is more than +14 h
  const late = midnight + 13 * 4; // nor less than -12 h
  if (early > lo && !isReached(early * GRID_MS)) lo = early;
  if (late < hi && isReached(late * GRID_MS)) hi = late;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (isReached(mid * GRID_MS)) hi = mid;
    else lo = mid;
  }
  return Math.min(Math.max(hi * GRID_MS, from), to);
}

/** The calendar dates from `first` to `last` (YYYY-MM-DD), both included: plain date arithmetic, no clock time, so DST cannot skip or repeat a day. */
function calendarDays(first: string, last: string): string[] {
  const days: string[] = [];
  const [y, m, d] = first.split('-').map(Number) as [number, number, number];
  for (let date = Date.UTC(y, m - 1, d); days.length <= MAX_STATS_DAYS + 1; date += DAY_MS) {
    const day = new Date(date).toISOString().slice(0, 10);
    days.push(day);
    if (day >= last) break;
  }
  return days;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();
const US_DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;

/** The local calendar date of an instant in `timeZone`; VALIDATION for a zone this runtime does not know. */
function localDayOf(timeZone: string): (ms: number) => string {
  // Building a formatter costs more than a whole stats call on the rollups: one per zone, kept.
  let format = dayFormats.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      throw unknownTimeZone(timeZone);
    }
    if (dayFormats.size < 500) dayFormats.set(timeZone, format);
  }
  const formatter = format;
  // UTC needs no time-zone rules: the ISO date, about 5 times cheaper than formatToParts (a stats call asks ~60 times).
  if (formatter.resolvedOptions().timeZone === 'UTC') return (ms) => new Date(ms).toISOString().slice(0, 10);
  return (ms) => {
    // en-US numeric dates read MM/DD/YYYY: format() is about 3 times cheaper than formatToParts, which stays
    // the fallback for anything else (a year before 1000, a runtime that formats otherwise).
    const date = US_DATE.exec(formatter.format(ms));
    if (date) return `${date[3]}-${date[1]}-${date[2]}`;
    const parts = Object.fromEntries(formatter.formatToParts(ms).map((part) => [part.type, part.value]));
    return `${String(parts.year).padStart(4, '0')}-${parts.month}-${parts.day}`;
  };
}
