// Pages by duration and by start, served from the sort tables (drizzle/0021_run_sort_tables.sql) where they can,
// equal a plain ORDER BY over the runs: for every scope, both sorts and both directions, the first page and every
// following one, after random runs, lifecycles, finishes, deletes one by one and in bulk, owner changes and orphans
// assigned or deleted (all of them or some) through the bulk paths that drop the triggers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../src-main/db/connection';
import { writeMeta } from '../../src-main/db/meta';
import { finishSortFillSql, LATE_START_MS, META_SORT_TABLES_UNFILLED, refillSortOwnersSql, sortTablesDrift, sortTablesUnfilled } from '../../src-main/db/sort-tables';
import { durationPage, startPage } from '../../src-main/history/sorted-pages';
import { RUN_OWNER_SQL } from '../../src-main/tenancy/owner-sql';
import type { TenantScope } from '../../src-shared/tenancy';
import { pagedRunIds } from '../helpers/history-pages';
import { changeOrphansInBulk, deletePickedRun, movePickedRun, pickRun, purgeCompletedRuns, scopeSql } from '../helpers/random-writes';
import { createTestDatabase, insertRuns, seedBusiness, type SeedOwner, type SeedRun } from '../helpers/seed';

const T0 = Date.UTC(2025, 0, 1);
const FIELDS = ['durationMs', 'startedAt'] as const;
const DIRECTIONS = ['desc', 'asc'] as const;
type Field = (typeof FIELDS)[number];

const COLUMN: Record<Field, string> = { durationMs: 'duration_ms', startedAt: 'started_at' };

/** The oracle: every run of the scope in a plain ORDER BY (unstarted runs last, ties by id in the same direction). */
function ordered(db: AppDatabase, scope: TenantScope, field: Field, direction: 'asc' | 'desc'): number[] {
  const column = COLUMN[field];
  return db.sqlite.prepare(`SELECT id FROM job_runs WHERE ${scopeSql(scope)} ORDER BY ${column} IS NULL, ${column} ${direction}, id ${direction}`).pluck().all() as number[];
}

const ownerArb = (businesses: number[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...businesses).map((businessId): SeedOwner => ({ kind: 'business', businessId })) },
    { weight: 1, arbitrary: fc.constant<SeedOwner>({ kind: 'system' }) },
    { weight: 2, arbitrary: fc.constant<SeedOwner>({ kind: 'orphan' }) },
  );

/** A start: usually within a second of creation; sometimes before it, or past the lag (queued behind others). */
const startOffsetArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 1000 }) },
  { weight: 1, arbitrary: fc.integer({ min: -5000, max: -1 }) },
  { weight: 1, arbitrary: fc.integer({ min: LATE_START_MS - 50, max: LATE_START_MS + 7_200_000 }) },
);

const runArb = (businesses: number[]) =>
  fc.record({
    owner: ownerArb(businesses),
    minute: fc.integer({ min: 0, max: 2000 }),
    start: fc.option(startOffsetArb, { freq: 2 }),
    // Few distinct durations: ties are the rule, broken by id.
    duration: fc.option(fc.integer({ min: 0, max: 40 }), { freq: 2 }),
  });

type Step =
  | { kind: 'insert'; runs: { owner: SeedOwner; minute: number; start: number | null; duration: number | null }[] }
  | { kind: 'finish'; pick: number; duration: number; start: number }
  | { kind: 'delete'; pick: number }
  | { kind: 'purge'; modulo: number }
  | { kind: 'move'; pick: number; to: number }
  | { kind: 'orphans'; every: boolean; deleted: boolean; modulo: number };

const stepArb = (businesses: number[]): fc.Arbitrary<Step> =>
  fc.oneof(
    fc.record({ kind: fc.constant('insert' as const), runs: fc.array(runArb(businesses), { maxLength: 30 }) }),
    fc.record({
      kind: fc.constant('finish' as const),
      pick: fc.nat(),
      duration: fc.integer({ min: 0, max: 40 }),
      // Half of them started late: queued behind others.
      start: fc.oneof(startOffsetArb, fc.integer({ min: LATE_START_MS + 1, max: LATE_START_MS + 7_200_000 })),
    }),
    fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('purge' as const), modulo: fc.integer({ min: 2, max: 5 }) }),
    fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), to: fc.constantFrom(...businesses) }),
    fc.record({ kind: fc.constant('orphans' as const), every: fc.boolean(), deleted: fc.boolean(), modulo: fc.integer({ min: 2, max: 4 }) }),
  );

