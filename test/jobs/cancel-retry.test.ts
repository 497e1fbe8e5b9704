import { describe, expect, it } from 'vitest';
import { getJobRun } from '../../src-main/history/runs';
import { cancelJobRun, retryJobRun } from '../../src-main/lifecycle/control';
import type { TenantScope } from '../../src-shared/tenancy';
import { actorFor, seedUser } from '../helpers/accounts';
import { createTestDatabase, insertRuns, readAuditEvents, seedBusiness } from '../helpers/seed';
import { startRunner } from './support';

const error = (code: string, message?: string) =>
  expect.objectContaining({ code, ...(message === undefined ? {} : { message: expect.stringContaining(message) }) });

async function fixture() {
  const db = await createTestDatabase();
  const acme = seedBusiness(db, { name: 'Acme' });
  const globex = seedBusiness(db, { name: 'Globex' });
  const ann = actorFor(await seedUser(db, { role: 'member', businessId: acme.id, withPassword: false }));
  const bob = actorFor(await seedUser(db, { role: 'member', businessId: acme.id, withPassword: false }));
  const boss = actorFor(await seedUser(db, { role: 'business_admin', businessId: acme.id, withPassword: false }));
  const root = actorFor(await seedUser(db, { role: 'system_admin', withPassword: false }));
  const acmeScope: TenantScope = { kind: 'business', businessId: acme.id };
  return { db, acme, globex, ann, bob, boss, root, acmeScope };
}

describe('cancelling a run', () => {
  it('a pending run is cancelled at once, with who cancelled it, and audited', async () => {
    const { db, acme, ann, acmeScope } = await fixture();
    const harness = startRunner(db, { concurrency: 1 });
    const busy = harness.trigger({ kind: 'business', businessId: acme.id }, { jobType: 'diagnostics.probe', params: { durationMs: 60_000, steps: 1 } });
    const queued = harness.trigger({ kind: 'business', businessId: acme.id }, { jobType: 'diagnostics.probe', triggeredByUserId: ann.userId });
    const cancelled = cancelJobRun(db, ann, acmeScope, queued.id, harness.runner);
    expect(cancelled).toMatchObject({ id: queued.id, status: 'cancelled', cancelledByUserId: ann.userId, startedAt: null, durationMs: null });
    expect(getJobRun(db, acmeScope, busy.id).status).toBe('running');
    expect(readAuditEvents(db).at(-1)).toMatchObject({ action: 'job.cancel', actorLabel: ann.email, businessId: acme.id, details: { from: 'pending' } });
  });

  it('a running run is aborted promptly and ends cancelled (not failed), freeing its slot', async () => {
    const { db, acme, boss, acmeScope } = await fixture();
    const harness = startRunner(db, { concurrency: 1 });
    const long = harness.trigger({ kind: 'business', businessId: acme.id }, { jobType: 'diagnostics.probe', params: { durationMs: 60_000, steps: 2 } });
    const next = harness.trigger({ kind: 'business', businessId: acme.id }, { jobType: 'diagnostics.probe', params: { durationMs: 0 } });
    await harness.until(long.id, (run) => run.status === 'running');
    const before = Date.now();
    expect(cancelJobRun(db, boss, acmeScope, long.id, harness.runner)).toMatchObject({ status: 'cancelled', cancelledByUserId: boss.userId });
    expect(await harness.finished(next.id)).toMatchObject({ status: 'completed' });
    expect(Date.now() - before).toBeLessThan(1000);
    expect(getJobRun(db, acmeScope, long.id)).toMatchObject({ status: 'cancelled', error: null, cancelledByUserId: boss.userId });
    expect(getJobRun(db, acmeScope, long.id).durationMs).toBeGreaterThanOrEqual(0);
    expect(harness.events.filter((run) => run.id === long.id).map((run) => run.status).at(-1)).toBe('cancelled');
  });

  it('refuses: another member’s run FORBIDDEN, another business’s run NOT_FOUND, a finished run CONFLICT; nothing changes', async () => {
    const { db, acme, globex, ann, bob, root, acmeScope } = await fixture();
    // A stopped runner: it still cancels, but starts nothing, so the pending runs stay pending.
    const harness = startRunner(db);
    await harness.runner.stop();
    const [annsPending, globexPending, done] = insertRuns(db, [
      { owner: { kind: 'business', businessId: acme.id }, createdAt: 1, status: 'pending', triggeredByUserId: ann.userId },
      { owner: { kind: 'business', businessId: globex.id }, createdAt: 2, status: 'pending' },
      { owner: { kind: 'business', businessId: acme.id }, createdAt: 3, status: 'completed', triggeredByUserId: ann.userId },
    ]);
    expect(() => cancelJobRun(db, bob, acmeScope, annsPending!, harness.runner)).toThrow(error('FORBIDDEN', 'You can cancel only runs you triggered.'));
    expect(() => cancelJobRun(db, ann, acmeScope, globexPending!, harness.runner)).toThrow(error('NOT_FOUND', `There is no run ${globexPending}.`));
    expect(() => cancelJobRun(db, ann, acmeScope, done!, harness.runner)).toThrow(error('CONFLICT', 'already finished'));
    expect(getJobRun(db, { kind: 'all' }, annsPending!).status).toBe('pending');
    expect(readAuditEvents(db).filter((event) => event.action === 'job.cancel')).toEqual([]);
    expect(cancelJobRun(db, root, { kind: 'all' }, globexPending!, harness.runner)).toMatchObject({ status: 'cancelled', cancelledByUserId: root.userId });
  });
});

