// The figures the Automation view's tables show: the per-job-type table and, in the all-view, the comparison of
// businesses with the previous period, held to a computation over the raw rows on random data.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getJobRunStats } from '../../src-main/stats/stats';
import { RUN_STATUSES, type RunStatus } from '../../src-shared/domain';
import { jobRunStatsSchema, type JobRunStatsView } from '../../src-shared/schemas/jobs';
import { type TenantScope } from '../../src-shared/tenancy';
import { createTestDatabase, insertRuns, seedBusiness, type SeedOwner, type SeedRun } from '../helpers/seed';

const DAY = 86_400_000;
const HOUR = 3_600_000;

interface Run {
  owner: SeedOwner;
  jobType: string;
  status: RunStatus;
  createdAt: number;
  durationMs: number | null;
}

type Figures = NonNullable<JobRunStatsView['byBusiness']>[number];
type Owner = Figures['owner'];

/** The documented tolerance of a bucketed percentile: |reported − exact| ≤ 0.0443·(exact + 1) + 0.5 ms. */
function expectWithinBucket(reported: number | null, exact: number | null): void {
  if (exact === null) return expect(reported).toBeNull();
  expect(reported).not.toBeNull();
  expect(Math.abs(reported! - exact)).toBeLessThanOrEqual(0.0443 * (exact + 1) + 0.5);
}

/** What a table row shows, computed from the raw runs: counts exact, percentiles exact (nearest rank). */
function oracleOf(runs: readonly Run[]) {
  const durations = runs
    .filter((run) => (run.status === 'completed' || run.status === 'failed') && run.durationMs !== null)
    .map((run) => run.durationMs!)
    .sort((x, y) => x - y);
  const n = durations.length;
  const rank = (percent: number) => (n === 0 ? null : durations[Math.ceil((percent * n) / 100) - 1]!);
  const completed = runs.filter((run) => run.status === 'completed').length;
  const failed = runs.filter((run) => run.status === 'failed').length;
  return {
    total: runs.length,
    failed,
    successRate: completed + failed === 0 ? null : completed / (completed + failed),
    avgMs: n === 0 ? null : durations.reduce((sum, d) => sum + d, 0) / n,
    p50Ms: rank(50),
    p95Ms: rank(95),
  };
}

function expectFigures(row: Omit<Figures, 'owner' | 'previous'>, runs: readonly Run[]): void {
  const oracle = oracleOf(runs);
  expect(row.total).toBe(oracle.total);
  expect(row.byStatus.failed).toBe(oracle.failed);
  expect(row.successRate).toBe(oracle.successRate);
  if (oracle.avgMs === null) expect(row.duration.avgMs).toBeNull();
  else expect(row.duration.avgMs).toBeCloseTo(oracle.avgMs, 6);
  expectWithinBucket(row.duration.p50Ms, oracle.p50Ms);
  expectWithinBucket(row.duration.p95Ms, oracle.p95Ms);
}

const ownerKey = (owner: SeedOwner | Owner): string =>
  owner.kind === 'business' ? `business:${owner.businessId}` : owner.kind === 'system' ? 'system' : 'orphans';

/** A duration from a millisecond to ten hours, spread over every order of magnitude between. */
const duration = fc.oneof(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 1_000, max: 59_999 }), fc.integer({ min: 60_000, max: HOUR - 1 }), fc.integer({ min: HOUR, max: 10 * HOUR }));

