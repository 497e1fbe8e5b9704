// The job engine through the contract, with the real runner and scheduler, over both transports: runs go from
// pending to completed live, cancel and retry follow the access matrix, and no engine event crosses a tenant.
import { describe, expect, it } from 'vitest';
import type { JobRunView } from '../../src-shared/schemas/jobs';
import { type ContractClient, eventually, type Harness, startHarness, TRANSPORTS } from '../helpers/contract-harness';
import { insertBusiness, insertUser, TEST_PASSWORD } from '../helpers/contract-data';
import { tempDbPath } from '../helpers/temp';

interface World {
  harness: Harness;
  acme: number;
  globex: number;
  alice: ContractClient; // member of Acme
  carol: ContractClient; // member of Acme
  ann: ContractClient; // business admin of Acme
  bob: ContractClient; // business admin of Globex
  root: ContractClient; // system admin
}

async function world(transport: (typeof TRANSPORTS)[number]): Promise<World> {
  const harness = await startHarness(transport, tempDbPath(), { engine: true });
  const acme = insertBusiness(harness.db, 'Acme');
  const globex = insertBusiness(harness.db, 'Globex');
  const sign = async (role: 'member' | 'business_admin' | 'system_admin', businessId: number | null) => {
    const user = insertUser(harness.db, { role, businessId });
    const client = harness.client();
    await client.value('auth.login', { email: user.email, password: TEST_PASSWORD });
    return client;
  };
  return {
    harness,
    acme,
    globex,
    alice: await sign('member', acme),
    carol: await sign('member', acme),
    ann: await sign('business_admin', acme),
    bob: await sign('business_admin', globex),
    root: await sign('system_admin', null),
  };
}

async function waitForStatus(client: ContractClient, id: number, status: JobRunView['status']): Promise<JobRunView> {
  let run = await client.value('jobs.get', { id });
  const until = Date.now() + 10_000;
  while (run.status !== status && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    run = await client.value('jobs.get', { id });
  }
  expect(run.status).toBe(status);
  return run;
}

describe.each(TRANSPORTS)('the job engine over %s', (transport) => {
  it('a member’s probe runs to completion, and its live events reach Acme and the system admin only', async () => {
    const w = await world(transport);
    try {
      const [aliceEvents, bobEvents, rootEvents] = await Promise.all([w.alice.listen(), w.bob.listen(), w.root.listen()]);
      const run = await w.alice.value('jobs.create', { jobType: 'diagnostics.probe', params: { durationMs: 200, steps: 4 } });
      expect(run).toMatchObject({ businessId: w.acme, status: 'pending', trigger: 'manual' });

      const done = await waitForStatus(w.alice, run.id, 'completed');
      expect(done.progress).toBe(1);
      expect(done.durationMs).toBeGreaterThanOrEqual(150);
      await eventually(() => aliceEvents.of('jobs.changed').some((e) => e.run.status === 'completed'));

      const seen = (events: typeof aliceEvents) => events.of('jobs.changed').filter((e) => e.run.id === run.id).map((e) => e.run.status);
      for (const events of [aliceEvents, rootEvents]) {
        expect(seen(events)[0]).toBe('pending');
        expect(seen(events)).toContain('running');
        expect(seen(events).at(-1)).toBe('completed');
      }
      expect(bobEvents.of('jobs.changed')).toEqual([]);
    } finally {
      await w.harness.close();
    }
  });

  it('cancel and retry follow the matrix: members their own runs, business admins their business, others NOT_FOUND', async () => {
    const w = await world(transport);
    try {
      const run = await w.alice.value('jobs.create', { jobType: 'diagnostics.probe', params: { durationMs: 30_000, steps: 30 } });
      await waitForStatus(w.alice, run.id, 'running');

      expect(await w.carol.call('jobs.cancel', { id: run.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await w.bob.call('jobs.cancel', { id: run.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

      const cancelled = await w.ann.value('jobs.cancel', { id: run.id });
      expect(cancelled.status).toBe('cancelled');
      const settled = await waitForStatus(w.alice, run.id, 'cancelled');
      expect(settled.cancelledByUserId).not.toBeNull();

      expect(await w.carol.call('jobs.retry', { id: run.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      const retry = await w.alice.value('jobs.retry', { id: run.id });
      expect(retry).toMatchObject({ trigger: 'retry', retryOfRunId: run.id, businessId: w.acme, jobType: 'diagnostics.probe' });
      await w.root.value('jobs.cancel', { id: retry.id });

      const trail = (await w.ann.value('jobs.auditTrail', { id: run.id })).map((event) => event.action);
      expect(trail).toEqual(expect.arrayContaining(['job.trigger', 'job.cancel']));
      expect(await w.bob.call('jobs.auditTrail', { id: run.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    } finally {
      await w.harness.close();
    }
  });

  it('a failing probe ends failed with its message; schedules and usage stay within the business', async () => {
    const w = await world(transport);
    try {
      const run = await w.alice.value('jobs.create', {
        jobType: 'diagnostics.probe',
        params: { durationMs: 50, steps: 1, fail: true, failMessage: 'the probe was told to fail' },
      });
      expect((await waitForStatus(w.alice, run.id, 'failed')).error).toMatch(/the probe was told to fail/);

      expect(await w.alice.call('schedules.create', { name: 'Nightly', jobType: 'diagnostics.probe', cron: '0 3 * * *' })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
      const schedule = await w.ann.value('schedules.create', { name: 'Nightly', jobType: 'diagnostics.probe', cron: '0 3 * * *', timeZone: 'Europe/Berlin' });
      expect(schedule).toMatchObject({ businessId: w.acme, enabled: true });
      expect(schedule.nextRunAt).toBeGreaterThan(Date.now());
      expect((await w.alice.value('schedules.list', {})).map((s) => s.id)).toEqual([schedule.id]);
      expect(await w.bob.value('schedules.list', {})).toEqual([]);

      const month = new Date().toISOString().slice(0, 7);
      const usage = await w.alice.value('metrics.usage', { fromMonth: month, toMonth: month });
      expect(usage.rows.map((row) => row.owner)).toEqual([{ kind: 'business', businessId: w.acme, businessName: 'Acme' }]);
      expect(usage.rows[0]).toMatchObject({ runs: 1, failures: 1 });
      expect((await w.bob.value('metrics.usage', { fromMonth: month, toMonth: month })).rows).toEqual([]);
    } finally {
      await w.harness.close();
    }
  });
});
