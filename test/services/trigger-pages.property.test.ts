// The trigger filter: the history filtered by one trigger or several (walked per trigger on the trigger indexes and
// merged), alone or with one status or several, equals a plain filter over the runs, for every scope, both creation
// orders and the duration order, page after page, on random runs where a trigger may be common, rare or absent. With
// job types too, which may be common, rare or absent in a scope (those it has no run of are left out of the walk).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RUN_TRIGGERS, type RunStatus, type RunTrigger } from '../../src-shared/domain';
import type { JobRunFilters } from '../../src-shared/schemas/jobs';
import { everyScope, expectPagesAsPlainFilter } from '../helpers/history-pages';
import { createTestDatabase, insertRuns, seedBusiness, type SeedOwner } from '../helpers/seed';

const T0 = Date.UTC(2025, 0, 1);
const STATUSES = ['completed', 'failed', 'pending'] as const satisfies readonly RunStatus[];
/** A common job type, a rare one, and one no run has. */
const JOB_TYPES = ['diagnostics.probe', 'reports.monthly_usage', 'maintenance.vacuum'] as const;

const ownerArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 2 }).map((i): SeedOwner => ({ kind: 'business', businessId: i })) },
  { weight: 1, arbitrary: fc.constant<SeedOwner>({ kind: 'system' }) },
  { weight: 2, arbitrary: fc.constant<SeedOwner>({ kind: 'orphan' }) },
);
const runArb = fc.record({
  owner: ownerArb,
  // Few distinct minutes: ties in created_at are the rule, broken by id.
  minute: fc.integer({ min: 0, max: 30 }),
  status: fc.constantFrom(...STATUSES),
  // Skewed, as real files are: most runs scheduled or manual, a few of each other trigger.
  trigger: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom<RunTrigger>('schedule', 'manual') },
    { weight: 1, arbitrary: fc.constantFrom<RunTrigger>('retry', 'system', 'legacy') },
  ),
  duration: fc.option(fc.integer({ min: 0, max: 20 })),
  jobType: fc.oneof({ weight: 8, arbitrary: fc.constant(JOB_TYPES[0]) }, { weight: 1, arbitrary: fc.constant(JOB_TYPES[1]) }),
});
const filtersArb: fc.Arbitrary<JobRunFilters> = fc.record({
  triggers: fc.subarray([...RUN_TRIGGERS], { minLength: 1, maxLength: 3 }),
  statuses: fc.subarray([...STATUSES], { maxLength: 2 }),
  jobTypes: fc.subarray([...JOB_TYPES], { maxLength: 2 }),
});

describe('the trigger filter', () => {
  it('equals a plain filter for one trigger or several, with statuses and job types or not, in every scope, order and page (property)', async () => {
    let matched = 0;
    let severalTriggers = 0;
    let withJobTypes = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(runArb, { minLength: 40, maxLength: 120 }), fc.array(filtersArb, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 9 }), async (runs, filterSets, limit) => {
        const db = await createTestDatabase();
        const businesses = [seedBusiness(db).id, seedBusiness(db).id, seedBusiness(db).id];
        insertRuns(
          db,
          runs.map((run) => {
            const owner = run.owner.kind === 'business' ? { kind: 'business' as const, businessId: businesses[run.owner.businessId]! } : run.owner;
            const createdAt = T0 + run.minute * 60_000;
            const finished = run.status !== 'pending';
            return { owner, createdAt, status: run.status, trigger: run.trigger, jobType: run.jobType, startedAt: finished ? createdAt : null, durationMs: finished ? run.duration : null };
          }),
        );
        severalTriggers += filterSets.filter((filters) => (filters.triggers?.length ?? 0) > 1).length;
        withJobTypes += filterSets.filter((filters) => (filters.jobTypes?.length ?? 0) > 0).length;
        matched += expectPagesAsPlainFilter(db, everyScope(businesses), filterSets, limit);
        db.close();
      }),
      { numRuns: 40 },
    );
    // The filters matched runs, not only empty lists, and several triggers at once were asked often.
    expect(matched).toBeGreaterThan(2000);
    expect(severalTriggers).toBeGreaterThan(20);
    expect(withJobTypes).toBeGreaterThan(20);
  }, 120_000);
});
