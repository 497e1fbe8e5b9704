// What the stats read of UTC days that are over ("settled"), kept in memory per connection and known current
// by the days' versions (job_run_day_versions: triggers on job_runs add 1 to the day of any past run that is
// written; a bulk change made with the triggers dropped adds 1 to every day; drizzle/0010_run_day_versions.sql).
// A stats call reads the versions of its days first, then takes from memory what it kept of those days under
// the same versions, and reads from the rollups and job_runs only what is new: the current day, and what a
// change to a past day made stale. Kept per connection, per tenant scope: a business's days under its own key.
//
// A range [from, to) splits at the first day that is not settled. Its settled part is at most three pieces: the
// partial first day and partial last day from the raw runs of that day (kept sorted, so any part of the day is
// counted in memory) and the whole days between from the rollups (kept as one aggregate per range of days,
// with each day's status counts for the per-day series). The rest is read as before (rollup-reads.ts). All of
// that counts ended runs, as job_run_daily does; the pending and running runs are read from their own rollup and
// job_runs (active-runs.ts).
// What a caller makes of the settled part, its pending and running runs included (the stats' groups, the previous
// period's counts per owner), is kept too, under the versions of all its days (StatsReader.settled); the caller adds
// what is live to a copy, so a call repeated over the same range reads and adds up only the days not settled (the
// per-day series still counts each day's pending and running runs afresh).
// Counts are exact either way: what is kept is what would be read.
import { sql } from 'drizzle-orm';
import { RUN_STATUSES } from '../../src-shared/domain';
import type { AppDatabase } from '../db/connection';
import { perConnection } from '../db/prepared';
import { DAY_MS, EVERY_DAY_VERSION } from '../db/rollup-keys';
import { countedRollups } from '../db/rollups';
import {
  addStatusCounts,
  addToBucket,
  compactAggregate,
  countsBeforeBounds,
  emptyStatusCounts,
  RunAggregate,
  STATUS_COUNTS_BYTES,
  STATUS_INDEX,
  type CompactAggregate,
  type HistogramAggregate,
  type RangeAggregate,
  type StatusCounts,
} from './aggregates';
import { activeRunsIn } from './active-runs';
import { dayVersionRows, forgetKeptWindows, settledWindow, type SettledDays } from './kept-windows';
import {
  aggregateRangeInto,
  dailyStatusTotals,
  rawCountsInDay,
  rawRunsOf,
  rawRunsOfDay,
  type RawRun,
} from './rollup-reads';
import type { TenantScope } from '../../src-shared/tenancy';

/**
 * A day counts as settled this long after it ended (by SQLite's clock, the triggers' clock): a write whose
 * trigger ran before midnight, and so did not add to the day's version, must have committed by then, or a
 * reader could keep the day without it. No write transaction of the app lasts minutes.
 */
const SETTLE_MS = 15 * 60_000;

/**
 * What the cache may hold at most, by an estimate of the bytes its values take (least recently used out first):
 * the largest values, all businesses' 90 days or one day of their raw runs, take about half a megabyte each.
 */
const MAX_BYTES = 32 * 1024 * 1024;

interface DayVersions {
  /** The first UTC day that is not settled. */
  untilDay: number;
  /** A number that grows whenever a run created on the days [fromDay, toDay) is written. */
  fingerprint(fromDay: number, toDay: number): number;
}

function readDayVersions(db: AppDatabase, fromDay: number, toDay: number): DayVersions {
  const clock = db.orm.get<{ now: number }>(sql`SELECT unixepoch('subsec') * 1000 AS now`);
  // before[i]: the versions of the days [fromDay, fromDay + i) added up (a stats call asks for a fingerprint per day).
  const before = new Float64Array(Math.max(0, toDay - fromDay) + 1);
  let everyDay = 0;
  for (const { day, version } of dayVersionRows(db, fromDay, toDay)) {
    if (day === EVERY_DAY_VERSION) everyDay = version;
    else before[day - fromDay + 1] = version;
  }
  for (let i = 1; i < before.length; i++) before[i] = (before[i] as number) + (before[i - 1] as number);
  const at = (day: number) => before[Math.min(Math.max(day - fromDay, 0), before.length - 1)] as number;
  return {
    untilDay: Math.floor((clock.now - SETTLE_MS) / DAY_MS),
    // Versions only grow and their rows are never deleted, so a sum over the days grows with any of them.
    fingerprint: (a, b) => everyDay + Math.max(0, at(b) - at(a)),
  };
}

