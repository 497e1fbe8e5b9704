import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refusedField } from '../helpers/refusals';
import type { AppDatabase } from '../../src-main/db/connection';
import { withOwnerRollupsMoved, withRollupsMovedInBulk } from '../../src-main/db/rollup-bulk';
import { keepWindows, takeWindowsToKeep } from '../../src-main/stats/kept-windows';
import { forgetSettledDays } from '../../src-main/stats/settled-days';
import { getJobRunStats } from '../../src-main/stats/stats';
import type { TenantScope } from '../../src-shared/tenancy';
import { isRunInScope, ORPHANS_OWNER } from '../../src-main/tenancy/owner-sql';
import { RUN_STATUSES, type RunStatus } from '../../src-shared/domain';
import type { JobRunStatsView } from '../../src-shared/schemas/jobs';
import { createTestDatabase, insertRuns, seedBusiness, type SeedOwner, type SeedRun } from '../helpers/seed';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string) => Date.parse(iso);

interface StoredRun {
  id: number;
  scope: 'business' | 'system';
  businessId: number | null;
  jobType: string;
  status: RunStatus;
  createdAt: number;
  durationMs: number | null;
}

function readRuns(db: AppDatabase): StoredRun[] {
  return db.sqlite
    .prepare(
      `SELECT id, scope, business_id AS businessId, job_type AS jobType, status, created_at AS createdAt, duration_ms AS durationMs
       FROM job_runs ORDER BY id`,
    )
    .all() as StoredRun[];
}

// ---- The statistics, computed in plain JS from every run: the oracle the SQL is held to ----------------

type Counts = Record<RunStatus, number>;
const zero = (): Counts => ({ pending: 0, running: 0, completed: 0, failed: 0, cancelled: 0, unfinished: 0 });
const countOf = (runs: StoredRun[]): Counts => {
  const counts = zero();
  for (const run of runs) counts[run.status]++;
  return counts;
};
const rateOf = (c: Counts) => (c.completed + c.failed === 0 ? null : c.completed / (c.completed + c.failed));

/**
 * The documented bucketing, written out independently: bucket b = floor(8·log2(d + 1)) and the reported value
 * round(2^((b + 1/2)/8) - 1). Percentiles are bucketed, everything else exact.
 */
const bucketed = (d: number) => Math.max(0, Math.round(2 ** ((Math.floor(Math.log2(Math.max(d, 0) + 1) * 8) + 0.5) / 8) - 1));

/** Nearest rank: the p-th percentile of n ascending values is the one at rank ceil(p·n), p = percent/100; reported bucketed. */
function durationsOf(runs: StoredRun[]) {
  const exact = exactDurationsOf(runs);
  if (exact.p50Ms === null || exact.p95Ms === null) return exact;
  // The stated error bound, checked on the exact values before they are bucketed.
  for (const value of [exact.p50Ms, exact.p95Ms]) expect(Math.abs(bucketed(value) - value)).toBeLessThanOrEqual(0.0443 * (value + 1) + 0.5);
  return { avgMs: exact.avgMs, p50Ms: bucketed(exact.p50Ms), p95Ms: bucketed(exact.p95Ms) };
}

