// Isolation as a property, over both transports: random businesses, users of every role (some linked to no
// business) and runs (business, system-wide, orphaned; random statuses, types and times). Every user signs
// in through auth.login and reads every tenant channel; what comes back is checked against an oracle that
// reads ownership with plain SQL (a re-run naming a run included, and the tag filter over tags every owner shares),
// and each opens exactly the saved views it may.
// Then runs are triggered while everyone listens: each session receives
// exactly the events of the runs it may see.
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChannelOutput } from '../../src-shared/contract';
import { ACTIVE_RUN_STATUSES, RUN_STATUSES } from '../../src-shared/domain';
import { type ContractClient, eventually, type Harness, startHarness, TRANSPORTS } from '../helpers/contract-harness';
import {
  buildWorld,
  clearWorld,
  defaultView,
  type OracleRun,
  suiteDir,
  TEST_PASSWORD,
  type TestUser,
  type ViewSpec,
  visibleRuns,
  WORLD_RANGE,
  WORLD_TEAMS,
  worldArbitrary,
} from '../helpers/contract-data';
import { TENANT_CHANNELS, VALID_INPUTS } from '../helpers/contract-cases';

const NUM_RUNS = Number(process.env.CONTRACT_PROPERTY_RUNS ?? 25);
const EVENT_RUNS = Math.max(5, Math.round(NUM_RUNS / 2));

const sortedIds = (runs: readonly { id: number }[]) => runs.map((run) => run.id).sort((a, b) => a - b);

async function signIn(harness: Harness, user: TestUser): Promise<ContractClient> {
  const client = harness.client();
  await client.value('auth.login', { email: user.email, password: TEST_PASSWORD });
  return client;
}

async function allPages(client: ContractClient, channel: 'jobs.list' | 'jobs.active', limit: number, filters?: { tags: Record<string, string> }) {
  const runs = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const value: ChannelOutput<'jobs.list'> = await client.value(channel, { limit, cursor, ...(filters ? { filters } : {}) });
    expect(value.runs.length).toBeLessThanOrEqual(limit);
    runs.push(...value.runs);
    cursor = value.nextCursor;
    if (cursor === null) return runs;
  }
  throw new Error(`${channel} never reached its last page`);
}

