// The statistics people asked for last (src-main/stats/recent-asks.ts): remembered in the file by the stats channel,
// with the scope main derived, and read by the long reads' thread as it starts (src-main/reads/worker.ts), so the
// view's first statistics after a start come from that thread's memory.
import { afterEach, describe, expect, it } from 'vitest';
import { type AppDatabase } from '../../src-main/db/connection';
import { readMeta, writeMeta } from '../../src-main/db/meta';
import { createReadPool } from '../../src-main/reads/pool';
import { META_RECENT_STATS_ASKS, MAX_RECENT_ASKS, recentStatsAsks, rememberStatsAsk, statsInputOf, type StatsAsk } from '../../src-main/stats/recent-asks';
import { type Harness, startHarness } from '../helpers/contract-harness';
import { insertBusiness, insertUser, TEST_PASSWORD } from '../helpers/contract-data';
import { createTestDatabase, seedBusiness, seedRuns } from '../helpers/seed';
import { tempDbPath } from '../helpers/temp';

const DAY = 86_400_000;
const MINUTE = 60_000;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** The rows this connection has written since it opened. */
function rowsWritten(db: AppDatabase): number {
  return db.sqlite.prepare<[], { n: number }>('SELECT total_changes() AS n').get()?.n ?? 0;
}

describe('the statistics asked for last', () => {
  it("the stats channel remembers each ask under the scope main derived for the caller, a view's last N days without an end", async () => {
    const harness: Harness = await startHarness('in-process', tempDbPath());
    closers.push(() => harness.close());
    const acme = insertBusiness(harness.db, 'Acme');
    const member = insertUser(harness.db, { role: 'member', businessId: acme });
    const client = harness.client();
    await client.value('auth.login', { email: member.email, password: TEST_PASSWORD });

    const now = Date.now();
    const lastWeek = { from: now + MINUTE - 7 * DAY, to: now + MINUTE, timeZone: 'Europe/Berlin' };
    await client.value('jobs.stats', lastWeek);
    const fixed = { from: Date.UTC(2025, 0, 1), to: Date.UTC(2025, 0, 31), timeZone: 'UTC' };
    await client.value('jobs.stats', fixed);

    expect(recentStatsAsks(harness.db)).toEqual([
      { scope: { kind: 'business', businessId: acme }, lengthMs: fixed.to - fixed.from, to: fixed.to, timeZone: 'UTC' },
      { scope: { kind: 'business', businessId: acme }, lengthMs: 7 * DAY, to: null, timeZone: 'Europe/Berlin' },
    ]);
    // A refused ask is not remembered: by the contract (To before From), or by the read (a zone this app does not know).
    expect((await client.call('jobs.stats', { from: 5, to: 1 })).ok).toBe(false);
    const unknownZone = await client.call('jobs.stats', { ...lastWeek, timeZone: 'Nowhere/Atlantis' });
    expect(unknownZone.ok ? 'OK' : unknownZone.error.code).toBe('VALIDATION');
    expect(recentStatsAsks(harness.db)).toHaveLength(2);
  });

  it('keeps the latest first, each ask once and at most a few; the file is written only when the list changes', async () => {
    const db = await createTestDatabase();
    const now = Date.now();
    const ask = (days: number) => ({ from: now - days * DAY, to: now, timeZone: 'UTC' });
    const all = { kind: 'all' } as const;

    const before = rowsWritten(db);
    rememberStatsAsk(db, all, ask(7), now);
    expect(rowsWritten(db)).toBe(before + 1);
    rememberStatsAsk(db, all, ask(7), now + 30_000); // the same view refreshed: nothing written
    expect(rowsWritten(db)).toBe(before + 1);

    for (const days of [30, 90, 1, 2, 7]) rememberStatsAsk(db, all, ask(days), now);
    const asks = recentStatsAsks(db);
    expect(asks.map((one) => one.lengthMs / DAY)).toEqual([7, 2, 1, 90].slice(0, MAX_RECENT_ASKS));
    expect(asks.every((one) => one.to === null)).toBe(true);
  });

  it("reads an ask again as it was, or one that ended when asked up to the new start's next minute", () => {
    const now = Date.UTC(2026, 5, 1, 12, 0, 30);
    const scope = { kind: 'all' } as const;
    expect(statsInputOf({ scope, lengthMs: 7 * DAY, to: null, timeZone: 'UTC' }, now)).toEqual({ from: Date.UTC(2026, 5, 1, 12, 1) - 7 * DAY, to: Date.UTC(2026, 5, 1, 12, 1), timeZone: 'UTC' });
    expect(statsInputOf({ scope, lengthMs: DAY, to: Date.UTC(2025, 0, 2), timeZone: 'Asia/Tokyo' }, now)).toEqual({ from: Date.UTC(2025, 0, 1), to: Date.UTC(2025, 0, 2), timeZone: 'Asia/Tokyo' });
  });

  it('a list in the file that does not read as asks is none, and is replaced by the next ask', async () => {
    const db = await createTestDatabase();
    writeMeta(db, META_RECENT_STATS_ASKS, [{ scope: { kind: 'everyone' }, lengthMs: DAY, to: null, timeZone: 'UTC' }]);
    expect(recentStatsAsks(db)).toEqual([]);
    writeMeta(db, META_RECENT_STATS_ASKS, 'not a list');
    expect(recentStatsAsks(db)).toEqual([]);
    db.sqlite.prepare('UPDATE app_meta SET value = ? WHERE key = ?').run('[{', META_RECENT_STATS_ASKS); // not even JSON
    expect(recentStatsAsks(db)).toEqual([]);
    // And the stats ask that meets it is remembered over it.
    rememberStatsAsk(db, { kind: 'all' }, { from: 1, to: DAY, timeZone: 'UTC' }, Date.now());
    expect(recentStatsAsks(db)).toEqual([{ scope: { kind: 'all' }, lengthMs: DAY - 1, to: DAY, timeZone: 'UTC' }]);
  });

  it('the thread of long reads reads the remembered statistics as it starts: their settled days are what it keeps', async () => {
    const db = await createTestDatabase();
    const business = seedBusiness(db);
    seedRuns(db, { kind: 'business', businessId: business.id }, 200, { startAt: Date.now() - 20 * DAY, stepMs: DAY / 20 });
    const ask: StatsAsk = { scope: { kind: 'business', businessId: business.id }, lengthMs: 30 * DAY, to: null, timeZone: 'Europe/Berlin' };
    writeMeta(db, META_RECENT_STATS_ASKS, [ask]);
    expect(readMeta(db, META_RECENT_STATS_ASKS)).toEqual([ask]);
    const kept = () => db.sqlite.prepare<[string], { n: number }>("SELECT count(*) AS n FROM job_run_stats_windows WHERE scope LIKE ?").get(`% business ${business.id}`)?.n;
    expect(kept()).toBe(0);

    const pool = createReadPool(db, { threads: 2 });
    closers.push(() => pool.close());
    // A long read of another scope: the thread answers it after its warm-up, with what the warm-up read for the file.
    await pool.run('jobs.previewRetention', { actor: { userId: 1, email: 'a@example.test', role: 'system_admin', businessId: null, businessDisabled: false }, scope: { kind: 'system' } }, { olderThanDays: 1 });
    expect(kept()).toBe(1);
  });
});
