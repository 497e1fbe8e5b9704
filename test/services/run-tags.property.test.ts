// Tags on runs: job_run_tags holds exactly what the runs' tags say after any writes, the bulk paths that drop the
// triggers included; and the history filtered by tags equals a plain filter over the runs' tags, for every scope,
// order and direction, page after page, alone and with other filters.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../src-main/db/connection';
import { runTagsDrift } from '../../src-main/db/run-tags';
import type { JobRunFilters } from '../../src-shared/schemas/jobs';
import type { RunTags } from '../../src-shared/tags';
import { everyScope, expectPagesAsPlainFilter } from '../helpers/history-pages';
import { changeOrphansInBulk, deletePickedRun, movePickedRun, pickRun, purgeCompletedRuns } from '../helpers/random-writes';
import { createTestDatabase, insertRuns, seedBusiness, type SeedOwner, type SeedRun } from '../helpers/seed';

const T0 = Date.UTC(2025, 0, 1);
const KEYS = ['env', 'team', 'customer.id'] as const;
const VALUES = ['prod', 'b', 'Ünïcode value = 1'] as const;

const ownerArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 2 }).map((i): SeedOwner => ({ kind: 'business', businessId: i })) },
  { weight: 1, arbitrary: fc.constant<SeedOwner>({ kind: 'system' }) },
  { weight: 2, arbitrary: fc.constant<SeedOwner>({ kind: 'orphan' }) },
);
const tagsArb: fc.Arbitrary<RunTags> = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 3 });
const runArb = fc.record({
  owner: ownerArb,
  // Few distinct minutes: ties in created_at are the rule, broken by id.
  minute: fc.integer({ min: 0, max: 40 }),
  status: fc.constantFrom('completed', 'failed', 'pending' as const),
  duration: fc.option(fc.integer({ min: 0, max: 20 })),
  tags: tagsArb,
});
type RunSpec = typeof runArb extends fc.Arbitrary<infer T> ? T : never;

type Step =
  | { kind: 'insert'; runs: RunSpec[] }
  | { kind: 'delete'; pick: number }
  | { kind: 'purge'; modulo: number }
  | { kind: 'move'; pick: number; to: number }
  | { kind: 'recreate'; pick: number; minute: number }
  | { kind: 'orphans'; every: boolean; deleted: boolean; modulo: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('insert' as const), runs: fc.array(runArb, { maxLength: 40 }) }) },
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('purge' as const), modulo: fc.integer({ min: 2, max: 5 }) }),
  fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), to: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant('recreate' as const), pick: fc.nat(), minute: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ kind: fc.constant('orphans' as const), every: fc.boolean(), deleted: fc.boolean(), modulo: fc.integer({ min: 2, max: 4 }) }),
);

function applyStep(db: AppDatabase, businesses: number[], step: Step): void {
  switch (step.kind) {
    case 'insert':
      insertRuns(
        db,
        step.runs.map((run): SeedRun => {
          const owner = run.owner.kind === 'business' ? { kind: 'business' as const, businessId: businesses[run.owner.businessId]! } : run.owner;
          const createdAt = T0 + run.minute * 60_000;
          const finished = run.status !== 'pending';
          return { owner, createdAt, status: run.status, startedAt: finished ? createdAt : null, durationMs: finished ? run.duration : null, tags: run.tags };
        }),
      );
      return;
    case 'delete':
      deletePickedRun(db, step.pick);
      return;
    case 'purge':
      purgeCompletedRuns(db, step.modulo);
      return;
    case 'move':
      movePickedRun(db, step.pick, businesses[step.to]!);
      return;
    case 'recreate': {
      const id = pickRun(db, step.pick);
      if (id !== undefined) db.sqlite.prepare('UPDATE job_runs SET created_at = ? WHERE id = ?').run(T0 + step.minute * 60_000, id);
      return;
    }
    case 'orphans':
      changeOrphansInBulk(db, step, businesses[0]!);
      return;
  }
}

describe('tags on runs', () => {
  it('job_run_tags holds exactly the runs’ tags, and the tag filter equals a plain filter for every scope, order and page (property)', async () => {
    let matched = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(runArb, { minLength: 35, maxLength: 80 }),
        fc.array(stepArb, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom(...KEYS),
        fc.constantFrom(...VALUES),
        fc.constantFrom(...KEYS),
        fc.constantFrom(...VALUES),
        async (initial, steps, limit, key1, value1, key2, value2) => {
          const db = await createTestDatabase();
          const businesses = [seedBusiness(db).id, seedBusiness(db).id, seedBusiness(db).id];
          for (const step of [{ kind: 'insert' as const, runs: initial }, ...steps]) {
            applyStep(db, businesses, step);
            expect(runTagsDrift(db.sqlite)).toEqual({ extra: 0, missing: 0 });
          }
          const filterSets: JobRunFilters[] = [
            { tags: { [key1]: value1 } },
            { tags: { [key1]: value1, [key2]: value2 } },
            { tags: { [key1]: value1 }, statuses: ['completed', 'pending'] },
          ];
          matched += expectPagesAsPlainFilter(db, everyScope(businesses), filterSets, limit);
          db.close();
        },
      ),
      { numRuns: 40 },
    );
    // The filters matched runs, not only empty lists.
    expect(matched).toBeGreaterThan(2000);
  }, 120_000);
});
