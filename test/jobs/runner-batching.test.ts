// The runner's group commit: outcomes are queued and written once per turn of the event loop, together with
// the claims for the slots they free. These are the promises batching could break.
import fs from 'node:fs';
import fc from 'fast-check';
import { setImmediate as nextTurn, setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { openDatabaseFile, type AppDatabase } from '../../src-main/db/connection';
import { dailyRollupDrift, runCountDrift } from '../../src-main/db/rollup-drift';
import { type JobContext } from '../../src-main/jobs/context';
import { type JobTypeDefinition } from '../../src-main/jobs/registry';
import { createRunner, INTERRUPTED_ERROR, type Runner } from '../../src-main/jobs/runner';
import { getJobRun } from '../../src-main/history/runs';
import type { JobRunView } from '../../src-shared/schemas/jobs';
import { createTestDatabase, insertRuns, seedBusiness, type SeedOwner } from '../helpers/seed';
import { startRunner } from './support';

const TEST_TYPE = 'test.handler';

/** A job type served only through the runner's jobTypes seam, with the handler the test gives. */
function testJobType(run: (ctx: JobContext, signal: AbortSignal) => Promise<unknown>): JobTypeDefinition[] {
  const type: JobTypeDefinition = {
    key: TEST_TYPE,
    title: 'Test handler',
    description: 'A handler written by the test',
    scope: 'either',
    params: z.record(z.string(), z.unknown()),
    run: (ctx, _params, signal) => run(ctx, signal),
  };
  return [type];
}

function pendingRuns(db: AppDatabase, owner: SeedOwner, count: number): number[] {
  return insertRuns(
    db,
    Array.from({ length: count }, (_, i) => ({ owner, createdAt: 1_000 + i, status: 'pending' as const, jobType: TEST_TYPE })),
  );
}

const FINISHED = new Set(['completed', 'failed', 'cancelled']);

/** Resolves when a run's first event matching `matches` is seen; fed by a runner's listener. */
function eventWaiter() {
  const seen: JobRunView[] = [];
  const waiters: { matches: (run: JobRunView) => boolean; resolve: () => void }[] = [];
  return {
    seen,
    record(run: JobRunView) {
      seen.push(run);
      for (const waiter of waiters.filter((w) => w.matches(run))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
    until(matches: (run: JobRunView) => boolean): Promise<void> {
      if (seen.some(matches)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ matches, resolve }));
    },
  };
}

const ownRunners: Runner[] = [];
afterEach(async () => {
  for (const runner of ownRunners.splice(0)) await runner.stop();
  vi.restoreAllMocks();
});

describe('the runner with group commit', () => {
  it('runs finishing in the same turn each get their own outcome, and their events come after the commit', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db);
    // A second connection sees only what has been committed.
    const other = openDatabaseFile(db.path);
    try {
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let started = 0;
      const committedAtEvent = new Map<number, string>();
      const ids = pendingRuns(db, { kind: 'business', businessId: acme.id }, 8);
      const harness = startRunner(db, {
        concurrency: 8,
        jobTypes: testJobType(async (ctx) => {
          if (++started === 8) release();
          await gate;
          const n = ids.indexOf(ctx.run.id);
          if (n % 3 === 2) throw new Error(`run ${n} failed on purpose`);
          return { n };
        }),
        onRunChanged(run) {
          if (!FINISHED.has(run.status)) return;
          const row = other.sqlite.prepare('SELECT status FROM job_runs WHERE id = ?').get(run.id) as { status: string };
          committedAtEvent.set(run.id, `${row.status}${db.sqlite.inTransaction ? ' (inside a transaction)' : ''}`);
        },
      });
      const finished = await Promise.all(ids.map((id) => harness.finished(id)));
      finished.forEach((run, n) => {
        if (n % 3 === 2) expect(run).toMatchObject({ status: 'failed', error: `run ${n} failed on purpose`, result: null });
        else expect(run).toMatchObject({ status: 'completed', error: null, result: { n }, progress: 1 });
      });
      for (const [n, id] of ids.entries()) {
        const finishedEvents = harness.events.filter((run) => run.id === id && FINISHED.has(run.status));
        expect(finishedEvents, `run ${n}`).toHaveLength(1);
        expect(finishedEvents[0]).toMatchObject({ status: finished[n]!.status, businessName: acme.name, finishedAt: finished[n]!.finishedAt });
        expect(committedAtEvent.get(id)).toBe(finished[n]!.status);
      }
    } finally {
      other.close();
    }
  });

  it('a cancel while the handler’s outcome waits for the flush wins: the run stays cancelled and no other outcome is announced', async () => {
    const db = await createTestDatabase();
    const [id] = pendingRuns(db, { kind: 'system' }, 1);
    let statusWhenCancelled: string | undefined;
    let cancelledView: JobRunView | null = null;
    const harness: { runner: Runner | null } = { runner: null };
    const h = startRunner(db, {
      jobTypes: testJobType(() => {
        // Runs in the next turn, before the flush that the handler's return schedules (setImmediate is FIFO).
        setImmediate(() => {
          statusWhenCancelled = getJobRun(db, { kind: 'all' }, id!).status;
          cancelledView = harness.runner!.cancel(id!, null);
        });
        return Promise.resolve({ done: true });
      }),
    });
    harness.runner = h.runner;
    const finished = await h.finished(id!);
    // Give the queued flush its turn; it must change nothing.
    await nextTurn();
    await nextTurn();
    expect(statusWhenCancelled).toBe('running');
    expect(cancelledView).toMatchObject({ id, status: 'cancelled' });
    expect(finished).toMatchObject({ status: 'cancelled', result: null, error: null });
    expect(getJobRun(db, { kind: 'all' }, id!)).toMatchObject({ status: 'cancelled', result: null });
    expect(h.events.filter((run) => run.id === id).map((run) => run.status)).toEqual(['running', 'cancelled']);
  });

  it('stop() with outcomes still queued writes them (completed stays completed), interrupts the rest, and leaves pending runs pending', async () => {
    const db = await createTestDatabase();
    const [quick, slow, queued] = pendingRuns(db, { kind: 'system' }, 3);
    let stopped: Promise<void> | null = null;
    const harness = startRunner(db, {
      concurrency: 2,
      jobTypes: testJobType(async (ctx, signal) => {
        if (ctx.run.id === quick) {
          // stop() comes in the turn after this handler returns, before its outcome's flush.
          setImmediate(() => {
            stopped = harness.runner.stop();
          });
          return { quick: true };
        }
        await delay(60_000, undefined, { signal });
        return { slow: true };
      }),
    });
    await harness.until(slow!, (run) => run.status === 'running');
    await harness.until(quick!, (run) => run.status === 'completed', 5000);
    expect(stopped).not.toBeNull();
    await stopped;
    expect(getJobRun(db, { kind: 'all' }, quick!)).toMatchObject({ status: 'completed', result: { quick: true } });
    expect(getJobRun(db, { kind: 'all' }, slow!)).toMatchObject({ status: 'failed', error: INTERRUPTED_ERROR });
    expect(getJobRun(db, { kind: 'all' }, queued!).status).toBe('pending');
    expect(harness.events.filter((run) => run.id === slow).map((run) => run.status)).toEqual(['running', 'failed']);
  });

  it('an outcome the file refuses to take is kept and written by a later flush, slot held meanwhile; on stop a failing flush gives up and recovery takes over', async () => {
    const db = await createTestDatabase();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const [first, second] = pendingRuns(db, { kind: 'system' }, 2);
    // The file refuses every finish until the trigger goes (as a lock held past the busy timeout, or a full disk, would).
    db.sqlite.exec("CREATE TRIGGER refuse_finish BEFORE UPDATE OF status ON job_runs WHEN NEW.status = 'completed' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
    const harness = startRunner(db, { concurrency: 1, jobTypes: testJobType(() => Promise.resolve({ done: true })) });
    await harness.until(first!, (run) => run.status === 'running');
    await vi.waitFor(() => expect(errors).toHaveBeenCalled(), { timeout: 5000 });
    // Not dropped: still running in the file, its slot held (the second run is not claimed), no finish announced.
    expect(getJobRun(db, { kind: 'all' }, first!).status).toBe('running');
    expect(getJobRun(db, { kind: 'all' }, second!).status).toBe('pending');
    db.sqlite.exec('DROP TRIGGER refuse_finish');
    await harness.until(first!, (run) => run.status === 'completed', 5000);
    expect(getJobRun(db, { kind: 'all' }, first!)).toMatchObject({ status: 'completed', result: { done: true } });
    await harness.until(second!, (run) => run.status === 'completed', 5000);
    expect(harness.events.filter((run) => run.id === first).map((run) => run.status)).toEqual(['running', 'completed']);

    // Stopping while the file refuses: stop() does not hang on the retry; the run stays running for recovery.
    const [third] = pendingRuns(db, { kind: 'system' }, 1);
    db.sqlite.exec("CREATE TRIGGER refuse_finish BEFORE UPDATE OF status ON job_runs WHEN NEW.status = 'completed' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
    harness.runner.wake();
    await harness.until(third!, (run) => run.status === 'running');
    const failures = errors.mock.calls.length;
    await vi.waitFor(() => expect(errors.mock.calls.length).toBeGreaterThan(failures), { timeout: 5000 });
    await harness.runner.stop();
    expect(getJobRun(db, { kind: 'all' }, third!).status).toBe('running');
  });

  it('a listener that throws on every event does not stop the queue, and each failure is logged', async () => {
    const db = await createTestDatabase();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const ids = pendingRuns(db, { kind: 'system' }, 6);
    const events = eventWaiter();
    const runner = createRunner(db, {
      concurrency: 2,
      jobTypes: testJobType(() => Promise.resolve('ok')),
      onRunChanged(run) {
        events.record(run);
        throw new Error('listener broke');
      },
    });
    ownRunners.push(runner);
    runner.start();
    await Promise.all(ids.map((id) => events.until((run) => run.id === id && run.status === 'completed')));
    for (const id of ids) expect(getJobRun(db, { kind: 'all' }, id).status).toBe('completed');
    expect(events.seen).toHaveLength(12);
    expect(errors).toHaveBeenCalledTimes(12);
    expect(errors).toHaveBeenCalledWith('runner: onRunChanged failed', expect.objectContaining({ message: 'listener broke' }));
  });

  it('never runs more than `concurrency` handlers at once, whatever their timings, and each run ends as its handler said', async () => {
    type Timing = 'sync' | 'microtask' | 'nextTurn' | { ms: number };
    const timing: fc.Arbitrary<Timing> = fc.oneof(
      fc.constant('sync' as const),
      fc.constant('microtask' as const),
      fc.constant('nextTurn' as const),
      fc.record({ ms: fc.integer({ min: 0, max: 4 }) }),
    );
    const plan = fc.record({
      concurrency: fc.integer({ min: 1, max: 4 }),
      runs: fc.array(fc.record({ timing, fails: fc.boolean() }), { minLength: 1, maxLength: 12 }),
      // Runs woken in waves (created while others run) as well as found at start.
      wave: fc.integer({ min: 0, max: 12 }),
    });
    await fc.assert(
      fc.asyncProperty(plan, async ({ concurrency, runs, wave }) => {
        const db = await createTestDatabase();
        const firstWave = runs.slice(0, wave);
        const secondWave = runs.slice(wave);
        const ids = pendingRuns(db, { kind: 'system' }, firstWave.length);
        const planOf = new Map<number, { timing: Timing; fails: boolean }>();
        firstWave.forEach((run, i) => planOf.set(ids[i]!, run));
        let inHandlers = 0;
        let mostInHandlers = 0;
        const announcedRunning = new Set<number>();
        let mostAnnouncedRunning = 0;
        const harness = startRunner(db, {
          concurrency,
          jobTypes: testJobType(async (ctx) => {
            const { timing: wait, fails } = planOf.get(ctx.run.id)!;
            mostInHandlers = Math.max(mostInHandlers, ++inHandlers);
            try {
              if (wait === 'microtask') await Promise.resolve();
              else if (wait === 'nextTurn') await nextTurn();
              else if (wait !== 'sync') await delay(wait.ms);
              if (fails) throw new Error(`run ${ctx.run.id} fails`);
              return { id: ctx.run.id };
            } finally {
              inHandlers--;
            }
          }),
          onRunChanged(run) {
            if (run.status === 'running') announcedRunning.add(run.id);
            else announcedRunning.delete(run.id);
            mostAnnouncedRunning = Math.max(mostAnnouncedRunning, announcedRunning.size);
          },
        });
        if (secondWave.length > 0) {
          const more = pendingRuns(db, { kind: 'system' }, secondWave.length);
          secondWave.forEach((run, i) => planOf.set(more[i]!, run));
          ids.push(...more);
          harness.runner.wake();
        }
        const finished = await Promise.all(ids.map((id) => harness.finished(id)));
        expect(mostInHandlers).toBeLessThanOrEqual(concurrency);
        expect(mostAnnouncedRunning).toBeLessThanOrEqual(concurrency);
        finished.forEach((run, i) => {
          const { fails } = planOf.get(ids[i]!)!;
          expect(run).toMatchObject(fails ? { status: 'failed', error: `run ${run.id} fails` } : { status: 'completed', result: { id: run.id } });
          expect(harness.events.filter((event) => event.id === run.id && FINISHED.has(event.status))).toHaveLength(1);
        });
        await harness.runner.stop();
        db.close();
      }),
      { numRuns: 25 },
    );
  });

  it('after a batch of runs (completed, failed, cancelled) the rollups equal a recount of job_runs', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db);
    const globex = seedBusiness(db);
    const ids = [
      ...pendingRuns(db, { kind: 'business', businessId: acme.id }, 6),
      ...pendingRuns(db, { kind: 'business', businessId: globex.id }, 6),
      ...pendingRuns(db, { kind: 'system' }, 4),
    ];
    const toCancel = new Set([ids[1], ids[7]]);
    let runner: Runner | null = null;
    const harness = startRunner(db, {
      concurrency: 8,
      jobTypes: testJobType(async (ctx) => {
        await nextTurn();
        // Cancelled while its handler runs: the handler's later outcome must not count twice.
        if (toCancel.has(ctx.run.id)) runner!.cancel(ctx.run.id, null);
        if (ctx.run.id % 4 === 0) throw new Error('fails');
        return null;
      }),
    });
    runner = harness.runner;
    const finished = await Promise.all(ids.map((id) => harness.finished(id)));
    expect(finished.filter((run) => run.status === 'cancelled').map((run) => run.id)).toEqual([ids[1], ids[7]]);
    expect(new Set(finished.map((run) => run.status))).toEqual(new Set(['completed', 'failed', 'cancelled']));
    expect(runCountDrift(db.sqlite)).toEqual([]);
    expect(dailyRollupDrift(db.sqlite)).toEqual([]);
  });
});