/** Everything a signed-in client can read in its current view, checked against the oracle. Returns the listed ids. */
async function expectView(client: ContractClient, runs: readonly OracleRun[], view: ViewSpec, pageSize: number): Promise<number[]> {
  const expected = visibleRuns(runs, view);
  const label = JSON.stringify(view);

  const listed = await allPages(client, 'jobs.list', pageSize);
  expect(sortedIds(listed), `jobs.list in ${label}`).toEqual(sortedIds(expected));

  // The tag filter, which every owner's runs share, lists the view's runs with the tag and no other.
  for (const team of WORLD_TEAMS) {
    const tagged = await allPages(client, 'jobs.list', pageSize, { tags: { team } });
    expect(sortedIds(tagged), `jobs.list tagged team=${team} in ${label}`).toEqual(sortedIds(expected.filter((run) => run.team === team)));
    const preview = await client.value('jobs.bulkPreview', { action: 'export', selection: { kind: 'filter', filters: { tags: { team } } } });
    expect(preview.matching, `jobs.bulkPreview tagged team=${team} in ${label}`).toBe(expected.filter((run) => run.team === team).length);
  }

  const active = await allPages(client, 'jobs.active', pageSize);
  const expectedActive = expected.filter((run) => (ACTIVE_RUN_STATUSES as readonly string[]).includes(run.status));
  expect(sortedIds(active), `jobs.active in ${label}`).toEqual(sortedIds(expectedActive));

  // A world has at most 30 runs: the 50 most recent are all of them.
  const recent = await client.value('jobs.recent', { limit: 50 });
  expect(sortedIds(recent), `jobs.recent in ${label}`).toEqual(sortedIds(expected));

  const stats = await client.value('jobs.stats', WORLD_RANGE);
  expect(stats.total, `jobs.stats total in ${label}`).toBe(expected.length);
  for (const status of RUN_STATUSES) expect(stats.byStatus[status], `${status} in ${label}`).toBe(expected.filter((run) => run.status === status).length);
  expect(stats.byJobType.map((row) => row.jobType).sort()).toEqual([...new Set(expected.map((run) => run.jobType))].sort());
  if (view.kind === 'all') {
    expect(stats.byBusiness?.reduce((sum, row) => sum + row.total, 0)).toBe(runs.length);
  } else {
    expect(stats.byBusiness).toBeNull();
  }

  const types = await client.value('jobs.types', {});
  const expectedTypeCounts = new Map<string, number>();
  for (const run of expected) expectedTypeCounts.set(run.jobType, (expectedTypeCounts.get(run.jobType) ?? 0) + 1);
  for (const type of types) {
    expect(type.runs, `runs of ${type.key} in ${label}`).toBe(expectedTypeCounts.get(type.key) ?? 0);
    // A type seen only in another business's runs never appears: its name is a leak.
    if (!type.registered) expect(expectedTypeCounts.has(type.key), `${type.key} listed in ${label}`).toBe(true);
  }
  for (const key of expectedTypeCounts.keys()) expect(types.map((type) => type.key)).toContain(key);

  const visible = new Set(expected.map((run) => run.id));
  for (const run of runs) {
    const envelope = await client.call('jobs.get', { id: run.id });
    if (visible.has(run.id)) {
      expect(envelope.ok && envelope.value.id, `jobs.get ${run.id} in ${label}`).toBe(run.id);
    } else {
      expect(envelope.ok ? envelope.value : envelope.error.code, `jobs.get ${run.id} in ${label}`).toBe('NOT_FOUND');
    }
    // A re-run names the run it repeats: one outside the view reads as missing before anything else is looked at (its
    // type is not compared); one inside is refused here for the other job type sent, so nothing is written.
    const rerun = await client.call('jobs.create', { jobType: run.jobType === 'diagnostics.probe' ? 'reports.monthly_usage' : 'diagnostics.probe', rerunOf: run.id });
    expect(rerun.ok ? 'ok' : rerun.error.code, `jobs.create rerunOf ${run.id} in ${label}`).toBe(visible.has(run.id) ? 'VALIDATION' : 'NOT_FOUND');
  }
  return sortedIds(listed);
}

