// The original design's promises about tenancy, as the renderer experiences them, over both transports:
// runs are created with their business, lists filter by business, the system admin sees everything, stats
// are scoped, and nothing leaks (not by id, not by filter, not by event).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type ContractClient, eventually, type Harness, startHarness, TRANSPORTS } from '../helpers/contract-harness';
import { insertBusiness, insertUser, TEST_PASSWORD, WORLD_RANGE } from '../helpers/contract-data';
import { readAuditEvents, seedRuns } from '../helpers/seed';
import { tempDbPath } from '../helpers/temp';

interface Company {
  harness: Harness;
  acme: number;
  globex: number;
  acmeRuns: number[];
  globexRuns: number[];
  systemRuns: number[];
  orphanRuns: number[];
  alice: ContractClient;
  bob: ContractClient;
  root: ContractClient;
  aliceId: number;
  bobId: number;
}

/** Acme (Alice, a member) and Globex (Bob, a business admin), system-wide runs and orphans; Root is a system admin. */
async function company(transport: (typeof TRANSPORTS)[number]): Promise<Company> {
  const harness = await startHarness(transport, tempDbPath());
  const db = harness.db;
  const acme = insertBusiness(db, 'Acme');
  const globex = insertBusiness(db, 'Globex');
  const startAt = WORLD_RANGE.from + 86_400_000;
  const acmeRuns = seedRuns(db, { kind: 'business', businessId: acme }, 3, { statuses: ['completed', 'failed', 'running'], startAt, jobType: 'acme.secret-report' });
  const globexRuns = seedRuns(db, { kind: 'business', businessId: globex }, 5, { statuses: ['completed', 'pending'], startAt, jobType: 'globex.payroll' });
  const systemRuns = seedRuns(db, { kind: 'system' }, 2, { startAt, jobType: 'maintenance.backup' });
  const orphanRuns = seedRuns(db, { kind: 'orphan' }, 4, { startAt, jobType: 'legacy.cleanup' });
  const sign = async (role: 'member' | 'business_admin' | 'system_admin', businessId: number | null) => {
    const user = insertUser(db, { role, businessId });
    const client = harness.client();
    await client.value('auth.login', { email: user.email, password: TEST_PASSWORD });
    return { client, id: user.id };
  };
  const alice = await sign('member', acme);
  const bob = await sign('business_admin', globex);
  const root = await sign('system_admin', null);
  return { harness, acme, globex, acmeRuns, globexRuns, systemRuns, orphanRuns, alice: alice.client, bob: bob.client, root: root.client, aliceId: alice.id, bobId: bob.id };
}

const ids = (runs: { id: number }[]) => runs.map((run) => run.id).sort((a, b) => a - b);
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

