// The runs the ended-run rollups leave out, as the stats count them: pending runs from job_run_pending (per owner,
// UTC day and type; drizzle/0018_run_pending_counts.sql) plus, at a range's partial days, the shorter side of the day
// counted on the status index; running runs from job_runs on the status index, counted per owner and type in SQL
// and, for the per-day series, per UTC day on the index alone, with the shorter side of a partial day counted as for
// the pending ones. So a stats call reads a handful of rows whatever the length of the queue; only the per-owner and
// type counts of running runs read each of their rows (an adopted file or a long backlog can hold thousands).
import { sql } from 'drizzle-orm';
import { type RunStatus } from '../../src-shared/domain';
import type { TenantScope } from '../../src-shared/tenancy';
import type { AppDatabase } from '../db/connection';
import { DAY_MS, RUN_DAY_SQL } from '../db/rollup-keys';
import { type CountedRollups } from '../db/rollups';
import { jobRuns } from '../db/schema';
import { ownerRangesCondition, RUN_OWNER_SQL, runScopeCondition } from '../tenancy/owner-sql';
import { addStatusCounts, countsBeforeBounds, emptyStatusCounts, type RunAggregate, type StatusCounts } from './aggregates';
import { liveLength, rangePieces } from './range-pieces';
import { rawStatusCounter } from './rollup-reads';

const RAW_OWNER = sql.raw(RUN_OWNER_SQL);
const RUN_DAY = sql.raw(RUN_DAY_SQL);

/** The pending and running runs of a scope created in [from, to), for one stats call. */
export interface ActiveRuns {
  /** Adds them to `into`, per owner, job type and status (no durations: they have none yet). */
  addTo(into: RunAggregate): void;
  /** For ascending instants in [from, to], the pending and running runs per status created before each (from a fixed start). */
  countsBefore(bounds: readonly number[]): StatusCounts[];
}

export function activeRunsIn(rollups: CountedRollups, scope: TenantScope, from: number, to: number, now: number): ActiveRuns {
  const { db } = rollups;
  return {
    addTo(into) {
      for (const piece of rangePieces(from, to, now)) {
        const rows = piece.kind === 'days' ? pendingOfDays(rollups, scope, piece.fromDay, piece.toDay) : runsWithStatus(db, scope, 'pending', piece.from, piece.to);
        for (const row of rows) into.addRuns(row.owner, row.jobType, 'pending', piece.sign * row.runs, 0, 0);
      }
      for (const row of runsWithStatus(db, scope, 'running', from, to)) into.addRuns(row.owner, row.jobType, 'running', row.runs, 0, 0);
    },

    countsBefore(bounds) {
      const [firstDay, lastDay] = [Math.floor((bounds[0] ?? from) / DAY_MS), Math.floor((bounds[bounds.length - 1] ?? from) / DAY_MS)];
      const pending = activeBefore(db, scope, 'pending', pendingPerDay(rollups, scope, firstDay, lastDay), bounds, now);
      const running = activeBefore(db, scope, 'running', runningPerDay(db, scope, firstDay, lastDay), bounds, now);
      return pending.map((before, n) => addStatusCounts(before, running[n] as StatusCounts));
    },
  };
}

/**
 * For ascending instants, the runs of `status` created from the start of the first one's UTC day up to each: whole days
 * from `perDay` (UTC day → runs), and of x's own day the shorter live side counted on the status index, as rangePieces
 * picks it.
 */
function activeBefore(db: AppDatabase, scope: TenantScope, status: 'pending' | 'running', perDay: Map<number, number>, bounds: readonly number[], now: number): StatusCounts[] {
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

type OwnerTypeRuns = { owner: number; jobType: string; runs: number };

/** Pending runs per owner and type created on the UTC days [fromDay, toDay), from job_run_pending. */
function pendingOfDays(rollups: CountedRollups, scope: TenantScope, fromDay: number, toDay: number): OwnerTypeRuns[] {
  const { jobRunPending: t, jobRunCounts } = rollups.tables;
  return rollups.db.orm.all<OwnerTypeRuns>(sql`
    SELECT ${t.owner} AS owner, ${t.jobType} AS jobType, sum(${t.runs}) AS runs
    FROM ${t}
    WHERE ${ownerRangesCondition(scope, t.owner, jobRunCounts)} AND ${t.day} >= ${fromDay} AND ${t.day} < ${toDay}
    GROUP BY 1, 2`);
}

/** Pending runs per UTC day in [fromDay, lastDay] that has any, from job_run_pending. */
function pendingPerDay(rollups: CountedRollups, scope: TenantScope, fromDay: number, lastDay: number): Map<number, number> {
  const { jobRunPending: t, jobRunCounts } = rollups.tables;
  const rows = rollups.db.orm.all<{ day: number; runs: number }>(sql`
    SELECT ${t.day} AS day, sum(${t.runs}) AS runs
    FROM ${t}
    WHERE ${ownerRangesCondition(scope, t.owner, jobRunCounts)} AND ${t.day} >= ${fromDay} AND ${t.day} <= ${lastDay}
    GROUP BY 1`);
  return new Map(rows.map((row) => [row.day, row.runs]));
}

/**
 * The runs of `scope` with `status` created in [from, to), per owner and type, on the status indexes: pending runs in
 * a part of one day (its shorter side), running runs in the whole range.
 */
function runsWithStatus(db: AppDatabase, scope: TenantScope, status: 'pending' | 'running', from: number, to: number): OwnerTypeRuns[] {
  return db.orm.all<OwnerTypeRuns>(sql`
    SELECT ${RAW_OWNER} AS owner, ${jobRuns.jobType} AS jobType, count(*) AS runs
    FROM ${jobRuns}
    WHERE ${runScopeCondition(scope)} AND ${jobRuns.status} = ${status satisfies RunStatus}
      AND ${jobRuns.createdAt} >= ${from} AND ${jobRuns.createdAt} < ${to}
    GROUP BY 1, 2`);
}

/** Running runs per UTC day in [fromDay, lastDay] that has any, on the status indexes alone (no row is read). */
function runningPerDay(db: AppDatabase, scope: TenantScope, fromDay: number, lastDay: number): Map<number, number> {
  const rows = db.orm.all<{ day: number; runs: number }>(sql`
    SELECT ${RUN_DAY} AS day, count(*) AS runs
    FROM ${jobRuns}
    WHERE ${runScopeCondition(scope)} AND ${jobRuns.status} = ${'running' satisfies RunStatus}
      AND ${jobRuns.createdAt} >= ${fromDay * DAY_MS} AND ${jobRuns.createdAt} < ${(lastDay + 1) * DAY_MS}
    GROUP BY 1`);
  return new Map(rows.map((row) => [row.day, row.runs]));
}
