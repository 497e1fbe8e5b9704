// Adopted history stays true: on real server-edition files of each revision, opening the file and running this app's
// own queue changes nothing about an adopted run, invents no time or duration, and every figure leaves out the
// durations nobody recorded.
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../src-main/db/connection';
import { openAppDatabase } from '../../src-main/startup';
import { getActiveJobRuns } from '../../src-main/history/pages';
import { getJobRunStats } from '../../src-main/stats/stats';
import { type RunTarget } from '../../src-shared/tenancy';
import { getUsage } from '../../src-main/usage/usage';
import { createLegacyDatabase, type LegacyRevisionName } from '../helpers/legacy-fixtures';
import { MIGRATIONS_FOLDER, tempDir } from '../helpers/temp';
import { startRunner } from '../jobs/support';
import { ADOPTED_AT } from './support';

const REVISIONS: LegacyRevisionName[] = ['pre_tenant', 'tenant', 'cleaned'];
const YEAR_2025 = { from: Date.UTC(2025, 0, 1), to: Date.UTC(2026, 0, 1) };

interface Row {
  [column: string]: unknown;
}

async function adoptedFile(revision: LegacyRevisionName, seed: number, runs: number): Promise<AppDatabase> {
  const fixture = createLegacyDatabase(path.join(tempDir(), 'automation.db'), { revision, runs, businesses: 5, seed });
  const { db } = await openAppDatabase(fixture.path, { migrationsFolder: MIGRATIONS_FOLDER, now: () => ADOPTED_AT, confirmAdoption: () => true });
  return db;
}

const adoptedRuns = (db: AppDatabase) => db.sqlite.prepare("SELECT * FROM job_runs WHERE trigger = 'legacy' ORDER BY id").all() as Row[];

describe.each(REVISIONS)('the history of a server-edition file at revision %s', (revision) => {
  it('the runner never claims, finishes or times an adopted run, whatever the mix of adopted and app-created pending runs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        // Adopted runs put back to pending (as the worst file could hold them): how many, and whether of a type this app runs.
        fc.array(fc.boolean(), { maxLength: 12 }),
        // App-created runs: for which of the file's businesses (or system-wide, -1), in creation order.
        fc.array(fc.integer({ min: -1, max: 4 }), { minLength: 1, maxLength: 10 }),
        async (seed, adoptedPending, appRuns) => {
          const db = await adoptedFile(revision, seed, 200);
          // No adopted run is left to the queue: what had not finished is unfinished.
          expect(db.sqlite.prepare("SELECT count(*) FROM job_runs WHERE trigger = 'legacy' AND status IN ('pending', 'running')").pluck().get()).toBe(0);
          const candidates = db.sqlite.prepare("SELECT id FROM job_runs WHERE trigger = 'legacy' ORDER BY random() LIMIT ?").pluck().all(adoptedPending.length) as number[];
          candidates.forEach((id, i) => {
            const jobType = adoptedPending[i] ? 'diagnostics.probe' : 'sync_orders';
            db.sqlite.prepare("UPDATE job_runs SET status = 'pending', job_type = ?, params = '{\"durationMs\":0}' WHERE id = ?").run(jobType, id);
          });
          const before = adoptedRuns(db);
          const businesses = db.sqlite.prepare('SELECT id FROM businesses ORDER BY id').pluck().all() as number[];

          const harness = startRunner(db, { concurrency: 2 });
          expect(harness.recovered).toBe(0);
          const created = appRuns.map((owner) => {
            const target: RunTarget = owner < 0 ? { kind: 'system' } : { kind: 'business', businessId: businesses[owner % businesses.length]! };
            return harness.trigger(target, { jobType: 'diagnostics.probe', params: { durationMs: 0 } });
          });
          for (const run of created) expect(await harness.finished(run.id)).toMatchObject({ status: 'completed' });
          harness.runner.wake();
          await harness.runner.stop();

          expect(adoptedRuns(db)).toEqual(before);
          expect(harness.events.filter((event) => event.trigger === 'legacy')).toEqual([]);
          db.close();
        },
      ),
      { numRuns: 4 },
    );
  });

  it('shows unfinished runs as such, never active, and keeps their durations out of every figure', async () => {
    const db = await adoptedFile(revision, 11, 1_500);
    try {
      const runs = adoptedRuns(db);
      const unfinished = runs.filter((run) => run.status === 'unfinished');
      expect(unfinished.length).toBeGreaterThan(0);
      // The active list holds only runs this app may still progress: none of these.
      expect(getActiveJobRuns(db, { kind: 'all' }, { cursor: null, limit: 200 }).runs).toEqual([]);

      const stats = getJobRunStats(db, { kind: 'all' }, { ...YEAR_2025, timeZone: 'UTC' });
      const inYear = runs.filter((run) => (run.created_at as number) >= YEAR_2025.from && (run.created_at as number) < YEAR_2025.to);
      expect(stats.byStatus.unfinished).toBe(inYear.filter((run) => run.status === 'unfinished').length);
      expect(stats.byStatus.pending + stats.byStatus.running).toBe(0);
      // The average over recorded durations of runs that ended (completed or failed), computed plainly.
      const timed = inYear.filter((run) => (run.status === 'completed' || run.status === 'failed') && run.duration_ms !== null);
      const mean = timed.reduce((sum, run) => sum + (run.duration_ms as number), 0) / timed.length;
      expect(stats.duration.avgMs).toBeCloseTo(mean, 6);
      // Unfinished runs with a recorded duration exist in these files, and still count for nothing.
      expect(unfinished.some((run) => run.duration_ms !== null)).toBe(true);

      // Usage: the total of recorded durations of ended runs per month; nothing for an unfinished run.
      const usage = getUsage(db, { kind: 'all' }, { fromMonth: '2025-01', toMonth: '2025-12' });
      const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);
      const totals = new Map<string, number>();
      for (const run of inYear) {
        const month = monthOf(run.created_at as number);
        const recorded = ['completed', 'failed', 'cancelled'].includes(run.status as string) ? ((run.duration_ms as number | null) ?? 0) : 0;
        totals.set(month, (totals.get(month) ?? 0) + recorded);
      }
      const reported = new Map<string, number>();
      for (const row of usage.rows) reported.set(row.month, (reported.get(row.month) ?? 0) + row.totalDurationMs);
      expect(reported).toEqual(totals);
    } finally {
      db.close();
    }
  });
});
