// The read workers (src-main/reads/): a long read runs beside the runner instead of stopping it, answers what the
// same read answers on the main thread, refuses in the same words, and reads rollups a bulk load left uncounted.
import { afterEach, describe, expect, it } from 'vitest';
import { type Actor } from '../../src-main/access/policy';
import { type AppDatabase, inImmediateTransaction } from '../../src-main/db/connection';
import { writeMeta } from '../../src-main/db/meta';
import { META_ROLLUPS_UNCOUNTED } from '../../src-main/db/rollups';
import { findJobType } from '../../src-main/jobs/catalog';
import { JOB_TYPES, type JobTypeDefinition } from '../../src-main/jobs/registry';
import { createRunner, type Runner } from '../../src-main/jobs/runner';
import { createJobRun } from '../../src-main/lifecycle/runs';
import { createReadPool, inlineReads, type ReadPool } from '../../src-main/reads/pool';
import { type ReadCaller } from '../../src-main/reads/queries';
import { listJobRunsInput } from '../../src-shared/schemas/jobs';
import { refusedField } from '../helpers/refusals';
import { createTestDatabase, seedBusiness, seedRuns } from '../helpers/seed';

const DAY = 86_400_000;
const admin: Actor = { userId: 1, email: 'admin@example.test', role: 'system_admin', businessId: null, businessDisabled: false };
const all: ReadCaller = { actor: admin, scope: { kind: 'all' } };

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function poolOn(db: AppDatabase): ReadPool {
  const pool = createReadPool(db, { threads: 1 });
  closers.push(() => pool.close());
  return pool;
}

/** The runner with a no-wait handler, serving a queue of `queued` runs of `businessId`; counts the runs it finishes. */
function busyRunner(db: AppDatabase, businessId: number, queued: number): { runner: Runner; finished: () => number } {
  const noop: JobTypeDefinition = { ...findJobType('diagnostics.probe')!, run: () => Promise.resolve(null) };
  let finished = 0;
  const runner = createRunner(db, {
    concurrency: 2,
    jobTypes: [noop, ...JOB_TYPES.filter((type) => type.key !== noop.key)],
    onRunChanged: (run) => {
      if (run.finishedAt !== null) finished++;
    },
  });
  inImmediateTransaction(db, () => {
    for (let i = 0; i < queued; i++) createJobRun(db, { kind: 'business', businessId }, { jobType: noop.key, params: { durationMs: 0 }, trigger: 'manual' });
  });
  closers.push(() => runner.stop());
  runner.start();
  return { runner, finished: () => finished };
}

/** A read that takes a while at any speed: the all-business history sorted by duration (no index serves it) over many runs. */
const longRead = listJobRunsInput.parse({ sort: { field: 'durationMs', direction: 'desc' }, limit: 200 });

