// Statement journals kept in memory for the run lifecycle's transactions (inImmediateTransaction's 'memory'): a failed
// statement is still undone alone, and the setting ends with the transaction, so a bulk change's journal goes to a file.
import { describe, expect, it } from 'vitest';
import { inImmediateTransaction } from '../../src-main/db/connection';
import { dailyRollupDrift, runCountDrift } from '../../src-main/db/rollup-drift';
import { createJobRun, finishJobRun, startJobRun } from '../../src-main/lifecycle/runs';
import { createTestDatabase, seedBusiness, seedRuns } from '../helpers/seed';

const MEMORY = 2;
const DEFAULT = 0;

describe("a transaction's statement journals", () => {
  it('in memory, a statement that fails after changing many runs is undone alone: the rest of the transaction commits, the rollups stay exact', async () => {
    const db = await createTestDatabase();
    const business = seedBusiness(db);
    const scope = { kind: 'business', businessId: business.id } as const;
    // Enough runs over enough days that the failing statement changes far more than 16 pages.
    const seeded = seedRuns(db, scope, 3_000, { statuses: ['running'], stepMs: 3_600_000 });
    const kept = inImmediateTransaction(
      db,
      (tx) => {
        const run = createJobRun(tx, scope, { jobType: 'diagnostics.probe', trigger: 'manual' });
        startJobRun(tx, scope, run.id);
        finishJobRun(tx, scope, run.id, { status: 'completed', result: { ok: true } });
        // Every running run ends, then the last one's business turns out not to exist: the statement fails at its end.
        const last = seeded.at(-1)!;
        expect(() =>
          tx.sqlite
            .prepare(
              `UPDATE job_runs SET status = 'completed', duration_ms = id, finished_at = created_at + id,
                 business_id = CASE WHEN id = ? THEN 999999 ELSE business_id END
               WHERE status = 'running'`,
            )
            .run(last),
        ).toThrow(/FOREIGN KEY/);
        expect(tx.sqlite.pragma('temp_store', { simple: true })).toBe(MEMORY);
        return run.id;
      },
      'memory',
    );
    const statuses = db.sqlite.prepare('SELECT status, count(*) AS runs FROM job_runs GROUP BY status ORDER BY status').all();
    expect(statuses).toEqual([
      { status: 'completed', runs: 1 },
      { status: 'running', runs: 3_000 },
    ]);
    expect(db.sqlite.prepare('SELECT status FROM job_runs WHERE id = ?').pluck().get(kept)).toBe('completed');
    expect(dailyRollupDrift(db.sqlite)).toEqual([]);
    expect(runCountDrift(db.sqlite)).toEqual([]);
  });

  it('the setting ends with the transaction, committed or thrown, and a transaction inside another keeps the outer one', async () => {
    const db = await createTestDatabase();
    const setting = () => db.sqlite.pragma('temp_store', { simple: true });
    expect(inImmediateTransaction(db, () => setting(), 'memory')).toBe(MEMORY);
    expect(setting()).toBe(DEFAULT);
    expect(() =>
      inImmediateTransaction(
        db,
        () => {
          throw new Error('refused');
        },
        'memory',
      ),
    ).toThrow('refused');
    expect(setting()).toBe(DEFAULT);
    expect(inImmediateTransaction(db, () => setting())).toBe(DEFAULT);
    // A bulk change's transaction with a lifecycle's step inside it: the step cannot change the setting mid-way.
    expect(inImmediateTransaction(db, () => [setting(), inImmediateTransaction(db, () => setting(), 'memory'), setting()])).toEqual([DEFAULT, DEFAULT, DEFAULT]);
    expect(setting()).toBe(DEFAULT);
  });
});