describe.each(TRANSPORTS)('tenancy promises over %s', (transport) => {
  it('a run a member triggers is created in their business, and only there', async () => {
    const c = await company(transport);
    try {
      const run = await c.alice.value('jobs.create', { jobType: 'diagnostics.probe' });
      expect(run).toMatchObject({ scope: 'business', businessId: c.acme, businessName: 'Acme', trigger: 'manual', triggeredByUserId: c.aliceId, status: 'pending' });
      for (const target of [{ kind: 'business', businessId: c.globex }, { kind: 'system' }]) {
        const refused = await c.alice.call('jobs.create', { jobType: 'diagnostics.probe', target });
        expect(refused.ok ? 'ok' : refused.error.code, JSON.stringify(target)).toBe('FORBIDDEN');
      }
      const own = await c.alice.call('jobs.create', { jobType: 'diagnostics.probe', target: { kind: 'business', businessId: c.acme } });
      expect(own.ok && own.value.businessId).toBe(c.acme);
      expect(readAuditEvents(c.harness.db).filter((event) => event.action === 'job.trigger')).toEqual([
        expect.objectContaining({ businessId: c.acme, details: expect.objectContaining({ jobType: 'diagnostics.probe' }) }),
        expect.objectContaining({ businessId: c.acme }),
      ]);
    } finally {
      await c.harness.close();
    }
  });

  it('edit and re-run: a run the caller can see is repeated with the params sent, linked both ways; one they cannot see reads as missing', async () => {
    const c = await company(transport);
    try {
      const original = await c.alice.value('jobs.create', { jobType: 'diagnostics.probe', params: { durationMs: 10, fail: true } });
      const rerun = await c.alice.value('jobs.create', { jobType: 'diagnostics.probe', params: { durationMs: 20 }, rerunOf: original.id });
      expect(rerun).toMatchObject({ businessId: c.acme, trigger: 'manual', rerunOfRunId: original.id, retryOfRunId: null, triggeredByUserId: c.aliceId });
      expect((await c.alice.value('jobs.get', { id: rerun.id })).params).toEqual({ durationMs: 20, steps: 5, fail: false });
      expect((await c.alice.value('jobs.get', { id: original.id })).rerunAs).toEqual([rerun.id]);
      expect(readAuditEvents(c.harness.db).filter((event) => event.action === 'job.trigger').map((event) => event.details.rerunOfRunId)).toEqual([undefined, original.id]);

      const before = (await c.root.value('jobs.list', {})).runs.length;
      // Another business's run, with the right type or not, reads exactly like a run that does not exist.
      const theirs = await c.bob.value('jobs.create', { jobType: 'diagnostics.probe' });
      for (const jobType of ['diagnostics.probe', 'globex.payroll']) {
        const refused = await c.alice.call('jobs.create', { jobType, rerunOf: theirs.id });
        expect(refused.ok ? 'ok' : [refused.error.code, refused.error.message], jobType).toEqual(['NOT_FOUND', `There is no run ${theirs.id}.`]);
      }
      const missing = await c.alice.call('jobs.create', { jobType: 'diagnostics.probe', rerunOf: 999_999 });
      expect(missing.ok ? 'ok' : [missing.error.code, missing.error.message]).toEqual(['NOT_FOUND', 'There is no run 999999.']);
      // A re-run keeps the type of the run it repeats: another is refused, naming the field, and nothing is written.
      const otherType = await c.alice.call('jobs.create', { jobType: 'reports.monthly_usage', rerunOf: original.id });
      expect(otherType.ok ? 'ok' : otherType.error.code).toBe('VALIDATION');
      expect(otherType.ok ? null : otherType.error.fields?.map((field) => field.path)).toEqual(['jobType']);
      expect((await c.root.value('jobs.list', {})).runs.length).toBe(before + 1);

      // The system admin re-runs it elsewhere; the link stays, and Alice sees only the re-runs in her business.
      const elsewhere = await c.root.value('jobs.create', { jobType: 'diagnostics.probe', target: { kind: 'system' }, rerunOf: original.id });
      expect(elsewhere).toMatchObject({ scope: 'system', rerunOfRunId: original.id });
      expect((await c.root.value('jobs.get', { id: original.id })).rerunAs).toEqual([rerun.id, elsewhere.id]);
      expect((await c.alice.value('jobs.get', { id: original.id })).rerunAs).toEqual([rerun.id]);
    } finally {
      await c.harness.close();
    }
  });

  it('tags: a run carries the tags it was triggered with, in every view, the audit, a retry and the CSV; the filter finds it in its business only', async () => {
    const c = await company(transport);
    try {
      const tags = { team: 'billing', env: 'prod' };
      const run = await c.alice.value('jobs.create', { jobType: 'diagnostics.probe', params: { durationMs: 10, fail: true }, tags });
      expect(run.tags).toEqual({ env: 'prod', team: 'billing' });
      expect((await c.alice.value('jobs.get', { id: run.id })).tags).toEqual(tags);
      expect(readAuditEvents(c.harness.db).find((event) => event.action === 'job.trigger')?.details).toMatchObject({ tags });
      // Globex has a run with the same tags: the filter stays inside each caller's business.
      const theirs = await c.bob.value('jobs.create', { jobType: 'diagnostics.probe', tags });
      expect((await c.alice.value('jobs.list', { filters: { tags: { env: 'prod' } } })).runs.map((r) => r.id)).toEqual([run.id]);
      expect((await c.bob.value('jobs.list', { filters: { tags } })).runs.map((r) => r.id)).toEqual([theirs.id]);
      expect((await c.root.value('jobs.list', { filters: { tags: { env: 'prod', team: 'billing' } } })).runs.map((r) => r.id)).toEqual([theirs.id, run.id]);
      // Every given tag must match, exactly as written.
      expect((await c.root.value('jobs.list', { filters: { tags: { env: 'prod', team: 'other' } } })).runs).toEqual([]);
      expect((await c.root.value('jobs.list', { filters: { tags: { env: 'Prod' } } })).runs).toEqual([]);

      expect((await c.alice.value('jobs.cancel', { id: run.id })).status).toBe('cancelled');
      const retry = await c.alice.value('jobs.retry', { id: run.id });
      expect(retry).toMatchObject({ retryOfRunId: run.id, tags });

      const file = await c.alice.value('jobs.exportCsv', { selection: { kind: 'filter', filters: { tags: { team: 'billing' } } } });
      const [header, ...lines] = readFileSync(file.path, 'utf8').trim().split('\r\n');
      expect(header?.split(',').at(-1)).toBe('tags');
      expect(lines.map((line) => line.slice(line.indexOf('"{'))).sort()).toEqual(['"{""env"":""prod"",""team"":""billing""}"', '"{""env"":""prod"",""team"":""billing""}"']);

      // A bad tag is refused in people's words, naming the tag, and nothing is written.
      const before = (await c.root.value('jobs.list', {})).runs.length;
      // A value past the schema's outer bound (4× the rule) gets the rule's sentence only, not the bound's as well.
      const refused = await c.alice.call('jobs.create', { jobType: 'diagnostics.probe', tags: { env: '', 'a b': 'x', note: 'n'.repeat(900) } });
      expect(refused.ok ? 'ok' : refused.error.fields).toEqual([
        { path: 'tags.env', message: 'Tag “env” must have a value.' },
        { path: 'tags.a b', message: 'Tag “a b” must have a name that starts with a letter or digit and holds only letters, digits and _ . : / -.' },
        { path: 'tags.note', message: 'Tag “note” may have a value of at most 200 characters.' },
      ]);
      expect((await c.root.value('jobs.list', {})).runs.length).toBe(before);
    } finally {
      await c.harness.close();
    }
  });

  it('a system admin triggers where they say, else in the switcher’s business, else system-wide', async () => {
    const c = await company(transport);
    try {
      const named = await c.root.value('jobs.create', { jobType: 'diagnostics.probe', target: { kind: 'business', businessId: c.globex } });
      expect(named).toMatchObject({ scope: 'business', businessId: c.globex });
      const systemWide = await c.root.value('jobs.create', { jobType: 'diagnostics.probe' });
      expect(systemWide).toMatchObject({ scope: 'system', businessId: null });
      await c.root.value('session.setScope', { scope: { kind: 'business', businessId: c.acme } });
      expect(await c.root.value('jobs.create', { jobType: 'diagnostics.probe' })).toMatchObject({ businessId: c.acme });
      const missing = await c.root.call('jobs.create', { jobType: 'diagnostics.probe', target: { kind: 'business', businessId: 9999 } });
      expect(missing.ok ? 'ok' : missing.error.code).toBe('NOT_FOUND');
    } finally {
      await c.harness.close();
    }
  });

  it('lists, recent and active runs and job types are filtered to the member’s business', async () => {
    const c = await company(transport);
    try {
      expect(ids((await c.alice.value('jobs.list', {})).runs)).toEqual(sorted(c.acmeRuns));
      expect(ids(await c.alice.value('jobs.recent', { limit: 50 }))).toEqual(sorted(c.acmeRuns));
      expect((await c.alice.value('jobs.active', {})).runs.map((run) => run.businessId)).toEqual([c.acme]);
      expect(ids((await c.bob.value('jobs.list', {})).runs)).toEqual(sorted(c.globexRuns));
      const aliceTypes = (await c.alice.value('jobs.types', {})).map((type) => type.key);
      expect(aliceTypes).toContain('acme.secret-report');
      expect(aliceTypes).not.toContain('globex.payroll');
      expect(aliceTypes).not.toContain('legacy.cleanup');
    } finally {
      await c.harness.close();
    }
  });

  it('the system admin sees every run: all businesses, system-wide and orphaned, and each on its own', async () => {
    const c = await company(transport);
    try {
      const every = sorted([...c.acmeRuns, ...c.globexRuns, ...c.systemRuns, ...c.orphanRuns]);
      expect(ids((await c.root.value('jobs.list', { limit: 200 })).runs)).toEqual(every);
      const views = [
        [{ kind: 'business', businessId: c.globex }, c.globexRuns],
        [{ kind: 'system' }, c.systemRuns],
        [{ kind: 'orphans' }, c.orphanRuns],
      ] as const;
      for (const [scope, expected] of views) {
        expect((await c.root.value('session.setScope', { scope })).scope).toEqual(scope);
        expect(ids((await c.root.value('jobs.list', {})).runs), JSON.stringify(scope)).toEqual(sorted(expected));
      }
      const switches = readAuditEvents(c.harness.db).filter((event) => event.action === 'scope.switch');
      expect(switches.map((event) => event.details.scope)).toEqual(views.map(([scope]) => scope));
      const unknown = await c.root.call('session.setScope', { scope: { kind: 'business', businessId: 9999 } });
      expect(unknown.ok ? 'ok' : unknown.error.code).toBe('NOT_FOUND');
    } finally {
      await c.harness.close();
    }
  });

  it('statistics count only the runs in scope', async () => {
    const c = await company(transport);
    try {
      const alice = await c.alice.value('jobs.stats', WORLD_RANGE);
      expect(alice).toMatchObject({ total: 3, byStatus: { completed: 1, failed: 1, running: 1, pending: 0, cancelled: 0 }, byBusiness: null });
      expect(alice.byJobType.map((row) => row.jobType)).toEqual(['acme.secret-report']);
      expect((await c.bob.value('jobs.stats', WORLD_RANGE)).total).toBe(5);
      const all = await c.root.value('jobs.stats', WORLD_RANGE);
      expect(all.total).toBe(14);
      expect(all.byBusiness?.map((row) => [row.owner.kind, row.total]).sort()).toEqual(
        [['business', 3], ['business', 5], ['orphans', 4], ['system', 2]].sort(),
      );
    } finally {
      await c.harness.close();
    }
  });

  it('disabling a business stops its people working in it until it is enabled again', async () => {
    const c = await company(transport);
    try {
      await c.root.value('businesses.setDisabled', { id: c.acme, disabled: true });
      for (const [channel, input] of [
        ['jobs.list', {}],
        ['jobs.stats', WORLD_RANGE],
        ['jobs.types', {}],
        ['jobs.get', { id: c.acmeRuns[0] }],
        ['jobs.create', { jobType: 'diagnostics.probe' }],
      ] as const) {
        const refused = await c.alice.call(channel, input);
        expect(refused, channel).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
        expect(refused.ok ? '' : refused.error.message).toMatch(/business has been disabled/);
      }
      expect((await c.bob.value('jobs.list', {})).runs).toHaveLength(5);

      await c.root.value('businesses.setDisabled', { id: c.acme, disabled: false });
      expect(ids((await c.alice.value('jobs.list', {})).runs)).toEqual(sorted(c.acmeRuns));
    } finally {
      await c.harness.close();
    }
  });

  it('nothing leaks: not by id, not through the business filter, not as an event', async () => {
    const c = await company(transport);
    try {
      for (const id of [...c.globexRuns, ...c.systemRuns, ...c.orphanRuns]) {
        const envelope = await c.alice.call('jobs.get', { id });
        expect(envelope.ok ? 'ok' : envelope.error.code, `run ${id}`).toBe('NOT_FOUND');
      }
      expect((await c.alice.value('jobs.get', { id: c.acmeRuns[0]! })).businessId).toBe(c.acme);
      // Naming another business in the filters narrows the member's own view to nothing; it never widens it.
      expect((await c.alice.value('jobs.list', { filters: { businessIds: [c.globex] } })).runs).toEqual([]);
      expect((await c.alice.value('jobs.list', { filters: { search: 'payroll' } })).runs).toEqual([]);
      const picked = await c.alice.call('session.setScope', { scope: { kind: 'business', businessId: c.globex } });
      expect(picked.ok ? 'ok' : picked.error.code).toBe('FORBIDDEN');

      const aliceEvents = await c.alice.listen();
      const bobEvents = await c.bob.listen();
      const rootEvents = await c.root.listen();
      const globexRun = await c.root.value('jobs.create', { jobType: 'diagnostics.probe', target: { kind: 'business', businessId: c.globex } });
      const acmeRun = await c.alice.value('jobs.create', { jobType: 'diagnostics.probe' });
      await eventually(() => rootEvents.of('jobs.changed').length >= 2 && bobEvents.of('jobs.changed').length >= 1 && aliceEvents.of('jobs.changed').length >= 1);
      expect(aliceEvents.of('jobs.changed').map(({ run }) => run.id)).toEqual([acmeRun.id]);
      expect(bobEvents.of('jobs.changed').map(({ run }) => run.id)).toEqual([globexRun.id]);
      expect(rootEvents.of('jobs.changed').map(({ run }) => run.id)).toEqual([globexRun.id, acmeRun.id]);
    } finally {
      await c.harness.close();
    }
  });

  it('schedule changes are announced to the sessions that may read the schedule, and to no one else', async () => {
    const c = await company(transport);
    try {
      const aliceEvents = await c.alice.listen();
      const bobEvents = await c.bob.listen();
      const rootEvents = await c.root.listen();
      // Root looks at Acme: Globex's schedule is out of view.
      await c.root.value('session.setScope', { scope: { kind: 'business', businessId: c.acme } });
      const globexSchedule = await c.bob.value('schedules.create', { name: 'Payroll probe', jobType: 'diagnostics.probe', cron: '0 3 * * *', timeZone: 'Europe/Berlin' });
      await c.bob.value('schedules.update', { id: globexSchedule.id, cron: '30 4 * * *' });
      await c.bob.value('schedules.setEnabled', { id: globexSchedule.id, enabled: false });
      await c.bob.value('schedules.delete', { id: globexSchedule.id });
      await c.root.value('session.setScope', { scope: { kind: 'system' } });
      const systemSchedule = await c.root.value('schedules.create', { name: 'Backup', jobType: 'maintenance.backup', cron: '0 2 * * *', timeZone: 'UTC' });
      await eventually(() => bobEvents.of('schedules.changed').length >= 4 && rootEvents.of('schedules.changed').length >= 1);
      const globexEvent = { id: globexSchedule.id, scope: 'business', businessId: c.globex };
      expect(bobEvents.of('schedules.changed')).toEqual([globexEvent, globexEvent, globexEvent, globexEvent]);
      // Then Root looks at system-wide runs: only the system schedule was in view.
      expect(rootEvents.of('schedules.changed')).toEqual([{ id: systemSchedule.id, scope: 'system', businessId: null }]);
      expect(aliceEvents.of('schedules.changed')).toEqual([]);
    } finally {
      await c.harness.close();
    }
  });

  it('a member of a disabled business signs in, and every tenant channel says why; the audit records one sign-in', async () => {
    const c = await company(transport);
    try {
      await c.root.value('businesses.setDisabled', { id: c.acme, disabled: true });
      const carol = insertUser(c.harness.db, { role: 'member', businessId: c.acme });
      const client = c.harness.client();
      const session = await client.value('auth.login', { email: carol.email, password: TEST_PASSWORD });
      expect(session.scope).toEqual({ kind: 'business', businessId: c.acme });
      for (const channel of ['jobs.list', 'jobs.stats', 'schedules.list'] as const) {
        const input = channel === 'jobs.stats' ? WORLD_RANGE : {};
        const refused = await client.call(channel, input);
        expect(refused.ok ? 'ok' : refused.error, channel).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/business has been disabled/) });
      }
      const signIns = readAuditEvents(c.harness.db).filter((event) => event.actorLabel === carol.email && event.action.startsWith('auth.login'));
      expect(signIns.map((event) => event.action)).toEqual(['auth.login']);
    } finally {
      await c.harness.close();
    }
  });

  it('a switcher left on a business that was deleted falls back to all businesses', async () => {
    const c = await company(transport);
    try {
      const other = c.harness.client();
      const root2 = insertUser(c.harness.db, { role: 'system_admin', businessId: null });
      await other.value('auth.login', { email: root2.email, password: TEST_PASSWORD });
      await other.value('session.setScope', { scope: { kind: 'business', businessId: c.globex } });
      const preview = await c.root.value('businesses.previewDelete', { id: c.globex });
      await c.root.value('businesses.delete', { id: c.globex, confirmName: 'Globex', expectedRuns: preview.runs });
      const status = await other.value('auth.status', {});
      expect(status.session?.scope).toEqual({ kind: 'all' });
      const page = await other.value('jobs.list', {});
      expect(sorted(page.runs.map((run) => run.id))).toEqual(sorted([...c.acmeRuns, ...c.systemRuns, ...c.orphanRuns]));
    } finally {
      await c.harness.close();
    }
  });

  it('user and business changes are announced to system admins only', async () => {
    const c = await company(transport);
    try {
      const aliceEvents = await c.alice.listen();
      const bobEvents = await c.bob.listen();
      const rootEvents = await c.root.listen();
      await c.root.value('businesses.create', { name: 'Initech' });
      await eventually(() => rootEvents.of('database.changed').length >= 1);
      expect(rootEvents.of('database.changed')).toEqual([{ tables: ['businesses'] }]);
      expect(aliceEvents.events).toEqual([]);
      expect(bobEvents.events).toEqual([]);
    } finally {
      await c.harness.close();
    }
  });

  it('a change to someone’s access reaches their windows alone, before a disabled account is signed out', async () => {
    const c = await company(transport);
    try {
      const [alice, bob, root] = await Promise.all([c.alice.listen(), c.bob.listen(), c.root.listen()]);
      const told = (recorder: typeof alice) => recorder.of('account.changed').map((event) => event.userId);
      await c.root.value('businesses.setDisabled', { id: c.acme, disabled: true });
      // What her window reads on hearing it: the gate shows the disabled screen without asking for any run.
      expect((await c.alice.value('auth.status', {})).session).toMatchObject({ scope: { kind: 'business', businessId: c.acme }, businessDisabled: true });
      await c.root.value('businesses.setDisabled', { id: c.acme, disabled: false });
      expect((await c.alice.value('auth.status', {})).session?.businessDisabled).toBe(false);
      await c.root.value('businesses.rename', { id: c.acme, name: 'Acme Two' });
      await c.root.value('users.update', { id: c.bobId, role: 'member' });
      await eventually(() => told(bob).length === 1 && told(alice).length === 3);
      expect(told(alice)).toEqual([c.aliceId, c.aliceId, c.aliceId]);
      expect(told(bob)).toEqual([c.bobId]);
      expect(told(root)).toEqual([]);

      await c.root.value('users.setDisabled', { id: c.aliceId, disabled: true });
      await eventually(() => told(alice).length === 4);
      expect(told(bob)).toEqual([c.bobId]);
      expect((await c.alice.value('auth.status', {})).session).toBeNull();
    } finally {
      await c.harness.close();
    }
  });

  it('a user’s choice of local time or UTC is their own and stays with their account', async () => {
    const c = await company(transport);
    try {
      expect((await c.alice.value('auth.status', {})).session?.timeDisplay).toBe('local');
      const session = await c.alice.value('auth.setTimeDisplay', { timeDisplay: 'utc' });
      expect(session).toMatchObject({ user: { id: c.aliceId }, timeDisplay: 'utc' });
      expect((await c.alice.value('auth.status', {})).session?.timeDisplay).toBe('utc');
      expect((await c.bob.value('auth.status', {})).session?.timeDisplay).toBe('local');
      const refused = await c.alice.call('auth.setTimeDisplay', { timeDisplay: 'Europe/Berlin' });
      expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION', fields: [{ path: 'timeDisplay' }] } });
    } finally {
      await c.harness.close();
    }
  });
});
