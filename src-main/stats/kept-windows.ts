// Windows of whole settled UTC days as the stats read them (their aggregate and each day's runs per status), kept
// per tenant scope and window length: in memory per connection, and in the file (job_run_stats_windows), so that a
// new process starts with what the last one read. A window is known current by the day versions it was read under
// (job_run_day_versions): the every-day version and each of its days'. Asked for a window, what is kept of the same
// scope and length is taken as it is when nothing changed, or brought forward when the window moved on (a view's
// last 90 days, a day later): the days it gained are read from the rollups and added, the days it lost read and
// taken away (they are unchanged since, by their versions), so a new day costs two days' reads instead of ninety.
// Counts are exact either way: added and taken away, they are what a fresh read gives.
// A worker's connection is read-only: what a read computed is handed to the main thread (takeWindowsToKeep), which
// writes it (keepWindows).
import { sql } from 'drizzle-orm';
import { RUN_STATUSES } from '../../src-shared/domain';
import type { AppDatabase } from '../db/connection';
import { perConnection } from '../db/prepared';
import { DAY_MS, EVERY_DAY_VERSION } from '../db/rollup-keys';
import { type CountedRollups } from '../db/rollups';
import { jobRunDayVersions, jobRunStatsWindows } from '../db/schema';
import { compactAggregate, emptyStatusCounts, RunAggregate, type CompactAggregate, type StatusCounts } from './aggregates';
import { aggregateRange, dailyStatusTotals } from './rollup-reads';
import type { TenantScope } from '../../src-shared/tenancy';

/** Whole settled days: their aggregate, and each day's runs per status (days without runs are absent). */
export interface SettledDays {
  aggregate: CompactAggregate;
  perDay: Map<number, StatusCounts>;
}

/** Where a window is kept: its scope key (with the format), length in days and age (see settledWindow). */
interface Slot {
  scope: string;
  days: number;
  age: number;
}

/** The settled days [fromDay, toDay) of one scope, with the versions they were read under. */
interface SettledWindow extends Slot {
  fromDay: number;
  everyDay: number;
  /** the version of each day from fromDay on */
  versions: number[];
  settled: SettledDays;
}

/** A window as job_run_stats_windows holds it (and as it crosses from a read worker to the main thread). */
export interface KeptWindowRow {
  scope: string;
  days: number;
  age: number;
  firstDay: number;
  versions: string;
  value: string;
}

/**
 * Bumped whenever what a row's `value` means changes: part of the scope key, so rows written by another version of
 * the app are never read (they are replaced as windows are read again).
 */
const FORMAT = 'v1';

/** How many windows a connection keeps in memory (all businesses' 90 days take about half a megabyte). */
const MAX_WINDOWS = 64;

/** The window kept in memory per scope key and length, and whether the file has it yet. */
const windows = perConnection(() => new Map<string, { window: SettledWindow; unsaved: boolean }>());

/** Forgets what this connection keeps in memory (the file's rows stay): its next reads start as a new process would. */
export function forgetKeptWindows(db: AppDatabase): void {
  windows.forget(db);
}

function readSettledDays(rollups: CountedRollups, scope: TenantScope, fromDay: number, toDay: number, now: number): SettledDays {
  return {
    aggregate: compactAggregate(aggregateRange(rollups, scope, fromDay * DAY_MS, toDay * DAY_MS, now)),
    perDay: dailyStatusTotals(rollups, scope, fromDay, toDay - 1),
  };
}

interface Versions {
  everyDay: number;
  of(day: number): number;
}

/** The version rows of the days [fromDay, toDay) that have one (the others are at 0), and the every-day version's. */
export function dayVersionRows(db: AppDatabase, fromDay: number, toDay: number): { day: number; version: number }[] {
  const t = jobRunDayVersions;
  return db.orm.all<{ day: number; version: number }>(sql`
    SELECT ${t.day} AS day, ${t.version} AS version FROM ${t}
    WHERE ${t.day} = ${EVERY_DAY_VERSION} OR (${t.day} >= ${fromDay} AND ${t.day} < ${toDay})`);
}

