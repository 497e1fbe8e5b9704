// What the stats add up, in memory: runs, duration counts and sums per owner, job type and status, duration
// histograms per owner and job type, and runs per status (with their prefix sums over days). No SQL.
import { RUN_STATUSES, type RunStatus } from '../../src-shared/domain';
import { DAY_MS } from '../db/rollup-keys';

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

/** What a range's runs add up to: StatusAggregate and HistogramAggregate rows, each key once. */
export interface RangeAggregate {
  statuses: StatusAggregate[];
  histograms: HistogramAggregate[];
}

/** Per job type, then per owner: found with the strings and numbers the rows carry, no key built per row. */
type ByTypeAndOwner<T> = Map<string, Map<number, T>>;

function entryOf<T>(entries: ByTypeAndOwner<T>, jobType: string, owner: number, create: () => T): T {
  let ofType = entries.get(jobType);
  if (!ofType) {
    ofType = new Map();
    entries.set(jobType, ofType);
  }
  let entry = ofType.get(owner);
  if (!entry) {
    entry = create();
    ofType.set(owner, entry);
  }
  return entry;
}

/** A status's index in RUN_STATUSES. */
export const STATUS_INDEX: ReadonlyMap<RunStatus, number> = new Map(RUN_STATUSES.map((status, i) => [status, i]));

/** Adds up signed rows of a range's pieces per owner, job type and status (and duration bucket). */
export class RunAggregate {
  /** per job type and owner, a slot per status (RUN_STATUSES' order) */
  private readonly statuses: ByTypeAndOwner<(StatusAggregate | undefined)[]> = new Map();
  private readonly histograms: ByTypeAndOwner<HistogramAggregate> = new Map();

  /** False for counts alone (runs, duration counts and sums): whoever fills it then reads and adds no histograms. */
  constructor(readonly withHistograms = true) {}

  addRuns(owner: number, jobType: string, status: RunStatus, runs: number, durN: number, durSum: number): void {
    const slots = entryOf(this.statuses, jobType, owner, () => new Array<StatusAggregate | undefined>(RUN_STATUSES.length));
    const slot = STATUS_INDEX.get(status) as number;
    const entry = slots[slot];
    if (entry) {
      entry.runs += runs;
      entry.durN += durN;
      entry.durSum += durSum;
    } else {
      slots[slot] = { owner, jobType, status, runs, durN, durSum };
    }
  }

  histogramOf(owner: number, jobType: string): HistogramAggregate {
    return entryOf(this.histograms, jobType, owner, () => ({ owner, jobType, buckets: new Float64Array(HISTOGRAM_SIZE), lo: HISTOGRAM_SIZE, hi: -1 }));
  }

  /** Adds a kept aggregate (`sign` -1: takes it away). */
  add(aggregate: CompactAggregate, sign: 1 | -1 = 1): void {
    for (const row of aggregate.statuses) this.addRuns(row.owner, row.jobType, row.status, sign * row.runs, sign * row.durN, sign * row.durSum);
    if (!this.withHistograms) return;
    for (const { owner, jobType, lo, counts } of aggregate.histograms) {
      const entry = this.histogramOf(owner, jobType);
      // A plain loop: a callback made per row was slow before V8 optimized it (a stats call's first few calls).
      for (let i = 0; i < counts.length; i++) entry.buckets[lo + i] = (entry.buckets[lo + i] as number) + sign * (counts[i] as number);
      if (counts.length > 0) {
        entry.lo = Math.min(entry.lo, lo);
        entry.hi = Math.max(entry.hi, lo + counts.length - 1);
      }
    }
  }

  /** The rows, without statuses that add up to no runs. */
  result(): RangeAggregate {
    const statuses: StatusAggregate[] = [];
    for (const ofType of this.statuses.values()) {
      for (const slots of ofType.values()) {
        for (const row of slots) if (row && row.runs !== 0) statuses.push(row);
      }
    }
    const histograms: HistogramAggregate[] = [];
    for (const ofType of this.histograms.values()) histograms.push(...ofType.values());
    return { statuses, histograms };
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
  const compact: CompactAggregate['histograms'] = [];
  for (const { owner, jobType, lo, hi, buckets } of histograms) {
    // Buckets taken down to 0 (a kept window brought forward) are cut too: the same as a fresh read's.
    let [first, last] = [lo, hi];
    while (first <= last && buckets[first] === 0) first++;
    while (last >= first && buckets[last] === 0) last--;
    if (first <= last) compact.push({ owner, jobType, lo: first, counts: buckets.slice(first, last + 1) });
  }
  return { statuses, histograms: compact };
}

/** Runs per status. */
export type StatusCounts = Record<RunStatus, number>;

/** About what one StatusCounts (or a map's entry of them) takes in memory, for the caches' byte estimates. */
export const STATUS_COUNTS_BYTES = 160;

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