function toSeed(run: { owner: SeedOwner; minute: number; start: number | null; duration: number | null }): SeedRun {
  const createdAt = T0 + run.minute * 60_000;
  const startedAt = run.start === null && run.duration === null ? null : createdAt + (run.start ?? 0);
  const status = startedAt === null ? 'pending' : run.duration === null ? 'running' : 'completed';
  return { owner: run.owner, createdAt, startedAt, durationMs: startedAt === null ? null : run.duration, status };
}

function applyStep(db: AppDatabase, step: Step): void {
  switch (step.kind) {
    case 'insert':
      insertRuns(db, step.runs.map(toSeed));
      return;
    case 'finish': {
      // A pending run when there is one (its start set now), else a running one.
      const id = pickRun(db, step.pick, 'started_at IS NULL') ?? pickRun(db, step.pick, 'duration_ms IS NULL');
      if (id === undefined) return;
      db.sqlite
        .prepare("UPDATE job_runs SET status = 'completed', started_at = ifnull(started_at, created_at + ?), duration_ms = ? WHERE id = ?")
        .run(step.start, step.duration, id);
      return;
    }
    case 'delete':
      deletePickedRun(db, step.pick);
      return;
    case 'purge':
      purgeCompletedRuns(db, step.modulo);
      return;
    case 'move':
      movePickedRun(db, step.pick, step.to);
      return;
    case 'orphans':
      changeOrphansInBulk(db, step, (db.sqlite.prepare('SELECT min(id) FROM businesses').pluck().get() as number) ?? 1);
      return;
  }
}

/** Three businesses, the first past the trim (512 entries): its bound closes and later finishes meet it. */
async function seeded(extra: number): Promise<{ db: AppDatabase; ids: number[] }> {
  const db = await createTestDatabase();
  const ids = [seedBusiness(db).id, seedBusiness(db).id, seedBusiness(db).id];
  insertRuns(
    db,
    Array.from({ length: 520 + extra }, (_, i) => toSeed({ owner: { kind: 'business', businessId: ids[0]! }, minute: i % 1500, start: (i * 37) % 900, duration: (i * 7919) % 41 })),
  );
  return { db, ids };
}

/** A step drawn over businesses 1-3, on the seeded file's businesses. */
function onBusinesses(step: Step, ids: number[]): Step {
  if (step.kind === 'insert') return { ...step, runs: step.runs.map((run) => (run.owner.kind === 'business' ? { ...run, owner: { ...run.owner, businessId: ids[run.owner.businessId - 1]! } } : run)) };
  return step.kind === 'move' ? { ...step, to: ids[step.to - 1]! } : step;
}

/** Every scope, sort and direction, page after page, against the plain ORDER BY; how many first pages the tables served. */
function expectPagesOrdered(db: AppDatabase, ids: number[], limit: number): number {
  let served = 0;
  const scopes: TenantScope[] = [...ids.map((businessId) => ({ kind: 'business' as const, businessId })), { kind: 'all' }, { kind: 'system' }, { kind: 'orphans' }];
  for (const scope of scopes) {
    for (const field of FIELDS) {
      for (const direction of DIRECTIONS) {
        expect(pagedRunIds(db, scope, {}, { field, direction }, limit)).toEqual(ordered(db, scope, field, direction));
        const first = field === 'durationMs' ? durationPage(db, scope, direction, null, limit) : startPage(db, scope, direction, null, limit);
        if (first) served++;
      }
    }
  }
  return served;
}

