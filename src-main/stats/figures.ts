// The figures of one group of runs (the range, a job type, an owner) as the statistics report them: counts per
// status, success rate and duration summary, added up from a range's aggregate rows (aggregates.ts). No SQL.
import { RUN_STATUSES } from '../../src-shared/domain';
import { bucketValue } from '../db/rollup-keys';
import { emptyStatusCounts, HISTOGRAM_SIZE, STATUS_COUNTS_BYTES, type HistogramAggregate, type RangeAggregate, type StatusAggregate, type StatusCounts } from './aggregates';

export interface DurationSummary {
  avgMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
}

/** What a group of runs adds up to: counts per status, and the durations of its finished runs (sum and histogram). */
export interface StatsGroup {
  counts: StatusCounts;
  durN: number;
  durSum: number;
  /** finished runs with a duration, per duration bucket (the index); buckets outside [lo, hi] are 0 */
  histogram: Float64Array;
  lo: number;
  hi: number;
}

export function emptyGroup(): StatsGroup {
  return { counts: emptyStatusCounts(), durN: 0, durSum: 0, histogram: new Float64Array(HISTOGRAM_SIZE), lo: HISTOGRAM_SIZE, hi: -1 };
}

function groupIn<K>(groups: Map<K, StatsGroup>, key: K): StatsGroup {
  let group = groups.get(key);
  if (!group) {
    group = emptyGroup();
    groups.set(key, group);
  }
  return group;
}

/** The groups a range's rows add up in: the whole range, each job type and, in the all-business view, each owner. */
export interface StatsGroups {
  overall: StatsGroup;
  byType: Map<string, StatsGroup>;
  byOwner: Map<number, StatsGroup> | null;
}

/**
 * Adds a range's rows to the groups each row belongs to. Plain loops and no callback: this runs once per stats call
 * over every row of the range (the all-business view's 90 days at a million runs: about 60,000 buckets), and a
 * callback made per call stopped V8 from keeping the optimized code from one call to the next (a new call target).
 */
export function addToGroups({ statuses, histograms }: RangeAggregate, { overall, byType, byOwner }: StatsGroups): void {
  for (const row of statuses) {
    addCounts(overall, row);
    addCounts(groupIn(byType, row.jobType), row);
    if (byOwner) addCounts(groupIn(byOwner, row.owner), row);
  }
  for (const row of histograms) {
    addBuckets(overall, row);
    addBuckets(groupIn(byType, row.jobType), row);
    if (byOwner) addBuckets(groupIn(byOwner, row.owner), row);
  }
}

/** The groups of a range's rows (by owner too for the all-business view). */
export function groupsOf(aggregate: RangeAggregate, byOwner: boolean): StatsGroups {
  const groups: StatsGroups = { overall: emptyGroup(), byType: new Map(), byOwner: byOwner ? new Map() : null };
  addToGroups(aggregate, groups);
  return groups;
}

/** A copy to add to, the kept groups left as they are. */
export function copyOfGroups({ overall, byType, byOwner }: StatsGroups): StatsGroups {
  const copies = <K>(groups: Map<K, StatsGroup>) => new Map([...groups].map(([key, group]) => [key, copyOfGroup(group)]));
  return { overall: copyOfGroup(overall), byType: copies(byType), byOwner: byOwner && copies(byOwner) };
}

function copyOfGroup({ counts, durN, durSum, histogram, lo, hi }: StatsGroup): StatsGroup {
  return { counts: { ...counts }, durN, durSum, histogram: histogram.slice(), lo, hi };
}

/** About what the groups take in memory: a histogram of HISTOGRAM_SIZE numbers each, and their counts and sums. */
export function groupsBytes({ byType, byOwner }: StatsGroups): number {
  return (1 + byType.size + (byOwner?.size ?? 0)) * (HISTOGRAM_SIZE * 8 + STATUS_COUNTS_BYTES + 40);
}

function addCounts(group: StatsGroup, row: StatusAggregate): void {
  group.counts[row.status] += row.runs;
  group.durN += row.durN;
  group.durSum += row.durSum;
}

function addBuckets(group: StatsGroup, { buckets, lo, hi }: HistogramAggregate): void {
  const { histogram } = group;
  for (let bucket = lo; bucket <= hi; bucket++) histogram[bucket] = (histogram[bucket] as number) + (buckets[bucket] as number);
  if (lo <= hi) {
    group.lo = Math.min(group.lo, lo);
    group.hi = Math.max(group.hi, hi);
  }
}

export function totalOf(counts: StatusCounts): number {
  return RUN_STATUSES.reduce((sum, status) => sum + counts[status], 0);
}

/** completed / (completed + failed); pending, running and cancelled runs have no outcome to count. */
export function successRateOf(counts: Pick<StatusCounts, 'completed' | 'failed'>): number | null {
  const decided = counts.completed + counts.failed;
  return decided === 0 ? null : counts.completed / decided;
}

export function durationSummaryOf(group: StatsGroup): DurationSummary {
  // Plain loops over the buckets in use, one pass for both ranks: called for every group of a call (each owner too).
  const { histogram, lo, hi } = group;
  let n = 0;
  for (let bucket = lo; bucket <= hi; bucket++) n += histogram[bucket] as number;
  const avgMs = group.durN === 0 ? null : group.durSum / group.durN;
  if (n === 0) return { avgMs, p50Ms: null, p95Ms: null };
  // nearest rank: ceil(n/2) and ceil(19n/20), in integer arithmetic
  const [rank50, rank95] = [Math.floor((n + 1) / 2), Math.floor((19 * n + 19) / 20)];
  let p50Ms: number | null = null;
  let p95Ms: number | null = null;
  let seen = 0;
  for (let bucket = lo; bucket <= hi && p95Ms === null; bucket++) {
    seen += histogram[bucket] as number;
    if (p50Ms === null && seen >= rank50) p50Ms = bucketValue(bucket);
    if (seen >= rank95) p95Ms = bucketValue(bucket);
  }
  return { avgMs, p50Ms, p95Ms };
}

/** The figures every statistics row shows: runs, runs per status, success rate, durations. */
export function figuresOf(group: StatsGroup) {
  return { total: totalOf(group.counts), byStatus: group.counts, successRate: successRateOf(group.counts), duration: durationSummaryOf(group) };
}
