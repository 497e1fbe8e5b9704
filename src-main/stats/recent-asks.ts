// The statistics people asked for last, remembered in the file (app_meta), so that a new process's thread of long
// reads reads them as it starts (reads/worker.ts, warmUp) and the view's first statistics after a start come from
// what that thread keeps in memory (settled-days.ts) instead of from the rollups. An ask is remembered by its scope,
// its length, its time zone and, for a range that ended when it was asked (a view's last N days), no end: such an
// ask is read again as the same length up to the time of the new start. The main thread notes each ask the stats
// channel has answered (with the scope it derived; a refused ask writes nothing); the file is written only when the
// list changes, never on the read's path.
import { z } from 'zod';
import { type TenantScope } from '../../src-shared/tenancy';
import { rangeEndAfter, type JobRunStatsInput } from '../../src-shared/schemas/jobs';
import { type AppDatabase } from '../db/connection';
import { writeBesideRead } from '../db/background-work';
import { readMeta, writeMeta } from '../db/meta';
import { perConnection } from '../db/prepared';

/** The app_meta key the list is kept under. */
export const META_RECENT_STATS_ASKS = 'stats_recent_asks';

/** How many asks are remembered, the latest first (each a first call's work for the thread as it starts). */
export const MAX_RECENT_ASKS = 4;

/** A range whose end lies this close to the moment it was asked ended "now": the view's presets end at the next minute. */
const ENDS_NOW_MS = 2 * 60_000;

const askSchema = z.strictObject({
  scope: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('business'), businessId: z.number().int().positive() }),
    z.strictObject({ kind: z.literal('all') }),
    z.strictObject({ kind: z.literal('system') }),
    z.strictObject({ kind: z.literal('orphans') }),
  ]),
  lengthMs: z.number().int().positive(),
  /** null: the range ended when it was asked, and is read again up to now */
  to: z.number().int().positive().nullable(),
  timeZone: z.string().min(1).max(64),
});

export type StatsAsk = z.output<typeof askSchema>;

function askKey({ scope, lengthMs, to, timeZone }: StatsAsk): string {
  return JSON.stringify([scope.kind, scope.kind === 'business' ? scope.businessId : 0, lengthMs, to, timeZone]);
}

/**
 * The remembered asks in the file, the latest first; none when nothing is kept, when what is kept does not read as
 * asks, or when the file cannot be read (closing): a hint, never a reason for a read to fail.
 */
export function recentStatsAsks(db: AppDatabase): StatsAsk[] {
  try {
    const parsed = z.array(askSchema).max(MAX_RECENT_ASKS).safeParse(readMeta(db, META_RECENT_STATS_ASKS));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** The list this process remembers, read from the file on the connection's first ask. */
const remembered = perConnection((): { asks: StatsAsk[] | null } => ({ asks: null }));

/** The ask `input` makes of `scope` at `now`, as it is remembered. */
function statsAskOf(scope: TenantScope, input: JobRunStatsInput, now: number): StatsAsk {
  const endsNow = Math.abs(input.to - now) <= ENDS_NOW_MS;
  return { scope, lengthMs: input.to - input.from, to: endsNow ? null : input.to, timeZone: input.timeZone };
}

/**
 * Notes a stats ask the channel answered: first in the list, which the file keeps when it changed (written beside the
 * read: after a background step that holds the write lock; a failure is logged, never the read's).
 */
export function rememberStatsAsk(db: AppDatabase, scope: TenantScope, input: JobRunStatsInput, now = Date.now()): void {
  const memory = remembered.of(db);
  const asks = (memory.asks ??= recentStatsAsks(db));
  const ask = statsAskOf(scope, input, now);
  const key = askKey(ask);
  if (asks.length > 0 && askKey(asks[0] as StatsAsk) === key) return;
  memory.asks = [ask, ...asks.filter((other) => askKey(other) !== key)].slice(0, MAX_RECENT_ASKS);
  const list = memory.asks;
  writeBesideRead(db.path, 'the statistics asked for last', () => writeMeta(db, META_RECENT_STATS_ASKS, list));
}

/** The range to read an ask again at `now`: as it was, or, for one that ended when asked, the same length up to the next minute (as the view's presets). */
export function statsInputOf(ask: StatsAsk, now: number): JobRunStatsInput {
  const to = ask.to ?? rangeEndAfter(now);
  return { from: to - ask.lengthMs, to, timeZone: ask.timeZone };
}