class SettledCache {
  private readonly entries = new Map<string, { fingerprint: number; value: unknown; bytes: number }>();
  private bytes = 0;

  /** The value kept under `key` if it was kept at `fingerprint`, else `read()`, kept (`bytes` estimates its size). */
  get<T>(key: string, fingerprint: number, read: () => T, bytes: (value: T) => number): T {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      if (entry.fingerprint === fingerprint) {
        this.entries.set(key, entry);
        return entry.value as T;
      }
      this.bytes -= entry.bytes;
    }
    const value = read();
    const size = bytes(value);
    this.entries.set(key, { fingerprint, value, bytes: size });
    this.bytes += size;
    for (const [oldest, { bytes: freed }] of this.entries) {
      if (this.bytes <= MAX_BYTES || oldest === key) break;
      this.entries.delete(oldest);
      this.bytes -= freed;
    }
    return value;
  }
}

const caches = perConnection(() => new SettledCache());

/**
 * Drops what this connection keeps in memory of settled days: its next stats calls start as a new process's would,
 * with what the file keeps (kept-windows.ts), if anything.
 */
export function forgetSettledDays(db: AppDatabase): void {
  caches.forget(db);
  forgetKeptWindows(db);
}

function scopeKey(scope: TenantScope): string {
  return scope.kind === 'business' ? `business ${scope.businessId}` : scope.kind;
}


/** The ended runs of one scope created on one UTC day, in created_at order: any part of the day is added up in memory. */
class RawDay {
  private readonly createdAt: Float64Array;
  /** index into `groups` (owner and job type) */
  private readonly group: Int32Array;
  private readonly status: Uint8Array;
  /** the duration bucket of a run finished with a duration, else -1 */
  private readonly bucket: Int16Array;
  private readonly durationMs: Float64Array;
  private readonly groups: { owner: number; jobType: string }[] = [];
  /** per status, how many of the runs before each index have it (so `before` is a binary search) */
  private readonly countsBefore: Int32Array[];

  constructor(rows: readonly RawRun[]) {
    const n = rows.length;
    [this.createdAt, this.group, this.status, this.bucket, this.durationMs] = [
      new Float64Array(n),
      new Int32Array(n),
      new Uint8Array(n),
      new Int16Array(n),
      new Float64Array(n),
    ];
    const groupIndex = new Map<string, number>();
    rows.forEach((row, i) => {
      const key = `${row.owner}\u0000${row.jobType}`;
      let g = groupIndex.get(key);
      if (g === undefined) {
        g = this.groups.length;
        groupIndex.set(key, g);
        this.groups.push({ owner: row.owner, jobType: row.jobType });
      }
      this.createdAt[i] = row.createdAt;
      this.group[i] = g;
      this.status[i] = STATUS_INDEX.get(row.status) ?? 0;
      this.bucket[i] = row.bucket ?? -1;
      this.durationMs[i] = row.bucket === null ? 0 : (row.durationMs ?? 0);
    });
    this.countsBefore = RUN_STATUSES.map((_, s) => {
      const counts = new Int32Array(n + 1);
      for (let i = 0; i < n; i++) counts[i + 1] = (counts[i] as number) + (this.status[i] === s ? 1 : 0);
      return counts;
    });
  }

  /** About what it takes in memory: 44 bytes a run in its arrays, and its groups. */
  get bytes(): number {
    return this.createdAt.length * (24 + 4 * RUN_STATUSES.length) + this.groups.length * 64;
  }

  /** The index of the first run created at or after `at`. */
  private indexOf(at: number): number {
    let [lo, hi] = [0, this.createdAt.length];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.createdAt[mid] as number) < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The runs created in [from, to), added up run by run: counts alone, or with their duration histograms. */
  aggregate(from: number, to: number, withHistograms: boolean): CompactAggregate {
    const into = new RunAggregate(withHistograms);
    this.addUp(into, from, to);
    return compactAggregate(into.result());
  }

