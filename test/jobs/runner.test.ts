import { describe, expect, it, vi } from 'vitest';
import { INTERRUPTED_ERROR } from '../../src-main/jobs/runner';
import { getJobRun } from '../../src-main/history/runs';
import { writeMeta } from '../../src-main/db/meta';
import { META_RUN_LIMITS } from '../../src-main/lifecycle/limits';
import { DEFAULT_RUN_LIMITS } from '../../src-shared/schemas/limits';
import { createTestDatabase, insertRuns, readAuditEvents, seedBusiness } from '../helpers/seed';
import { countProgressWrites, setParams, startRunner } from './support';

describe('the runner', () => {
  it('runs pending runs oldest first, never more than `concurrency` at once', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db);
    const running = new Set<number>();
    let mostAtOnce = 0;
    const harness = startRunner(db, {
      concurrency: 2,
      onRunChanged(run) {
        if (run.status === 'running') running.add(run.id);
        else running.delete(run.id);
        mostAtOnce = Math.max(mostAtOnce, running.size);
      },
    });
    const runs = Array.from({ length: 5 }, () =>
      harness.trigger({ kind: 'business', businessId: acme.id }, { jobType: 'diagnostics.probe', params: { durationMs: 40, steps: 2 } }),
    );
    const finished = await Promise.all(runs.map((run) => harness.finished(run.id)));
    expect(finished.map((run) => run.status)).toEqual(Array(5).fill('completed'));
    expect(mostAtOnce).toBe(2);
    const startOrder = harness.events.filter((run) => run.status === 'running' && run.progress === null).map((run) => run.id);
    expect(startOrder).toEqual(runs.map((run) => run.id));
    for (const run of finished) {
      expect(run).toMatchObject({ progress: 1, error: null, result: { steps: 2 } });
      expect(run.durationMs).toBe(run.finishedAt! - run.startedAt!);
    }
  });

  it('shares its slots between owners: a business’s long queue holds another business’s run and system maintenance back by one of its runs, never more than its runs at once', async () => {
    const db = await createTestDatabase();
    const [flood, other] = [seedBusiness(db), seedBusiness(db)];
    writeMeta(db, META_RUN_LIMITS, { ...DEFAULT_RUN_LIMITS, runningPerBusiness: 1 });
    const running = new Map<number, number>();
    let floodMostAtOnce = 0;
    const harness = startRunner(db, {
      concurrency: 2,
      onRunChanged(run) {
        if (run.status === 'running' && run.progress === null) running.set(run.id, run.businessId ?? 0);
        else if (run.status !== 'running') running.delete(run.id);
        floodMostAtOnce = Math.max(floodMostAtOnce, [...running.values()].filter((owner) => owner === flood.id).length);
      },
    });
    const floodRuns = Array.from({ length: 20 }, () =>
      harness.trigger({ kind: 'business', businessId: flood.id }, { jobType: 'diagnostics.probe', params: { durationMs: 30, steps: 1 } }),
    );
    const otherRun = harness.trigger({ kind: 'business', businessId: other.id }, { jobType: 'diagnostics.probe', params: { durationMs: 0, steps: 1 } });
    const maintenance = harness.trigger({ kind: 'system' }, { jobType: 'diagnostics.probe', params: { durationMs: 0, steps: 1 } });
    await Promise.all([...floodRuns, otherRun, maintenance].map((run) => harness.finished(run.id)));
    const startOrder = harness.events.filter((run) => run.status === 'running' && run.progress === null).map((run) => run.id);
    // The flood holds one slot at a time (its limit); the other business and system maintenance take the other slot
    // at once, however many of the flood's runs were queued before them.
    expect(startOrder.indexOf(otherRun.id)).toBeLessThanOrEqual(2);
    expect(startOrder.indexOf(maintenance.id)).toBeLessThanOrEqual(2);
    expect(floodMostAtOnce).toBe(1);
    expect(startOrder.filter((id) => floodRuns.some((run) => run.id === id))).toEqual(floodRuns.map((run) => run.id));
  });

  it('a run created before the runner starts is served when it starts', async () => {
    const db = await createTestDatabase();
    const [pending] = insertRuns(db, [{ owner: { kind: 'system' }, createdAt: 1, status: 'pending', jobType: 'diagnostics.probe' }]);
    setParams(db, pending!, { durationMs: 0 });
    const harness = startRunner(db);
    expect(await harness.finished(pending!)).toMatchObject({ status: 'completed' });
  });

  it('after a crash, runs left running fail as interrupted at their last sign of life, with one audit event; pending runs still run', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db);
    const [stale, staleSystem, pending] = insertRuns(db, [
      { owner: { kind: 'business', businessId: acme.id }, createdAt: 1_000, status: 'running', startedAt: 2_000, heartbeatAt: 6_500 },
      // Never beat (it crashed within its first heartbeat): its start is the last thing recorded of it.
      { owner: { kind: 'system' }, createdAt: 1_000, status: 'running', startedAt: 3_000, jobType: 'maintenance.backup' },
      { owner: { kind: 'business', businessId: acme.id }, createdAt: 1_500, status: 'pending' },
    ]);
    setParams(db, pending!, { durationMs: 0 });
    // The next start comes three days later: none of that time is the runs'.
    const harness = startRunner(db, { now: () => 3 * 86_400_000 });
    expect(harness.recovered).toBe(2);
    expect(getJobRun(db, { kind: 'all' }, stale!)).toMatchObject({ status: 'failed', error: INTERRUPTED_ERROR, finishedAt: 6_500, durationMs: 4_500 });
    expect(getJobRun(db, { kind: 'all' }, staleSystem!)).toMatchObject({ status: 'failed', error: INTERRUPTED_ERROR, finishedAt: 3_000, durationMs: 0 });
    expect(INTERRUPTED_ERROR).toBe('interrupted: the app stopped while this run was in progress');
    expect(readAuditEvents(db).filter((event) => event.action === 'runs.recovered')).toEqual([
      { action: 'runs.recovered', actorLabel: 'startup', businessId: null, details: { count: 2, runIds: [stale, staleSystem] } },
    ]);
    expect(harness.events.filter((run) => run.status === 'failed').map((run) => run.id)).toEqual([stale, staleSystem]);
    expect(await harness.finished(pending!)).toMatchObject({ status: 'completed' });
  });

  it('keeps a heartbeat of its running runs, and each progress write is one too', async () => {
    const db = await createTestDatabase();
    let clock = 50_000;
    const harness = startRunner(db, { heartbeatMs: 20, now: () => clock, progressThrottleMs: 0 });
    const run = harness.trigger({ kind: 'system' }, { jobType: 'diagnostics.probe', params: { durationMs: 60_000, steps: 1 } });
    await harness.until(run.id, (view) => view.status === 'running');
    const heartbeat = () => db.sqlite.prepare('SELECT heartbeat_at FROM job_runs WHERE id = ?').pluck().get(run.id) as number | null;
    expect(heartbeat()).toBe(50_000);
    clock = 61_000;
    await vi.waitFor(() => expect(heartbeat()).toBe(61_000), { timeout: 2_000, interval: 10 });
    clock = 72_000;
    await vi.waitFor(() => expect(heartbeat()).toBe(72_000), { timeout: 2_000, interval: 10 });
    await harness.runner.stop();
  });

  it('a clean start recovers nothing and records no audit event', async () => {
    const db = await createTestDatabase();
    expect(startRunner(db).recovered).toBe(0);
    expect(readAuditEvents(db)).toEqual([]);
  });

  it('stopping aborts running handlers promptly and their runs fail as interrupted; pending runs stay pending', async () => {
    const db = await createTestDatabase();
    const harness = startRunner(db, { concurrency: 1 });
    const long = harness.trigger({ kind: 'system' }, { jobType: 'diagnostics.probe', params: { durationMs: 60_000, steps: 1 } });
    const queued = harness.trigger({ kind: 'system' }, { jobType: 'diagnostics.probe', params: { durationMs: 0 } });
    await harness.until(long.id, (run) => run.status === 'running');
    const before = Date.now();
    await harness.runner.stop();
    expect(Date.now() - before).toBeLessThan(1000);
    expect(getJobRun(db, { kind: 'all' }, long.id)).toMatchObject({ status: 'failed', error: INTERRUPTED_ERROR });
    expect(getJobRun(db, { kind: 'all' }, queued.id).status).toBe('pending');
    harness.runner.wake();
    expect(getJobRun(db, { kind: 'all' }, queued.id).status).toBe('pending');
  });

  it('never claims a pending run it has no handler for, nor one adopted from the server edition, and they do not block the queue', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db);
    const [unknown, wrongScope, adopted, next] = insertRuns(db, [
      { owner: { kind: 'system' }, createdAt: 1, status: 'pending', jobType: 'legacy.sync' },
      // reports.monthly_usage runs for one business only: a system-wide run of it has no handler.
      { owner: { kind: 'system' }, createdAt: 2, status: 'pending', jobType: 'reports.monthly_usage' },
      { owner: { kind: 'business', businessId: acme.id }, createdAt: 3, status: 'pending', jobType: 'diagnostics.probe', trigger: 'legacy' },
      { owner: { kind: 'system' }, createdAt: 4, status: 'pending', jobType: 'diagnostics.probe' },
    ]);
    setParams(db, next!, { durationMs: 0 });
    const before = db.sqlite.prepare('SELECT * FROM job_runs WHERE id IN (?, ?, ?) ORDER BY id').all(unknown, wrongScope, adopted);
    const harness = startRunner(db, { concurrency: 1 });
    expect(await harness.finished(next!)).toMatchObject({ status: 'completed' });
    harness.runner.wake();
    expect(db.sqlite.prepare('SELECT * FROM job_runs WHERE id IN (?, ?, ?) ORDER BY id').all(unknown, wrongScope, adopted)).toEqual(before);
    expect(harness.events.map((run) => run.id)).not.toContain(unknown);
  });
});

