import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../src-main/db/connection';
import { listJobRuns } from '../../src-main/history/pages';
import type { TenantScope } from '../../src-shared/tenancy';
import { isRunInScope } from '../../src-main/tenancy/owner-sql';
import { JOB_RUN_SORT_FIELDS, listJobRunsInput } from '../../src-shared/schemas/jobs';
import type { RunStatus } from '../../src-shared/domain';
import { createTestDatabase, insertRuns, seedBusiness, type SeedOwner, type SeedRun } from '../helpers/seed';

type SortField = (typeof JOB_RUN_SORT_FIELDS)[number];
type Direction = 'asc' | 'desc';

interface StoredRun {
  id: number;
  status: RunStatus;
  scope: 'business' | 'system';
  businessId: number | null;
  createdAt: number;
  startedAt: number | null;
  durationMs: number | null;
}

function readRuns(db: AppDatabase): StoredRun[] {
  return db.sqlite
    .prepare(
      `SELECT id, status, scope, business_id AS businessId, created_at AS createdAt, started_at AS startedAt, duration_ms AS durationMs
       FROM job_runs ORDER BY id`,
    )
    .all() as StoredRun[];
}

/** The order the service promises, written independently: values in the direction, NULLs last, ties by id in the direction. */
function compareRuns(field: SortField, direction: Direction) {
  const sign = direction === 'asc' ? 1 : -1;
  return (x: StoredRun, y: StoredRun): number => {
    const a = x[field];
    const b = y[field];
    if (a === null || b === null) {
      if (a !== b) return a === null ? 1 : -1;
    } else if (a !== b) {
      return sign * (a - b);
    }
    return sign * (x.id - y.id);
  };
}

// Few distinct values, so ties and NULLs are common.
const runFields = (owners: SeedOwner[]) =>
  fc.record({
    owner: fc.constantFrom(...owners),
    status: fc.constantFrom<RunStatus>('pending', 'completed', 'failed'),
    createdAt: fc.integer({ min: 0, max: 6 }).map((n) => 1_000 + n * 10),
    startedAt: fc.option(fc.integer({ min: 0, max: 4 }).map((n) => 2_000 + n * 10), { nil: null }),
    durationMs: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }),
  }) satisfies fc.Arbitrary<SeedRun>;

describe('keyset pagination', () => {
  it('returns every run present at the start exactly once, in order, while new runs are inserted between pages (every sort, both directions, with and without a status filter)', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db);
    const globex = seedBusiness(db);
    const owners: SeedOwner[] = [
      { kind: 'business', businessId: acme.id },
      { kind: 'business', businessId: globex.id },
      { kind: 'system' },
      { kind: 'orphan' },
    ];
    const scopes: TenantScope[] = [{ kind: 'business', businessId: acme.id }, { kind: 'all' }, { kind: 'orphans' }];
    await fc.assert(
      fc.asyncProperty(
        fc.array(runFields(owners), { maxLength: 30 }),
        fc.array(fc.array(runFields(owners), { maxLength: 4 }), { maxLength: 12 }),
        fc.constantFrom(...JOB_RUN_SORT_FIELDS),
        fc.constantFrom<Direction>('asc', 'desc'),
        fc.constantFrom(...scopes),
        fc.integer({ min: 1, max: 7 }),
        // No filter, one status, two statuses (in created_at order: one query per status, merged).
        fc.constantFrom<RunStatus[]>([], ['failed'], ['pending', 'failed']),
        async (initial, insertedBetweenPages, field, direction, scope, limit, statuses) => {
          db.sqlite.exec('DELETE FROM job_runs');
          insertRuns(db, initial);
          const matches = (run: StoredRun) => isRunInScope(run, scope) && (statuses.length === 0 || statuses.includes(run.status));
          const atStart = readRuns(db).filter(matches);
          const seen: number[] = [];
          let cursor: string | null = null;
          let page = 0;
          do {
            const result = listJobRuns(db, scope, listJobRunsInput.parse({ sort: { field, direction }, cursor, limit, filters: { statuses } }));
            seen.push(...result.runs.map((run) => run.id));
            cursor = result.nextCursor;
            insertRuns(db, insertedBetweenPages[page++] ?? []);
          } while (cursor !== null);

          expect(new Set(seen).size).toBe(seen.length);
          const seenSet = new Set(seen);
          expect(atStart.filter((run) => !seenSet.has(run.id)).map((run) => run.id)).toEqual([]);
          const byId = new Map(readRuns(db).map((run) => [run.id, run]));
          const listed = seen.map((id) => byId.get(id)!);
          expect(listed.every(matches)).toBe(true);
          expect(listed).toEqual([...listed].sort(compareRuns(field, direction)));
        },
      ),
      { numRuns: 150 },
    );
  });
});
