// The compare pages' arithmetic (src-renderer/compare/compare.ts): two periods' stats per job type, and two JSON values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type JobRunStatsView } from '../../src-shared/schemas/jobs';
import { comparePeriods, diffJson } from '../../src-renderer/compare/compare';
import { compareRunsQuery, parsePeriodsQuery, periodBounds, periodsQuery, presetPeriods, runIdOf } from '../../src-renderer/compare/compare-query';

type TypeRow = JobRunStatsView['byJobType'][number];

function row(jobType: string, total: number, successRate: number | null, p50Ms: number | null, p95Ms: number | null): TypeRow {
  const byStatus = { pending: 0, running: 0, completed: total, failed: 0, cancelled: 0, unfinished: 0 };
  return { jobType, total, byStatus, successRate, duration: { avgMs: p50Ms, p50Ms, p95Ms } };
}

function stats(rows: TypeRow[]): JobRunStatsView {
  const total = rows.reduce((sum, r) => sum + r.total, 0);
  const first = rows[0];
  return {
    from: 0,
    to: 1,
    timeZone: 'UTC',
    total,
    byStatus: { pending: 0, running: 0, completed: total, failed: 0, cancelled: 0, unfinished: 0 },
    successRate: first?.successRate ?? null,
    duration: first?.duration ?? { avgMs: null, p50Ms: null, p95Ms: null },
    byJobType: rows,
    perDay: [],
    byBusiness: null,
  };
}

describe('comparing two periods', () => {
  it('puts the largest change first: a type new in A, then a slower p95, then a success rate down 10 points, then one that held still', () => {
    const a = stats([row('steady', 100, 0.9, 10, 20), row('slower', 100, 0.9, 10, 80), row('worse', 100, 0.8, 10, 20), row('new', 5, 1, 1, 1)]);
    const b = stats([row('steady', 100, 0.9, 10, 20), row('slower', 100, 0.9, 10, 20), row('worse', 100, 0.9, 10, 20), row('gone', 0, null, null, null)]);
    const { byJobType } = comparePeriods(a, b);
    expect(byJobType.map((change) => change.jobType)).toEqual(['new', 'slower', 'worse', 'steady']);
    expect(byJobType[0]).toMatchObject({ runs: { a: 5, b: 0, delta: 5 }, successRate: { a: 1, b: null, delta: null }, score: 1 });
    expect(byJobType[1]).toMatchObject({ p95Ms: { a: 80, b: 20, delta: 60 }, score: 0.75 });
    expect(byJobType[2]!.successRate.delta).toBeCloseTo(-0.1);
    expect(byJobType[3]).toMatchObject({ runs: { delta: 0 }, score: 0 });
  });

  it('compared with itself, nothing changes; swapped, every delta changes sign and the order holds', () => {
    const rowArb = fc.record({
      jobType: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      total: fc.nat(1000),
      rate: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
      p50: fc.option(fc.nat(10_000), { nil: null }),
      p95: fc.option(fc.nat(100_000), { nil: null }),
    });
    const rowsArb = fc.uniqueArray(rowArb, { selector: (r) => r.jobType, maxLength: 5 }).map((rows) => stats(rows.map((r) => row(r.jobType, r.total, r.rate, r.p50, r.p95))));
    fc.assert(
      fc.property(rowsArb, rowsArb, (a, b) => {
        for (const change of comparePeriods(a, a).byJobType) {
          expect([change.runs.delta, change.successRate.delta ?? 0, change.p95Ms.delta ?? 0, change.score]).toEqual([0, 0, 0, 0]);
        }
        const forward = comparePeriods(a, b).byJobType;
        const back = comparePeriods(b, a).byJobType;
        expect(back.map((change) => change.jobType)).toEqual(forward.map((change) => change.jobType));
        for (const [i, change] of forward.entries()) {
          // (Added, not negated: a delta of 0 negated is -0, another value to Object.is.)
          expect(back[i]!.runs.delta! + change.runs.delta!).toBe(0);
          expect(back[i]!.score).toBe(change.score);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('the difference of two JSON values', () => {
  it('lists each leaf as the same, changed, added (only in B) or removed (only in A), walking objects and lists', () => {
    const a = { durationMs: 300, steps: 3, tags: ['x', 'y'], limits: { max: 1 }, note: null };
    const b = { durationMs: 450, steps: 3, tags: ['x'], limits: { max: 1, min: 0 }, fail: true };
    expect(diffJson(a, b)).toEqual([
      { path: 'durationMs', kind: 'changed', a: 300, b: 450 },
      { path: 'steps', kind: 'same', a: 3, b: 3 },
      { path: 'tags[0]', kind: 'same', a: 'x', b: 'x' },
      { path: 'tags[1]', kind: 'removed', a: 'y' },
      { path: 'limits.max', kind: 'same', a: 1, b: 1 },
      { path: 'limits.min', kind: 'added', b: 0 },
      { path: 'note', kind: 'removed', a: null },
      { path: 'fail', kind: 'added', b: true },
    ]);
    // A value against one of another shape is one leaf: a list against an object, a result against none.
    expect(diffJson({ items: [1] }, { items: { 0: 1 } })).toEqual([{ path: 'items', kind: 'changed', a: [1], b: { 0: 1 } }]);
    expect(diffJson(null, { ok: true })).toEqual([{ path: '', kind: 'changed', a: null, b: { ok: true } }]);
  });

  it('a value against itself is the same everywhere', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => diffJson(value, value).every((difference) => difference.kind === 'same')));
  });
});

describe('the compare pages’ URL', () => {
  it('a period is whole days in the display zone (UTC here), both ends included; what jobs.stats would refuse is named under its field', () => {
    expect(periodBounds({ from: '2026-12-01', to: '2026-12-07' })).toEqual({ ok: true, range: { from: Date.UTC(2026, 11, 1), to: Date.UTC(2026, 11, 8), timeZone: 'UTC' } });
    expect(periodBounds({ from: '', to: '2026-12-07' })).toEqual({ ok: false, errors: { from: 'From must be a day.' } });
    expect(periodBounds({ from: '2026-12-07', to: '2026-12-01' })).toEqual({ ok: false, errors: { to: 'To must be on or after From.' } });
    expect(periodBounds({ from: '2025-01-01', to: '2026-12-01' })).toEqual({ ok: false, errors: { to: 'To may be at most 366 days after From.' } });
  });

  it('starts on the last 7 days against the 7 before, and keeps what it is given', () => {
    const now = Date.UTC(2026, 11, 7, 12);
    const week = presetPeriods(7, now);
    expect(week).toEqual({ a: { from: '2026-12-01', to: '2026-12-07' }, b: { from: '2026-11-24', to: '2026-11-30' } });
    expect(parsePeriodsQuery(new URLSearchParams(), now)).toEqual(week);
    const month = presetPeriods(30, now);
    expect(parsePeriodsQuery(periodsQuery(month), now)).toEqual(month);
    expect(compareRunsQuery([13, 12]).toString()).toBe('a=12&b=13');
    expect([runIdOf('12'), runIdOf('0'), runIdOf('1e3'), runIdOf(null)]).toEqual([12, null, null, null]);
  });
});
