// The runs the ended-run rollups leave out, as the stats count them: pending runs from job_run_pending (per owner,
// UTC day and type; drizzle/0018_run_pending_counts.sql) plus, at a range's partial days, the shorter side of the day
// counted on the status index; running runs from job_runs on the status index, counted per owner and type in SQL
// and, for the per-day series, read as their creation times alone. So a stats call reads a handful of rows whatever
// the length of the queue, and a number per running run (an adopted file can hold thousands).
import { sql } from 'drizzle-orm';
import { type RunStatus } from '../../src-shared/domain';
import type { TenantScope } from '../../src-shared/tenancy';
import type { AppDatabase } from '../db/connection';
import { DAY_MS } from '../db/rollup-keys';
import { type CountedRollups } from '../db/rollups';
import { jobRuns } from '../db/schema';
import { ownerRangesCondition, RUN_OWNER_SQL, runScopeCondition } from '../tenancy/owner-sql';
import { addStatusCounts, countsBeforeBounds, emptyStatusCounts, type RunAggregate, type StatusCounts } from './aggregates';
import { liveLength, rangePieces } from './range-pieces';
import { rawStatusCounter } from './rollup-reads';

const RAW_OWNER = sql.raw(RUN_OWNER_SQL);

/** The pending and running runs of a scope created in [from, to), for one stats call. */
export interface ActiveRuns {
  /** Adds them to `into`, per owner, job type and status (no durations: they have none yet). */
  addTo(into: RunAggregate): void;
  /** For ascending instants in [from, to], the pending and running runs per status created before each (from a fixed start). */
  countsBefore(bounds: readonly number[]): StatusCounts[];
}

export function activeRunsIn(rollups: CountedRollups, scope: TenantScope, from: number, to: number, now: number): ActiveRuns {
  const { db } = rollups;
  const countPending = (a: number, b: number) => rawStatusCounter(db, scope)(a, b, ['pending']).pending;
  let runningTimes: number[] | undefined;
  return {
    addTo(into) {
      for (const piece of rangePieces(from, to, now)) {
        const rows = piece.kind === 'days' ? pendingOfDays(rollups, scope, piece.fromDay, piece.toDay) : runsWithStatus(db, scope, 'pending', piece.from, piece.to);
        for (const row of rows) into.addRuns(row.owner, row.jobType, 'pending', piece.sign * row.runs, 0, 0);
      }
      for (const row of runsWithStatus(db, scope, 'running', from, to)) into.addRuns(row.owner, row.jobType, 'running', row.runs, 0, 0);
    },

    countsBefore(bounds) {
      const first = bounds[0] ?? from;
      const last = bounds[bounds.length - 1] ?? from;
      const perDay = pendingPerDay(rollups, scope, Math.floor(first / DAY_MS), Math.floor(last / DAY_MS));
      const pendingOn = (day: number) => perDay.get(day) ?? 0;
      // Runs of x's day created before x: the shorter live side of the day counted on the index, as rangePieces picks it.
      const inDay = (x: number) => {
        const day = Math.floor(x / DAY_MS);
        const [dayStart, dayEnd] = [day * DAY_MS, (day + 1) * DAY_MS];
        if (pendingOn(day) === 0) return 0;
        if (liveLength(dayStart, x, now) < liveLength(x, dayEnd, now)) return countPending(dayStart, x);
        return pendingOn(day) - countPending(x, dayEnd);
      };
      const pending = countsBeforeBounds(
        bounds,
        (day) => (pendingOn(day) === 0 ? undefined : pendingCounts(pendingOn(day))),
        (x) => pendingCounts(inDay(x)),
      );
      // Plus the running runs created from `from` up to each bound (in created_at order, as the bounds are).
      const times = (runningTimes ??= runningTimesOf(db, scope, from, to));
      let runningBefore = 0;
      return pending.map((before, n) => {
        while (runningBefore < times.length && (times[runningBefore] as number) < (bounds[n] as number)) runningBefore += 1;
        return addStatusCounts(before, { ...emptyStatusCounts(), running: runningBefore });
      });
    },
  };
}

function pendingCounts(runs: number): StatusCounts {
  return { ...emptyStatusCounts(), pending: runs };
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

/** When each running run of `scope` created in [from, to) was created, in order: a number per run, no row objects. */
function runningTimesOf(db: AppDatabase, scope: TenantScope, from: number, to: number): number[] {
  const rows = db.orm.values<[number]>(sql`
    SELECT ${jobRuns.createdAt}
    FROM ${jobRuns}
    WHERE ${runScopeCondition(scope)} AND ${jobRuns.status} = ${'running' satisfies RunStatus}
      AND ${jobRuns.createdAt} >= ${from} AND ${jobRuns.createdAt} < ${to}
    ORDER BY ${jobRuns.createdAt}`);
  return rows.map((row) => row[0]);
}
