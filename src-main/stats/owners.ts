// The all-view's comparison of owners (each business, system-wide runs, orphans): each one's figures over the
// range, and its runs and success rate over the period of the same length just before it, read through the same
// rollup reader (aggregate only: no per-day series, nothing read run by run beyond the partial days at its edges).
import { inArray } from 'drizzle-orm';
import { compareOwners } from '../../src-shared/tenancy';
import { type JobRunStatsView } from '../../src-shared/schemas/jobs';
import { type AppDatabase } from '../db/connection';
import { businesses } from '../db/schema';
import { ORPHANS_OWNER, SYSTEM_OWNER } from '../tenancy/owner-sql';
import { emptyStatusCounts, STATUS_COUNTS_BYTES, type RangeAggregate, type StatusCounts } from './aggregates';
import { emptyGroup, figuresOf, successRateOf, totalOf, type StatsGroup } from './figures';
import { statsReader } from './settled-days';

type OwnerStats = NonNullable<JobRunStatsView['byBusiness']>[number];

/**
 * Runs per status of each owner created in [from - (to - from), from): the period of the same length just before
 * the range. Null when that period would start before the epoch.
 */
export function previousPeriodCounts(db: AppDatabase, from: number, to: number, now: number): Map<number, StatusCounts> | null {
  const previousFrom = from - (to - from);
  if (previousFrom < 0) return null;
  // Counts alone: the previous period's durations are not shown, so its histograms are neither read nor added.
  const reader = statsReader(db, { kind: 'all' }, previousFrom, from, now);
  const settled = reader.settled('counts by owner', false, (aggregate) => addCountsByOwner(new Map(), aggregate), (counts) => counts.size * STATUS_COUNTS_BYTES);
  return addCountsByOwner(new Map([...settled].map(([owner, counts]) => [owner, { ...counts }])), reader.live(false));
}

function addCountsByOwner(counts: Map<number, StatusCounts>, { statuses }: RangeAggregate): Map<number, StatusCounts> {
  for (const row of statuses) {
    let owner = counts.get(row.owner);
    if (!owner) {
      owner = emptyStatusCounts();
      counts.set(row.owner, owner);
    }
    owner[row.status] += row.runs;
  }
  return counts;
}

/**
 * One entry per owner with runs in the range or in the previous period (an owner whose runs stopped is listed
 * with none), most runs first. `previous` is null for every owner when there is no previous period.
 */
export function statsByOwner(db: AppDatabase, byOwner: Map<number, StatsGroup>, previous: Map<number, StatusCounts> | null): OwnerStats[] {
  const hasRuns = (counts: StatusCounts | undefined) => counts !== undefined && totalOf(counts) > 0;
  const ownerKeys = new Set([...byOwner].filter(([, group]) => hasRuns(group.counts)).map(([owner]) => owner));
  for (const [owner, counts] of previous ?? []) if (hasRuns(counts)) ownerKeys.add(owner);
  const names = businessNames(db, [...ownerKeys].filter((owner) => owner > 0));
  return [...ownerKeys]
    .map((ownerKey): OwnerStats => {
      const before = previous === null ? null : (previous.get(ownerKey) ?? emptyStatusCounts());
      return {
        owner: ownerOf(ownerKey, names),
        ...figuresOf(byOwner.get(ownerKey) ?? emptyGroup()),
        previous: before === null ? null : { total: totalOf(before), successRate: successRateOf(before) },
      };
    })
    .sort((x, y) => y.total - x.total || compareOwners(x.owner, y.owner));
}

function businessNames(db: AppDatabase, ids: number[]): Map<number, string> {
  if (ids.length === 0) return new Map();
  const rows = db.orm.select({ id: businesses.id, name: businesses.name }).from(businesses).where(inArray(businesses.id, ids)).all();
  return new Map(rows.map((row) => [row.id, row.name]));
}

function ownerOf(ownerKey: number, names: Map<number, string>): OwnerStats['owner'] {
  if (ownerKey === SYSTEM_OWNER) return { kind: 'system' };
  if (ownerKey === ORPHANS_OWNER) return { kind: 'orphans' };
  return { kind: 'business', businessId: ownerKey, businessName: names.get(ownerKey) ?? `Business ${ownerKey}` };
}