describe('the statistics tables', () => {
  it('per job type and, in the all-view, per business (with system-wide and orphaned runs), equal the raw rows: runs, failures and success rate exact, p50 and p95 within a bucket, the previous period exact (none before the epoch)', async () => {
    const db = await createTestDatabase();
    const names = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli'];
    const businessIds = names.map((name) => seedBusiness(db, { name }).id);
    // 2024, and three days after the epoch: there a range's previous period can start before it.
    const bases = [Date.parse('2024-06-03T00:00:00Z'), 3 * DAY];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...bases),
        fc.integer({ min: 1, max: businessIds.length }),
        fc.array(
          fc.record({
            owner: fc.oneof(
              { weight: 6, arbitrary: fc.nat({ max: businessIds.length - 1 }).map((i): SeedOwner => ({ kind: 'business', businessId: businessIds[i]! })) },
              { weight: 1, arbitrary: fc.constant<SeedOwner>({ kind: 'system' }) },
              { weight: 1, arbitrary: fc.constant<SeedOwner>({ kind: 'orphan' }) },
            ),
            // Anywhere around the base, or a millisecond or two from an edge of the range or of its previous period.
            at: fc.oneof(
              fc.record({ edge: fc.constant('base' as const), offset: fc.integer({ min: -4 * DAY, max: 4 * DAY - 1 }) }),
              fc.record({ edge: fc.constantFrom('previousFrom' as const, 'from' as const, 'to' as const), offset: fc.integer({ min: -2, max: 1 }) }),
            ),
            jobType: fc.constantFrom('maintenance.backup', 'reports.monthly_usage', 'diagnostics.probe', 'legacy.sync'),
            status: fc.constantFrom(...RUN_STATUSES),
            durationMs: fc.option(duration, { nil: null, freq: 5 }),
          }),
          { maxLength: 120 },
        ),
        fc.integer({ min: -DAY, max: DAY }),
        fc.oneof(fc.integer({ min: 1, max: 3 * DAY }), fc.integer({ min: 1, max: 3 }).map((days) => days * DAY)),
        async (base, businessesUsed, specs, fromOffset, length) => {
          db.sqlite.exec('DELETE FROM job_runs');
          // Runs of the first `businessesUsed` businesses only: the others have none to compare.
          const from = base + fromOffset;
          const to = from + length;
          const edges = { base, previousFrom: from - length, from, to };
          const runs: Run[] = specs
            .filter((spec) => spec.owner.kind !== 'business' || businessIds.indexOf(spec.owner.businessId) < businessesUsed)
            .map(({ at, ...spec }) => ({ ...spec, createdAt: Math.max(0, edges[at.edge] + at.offset) }));
          insertRuns(db, runs satisfies SeedRun[]);
          const inRange = (run: Run, start: number, end: number) => run.createdAt >= start && run.createdAt < end;

          const stats = jobRunStatsSchema.parse(getJobRunStats(db, { kind: 'all' }, { from, to, timeZone: 'UTC' }));
          const current = runs.filter((run) => inRange(run, from, to));
          expectFigures(stats, current);

          // Per job type: a row for each type with runs in range.
          expect(stats.byJobType.map((row) => row.jobType).sort()).toEqual([...new Set(current.map((run) => run.jobType))].sort());
          for (const row of stats.byJobType) expectFigures(row, current.filter((run) => run.jobType === row.jobType));

          // Per owner: a row for each owner with runs in range or in the previous period of the same length.
          const previousFrom = from - length;
          const previous = previousFrom < 0 ? null : runs.filter((run) => inRange(run, previousFrom, from));
          const owners = new Set([...current, ...(previous ?? [])].map((run) => ownerKey(run.owner)));
          expect(stats.byBusiness!.map((row) => ownerKey(row.owner)).sort()).toEqual([...owners].sort());
          for (const row of stats.byBusiness!) {
            const key = ownerKey(row.owner);
            if (row.owner.kind === 'business') expect(row.owner.businessName).toBe(names[businessIds.indexOf(row.owner.businessId)]);
            expectFigures(row, current.filter((run) => ownerKey(run.owner) === key));
            if (previous === null) {
              expect(row.previous).toBeNull();
            } else {
              const before = oracleOf(previous.filter((run) => ownerKey(run.owner) === key));
              expect(row.previous).toEqual({ total: before.total, successRate: before.successRate });
            }
          }
          // Most runs first.
          const totals = stats.byBusiness!.map((row) => row.total);
          expect(totals).toEqual([...totals].sort((x, y) => y - x));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a business whose runs stopped is still compared: no runs now, its runs and success rate before', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db, { name: 'Acme' });
    const globex = seedBusiness(db, { name: 'Globex' });
    const from = Date.parse('2024-06-10T00:00:00Z');
    const to = from + 7 * DAY;
    insertRuns(db, [
      { owner: { kind: 'business', businessId: acme.id }, createdAt: from - 3 * DAY, status: 'completed', durationMs: 10 },
      { owner: { kind: 'business', businessId: acme.id }, createdAt: from - DAY, status: 'failed', durationMs: 20 },
      { owner: { kind: 'business', businessId: globex.id }, createdAt: from + DAY, status: 'completed', durationMs: 30 },
      // Before the previous period: counted in neither.
      { owner: { kind: 'business', businessId: acme.id }, createdAt: from - 8 * DAY, status: 'completed' },
    ]);
    const all: TenantScope = { kind: 'all' };
    const stats = getJobRunStats(db, all, { from, to, timeZone: 'UTC' });
    expect(stats.byBusiness?.map((row) => [row.owner.kind === 'business' ? row.owner.businessName : row.owner.kind, row.total, row.successRate, row.previous])).toEqual([
      ['Globex', 1, 1, { total: 0, successRate: null }],
      ['Acme', 0, null, { total: 2, successRate: 0.5 }],
    ]);
  });
});