describe('retrying a run', () => {
  it('a failed run gets a new linked run: same type, business and params, trigger retry, by the actor; audited; it runs', async () => {
    const { db, acme, ann, acmeScope } = await fixture();
    const harness = startRunner(db);
    const original = harness.trigger(
      { kind: 'business', businessId: acme.id },
      { jobType: 'diagnostics.probe', params: { durationMs: 10, steps: 1, fail: true, failMessage: 'flaky' }, triggeredByUserId: ann.userId },
    );
    expect(await harness.finished(original.id)).toMatchObject({ status: 'failed', error: 'flaky' });
    const retry = retryJobRun(db, ann, acmeScope, original.id);
    expect(retry).toMatchObject({
      status: 'pending',
      trigger: 'retry',
      retryOfRunId: original.id,
      scope: 'business',
      businessId: acme.id,
      jobType: 'diagnostics.probe',
      triggeredByUserId: ann.userId,
      triggeredBy: ann.email,
    });
    expect(getJobRun(db, acmeScope, retry.id).params).toEqual(getJobRun(db, acmeScope, original.id).params);
    expect(readAuditEvents(db).at(-1)).toMatchObject({ action: 'job.retry', actorLabel: ann.email, businessId: acme.id, details: { retryOfRunId: original.id } });
    harness.runner.wake();
    expect(await harness.finished(retry.id)).toMatchObject({ status: 'failed', error: 'flaky' });
  });

  it('a cancelled system run is retried system-wide by a system admin', async () => {
    const { db, root } = await fixture();
    const [cancelled] = insertRuns(db, [{ owner: { kind: 'system' }, createdAt: 1, status: 'cancelled', jobType: 'maintenance.integrity_check' }]);
    expect(retryJobRun(db, root, { kind: 'system' }, cancelled!)).toMatchObject({ scope: 'system', businessId: null, trigger: 'retry', retryOfRunId: cancelled });
  });

  it('an unfinished run of the server edition is retried as a new run of this app, and itself stays as it was', async () => {
    const { db, acme, boss, acmeScope } = await fixture();
    const [unfinished] = insertRuns(db, [
      { owner: { kind: 'business', businessId: acme.id }, createdAt: 1, status: 'unfinished', trigger: 'legacy', legacyId: 'abc', startedAt: 2 },
    ]);
    const before = db.sqlite.prepare('SELECT * FROM job_runs WHERE id = ?').get(unfinished);
    expect(retryJobRun(db, boss, acmeScope, unfinished!)).toMatchObject({ status: 'pending', trigger: 'retry', retryOfRunId: unfinished, businessId: acme.id });
    expect(db.sqlite.prepare('SELECT * FROM job_runs WHERE id = ?').get(unfinished)).toEqual(before);
  });

  it('refuses: completed or active runs CONFLICT, another member’s run FORBIDDEN, an orphan CONFLICT, another business NOT_FOUND', async () => {
    const { db, acme, globex, ann, bob, boss, root, acmeScope } = await fixture();
    const [completed, running, annsFailed, orphan, globexFailed, legacyType] = insertRuns(db, [
      { owner: { kind: 'business', businessId: acme.id }, createdAt: 1, status: 'completed', triggeredByUserId: ann.userId },
      { owner: { kind: 'business', businessId: acme.id }, createdAt: 2, status: 'running', triggeredByUserId: ann.userId },
      { owner: { kind: 'business', businessId: acme.id }, createdAt: 3, status: 'failed', triggeredByUserId: ann.userId },
      { owner: { kind: 'orphan' }, createdAt: 4, status: 'failed' },
      { owner: { kind: 'business', businessId: globex.id }, createdAt: 5, status: 'failed' },
      { owner: { kind: 'system' }, createdAt: 6, status: 'failed', jobType: 'legacy.sync' },
    ]);
    expect(() => retryJobRun(db, ann, acmeScope, completed!)).toThrow(error('CONFLICT', 'only failed, cancelled or unfinished runs can be retried'));
    expect(() => retryJobRun(db, ann, acmeScope, running!)).toThrow(error('CONFLICT'));
    expect(() => retryJobRun(db, bob, acmeScope, annsFailed!)).toThrow(error('FORBIDDEN', 'You can retry only runs you triggered.'));
    expect(() => retryJobRun(db, ann, acmeScope, globexFailed!)).toThrow(error('NOT_FOUND'));
    expect(() => retryJobRun(db, root, { kind: 'orphans' }, orphan!)).toThrow(error('CONFLICT', 'an orphan has no business to run in; assign it first'));
    expect(() => retryJobRun(db, root, { kind: 'all' }, legacyType!)).toThrow(error('CONFLICT', 'does not know'));
    expect(retryJobRun(db, boss, acmeScope, annsFailed!)).toMatchObject({ trigger: 'retry', triggeredByUserId: boss.userId });
    expect(readAuditEvents(db).filter((event) => event.action === 'job.retry')).toHaveLength(1);
  });
});