/** The WAL's last committed frame and how many frames a checkpoint has copied into the file, from the -shm's header. */
function walFrames(db: AppDatabase): { committed: number; checkpointed: number } {
  const shm = fs.readFileSync(`${db.path}-shm`);
  // WalIndexHdr.mxFrame at byte 16, WalCkptInfo.nBackfill at byte 96; native byte order.
  return { committed: shm.readUInt32LE(16), checkpointed: shm.readUInt32LE(96) };
}

describe('the runner’s idle checkpoint', () => {
  it('once nothing has run for idleCheckpointMs, the WAL is checkpointed into the file; not while runs keep coming', async () => {
    const db = await createTestDatabase();
    const ids = pendingRuns(db, { kind: 'system' }, 3);
    const harness = startRunner(db, { concurrency: 1, idleCheckpointMs: 50, jobTypes: testJobType(() => Promise.resolve(null)) });
    await Promise.all(ids.map((id) => harness.finished(id)));
    // The commits crossed no autocheckpoint mark: their frames are only in the WAL.
    const after = walFrames(db);
    expect(after.checkpointed).toBeLessThan(after.committed);
    await vi.waitFor(() => expect(walFrames(db)).toEqual({ committed: after.committed, checkpointed: after.committed }), { timeout: 5000 });

    // A run still running when the wait ends: no checkpoint under it, and one once it has finished.
    await harness.runner.stop();
    let release: () => void = () => {};
    const [held, next] = pendingRuns(db, { kind: 'system' }, 2);
    const slow = startRunner(db, {
      concurrency: 1,
      idleCheckpointMs: 50,
      jobTypes: testJobType((ctx) => (ctx.run.id === held ? new Promise((resolve) => (release = () => resolve(null))) : Promise.resolve(null))),
    });
    await slow.until(held!, (run) => run.status === 'running');
    const during = walFrames(db);
    expect(during.checkpointed).toBeLessThan(during.committed);
    await delay(200);
    expect(walFrames(db)).toEqual(during);
    release();
    await slow.finished(next!);
    await vi.waitFor(() => expect(walFrames(db).checkpointed).toBe(walFrames(db).committed), { timeout: 5000 });
  });
});