describe('pages by duration and by start', () => {
  it('equal a plain ORDER BY for every scope, sort and direction, page after page, whatever the writes (property)', async () => {
    let served = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 300 }),
        fc.array(stepArb([1, 2, 3]), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 25, max: 200 }),
        async (extra, steps, limit) => {
          const { db, ids } = await seeded(extra);
          for (const step of steps) {
            applyStep(db, onBusinesses(step, ids));
            expect(sortTablesDrift(db.sqlite)).toEqual([]);
          }
          served += expectPagesOrdered(db, ids, limit);
        },
      ),
      { numRuns: 10 },
    );
    // The tables served pages (not only the fallback that sorts).
    expect(served).toBeGreaterThan(50);
  }, 120_000);

  it('are exact once filled owner by owner after an adoption, whatever was written between the steps (property)', async () => {
    let served = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 300 }),
        fc.array(fc.tuple(fc.nat(), stepArb([1, 2, 3])), { maxLength: 12 }),
        fc.integer({ min: 25, max: 200 }),
        fc.array(fc.nat()),
        async (extra, writes, limit, order) => {
          const { db, ids } = await seeded(extra);
          insertRuns(db, [1, 2, 3, 4, 5].map((i) => toSeed({ owner: i % 2 === 0 ? { kind: 'system' } : { kind: 'orphan' }, minute: i * 7, start: i * 11, duration: i * 3 })));
          // What an adoption leaves: the tables empty and to fill (the triggers keep what is written from here on).
          db.sqlite.exec('DELETE FROM job_run_sort_extremes; DELETE FROM job_run_sort_bounds; DELETE FROM job_run_late_starts');
          writeMeta(db, META_SORT_TABLES_UNFILLED, true, T0);
          // The fill as the app runs it: one transaction per owner that had runs when it began, then the end; the
          // owners in any order (the app goes by owner key, orphans first; nothing may depend on it).
          const owners = db.sqlite.prepare(`SELECT DISTINCT ${RUN_OWNER_SQL} FROM job_runs ORDER BY 1`).pluck().all() as number[];
          const rank = new Map(owners.map((owner, i) => [owner, order[i] ?? 0]));
          owners.sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0));
          const fill = [...owners.map((owner) => refillSortOwnersSql([owner])), finishSortFillSql()];
          // Each write lands before the fill step its number picks (or after the last).
          for (let at = 0; at <= fill.length; at++) {
            for (const [before, step] of writes) if (before % (fill.length + 1) === at) applyStep(db, onBusinesses(step, ids));
            const statements = fill[at];
            if (statements) db.sqlite.transaction(() => statements.forEach((sql) => db.sqlite.exec(sql)))();
          }
          expect(sortTablesUnfilled(db.sqlite)).toBe(false);
          expect(sortTablesDrift(db.sqlite)).toEqual([]);
          served += expectPagesOrdered(db, ids, limit);
        },
      ),
      { numRuns: 30 },
    );
    expect(served).toBeGreaterThan(50);
  }, 120_000);

  it('by start, count the runs created beyond the walk\'s first batch that start before the page\'s last (more runs in the lag than a batch holds)', async () => {
    const db = await createTestDatabase();
    const [late, early] = [seedBusiness(db).id, seedBusiness(db).id];
    const second = 1000;
    const run = (businessId: number, i: number, startAfter: number): SeedRun => ({
      owner: { kind: 'business', businessId },
      createdAt: T0 + i * second,
      startedAt: T0 + i * second + startAfter,
      durationMs: i % 7,
      status: 'completed',
    });
    insertRuns(db, [
      // Latest first: 400 runs a second apart, each started a second after it was created, but one of the oldest
      // (beyond the first batch of the walk, newest first) started 9 minutes after: it is the latest start of all.
      ...Array.from({ length: 400 }, (_, i) => run(late, i, i === 20 ? 9 * 60 * second : second)),
      // Earliest first: the 300 oldest started 8 minutes after they were created, the 100 after them at once:
      // those, beyond the first batch of the walk (oldest first), start before most of the first batch.
      ...Array.from({ length: 400 }, (_, i) => run(early, i, i < 300 ? 8 * 60 * second : 0)),
    ]);
    expect(8 * 60 * second).toBeLessThan(LATE_START_MS);
    for (const businessId of [late, early]) {
      const scope: TenantScope = { kind: 'business', businessId };
      for (const direction of DIRECTIONS) {
        for (const limit of [25, 50, 200]) {
          expect(startPage(db, scope, direction, null, limit), `business ${businessId}, ${direction}, ${limit}`).not.toBeNull();
          expect(pagedRunIds(db, scope, {}, { field: 'startedAt', direction }, limit), `business ${businessId}, ${direction}, ${limit}`).toEqual(ordered(db, scope, 'startedAt', direction));
        }
      }
    }
  });
});