function dayVersionsIn(db: AppDatabase, fromDay: number, toDay: number): Versions {
  const byDay = new Map(dayVersionRows(db, fromDay, toDay).map((row) => [row.day, row.version]));
  return { everyDay: byDay.get(EVERY_DAY_VERSION) ?? 0, of: (day) => byDay.get(day) ?? 0 };
}

/** The parts of [from, to) outside [outFrom, outTo), as day ranges. */
function rangesOutside(from: number, to: number, outFrom: number, outTo: number): [number, number][] {
  const ranges: [number, number][] = [];
  if (from < Math.min(to, outFrom)) ranges.push([from, Math.min(to, outFrom)]);
  if (Math.max(from, outTo) < to) ranges.push([Math.max(from, outTo), to]);
  return ranges;
}

/** `base` brought to [fromDay, toDay), or null when that reads as many days as a fresh read or `base` changed since. */
function movedOn(rollups: CountedRollups, scope: TenantScope, base: SettledWindow, fromDay: number, toDay: number, now: number, versions: Versions): SettledDays | null {
  const baseTo = base.fromDay + base.versions.length;
  const gained = rangesOutside(fromDay, toDay, base.fromDay, baseTo);
  const lost = rangesOutside(base.fromDay, baseTo, fromDay, toDay);
  const toRead = [...gained, ...lost].reduce((days, [a, b]) => days + b - a, 0);
  if (toRead >= toDay - fromDay || base.everyDay !== versions.everyDay) return null;
  // Every day of the base is unchanged, those kept and those taken away alike.
  if (base.versions.some((version, i) => version !== versions.of(base.fromDay + i))) return null;
  const into = new RunAggregate();
  into.add(base.settled.aggregate);
  const perDay = new Map(base.settled.perDay);
  for (const [sign, ranges] of [[1, gained], [-1, lost]] as const) {
    for (const [a, b] of ranges) {
      const part = readSettledDays(rollups, scope, a, b, now);
      into.add(part.aggregate, sign);
      for (let day = a; day < b; day++) {
        const counts = part.perDay.get(day);
        if (sign === -1) perDay.delete(day);
        else if (counts) perDay.set(day, counts);
      }
    }
  }
  return { aggregate: compactAggregate(into.result()), perDay };
}

/**
 * The settled days [fromDay, toDay) of `scope` (keyed `key`), `untilDay` the first day that is not over: what is kept
 * of the same scope, length and age (untilDay - toDay: a view's last 90 days and the 90 before them are kept apart) in
 * memory or in the file, as it is or brought forward, else read from the rollups. Called inside the stats call's read
 * transaction, so the versions and the rollups are one snapshot.
 */
export function settledWindow(rollups: CountedRollups, scope: TenantScope, key: string, { fromDay, toDay, untilDay }: { fromDay: number; toDay: number; untilDay: number }, now: number): SettledDays {
  const { db } = rollups;
  const slot = { scope: `${FORMAT} ${key}`, days: toDay - fromDay, age: untilDay - toDay };
  const length = slot.days;
  const slotKey = `${slot.scope} ${slot.days} ${slot.age}`;
  const kept = windows.of(db);
  const base = kept.get(slotKey)?.window ?? storedWindow(db, slot);
  const versions = dayVersionsIn(db, Math.min(fromDay, base?.fromDay ?? fromDay), Math.max(toDay, base ? base.fromDay + length : toDay));
  const current = Array.from({ length }, (_, i) => versions.of(fromDay + i));
  if (base && base.fromDay === fromDay && base.everyDay === versions.everyDay && base.versions.every((version, i) => version === current[i])) {
    const unsaved = kept.get(slotKey)?.unsaved ?? false;
    kept.delete(slotKey);
    kept.set(slotKey, { window: base, unsaved });
    return base.settled;
  }
  const settled = (base && movedOn(rollups, scope, base, fromDay, toDay, now, versions)) ?? readSettledDays(rollups, scope, fromDay, toDay, now);
  kept.delete(slotKey);
  kept.set(slotKey, { window: { ...slot, fromDay, everyDay: versions.everyDay, versions: current, settled }, unsaved: true });
  // The least recently read go first (kept in the file all the same, once saved).
  for (const oldest of kept.keys()) {
    if (kept.size <= MAX_WINDOWS) break;
    kept.delete(oldest);
  }
  return settled;
}