function exactDurationsOf(runs: StoredRun[]): { avgMs: number | null; p50Ms: number | null; p95Ms: number | null } {
  const values = runs
    .filter((run) => (run.status === 'completed' || run.status === 'failed') && run.durationMs !== null)
    .map((run) => run.durationMs!)
    .sort((x, y) => x - y);
  const n = values.length;
  const rank = (percent: number) => values[Math.ceil((percent * n) / 100) - 1]!;
  if (n === 0) return { avgMs: null, p50Ms: null, p95Ms: null };
  return { avgMs: values.reduce((sum, v) => sum + v, 0) / n, p50Ms: rank(50), p95Ms: rank(95) };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

function expectedStats(
  all: StoredRun[],
  scope: TenantScope,
  range: { from: number; to: number; timeZone: string },
  names: Map<number, string>,
): JobRunStatsView {
  const runs = all.filter((run) => isRunInScope(run, scope) && run.createdAt >= range.from && run.createdAt < range.to);
  const isoDay = new Intl.DateTimeFormat('en-CA', { timeZone: range.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const dayOf = (ms: number) => isoDay.format(ms);
  const days: string[] = [];
  // Every local day lasts at least 23 hours, so hourly steps visit each one.
  for (let t = range.from; t < range.to; t += HOUR) if (!days.includes(dayOf(t))) days.push(dayOf(t));
  if (!days.includes(dayOf(range.to - 1))) days.push(dayOf(range.to - 1));
  const perDay = groupBy(runs, (run) => dayOf(run.createdAt));
  const ownerOrder = (run: StoredRun) => (run.scope === 'system' ? 'system' : run.businessId === null ? 'orphans' : `business:${run.businessId}`);
  const previousFrom = range.from - (range.to - range.from);
  const previousRuns = previousFrom < 0 ? null : all.filter((run) => isRunInScope(run, scope) && run.createdAt >= previousFrom && run.createdAt < range.from);
  const figuresOf = (group: StoredRun[]) => ({ total: group.length, byStatus: countOf(group), successRate: rateOf(countOf(group)), duration: durationsOf(group) });
  const ownerOf = (key: string, run: StoredRun) =>
    key === 'system'
      ? ({ kind: 'system' } as const)
      : key === 'orphans'
        ? ({ kind: 'orphans' } as const)
        : ({ kind: 'business', businessId: run.businessId!, businessName: names.get(run.businessId!)! } as const);
  const byOwner = groupBy(runs, ownerOrder);
  const previousByOwner = groupBy(previousRuns ?? [], ownerOrder);
  return {
    from: range.from,
    to: range.to,
    timeZone: range.timeZone,
    ...figuresOf(runs),
    byJobType: [...groupBy(runs, (run) => run.jobType)]
      .map(([jobType, group]) => ({ jobType, ...figuresOf(group) }))
      .sort((x, y) => y.total - x.total || (x.jobType < y.jobType ? -1 : 1)),
    perDay: days.map((day) => ({ day, byStatus: countOf(perDay.get(day) ?? []) })),
    byBusiness:
      scope.kind !== 'all'
        ? null
        : [...new Set([...byOwner.keys(), ...previousByOwner.keys()])]
            .map((key) => {
              const group = byOwner.get(key) ?? [];
              const before = previousByOwner.get(key) ?? [];
              return {
                owner: ownerOf(key, group[0] ?? before[0]!),
                ...figuresOf(group),
                previous: previousRuns === null ? null : { total: before.length, successRate: rateOf(countOf(before)) },
              };
            })
            .sort((x, y) => y.total - x.total || ownerRank(x.owner) - ownerRank(y.owner)),
  };
}

function ownerRank(owner: NonNullable<JobRunStatsView['byBusiness']>[number]['owner']): number {
  // The fixture's business names sort like their ids.
  return owner.kind === 'business' ? owner.businessId : owner.kind === 'system' ? 1e9 : 2e9;
}

/** A database with Acme and Globex, their names as the stats show them, and every kind of owner to seed runs for. */
async function twoBusinesses() {
  const db = await createTestDatabase();
  const acme = seedBusiness(db, { name: 'Acme' });
  const globex = seedBusiness(db, { name: 'Globex' });
  const names = new Map([
    [acme.id, 'Acme'],
    [globex.id, 'Globex'],
  ]);
  const owners: SeedOwner[] = [{ kind: 'business', businessId: acme.id }, { kind: 'business', businessId: globex.id }, { kind: 'system' }, { kind: 'orphan' }];
  return { db, acme, names, owners };
}

describe('run statistics', () => {
  it('are exact against a plain computation over the same random runs (percentiles bucketed the documented way): counts, rates, durations, per type, per local day, per owner', async () => {
    const { db, acme, names, owners } = await twoBusinesses();
    const scopes: TenantScope[] = [{ kind: 'business', businessId: acme.id }, { kind: 'all' }, { kind: 'system' }, { kind: 'orphans' }];
    // Around both DST changes of 2024 in Europe, and a plain week.
    const bases = [at('2024-03-29T00:00:00Z'), at('2024-10-25T00:00:00Z'), at('2024-01-08T00:00:00Z')];
    const zones = ['UTC', 'Europe/Berlin', 'Asia/Kathmandu', 'America/St_Johns', 'Australia/Lord_Howe', 'Pacific/Chatham'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...bases),
        fc.array(
          fc.record({
            owner: fc.constantFrom(...owners),
            offset: fc.integer({ min: 0, max: 4 * DAY - 1 }),
            jobType: fc.constantFrom('reports.monthly_usage', 'diagnostics.probe', 'legacy.sync'),
            status: fc.constantFrom(...RUN_STATUSES),
            durationMs: fc.option(fc.integer({ min: 0, max: 5_000 }), { nil: null }),
          }),
          { maxLength: 60 },
        ),
        // Partial days at either end or both, ranges inside one day, and whole UTC days (read from the rollup alone).
        fc.oneof(fc.integer({ min: 0, max: 2 * DAY }), fc.integer({ min: 0, max: 2 }).map((days) => days * DAY)),
        fc.oneof(fc.integer({ min: 1, max: 3 * DAY }), fc.integer({ min: 1, max: 3 * HOUR }), fc.integer({ min: 1, max: 3 }).map((days) => days * DAY)),
        fc.constantFrom(...zones),
        fc.constantFrom(...scopes),
        // 8: runs over a month and ranges of weeks, so whole weeks come from the weekly histograms.
        fc.constantFrom(1, 8),
        async (base, specs, fromOffset, length, timeZone, scope, spread) => {
          db.sqlite.exec('DELETE FROM job_runs');
          insertRuns(
            db,
            specs.map(({ offset, ...spec }): SeedRun => ({ ...spec, createdAt: base + offset * spread })),
          );
          // Some runs change status or duration after they are written: the rollups follow.
          db.sqlite.exec(
            `UPDATE job_runs SET status = 'completed', duration_ms = ifnull(duration_ms, 0) + 7 WHERE id % 5 = 0 AND status IN ('pending', 'running')`,
          );
          const range = { from: base + fromOffset * spread, to: base + (fromOffset + length) * spread, timeZone };
          expect(getJobRunStats(db, scope, range)).toEqual(expectedStats(readRuns(db), scope, range, names));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('kept for days that are over (in memory, and in the file for a new process), are never stale: after any sequence of writes to past days and today (runs created, claimed, finished, moved, deleted; through the triggers, and in bulk with them dropped) and reopenings, every call equals the plain computation', async () => {
    const { db, acme, names, owners } = await twoBusinesses();
    const scopes: TenantScope[] = [{ kind: 'business', businessId: acme.id }, { kind: 'all' }, { kind: 'orphans' }];
    // Six days that are over and today up to now (the runner's day, read afresh every call).
    const now = Date.now();
    const base = Math.floor(now / DAY) * DAY - 6 * DAY;
    const span = now - base;
    // Up to now from a whole or a partial day; a partial day to a partial day; inside one day. Pairs of the same
    // number of whole days a day apart, so a kept window is brought forward (and back).
    const ranges = [
      [0, span],
      [DAY + 7 * HOUR, span],
      [DAY / 2, 4 * DAY + 5 * HOUR],
      [DAY + DAY / 2, 5 * DAY + 5 * HOUR],
      [0, span - DAY],
      [DAY, span],
      [3 * DAY + HOUR, 3 * DAY + 20 * HOUR],
    ] as const;
    const run = fc.record({
      owner: fc.constantFrom(...owners),
      offset: fc.integer({ min: 0, max: span - 1 }),
      jobType: fc.constantFrom('diagnostics.probe', 'legacy.sync'),
      status: fc.constantFrom(...RUN_STATUSES),
      durationMs: fc.option(fc.integer({ min: 0, max: 5_000 }), { nil: null }),
    });
    const action = fc.oneof(
      // A few ranges asked again and again (as a view is), so what is kept is asked for after the writes.
      {
        weight: 4,
        arbitrary: fc.record({
          kind: fc.constant('stats' as const),
          scope: fc.constantFrom(...scopes),
          range: fc.constantFrom(...ranges),
          timeZone: fc.constantFrom('UTC', 'Europe/Berlin', 'Asia/Kathmandu'),
        }),
      },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('insert' as const), runs: fc.array(run, { minLength: 1, maxLength: 8 }) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('finish' as const), pick: fc.nat(), status: fc.constantFrom('completed', 'failed', 'cancelled'), durationMs: fc.integer({ min: 0, max: 9_000 }) }) },
      // The runner's claim: a pending run starts (it leaves the pending counts, and is read as running).
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('claim' as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), offset: fc.integer({ min: 0, max: span - 1 }), jobType: fc.constantFrom('diagnostics.probe', 'reports.monthly_usage') }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('bulk' as const), every: fc.boolean(), deleted: fc.boolean(), modulo: fc.integer({ min: 1, max: 3 }) }) },
      // A new process: what was read is written to the file, and memory is empty; the next calls start from the file.
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const) }) },
    );
    const pickRun = (pick: number): number | undefined => {
      const ids = db.sqlite.prepare('SELECT id FROM job_runs ORDER BY id').pluck().all() as number[];
      return ids.length === 0 ? undefined : ids[pick % ids.length];
    };
    await fc.assert(
      fc.asyncProperty(fc.array(run, { maxLength: 40 }), fc.array(action, { minLength: 10, maxLength: 40 }), async (seed, actions) => {
        db.sqlite.exec('DELETE FROM job_runs');
        insertRuns(db, seed.map(({ offset, ...spec }): SeedRun => ({ ...spec, createdAt: base + offset })));
        // What an earlier case left in the file and in memory is not current: the versions say so.
        for (const step of actions) {
          switch (step.kind) {
            case 'stats': {
              const range = { from: base + step.range[0], to: base + step.range[1], timeZone: step.timeZone };
              expect(getJobRunStats(db, step.scope, range)).toEqual(expectedStats(readRuns(db), step.scope, range, names));
              break;
            }
            case 'reopen':
              keepWindows(db, takeWindowsToKeep(db));
              forgetSettledDays(db);
              break;
            case 'insert':
              insertRuns(db, step.runs.map(({ offset, ...spec }): SeedRun => ({ ...spec, createdAt: base + offset })));
              break;
            case 'finish': {
              const id = pickRun(step.pick);
              if (id !== undefined) db.sqlite.prepare('UPDATE job_runs SET status = ?, duration_ms = ? WHERE id = ?').run(step.status, step.durationMs, id);
              break;
            }
            case 'claim': {
              const ids = db.sqlite.prepare("SELECT id FROM job_runs WHERE status = 'pending' ORDER BY id").pluck().all() as number[];
              const id = ids[step.pick % Math.max(1, ids.length)];
              if (id !== undefined) db.sqlite.prepare("UPDATE job_runs SET status = 'running' WHERE id = ?").run(id);
              break;
            }
            case 'delete': {
              const id = pickRun(step.pick);
              if (id !== undefined) db.sqlite.prepare('DELETE FROM job_runs WHERE id = ?').run(id);
              break;
            }
            case 'move': {
              const id = pickRun(step.pick);
              if (id !== undefined) db.sqlite.prepare('UPDATE job_runs SET created_at = ?, job_type = ? WHERE id = ?').run(base + step.offset, step.jobType, id);
              break;
            }
            case 'bulk': {
              // The orphan paths: every orphan (rollups moved by key) or some (grouped), given to Acme or deleted.
              const orphans = "scope = 'business' AND business_id IS NULL";
              const change = () =>
                step.deleted
                  ? db.sqlite.prepare(`DELETE FROM job_runs WHERE ${orphans}${step.every ? '' : ' AND id % ? = 0'}`).run(...(step.every ? [] : [step.modulo]))
                  : db.sqlite.prepare(`UPDATE job_runs SET business_id = ? WHERE ${orphans}${step.every ? '' : ' AND id % ? = 0'}`).run(acme.id, ...(step.every ? [] : [step.modulo]));
              const effect = step.deleted ? ({ kind: 'deleted' } as const) : ({ kind: 'moved', toOwner: acme.id } as const);
              db.sqlite.transaction(() =>
                step.every
                  ? withOwnerRollupsMoved(db.sqlite, ORPHANS_OWNER, effect, change)
                  : withRollupsMovedInBulk(db.sqlite, { sql: `SELECT id FROM job_runs WHERE ${orphans} AND id % ? = 0`, params: [step.modulo] }, effect, change),
              )();
              break;
            }
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('ranges that share a partial day and its start but end apart each count their own runs of it (what is kept of a part is that part)', async () => {
    const { db, names, owners } = await twoBusinesses();
    const day = at('2024-05-01T00:00:00Z');
    const runs: SeedRun[] = Array.from({ length: 48 }, (_, i) => ({
      owner: owners[i % owners.length]!,
      status: i % 3 === 0 ? 'failed' : 'completed',
      createdAt: day + i * (HOUR / 2) + 1,
      durationMs: 10 * (i + 1),
    }));
    insertRuns(db, runs);
    const stored = readRuns(db);
    const from = day + 3 * HOUR;
    // Within the day (one part of it), and past it (the part up to its end): each asked twice, the kept part then read.
    for (const to of [day + 9 * HOUR, day + 15 * HOUR, day + DAY + HOUR, day + 9 * HOUR, day + DAY + HOUR]) {
      for (const scope of [{ kind: 'all' }, { kind: 'business', businessId: [...names.keys()][0]! }] as TenantScope[]) {
        const range = { from, to, timeZone: 'UTC' };
        expect(getJobRunStats(db, scope, range), `${JSON.stringify(scope)} up to ${new Date(to).toISOString()}`).toEqual(expectedStats(stored, scope, range, names));
      }
    }
    // The all-view's last range compared itself with as long a period before it, counted without durations: asked as a
    // range of its own, the same part of the day has its durations.
    const previous = { from: from - (DAY + HOUR - 3 * HOUR), to: from, timeZone: 'UTC' };
    expect(getJobRunStats(db, { kind: 'all' }, previous)).toEqual(expectedStats(stored, { kind: 'all' }, previous, names));
  });

  it('a repeated call adds what is live to a copy of what is kept: asked three times, and again after writes to active runs of days that are over, a range up to now and the period before it (each with pending and running runs, and runs of today) give the plain computation each time', async () => {
    const { db, acme, names, owners } = await twoBusinesses();
    const to = Math.ceil(Date.now() / 60_000) * 60_000;
    const from = to - 3 * DAY;
    const statuses: RunStatus[] = ['completed', 'failed', 'pending', 'running', 'completed', 'cancelled'];
    // Every 5 hours from the start of the period before the range up to now: settled days, and today's live runs.
    const runs: SeedRun[] = Array.from({ length: Math.floor((to - (from - 3 * DAY)) / (5 * HOUR)) }, (_, i) => ({
      owner: owners[i % owners.length]!,
      status: statuses[i % statuses.length]!,
      createdAt: from - 3 * DAY + i * 5 * HOUR + 1,
      durationMs: 100 * (i % 7),
    }));
    insertRuns(db, runs);
    const stored = readRuns(db);
    expect(stored.filter((run) => run.createdAt < from && (run.status === 'pending' || run.status === 'running')).length).toBeGreaterThan(0);
    const range = { from, to, timeZone: 'Europe/Berlin' };
    const scopes = [{ kind: 'all' }, { kind: 'business', businessId: acme.id }] as TenantScope[];
    for (const scope of scopes) {
      const expected = expectedStats(stored, scope, range, names);
      for (let call = 1; call <= 3; call++) expect(getJobRunStats(db, scope, range), `${JSON.stringify(scope)}, call ${call}`).toEqual(expected);
    }
    // On days that are over, a pending run of the range is claimed and a running one of the period before it ends:
    // what is kept of those days (their pending and running runs included) is read again.
    const pick = (status: RunStatus, after: number, before: number) => stored.find((run) => run.status === status && run.createdAt >= after && run.createdAt < before)!.id;
    db.sqlite.prepare("UPDATE job_runs SET status = 'running', started_at = created_at + 1 WHERE id = ?").run(pick('pending', from, to - 30 * HOUR));
    db.sqlite.prepare("UPDATE job_runs SET status = 'completed', finished_at = created_at + 9, duration_ms = 8 WHERE id = ?").run(pick('running', 0, from));
    const changed = readRuns(db);
    for (const scope of scopes) expect(getJobRunStats(db, scope, range), `${JSON.stringify(scope)}, after the writes`).toEqual(expectedStats(changed, scope, range, names));
  });

  it('bucketed nearest-rank percentiles: of durations 1…20 the median is 10 and the p95 is 19; of 1…21, 11 and 21 (exact 20, bucket [19.6, 21.7) reported as 21)', async () => {
    const db = await createTestDatabase();
    const durations = (n: number): SeedRun[] =>
      Array.from({ length: n }, (_, i) => ({ owner: { kind: 'system' }, createdAt: 1_000 + i, status: i % 2 ? 'completed' : 'failed', durationMs: n - i }));
    insertRuns(db, durations(20));
    const twenty = getJobRunStats(db, { kind: 'system' }, { from: 0, to: DAY, timeZone: 'UTC' });
    expect(twenty.duration).toEqual({ avgMs: 10.5, p50Ms: 10, p95Ms: 19 });
    expect(twenty.successRate).toBe(0.5);
    db.sqlite.exec('DELETE FROM job_runs');
    insertRuns(db, [...durations(21), { owner: { kind: 'system' }, createdAt: 2_000, status: 'cancelled', durationMs: 99_999 }]);
    const more = getJobRunStats(db, { kind: 'system' }, { from: 0, to: DAY, timeZone: 'UTC' });
    expect(more.duration).toEqual({ avgMs: 11, p50Ms: 11, p95Ms: 21 });
    expect(more.total).toBe(22);
  });

  it('a range with no runs has zero counts, no rates or durations, and still every day', async () => {
    const db = await createTestDatabase();
    const stats = getJobRunStats(db, { kind: 'all' }, { from: at('2024-05-01T00:00:00Z'), to: at('2024-05-04T00:00:00Z'), timeZone: 'UTC' });
    expect(stats).toMatchObject({ total: 0, successRate: null, duration: { avgMs: null, p50Ms: null, p95Ms: null }, byJobType: [], byBusiness: [] });
    expect(stats.perDay.map((d) => d.day)).toEqual(['2024-05-01', '2024-05-02', '2024-05-03']);
  });

  it('per day in Europe/Berlin: the 23-hour day of the spring change and the 25-hour day of the autumn change', async () => {
    const db = await createTestDatabase();
    const system: SeedOwner = { kind: 'system' };
    insertRuns(db, [
      { owner: system, createdAt: at('2024-03-30T23:00:00Z') }, // 00:00 CET, 31 March
      { owner: system, createdAt: at('2024-03-31T21:59:59.999Z') }, // 23:59:59.999 CEST, 31 March
      { owner: system, createdAt: at('2024-03-31T22:00:00Z') }, // 00:00 CEST, 1 April
      { owner: system, createdAt: at('2024-10-27T22:30:00Z') }, // 23:30 CET, 27 October
      { owner: system, createdAt: at('2024-10-27T23:00:00Z') }, // 00:00 CET, 28 October
    ]);
    const perDay = (from: string, to: string) =>
      getJobRunStats(db, { kind: 'system' }, { from: at(from), to: at(to), timeZone: 'Europe/Berlin' }).perDay.map((d) => [d.day, d.byStatus.completed]);
    expect(perDay('2024-03-30T23:00:00Z', '2024-04-01T22:00:00Z')).toEqual([
      ['2024-03-31', 2],
      ['2024-04-01', 1],
    ]);
    expect(perDay('2024-10-26T22:00:00Z', '2024-10-28T23:00:00Z')).toEqual([
      ['2024-10-27', 1],
      ['2024-10-28', 1],
    ]);
  });

  it('pending and running runs created exactly at a local midnight, or just before it, count in their own local day (a midnight late in the UTC day and one early in it)', async () => {
    const { db, names, owners } = await twoBusinesses();
    const edges = [at('2024-05-01T22:00:00Z'), at('2024-05-02T04:00:00Z')]; // 00:00 in Berlin (CEST), 00:00 in New York (EDT)
    const statuses: RunStatus[] = ['pending', 'running', 'completed'];
    insertRuns(
      db,
      edges.flatMap((edge) => statuses.flatMap((status, i) => [-1, 0].map((offset): SeedRun => ({ owner: owners[i % owners.length]!, status, createdAt: edge + offset })))),
    );
    const stored = readRuns(db);
    for (const timeZone of ['Europe/Berlin', 'America/New_York']) {
      const range = { from: at('2024-04-29T00:00:00Z'), to: at('2024-05-05T00:00:00Z'), timeZone };
      expect(getJobRunStats(db, { kind: 'all' }, range), timeZone).toEqual(expectedStats(stored, { kind: 'all' }, range, names));
    }
  });

  it('per day in Asia/Kathmandu (+05:45): midnight falls at 18:15 UTC', async () => {
    const db = await createTestDatabase();
    insertRuns(db, [
      { owner: { kind: 'system' }, createdAt: at('2024-01-01T18:14:59.999Z') },
      { owner: { kind: 'system' }, createdAt: at('2024-01-01T18:15:00Z') },
    ]);
    const stats = getJobRunStats(db, { kind: 'system' }, { from: at('2024-01-01T00:00:00Z'), to: at('2024-01-03T00:00:00Z'), timeZone: 'Asia/Kathmandu' });
    expect(stats.perDay.map((d) => [d.day, d.byStatus.completed])).toEqual([
      ['2024-01-01', 1],
      ['2024-01-02', 1],
      ['2024-01-03', 0],
    ]);
  });

  it('compares owners only in the all-business view: businesses by name, system-wide and orphans', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db, { name: 'Acme' });
    insertRuns(db, [
      { owner: { kind: 'business', businessId: acme.id }, createdAt: 10, status: 'completed', durationMs: 5 },
      { owner: { kind: 'business', businessId: acme.id }, createdAt: 11, status: 'failed', durationMs: 9 },
      { owner: { kind: 'system' }, createdAt: 12 },
      { owner: { kind: 'orphan' }, createdAt: 13, status: 'failed' },
    ]);
    const range = { from: 0, to: DAY, timeZone: 'UTC' };
    const none = { avgMs: null, p50Ms: null, p95Ms: null };
    expect(getJobRunStats(db, { kind: 'all' }, range).byBusiness).toMatchObject([
      { owner: { kind: 'business', businessId: acme.id, businessName: 'Acme' }, total: 2, byStatus: { completed: 1, failed: 1 }, successRate: 0.5, duration: { avgMs: 7, p50Ms: 5, p95Ms: 9 }, previous: null },
      { owner: { kind: 'system' }, total: 1, byStatus: { completed: 1, failed: 0 }, successRate: 1, duration: none, previous: null },
      { owner: { kind: 'orphans' }, total: 1, byStatus: { completed: 0, failed: 1 }, successRate: 0, duration: none, previous: null },
    ]);
    for (const scope of [{ kind: 'business', businessId: acme.id }, { kind: 'system' }, { kind: 'orphans' }] as TenantScope[]) {
      expect(getJobRunStats(db, scope, range).byBusiness).toBeNull();
    }
  });

  it('an unknown time zone, or a range that is empty, reversed or too long, is refused with VALIDATION', async () => {
    const db = await createTestDatabase();
    const all: TenantScope = { kind: 'all' };
    expect(() => getJobRunStats(db, all, { from: 0, to: DAY, timeZone: 'Mars/Olympus_Mons' })).toThrow(
      refusedField('timeZone', 'Time zone "Mars/Olympus_Mons" is not one this app knows; use an IANA name such as Europe/Berlin.'),
    );
    for (const range of [
      { from: DAY, to: DAY },
      { from: DAY, to: 0 },
      { from: 0, to: 367 * DAY },
    ]) {
      expect(() => getJobRunStats(db, all, { ...range, timeZone: 'UTC' })).toThrow(refusedField('to'));
    }
  });
});
