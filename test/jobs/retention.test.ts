import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../src-main/db/connection';
import type { RunStatus } from '../../src-shared/domain';
import { RUN_STATUSES } from '../../src-shared/domain';
import { createTestDatabase, insertRuns, readAuditEvents, seedBusiness, type SeedOwner } from '../helpers/seed';
import { startRunner } from './support';
import { previewRetention } from '../../src-main/lifecycle/retention';

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2026, 2, 15, 12);

interface Row {
  id: number;
  scope: 'business' | 'system';
  businessId: number | null;
  status: RunStatus;
  createdAt: number;
}

function readRuns(db: AppDatabase): Row[] {
  return db.sqlite.prepare('SELECT id, scope, business_id AS businessId, status, created_at AS createdAt FROM job_runs ORDER BY id').all() as Row[];
}

describe('runs.retention', () => {
  it('deletes exactly the old completed runs of its own scope: never another business, a system run, an orphan, an unfinished run, or itself', async () => {
    const db = await createTestDatabase();
    const a = seedBusiness(db, { name: 'A' });
    const b = seedBusiness(db, { name: 'B' });
    const owners: SeedOwner[] = [{ kind: 'business', businessId: a.id }, { kind: 'business', businessId: b.id }, { kind: 'system' }, { kind: 'orphan' }];
    const run = fc.record({
      owner: fc.integer({ min: 0, max: owners.length - 1 }),
      status: fc.constantFrom(...RUN_STATUSES),
      // Whole days (the cutoff itself included) and anything in between.
      ageMs: fc.oneof(fc.integer({ min: 0, max: 60 }).map((days) => days * DAY_MS), fc.integer({ min: 0, max: 60 * DAY_MS })),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(run, { maxLength: 260 }),
        fc.integer({ min: 1, max: 45 }),
        fc.constantFrom(100, 5000),
        fc.constantFrom<'business' | 'system'>('business', 'system'),
        async (runs, olderThanDays, batchSize, targetKind) => {
          db.sqlite.exec('DELETE FROM job_runs');
          // A runner of its own, started on an empty table; the retention run is the oldest in the queue, so it
          // runs alone (concurrency 1) before any seeded pending run.
          const harness = startRunner(db, { now: () => NOW, concurrency: 1 });
          insertRuns(
            db,
            runs.map((r) => ({ owner: owners[r.owner]!, status: r.status, createdAt: NOW - r.ageMs })),
          );
          const before = readRuns(db);
          const target = targetKind === 'business' ? { kind: 'business' as const, businessId: a.id } : { kind: 'system' as const };
          // What the trigger dialog shows before the purge is triggered.
          const preview = previewRetention(db, target, { olderThanDays }, NOW);
          const retention = harness.trigger(target, { jobType: 'runs.retention', params: { olderThanDays, batchSize }, createdAt: NOW - 365 * DAY_MS });
          const done = await harness.finished(retention.id, 3000);
          const after = readRuns(db).map((row) => row.id);
          await harness.runner.stop();
          const cutoff = NOW - olderThanDays * DAY_MS;
          const inOwnScope = (row: Row) => (targetKind === 'business' ? row.scope === 'business' && row.businessId === a.id : row.scope === 'system');
          const expectedDeleted = before.filter((row) => inOwnScope(row) && row.status === 'completed' && row.createdAt < cutoff);
          expect(done).toMatchObject({ status: 'completed', result: { deleted: expectedDeleted.length, cutoff } });
          expect(preview, 'the preview counts what the purge deletes').toEqual({ runs: expectedDeleted.length, cutoff });
          const gone = new Set(expectedDeleted.map((row) => row.id));
          expect(after.filter((id) => id !== retention.id)).toEqual(before.filter((row) => !gone.has(row.id)).map((row) => row.id));
          const audit = readAuditEvents(db).at(-1);
          expect(audit).toMatchObject({
            action: 'runs.retention',
            actorLabel: 'system',
            businessId: targetKind === 'business' ? a.id : null,
            details: { deleted: expectedDeleted.length, cutoff, olderThanDays },
          });
        },
      ),
      { numRuns: 30 },
    );
  });

  it('reports progress between batches and records who triggered it', async () => {
    const db = await createTestDatabase();
    const a = seedBusiness(db);
    const user = db.sqlite.prepare("INSERT INTO users (email, role, business_id, created_at) VALUES ('ann@example.test', 'business_admin', ?, 0)").run(a.id);
    insertRuns(db, Array.from({ length: 350 }, (_, i) => ({ owner: { kind: 'business' as const, businessId: a.id }, createdAt: i })));
    const harness = startRunner(db);
    const run = harness.trigger(
      { kind: 'business', businessId: a.id },
      { jobType: 'runs.retention', params: { olderThanDays: 1, batchSize: 100 }, triggeredByUserId: Number(user.lastInsertRowid) },
    );
    expect(await harness.finished(run.id)).toMatchObject({ status: 'completed', result: { deleted: 350 } });
    const progress = harness.events.filter((view) => view.id === run.id && view.status === 'running' && view.progressMessage !== null);
    expect(progress.map((view) => view.progressMessage)).toEqual([
      '350 run(s) to delete',
      'Deleted 100 of 350 run(s)',
      'Deleted 200 of 350 run(s)',
      'Deleted 300 of 350 run(s)',
      'Deleted 350 of 350 run(s)',
    ]);
    expect(readAuditEvents(db).at(-1)).toMatchObject({ action: 'runs.retention', actorLabel: 'ann@example.test', businessId: a.id, details: { deleted: 350 } });
  });
});