// ---- In the file ----------------------------------------------------------------------------------------

function storedWindow(db: AppDatabase, slot: Slot): SettledWindow | null {
  const t = jobRunStatsWindows;
  const row = db.orm.get<KeptWindowRow | undefined>(sql`
    SELECT ${t.scope} AS scope, ${t.days} AS days, ${t.age} AS age, ${t.firstDay} AS firstDay, ${t.versions} AS versions, ${t.value} AS value
    FROM ${t} WHERE ${t.scope} = ${slot.scope} AND ${t.days} = ${slot.days} AND ${t.age} = ${slot.age}`);
  return row ? decodeWindow(row) : null;
}

type EncodedDays = {
  statuses: [owner: number, jobType: string, status: number, runs: number, durN: number, durSum: number][];
  histograms: [owner: number, jobType: string, lo: number, counts: number[]][];
  perDay: [day: number, counts: number[]][];
};

function encodeWindow({ scope, age, fromDay, everyDay, versions, settled }: SettledWindow): KeptWindowRow {
  const value: EncodedDays = {
    statuses: settled.aggregate.statuses.map((row) => [row.owner, row.jobType, RUN_STATUSES.indexOf(row.status), row.runs, row.durN, row.durSum]),
    histograms: settled.aggregate.histograms.map((row) => [row.owner, row.jobType, row.lo, [...row.counts]]),
    perDay: [...settled.perDay].map(([day, counts]) => [day, RUN_STATUSES.map((status) => counts[status])]),
  };
  return { scope, days: versions.length, age, firstDay: fromDay, versions: JSON.stringify([everyDay, ...versions]), value: JSON.stringify(value) };
}

function decodeWindow(row: KeptWindowRow): SettledWindow | null {
  const [everyDay, ...versions] = JSON.parse(row.versions) as number[];
  if (everyDay === undefined || versions.length !== row.days) return null;
  const value = JSON.parse(row.value) as EncodedDays;
  const statusCounts = (counts: number[]): StatusCounts => {
    const result = emptyStatusCounts();
    RUN_STATUSES.forEach((status, i) => (result[status] = counts[i] ?? 0));
    return result;
  };
  return {
    scope: row.scope,
    days: row.days,
    age: row.age,
    fromDay: row.firstDay,
    everyDay,
    versions,
    settled: {
      aggregate: {
        statuses: value.statuses.map(([owner, jobType, status, runs, durN, durSum]) => ({ owner, jobType, status: RUN_STATUSES[status] ?? 'completed', runs, durN, durSum })),
        histograms: value.histograms.map(([owner, jobType, lo, counts]) => ({ owner, jobType, lo, counts: Float64Array.from(counts) })),
      },
      perDay: new Map(value.perDay.map(([day, counts]) => [day, statusCounts(counts)])),
    },
  };
}

/** The windows this connection read since it was last asked, for the file (a read worker sends them to the main thread). */
export function takeWindowsToKeep(db: AppDatabase): KeptWindowRow[] {
  const rows: KeptWindowRow[] = [];
  for (const entry of windows.of(db).values()) {
    if (!entry.unsaved) continue;
    entry.unsaved = false;
    rows.push(encodeWindow(entry.window));
  }
  return rows;
}

/** Writes windows to the file, one transaction; the row of a scope, length and age is replaced. */
export function keepWindows(db: AppDatabase, rows: readonly KeptWindowRow[]): void {
  if (rows.length === 0) return;
  const t = jobRunStatsWindows;
  db.sqlite.transaction(() => {
    for (const row of rows) {
      db.orm
        .insert(t)
        .values(row)
        .onConflictDoUpdate({ target: [t.scope, t.days, t.age], set: { firstDay: row.firstDay, versions: row.versions, value: row.value } })
        .run();
    }
  })();
}