describe.each(TRANSPORTS)('isolation over %s', (transport) => {
  let harness: Harness;
  const dir = suiteDir();
  let world = 0;

  beforeAll(async () => {
    harness = await startHarness(transport, path.join(dir.path, 'isolation.db'));
  });
  afterAll(async () => {
    await harness?.close();
    dir.remove();
  });

  it('a non-admin never receives another business’s run, count, job type or detail; the system admin’s views add up', async () => {
    await fc.assert(
      fc.asyncProperty(worldArbitrary(), fc.integer({ min: 1, max: 7 }), async (spec, pageSize) => {
        clearWorld(harness.db);
        const { businessIds, users, runs } = buildWorld(harness.db, spec, `w${++world}`);
        let selectionsChecked = false;
        for (const user of users) {
          const client = await signIn(harness, user);
          const view = defaultView(user);
          if (view === null) {
            for (const channel of TENANT_CHANNELS) {
              const envelope = await client.call(channel, VALID_INPUTS[channel]);
              expect(envelope.ok ? 'ok' : envelope.error.code, `${channel} for an unlinked ${user.role}`).toBe('FORBIDDEN');
            }
            continue;
          }
          const all = await expectView(client, runs, view, pageSize);
          if (user.role !== 'system_admin' || selectionsChecked) continue;
          // One system admin walks the switcher: each view is exactly its part, and the parts make up 'all'.
          selectionsChecked = true;
          const parts: number[] = [];
          const views: ViewSpec[] = [...businessIds.map((businessId) => ({ kind: 'business' as const, businessId })), { kind: 'system' }, { kind: 'orphans' }];
          for (const selection of views) {
            const session = await client.value('session.setScope', { scope: selection });
            expect(session.scope).toEqual(selection);
            parts.push(...(await expectView(client, runs, selection, pageSize)));
          }
          expect(parts.sort((a, b) => a - b)).toEqual(all);
        }
        await expectViewsIsolated(users);
      }),
      { numRuns: NUM_RUNS, endOnFailure: true },
    );
  });

  /** Saved views: each user makes one of every sharing their role may; each then opens exactly the views the rule gives. */
  async function expectViewsIsolated(users: readonly TestUser[]): Promise<void> {
    const sharings = (user: TestUser) => (user.role === 'member' ? ['personal'] : user.role === 'business_admin' ? ['personal', 'business'] : ['personal', 'system_admins']);
    const made: { id: number; owner: TestUser; sharing: string }[] = [];
    const clients = new Map<TestUser, ContractClient>();
    for (const user of users) {
      const client = await signIn(harness, user);
      clients.set(user, client);
      if (defaultView(user) === null) {
        const refused = await client.call('views.list', {});
        expect(refused.ok ? 'ok' : refused.error.code, `views.list for an unlinked ${user.role}`).toBe('FORBIDDEN');
        continue;
      }
      for (const sharing of sharings(user)) {
        const view = await client.value('views.create', { name: `${user.email} ${sharing}`, sharing: sharing as 'personal', query: 'status=failed' });
        made.push({ id: view.id, owner: user, sharing });
      }
    }
    for (const user of users) {
      if (defaultView(user) === null) continue;
      const mayOpen = (view: (typeof made)[number]) =>
        view.owner === user || (view.sharing === 'business' && view.owner.businessId === user.businessId) || (view.sharing === 'system_admins' && user.role === 'system_admin');
      const listed = (await clients.get(user)!.value('views.list', {})).views;
      expect(sortedIds(listed), `views of ${user.email}`).toEqual(sortedIds(made.filter(mayOpen)));
      if (user.role !== 'system_admin') expect(listed.every((view) => view.scope === null)).toBe(true);
    }
  }

  it('each session receives exactly the events of the runs it may see', async () => {
    await fc.assert(
      fc.asyncProperty(
        worldArbitrary().map((spec) => ({ ...spec, runs: [] })),
        fc.array(fc.option(fc.nat(), { nil: null }), { minLength: 1, maxLength: 8 }),
        fc.nat(),
        async (spec, targets, switcherSeed) => {
          clearWorld(harness.db);
          const { businessIds, users } = buildWorld(harness.db, spec, `e${++world}`);
          const listeners: { user: TestUser; view: ViewSpec | null; events: Awaited<ReturnType<ContractClient['listen']>> }[] = [];
          const admins = users.filter((user) => user.role === 'system_admin');
          for (const user of users) {
            const client = await signIn(harness, user);
            let view = defaultView(user);
            // The second system admin looks at one business through the switcher: events follow the selection.
            if (user === admins[1]) {
              view = { kind: 'business', businessId: businessIds[switcherSeed % businessIds.length]! };
              await client.value('session.setScope', { scope: view });
            }
            listeners.push({ user, view, events: await client.listen() });
          }

          const trigger = await signIn(harness, admins[0]!);
          const created: OracleRun[] = [];
          for (const target of targets) {
            const run = await trigger.value('jobs.create', {
              jobType: 'diagnostics.probe',
              target: target === null ? { kind: 'system' } : { kind: 'business', businessId: businessIds[target % businessIds.length]! },
            });
            created.push({ id: run.id, scope: run.scope, businessId: run.businessId, status: run.status, jobType: run.jobType });
          }

          const expectedFor = (view: ViewSpec | null) => (view === null ? [] : sortedIds(visibleRuns(created, view)));
          await eventually(() => listeners.every(({ view, events }) => events.of('jobs.changed').length >= expectedFor(view).length));
          for (const { user, view, events } of listeners) {
            const received = events.of('jobs.changed').map(({ run }) => run.id);
            expect(received.sort((a, b) => a - b), `events of ${user.email} (${JSON.stringify(view)})`).toEqual(expectedFor(view));
            events.stop();
          }
        },
      ),
      { numRuns: EVENT_RUNS, endOnFailure: true },
    );
  });
});