describe('reads on worker threads', () => {
  it('a long read on a worker leaves the runner working while it runs; the same read on the main thread stops it until the read is done', async () => {
    const db = await createTestDatabase();
    const business = seedBusiness(db);
    db.sqlite
      .prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60000)
         INSERT INTO job_runs (scope, business_id, job_type, status, trigger, created_at, duration_ms)
         SELECT 'business', ?, 'diagnostics.probe', 'completed', 'manual', 1700000000000 + i * 1000, i * 7919 % 9973 FROM n`,
      )
      .run(business.id);
    const pool = poolOn(db);
    await pool.run('jobs.list', all, longRead); // the worker started and warm
    const { finished } = busyRunner(db, business.id, 2_000);

    const during = async (reads: ReadPool) => {
      const before = finished();
      const page = await reads.run('jobs.list', all, longRead);
      return { runs: finished() - before, page };
    };
    const onWorker = await during(pool);
    const inline = await during(inlineReads(db));
    // The worker's read ran while the runner finished runs; inline, nothing else happened on the thread meanwhile.
    expect(onWorker.runs).toBeGreaterThan(0);
    expect(inline.runs).toBe(0);
    expect(onWorker.page.runs.map((run) => run.durationMs)).toEqual(inline.page.runs.map((run) => run.durationMs));
  });

  it('answer what the main thread answers, and refuse in the same words, naming the field', async () => {
    const db = await createTestDatabase();
    const business = seedBusiness(db);
    seedRuns(db, { kind: 'business', businessId: business.id }, 500, { statuses: ['completed', 'failed', 'pending', 'running'], durationMs: 40, stepMs: 60_000 });
    const pool = poolOn(db);
    const caller: ReadCaller = { actor: admin, scope: { kind: 'business', businessId: business.id } };
    const range = { from: 1_700_000_000_000 - DAY, to: 1_700_000_000_000 + 2 * DAY, timeZone: 'Europe/Berlin' };
    expect(await pool.run('jobs.stats', caller, range)).toEqual(await inlineReads(db).run('jobs.stats', caller, range));
    expect(await pool.run('jobs.types', caller, {})).toEqual(await inlineReads(db).run('jobs.types', caller, {}));
    await expect(pool.run('jobs.stats', caller, { ...range, timeZone: 'Mars/Olympus_Mons' })).rejects.toThrow(
      refusedField('timeZone', 'Time zone "Mars/Olympus_Mons" is not one this app knows; use an IANA name such as Europe/Berlin.'),
    );
  });

  it('hand what the statistics read of settled days to the main thread, which keeps it in the file: a second pool, a new process, answers the same from it', async () => {
    const db = await createTestDatabase();
    const business = seedBusiness(db);
    seedRuns(db, { kind: 'business', businessId: business.id }, 400, { statuses: ['completed', 'failed'], durationMs: 40, stepMs: 1_800_000 });
    const range = { from: 1_700_000_000_000 - DAY / 3, to: 1_700_000_000_000 + 9 * DAY, timeZone: 'UTC' };
    const kept = () => db.sqlite.prepare('SELECT scope, days, age FROM job_run_stats_windows ORDER BY age').all();
    expect(kept()).toEqual([]);
    const first = await poolOn(db).run('jobs.stats', all, range);
    // The range's whole days and the period before it, each under the scope's key, with its length and age.
    expect(kept()).toMatchObject([
      { scope: 'v1 all', days: 8 },
      { scope: 'v1 all', days: 8 },
    ]);
    expect(await poolOn(db).run('jobs.stats', all, range)).toEqual(first);
  });

  it('see every commit made before they start (a run created, then listed)', async () => {
    const db = await createTestDatabase();
    const business = seedBusiness(db);
    const pool = poolOn(db);
    const caller: ReadCaller = { actor: admin, scope: { kind: 'business', businessId: business.id } };
    expect((await pool.run('jobs.list', caller, listJobRunsInput.parse({}))).runs).toEqual([]);
    const run = createJobRun(db, { kind: 'business', businessId: business.id }, { jobType: 'diagnostics.probe', params: { durationMs: 0 }, trigger: 'manual' });
    expect((await pool.run('jobs.list', caller, listJobRunsInput.parse({}))).runs.map((r) => r.id)).toEqual([run.id]);
  });

  it('read rollups a bulk load left uncounted: they are counted on a worker first, and the answer is the same', async () => {
    const db = await createTestDatabase();
    const business = seedBusiness(db);
    seedRuns(db, { kind: 'business', businessId: business.id }, 300, { statuses: ['completed', 'pending'], durationMs: 12 });
    const caller: ReadCaller = { actor: admin, scope: { kind: 'business', businessId: business.id } };
    const range = { from: 1_700_000_000_000, to: 1_700_000_000_000 + DAY, timeZone: 'UTC' };
    const expected = await inlineReads(db).run('jobs.stats', caller, range);
    db.sqlite.exec('DELETE FROM job_run_daily; DELETE FROM job_run_active; DELETE FROM job_run_counts');
    writeMeta(db, META_ROLLUPS_UNCOUNTED, true);
    const pool = poolOn(db);
    expect(await pool.run('jobs.stats', caller, range)).toEqual(expected);
    expect(db.sqlite.prepare('SELECT count(*) FROM app_meta WHERE key = ?').pluck().get(META_ROLLUPS_UNCOUNTED)).toBe(0);
  });
});