  /** Adds the runs created in [from, to) to `into`, run by run. */
  private addUp(into: RunAggregate, from: number, to: number): void {
    const statuses = RUN_STATUSES.length;
    const size = this.groups.length * statuses;
    const [runs, durN, durSum] = [new Float64Array(size), new Float64Array(size), new Float64Array(size)];
    const histograms: (HistogramAggregate | undefined)[] = [];
    for (let i = this.indexOf(from), end = this.indexOf(to); i < end; i++) {
      const g = this.group[i] as number;
      const k = g * statuses + (this.status[i] as number);
      runs[k] = (runs[k] as number) + 1;
      const bucket = this.bucket[i] as number;
      if (bucket < 0) continue;
      durN[k] = (durN[k] as number) + 1;
      durSum[k] = (durSum[k] as number) + (this.durationMs[i] as number);
      if (!into.withHistograms) continue;
      const { owner, jobType } = this.groups[g] as { owner: number; jobType: string };
      addToBucket((histograms[g] ??= into.histogramOf(owner, jobType)), bucket, 1);
    }
    this.groups.forEach(({ owner, jobType }, g) => {
      RUN_STATUSES.forEach((status, s) => {
        const k = g * statuses + s;
        if ((runs[k] as number) > 0) into.addRuns(owner, jobType, status, runs[k] as number, durN[k] as number, durSum[k] as number);
      });
    });
  }

  /** The ended runs per status created before `at` (all of the day's for an `at` after it). */
  before(at: number): StatusCounts {
    const end = this.indexOf(at);
    const counts = emptyStatusCounts();
    RUN_STATUSES.forEach((status, s) => (counts[status] = (this.countsBefore[s] as Int32Array)[end] as number));
    return counts;
  }
}

function aggregateBytes(aggregate: CompactAggregate): number {
  const buckets = aggregate.histograms.reduce((sum, row) => sum + row.counts.length, 0);
  return aggregate.statuses.length * 120 + aggregate.histograms.length * 120 + buckets * 8;
}

function settledDaysBytes({ aggregate, perDay }: SettledDays): number {
  return aggregateBytes(aggregate) + perDay.size * STATUS_COUNTS_BYTES;
}

/** The runs of a scope created in [from, to), read once per stats call. */
export interface StatsReader {
  /**
   * What `derive` makes of the runs of the range's settled part (counts, duration counts and sums, and with
   * `histograms` the ended runs' duration histograms, per owner and job type): made once per versions of those days
   * and kept, so a call repeated over the same range adds up only what `live` reads. `name` tells apart what callers
   * derive.
   */
  settled<T>(name: string, histograms: boolean, derive: (aggregate: RangeAggregate) => T, bytes: (value: T) => number): T;
  /** The rest of the range, read on every call: the runs of the days not settled, ended, pending and running. */
  live(histograms: boolean): RangeAggregate;
  /** For ascending instants in [from, to], the runs per status from the start of the first one's UTC day up to each. */
  countsBefore(bounds: readonly number[]): StatusCounts[];
}