describe('progress', () => {
  it('each step of a probe is reported, in order, and shows in the run', async () => {
    const db = await createTestDatabase();
    const harness = startRunner(db, { progressThrottleMs: 0 });
    const run = harness.trigger({ kind: 'system' }, { jobType: 'diagnostics.probe', params: { durationMs: 40, steps: 4 } });
    await harness.finished(run.id);
    const reported = harness.events.filter((view) => view.id === run.id && view.status === 'running' && view.progress !== null);
    expect(reported.map((view) => [view.progress, view.progressMessage])).toEqual([
      [0, 'Step 0 of 4'],
      [0.25, 'Step 1 of 4'],
      [0.5, 'Step 2 of 4'],
      [0.75, 'Step 3 of 4'],
      [1, 'Step 4 of 4'],
    ]);
  });

  it('many reports make few database writes, and the last value is always written', async () => {
    const db = await createTestDatabase();
    const writes = countProgressWrites(db);
    const harness = startRunner(db, { progressThrottleMs: 60_000 });
    const run = harness.trigger({ kind: 'system' }, { jobType: 'diagnostics.probe', params: { durationMs: 50, steps: 50, fail: true, failMessage: 'stop here' } });
    expect(await harness.finished(run.id)).toMatchObject({ status: 'failed', error: 'stop here', progress: 1, progressMessage: 'Step 50 of 50' });
    // 51 reports: the first is written at once, the last when the run ends; everything between is dropped.
    expect(writes()).toBe(2);
  });

  it('while a run goes on, progress is written at most once per interval', async () => {
    const db = await createTestDatabase();
    const writes = countProgressWrites(db);
    const harness = startRunner(db, { progressThrottleMs: 50 });
    const started = Date.now();
    const run = harness.trigger({ kind: 'system' }, { jobType: 'diagnostics.probe', params: { durationMs: 400, steps: 80 } });
    await harness.finished(run.id);
    const elapsed = Date.now() - started;
    expect(writes()).toBeGreaterThanOrEqual(3);
    expect(writes()).toBeLessThanOrEqual(Math.ceil(elapsed / 50) + 2);
  });
});
