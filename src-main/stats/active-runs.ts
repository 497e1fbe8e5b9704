// The runs the ended-run rollups leave out, as the stats count them: pending and running runs from job_run_active
// (per owner, UTC day, type and status; drizzle/0022_run_active_counts.sql) plus, at a range's partial days, the
// shorter side of the day counted on the status index. So a stats call reads a handful of rows whatever the length of
// the queue or of the backlog of running runs.
import { sql } from 'drizzle-orm';
import { ACTIVE_RUN_STATUSES } from '../../src-shared/domain';
import type { TenantScope } from '../../src-shared/tenancy';
import type { AppDatabase } from '../db/connection';
import { DAY_MS, RUN_ACTIVE_SQL } from '../db/rollup-keys';
import { type CountedRollups } from '../db/rollups';
import { jobRuns } from '../db/schema';
import { ownerRangesCondition, RUN_OWNER_SQL, runScopeCondition } from '../tenancy/owner-sql';
import { addStatusCounts, countsBeforeBounds, emptyStatusCounts, type RunAggregate, type StatusCounts } from './aggregates';
import { liveLength, rangePieces } from './range-pieces';
import { rawStatusCounter } from './rollup-reads';

const RAW_OWNER = sql.raw(RUN_OWNER_SQL);
const RAW_ACTIVE = sql.raw(RUN_ACTIVE_SQL);

/** The pending and running runs of a scope created in [from, to), for one stats call. */
export interface ActiveRuns {
  /** Adds them to `into`, per owner, job type and status (no durations: they have none yet). */
  addTo(into: RunAggregate): void;
  /** For ascending instants in [from, to], the pending and running runs per status created before each (from a fixed start). */
  countsBefore(bounds: readonly number[]): StatusCounts[];
}

type ActiveStatus = (typeof ACTIVE_RUN_STATUSES)[number];

export function activeRunsIn(rollups: CountedRollups, scope: TenantScope, from: number, to: number, now: number): ActiveRuns {
  const { db } = rollups;
  return {
    addTo(into) {
      for (const piece of rangePieces(from, to, now)) {
        const rows = piece.kind === 'days' ? activeOfDays(rollups, scope, piece.fromDay, piece.toDay) : activeRunsCreated(db, scope, piece.from, piece.to);
        for (const row of rows) into.addRuns(row.owner, row.jobType, row.status, piece.sign * row.runs, 0, 0);
      }
    },

    countsBefore(bounds) {
      const [firstDay, lastDay] = [Math.floor((bounds[0] ?? from) / DAY_MS), Math.floor((bounds[bounds.length - 1] ?? from) / DAY_MS)];
      const perDay = activePerDay(rollups, scope, firstDay, lastDay);
      const [pending, running] = ACTIVE_RUN_STATUSES.map((status) => activeBefore(db, scope, status, perDay[status], bounds, now)) as [StatusCounts[], StatusCounts[]];
      return pending.map((before, n) => addStatusCounts(before, running[n] as StatusCounts));
    },
  };
}

/**
 * For ascending instants, the runs of `status` created from the start of the first one's UTC day up to each: whole days
 * from `perDay` (UTC day → runs), and of x's own day the shorter live side counted on the status index, as rangePieces
 * picks it.
 */
function activeBefore(db: AppDatabase, scope: TenantScope, status: ActiveStatus, perDay: Map<number, number>, bounds: readonly number[], now: number): StatusCounts[] {
  const count = (a: number, b: number) => rawStatusCounter(db, scope)(a, b, [status])[status];
  const on = (day: number) => perDay.get(day) ?? 0;
  const inDay = (x: number) => {
    const day = Math.floor(x / DAY_MS);
    const [dayStart, dayEnd] = [day * DAY_MS, (day + 1) * DAY_MS];
    if (on(day) === 0) return 0;
    if (liveLength(dayStart, x, now) < liveLength(x, dayEnd, now)) return count(dayStart, x);
    return on(day) - count(x, dayEnd);
  };
  const countsOf = (runs: number): StatusCounts => ({ ...emptyStatusCounts(), [status]: runs });
  return countsBeforeBounds(
    bounds,
    (day) => (on(day) === 0 ? undefined : countsOf(on(day))),
    (x) => countsOf(inDay(x)),
  );
}

type ActiveRows = { owner: number; jobType: string; status: ActiveStatus; runs: number };

/** Pending and running runs per owner, type and status created on the UTC days [fromDay, toDay), from job_run_active. */
function activeOfDays(rollups: CountedRollups, scope: TenantScope, fromDay: number, toDay: number): ActiveRows[] {
  const { jobRunActive: t, jobRunCounts } = rollups.tables;
  return rollups.db.orm.all<ActiveRows>(sql`
    SELECT ${t.owner} AS owner, ${t.jobType} AS jobType, ${t.status} AS status, sum(${t.runs}) AS runs
    FROM ${t}
    WHERE ${ownerRangesCondition(scope, t.owner, jobRunCounts)} AND ${t.day} >= ${fromDay} AND ${t.day} < ${toDay}
    GROUP BY 1, 2, 3`);
}

/** Pending and running runs per status and UTC day in [fromDay, lastDay] that has any, from job_run_active. */
function activePerDay(rollups: CountedRollups, scope: TenantScope, fromDay: number, lastDay: number): Record<ActiveStatus, Map<number, number>> {
  const { jobRunActive: t, jobRunCounts } = rollups.tables;
  const rows = rollups.db.orm.all<{ status: ActiveStatus; day: number; runs: number }>(sql`
    SELECT ${t.status} AS status, ${t.day} AS day, sum(${t.runs}) AS runs
    FROM ${t}
    WHERE ${ownerRangesCondition(scope, t.owner, jobRunCounts)} AND ${t.day} >= ${fromDay} AND ${t.day} <= ${lastDay}
    GROUP BY 1, 2`);
  const perDay: Record<ActiveStatus, Map<number, number>> = { pending: new Map(), running: new Map() };
  for (const row of rows) perDay[row.status].set(row.day, row.runs);
  return perDay;
}

/** The pending and running runs of `scope` created in [from, to) (a part of one day, its shorter side), per owner, type and status, on the status indexes. */
function activeRunsCreated(db: AppDatabase, scope: TenantScope, from: number, to: number): ActiveRows[] {
  return db.orm.all<ActiveRows>(sql`
    SELECT ${RAW_OWNER} AS owner, ${jobRuns.jobType} AS jobType, ${jobRuns.status} AS status, count(*) AS runs
    FROM ${jobRuns}
    WHERE ${runScopeCondition(scope)} AND ${RAW_ACTIVE}
      AND ${jobRuns.createdAt} >= ${from} AND ${jobRuns.createdAt} < ${to}
    GROUP BY 1, 2, 3`);
}