export function statsReader(db: AppDatabase, scope: TenantScope, from: number, to: number, now: number): StatsReader {
  const rollups = countedRollups(db);
  const firstDay = Math.floor(from / DAY_MS);
  // The versions before anything they vouch for: a value kept under them was read after them, so it may hold a
  // change they miss (and is read again next time), never lack one they count.
  const versions = readDayVersions(db, firstDay, Math.floor((to - 1) / DAY_MS) + 1);
  const cache = caches.of(db);
  const key = scopeKey(scope);
  const raw = rawRunsOf(db, scope);
  // [from, settledEnd) is settled: the partial day before `a`, whole days [a, b), the partial day from b.
  const settledEnd = Math.min(to, Math.max(from, versions.untilDay * DAY_MS));
  const [a, b] = [Math.ceil(from / DAY_MS), Math.floor(settledEnd / DAY_MS)];
  const isRawDay = (day: number) => (day === firstDay && from < a * DAY_MS) || (day === b && b * DAY_MS < settledEnd);
  const rawDay = (day: number) =>
    cache.get(
      `raw ${key} ${day}`,
      versions.fingerprint(day, day + 1),
      () => new RawDay(rawRunsOfDay(db, scope, day)),
      (value) => value.bytes,
    );
  // A part of a raw day, added up once and kept under the day's version: a view asks the same range again on every
  // refresh (its presets move a minute at a time), and added up per call the partial first day cost a call time in
  // proportion to that day's runs (all businesses' 90 days at ten million runs: 110,000 runs a day).
  const addRawPart = (into: RunAggregate, day: number, partFrom: number, partTo: number) => {
    const kind = into.withHistograms ? 'histograms' : 'counts';
    const part = cache.get(`part ${key} ${day} ${kind} ${partFrom} ${partTo}`, versions.fingerprint(day, day + 1), () => rawDay(day).aggregate(partFrom, partTo, into.withHistograms), aggregateBytes);
    into.add(part);
  };
  const settledDays = () => cache.get(`days ${key} ${a} ${b}`, versions.fingerprint(a, b), () => settledWindow(rollups, scope, key, { fromDay: a, toDay: b, untilDay: versions.untilDay }, now), settledDaysBytes);

  // The pending and running runs, which the ended-run rollups and the kept windows leave out: those of the whole range
  // for the per-day series; those of settled days go into what callers keep of the settled part (any write to a run
  // of a day that is over adds to its version), those of the rest into the live part.
  const active = activeRunsIn(rollups, scope, from, to, now);

  const settledAggregate = (histograms: boolean): RangeAggregate => {
    const into = new RunAggregate(histograms);
    if (from < settledEnd) {
      activeRunsIn(rollups, scope, from, settledEnd, now).addTo(into);
      if (a > b) {
        addRawPart(into, firstDay, from, settledEnd);
      } else {
        if (from < a * DAY_MS) addRawPart(into, firstDay, from, a * DAY_MS);
        if (a < b) into.add(settledDays().aggregate);
        if (b * DAY_MS < settledEnd) addRawPart(into, b, b * DAY_MS, settledEnd);
      }
    }
    return into.result();
  };

  return {
    settled(name, histograms, derive, bytes) {
      const kind = histograms ? 'histograms' : 'counts';
      const fingerprint = versions.fingerprint(firstDay, Math.ceil(settledEnd / DAY_MS));
      return cache.get(`settled ${name} ${key} ${kind} ${from} ${settledEnd}`, fingerprint, () => derive(settledAggregate(histograms)), bytes);
    },

    live(histograms) {
      const into = new RunAggregate(histograms);
      if (settledEnd < to) {
        activeRunsIn(rollups, scope, settledEnd, to, now).addTo(into);
        aggregateRangeInto(into, rollups, scope, settledEnd, to, now, raw);
      }
      return into.result();
    },

    countsBefore(bounds) {
      const last = bounds[bounds.length - 1] ?? from;
      let liveTotals: Map<number, StatusCounts> | undefined;
      let liveInDay: ReturnType<typeof rawCountsInDay> | undefined;
      const dayTotal = (day: number): StatusCounts | undefined => {
        if (day < versions.untilDay) return isRawDay(day) ? rawDay(day).before(Infinity) : settledDays().perDay.get(day);
        liveTotals ??= dailyStatusTotals(rollups, scope, Math.max(firstDay, versions.untilDay), Math.floor(last / DAY_MS));
        return liveTotals.get(day);
      };
      const countLive = (x: number) => (liveInDay ??= rawCountsInDay(db, scope, now, raw))(x, dayTotal(Math.floor(x / DAY_MS)));
      const ended = countsBeforeBounds(bounds, dayTotal, (x) => {
        const day = Math.floor(x / DAY_MS);
        if (day >= versions.untilDay) return countLive(x);
        if (isRawDay(day)) return rawDay(day).before(x);
        return cache.get(`before ${key} ${x}`, versions.fingerprint(day, day + 1), () => countLive(x), () => STATUS_COUNTS_BYTES);
      });
      return active.countsBefore(bounds).map((activeBefore, n) => addStatusCounts(ended[n] as StatusCounts, activeBefore));
    },
  };
}
