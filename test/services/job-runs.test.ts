import { describe, expect, it, vi } from 'vitest';
import type { AppDatabase } from '../../src-main/db/connection';
import { findJobType, JOB_CATALOG } from '../../src-main/jobs/catalog';
import { getActiveJobRuns, getRecentJobRuns, listJobRuns } from '../../src-main/history/pages';
import { countJobRuns, getJobRun, getJobTypes } from '../../src-main/history/runs';
import { createJobRun, finishJobRun, startJobRun } from '../../src-main/lifecycle/runs';
import type { TenantScope } from '../../src-shared/tenancy';
import { listJobRunsInput, type JobRunFilters } from '../../src-shared/schemas/jobs';
import { createTestDatabase, insertRuns, seedBusiness, seedRuns, seedUser } from '../helpers/seed';
import { refusedField } from '../helpers/refusals';

type ListRequest = Parameters<typeof listJobRunsInput.parse>[0];

function list(db: AppDatabase, scope: TenantScope, request: ListRequest = {}) {
  return listJobRuns(db, scope, listJobRunsInput.parse(request));
}

function idsMatching(db: AppDatabase, scope: TenantScope, filters: JobRunFilters): number[] {
  return list(db, scope, { filters, limit: 200 }).runs.map((run) => run.id).sort((x, y) => x - y);
}


describe('creating a run', () => {
  it('a new run is pending, in its business, with its business name, trigger and creation time', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db, { name: 'Acme' });
    const run = createJobRun(db, { kind: 'business', businessId: acme.id }, {
      jobType: 'reports.monthly_usage',
      trigger: 'manual',
      params: { month: '2024-05' },
      createdAt: 42,
    });
    expect(run).toMatchObject({ scope: 'business', businessId: acme.id, businessName: 'Acme', status: 'pending', trigger: 'manual', createdAt: 42 });
    expect(getJobRun(db, { kind: 'business', businessId: acme.id }, run.id)).toMatchObject({ params: { month: '2024-05' }, result: null });
    const system = createJobRun(db, { kind: 'system' }, { jobType: 'maintenance.backup', trigger: 'system' });
    expect(system).toMatchObject({ scope: 'system', businessId: null, businessName: null, status: 'pending' });
  });

  it('a job type of scope "either" runs for a business and system-wide', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db);
    expect(createJobRun(db, { kind: 'business', businessId: acme.id }, { jobType: 'runs.retention', trigger: 'schedule' }).scope).toBe('business');
    expect(createJobRun(db, { kind: 'system' }, { jobType: 'runs.retention', trigger: 'schedule' }).scope).toBe('system');
  });

  it('an unknown job type is refused, naming the known ones, and nothing is written', async () => {
    const db = await createTestDatabase();
    expect(() => createJobRun(db, { kind: 'system' }, { jobType: 'backup', trigger: 'system' })).toThrow(
      refusedField('jobType', /^Job type "backup" is not one this app knows; it knows maintenance\.backup, maintenance\.integrity_check/),
    );
    expect(() => createJobRun(db, { kind: 'system' }, { jobType: ' ', trigger: 'system' })).toThrow(refusedField('jobType'));
    expect(countJobRuns(db, { kind: 'all' })).toBe(0);
  });

  it('a system job type cannot run for a business, nor a business job type system-wide', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db);
    expect(() => createJobRun(db, { kind: 'business', businessId: acme.id }, { jobType: 'maintenance.integrity_check', trigger: 'manual' })).toThrow(
      refusedField('jobType', 'Check database integrity runs system-wide; it cannot run for a business.'),
    );
    expect(() => createJobRun(db, { kind: 'system' }, { jobType: 'reports.monthly_usage', trigger: 'manual' })).toThrow(
      refusedField('target', 'Monthly usage report runs for one business; choose a business, not system-wide.'),
    );
    expect(countJobRuns(db, { kind: 'all' })).toBe(0);
  });

  it('a run for a missing business is NOT_FOUND, for a disabled one VALIDATION, and nothing is written', async () => {
    const db = await createTestDatabase();
    const closed = seedBusiness(db, { name: 'Closed Co', disabled: true });
    expect(() => createJobRun(db, { kind: 'business', businessId: 4242 }, { jobType: 'diagnostics.probe', trigger: 'manual' })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: 'There is no business with id 4242.' }),
    );
    expect(() => createJobRun(db, { kind: 'business', businessId: closed.id }, { jobType: 'diagnostics.probe', trigger: 'manual' })).toThrow(
      refusedField('target.businessId', 'Business "Closed Co" is disabled; enable it first.'),
    );
    expect(countJobRuns(db, { kind: 'all' })).toBe(0);
  });

  it("a new run cannot claim the 'legacy' trigger of adopted runs", async () => {
    const db = await createTestDatabase();
    expect(() => createJobRun(db, { kind: 'system' }, { jobType: 'diagnostics.probe', trigger: 'legacy' })).toThrow(refusedField('trigger'));
  });
});

describe('the job type registry', () => {
  it('holds the five types of the design, each with a title, a description and a scope', () => {
    expect(JOB_CATALOG.map((type) => [type.key, type.scope])).toEqual([
      ['maintenance.backup', 'system'],
      ['maintenance.integrity_check', 'system'],
      ['runs.retention', 'either'],
      ['reports.monthly_usage', 'business'],
      ['diagnostics.probe', 'either'],
    ]);
    for (const type of JOB_CATALOG) expect(type.title.length * type.description.length).toBeGreaterThan(0);
    expect(findJobType('maintenance.backup')?.title).toBe('Back up the database');
    expect(findJobType('nope')).toBeNull();
  });
});

describe('run lifecycle through the tenant chokepoint', () => {
  it('a business scope cannot start or finish another business’s run', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db);
    const globex = seedBusiness(db);
    const run = createJobRun(db, { kind: 'business', businessId: globex.id }, { jobType: 'diagnostics.probe', trigger: 'manual' });
    const intruder: TenantScope = { kind: 'business', businessId: acme.id };
    expect(startJobRun(db, intruder, run.id)).toBeNull();
    expect(finishJobRun(db, intruder, run.id, { status: 'cancelled' })).toBeNull();
    expect(finishJobRun(db, { kind: 'orphans' }, run.id, { status: 'cancelled' })).toBeNull();
    expect(getJobRun(db, { kind: 'business', businessId: globex.id }, run.id).status).toBe('pending');
  });

  it('a run goes pending → running → completed with its duration and result, and cannot finish twice', async () => {
    const db = await createTestDatabase();
    const scope: TenantScope = { kind: 'system' };
    const run = createJobRun(db, scope, { jobType: 'maintenance.integrity_check', trigger: 'system', createdAt: 100 });
    expect(startJobRun(db, scope, run.id, 1_000)).toMatchObject({ status: 'running', startedAt: 1_000 });
    expect(finishJobRun(db, scope, run.id, { status: 'completed', result: { pages: 3 } }, 1_250)).toMatchObject({
      status: 'completed',
      finishedAt: 1_250,
      durationMs: 250,
    });
    expect(finishJobRun(db, scope, run.id, { status: 'failed', error: 'late' })).toBeNull();
    expect(getJobRun(db, scope, run.id)).toMatchObject({ status: 'completed', durationMs: 250, result: { pages: 3 } });
  });
});

describe('reading one run', () => {
  it('another business’s run is NOT_FOUND with exactly the message of a missing run, never FORBIDDEN', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db);
    const globex = seedBusiness(db);
    const [theirs] = seedRuns(db, { kind: 'business', businessId: globex.id }, 1);
    const [system] = seedRuns(db, { kind: 'system' }, 1);
    const acmeScope: TenantScope = { kind: 'business', businessId: acme.id };
    expect(() => getJobRun(db, acmeScope, theirs!)).toThrow(expect.objectContaining({ code: 'NOT_FOUND', message: `There is no run ${theirs}.` }));
    expect(() => getJobRun(db, acmeScope, system!)).toThrow(expect.objectContaining({ code: 'NOT_FOUND', message: `There is no run ${system}.` }));
    expect(() => getJobRun(db, acmeScope, 987_654)).toThrow(expect.objectContaining({ code: 'NOT_FOUND', message: 'There is no run 987654.' }));
    expect(() => getJobRun(db, { kind: 'orphans' }, theirs!)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(getJobRun(db, { kind: 'all' }, theirs!).businessId).toBe(globex.id);
  });
});

describe('job types in a scope', () => {
  it('lists every registered type with its run count in the scope (zero included), sorted by key', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db);
    seedRuns(db, { kind: 'business', businessId: acme.id }, 3, { jobType: 'reports.monthly_usage' });
    seedRuns(db, { kind: 'system' }, 2, { jobType: 'maintenance.backup' });
    const types = getJobTypes(db, { kind: 'business', businessId: acme.id });
    expect(types.map((type) => [type.key, type.runs, type.registered])).toEqual([
      ['diagnostics.probe', 0, true],
      ['maintenance.backup', 0, true],
      ['maintenance.integrity_check', 0, true],
      ['reports.monthly_usage', 3, true],
      ['runs.retention', 0, true],
    ]);
    expect(types.find((type) => type.key === 'maintenance.backup')).toMatchObject({ title: 'Back up the database', scope: 'system' });
  });

  it('adds unregistered types seen in the scope, and never reveals types seen only in another business', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db);
    const globex = seedBusiness(db);
    seedRuns(db, { kind: 'business', businessId: acme.id }, 2, { jobType: 'legacy.sync' });
    seedRuns(db, { kind: 'business', businessId: globex.id }, 4, { jobType: 'globex.secret_project' });
    seedRuns(db, { kind: 'orphan' }, 1, { jobType: 'orphan.thing' });
    const acmeTypes = getJobTypes(db, { kind: 'business', businessId: acme.id });
    expect(acmeTypes.find((type) => type.key === 'legacy.sync')).toEqual({
      key: 'legacy.sync',
      title: null,
      description: null,
      scope: null,
      registered: false,
      paramsSchema: null,
      runs: 2,
    });
    expect(acmeTypes.map((type) => type.key)).not.toContain('globex.secret_project');
    expect(acmeTypes.map((type) => type.key)).not.toContain('orphan.thing');
    expect(acmeTypes).toHaveLength(JOB_CATALOG.length + 1);
    expect(getJobTypes(db, { kind: 'all' }).filter((type) => !type.registered).map((type) => type.key)).toEqual([
      'globex.secret_project',
      'legacy.sync',
      'orphan.thing',
    ]);
  });
});

describe('the run history: filters', () => {
  async function fixture() {
    const db = await createTestDatabase();
    const acme = seedBusiness(db, { name: 'Acme' });
    const globex = seedBusiness(db, { name: 'Globex' });
    const alice = seedUser(db, { businessId: acme.id });
    const bob = seedUser(db, { businessId: acme.id });
    const A = { kind: 'business', businessId: acme.id } as const;
    const G = { kind: 'business', businessId: globex.id } as const;
    const ids = insertRuns(db, [
      { owner: A, createdAt: 1000, jobType: 'reports.monthly_usage', status: 'completed', trigger: 'manual', triggeredByUserId: alice },
      { owner: A, createdAt: 2000, jobType: 'reports.monthly_usage', status: 'failed', trigger: 'schedule', error: 'Disk 100% full' },
      { owner: A, createdAt: 3000, jobType: 'diagnostics.probe', status: 'failed', trigger: 'manual', triggeredByUserId: bob, error: 'Timeout_after_5s' },
      { owner: A, createdAt: 4000, jobType: 'diagnostics.probe', status: 'running', trigger: 'retry', legacyId: 'AbCd-1234' },
      { owner: G, createdAt: 1500, jobType: 'reports.monthly_usage', status: 'failed', trigger: 'manual', error: 'Disk 100% full' },
      { owner: { kind: 'system' }, createdAt: 2500, jobType: 'maintenance.backup', status: 'completed' },
      { owner: { kind: 'orphan' }, createdAt: 3500, jobType: 'legacy.sync', status: 'failed', legacyId: 'abcd-9999', error: 'a\\b path' },
    ]);
    return { db, acme, globex, alice, bob, A: A as TenantScope, ids };
  }

  it('every row carries its business name; system runs and orphans carry none', async () => {
    const { db, ids } = await fixture();
    const names = new Map(list(db, { kind: 'all' }, { limit: 50 }).runs.map((run) => [run.id, run.businessName]));
    expect([...names].sort(([x], [y]) => x - y).map(([, name]) => name)).toEqual(['Acme', 'Acme', 'Acme', 'Acme', 'Globex', null, null]);
    expect(names.size).toBe(ids.length);
  });

  it('filters by status, job type, trigger and who triggered, alone and combined, within the scope', async () => {
    const { db, A, ids, alice, bob } = await fixture();
    expect(idsMatching(db, A, { statuses: ['failed'] })).toEqual([ids[1], ids[2]]);
    expect(idsMatching(db, A, { statuses: ['failed', 'running'] })).toEqual([ids[1], ids[2], ids[3]]);
    expect(idsMatching(db, A, { jobTypes: ['reports.monthly_usage'] })).toEqual([ids[0], ids[1]]);
    expect(idsMatching(db, A, { triggers: ['manual'] })).toEqual([ids[0], ids[2]]);
    expect(idsMatching(db, A, { triggeredByUserId: bob })).toEqual([ids[2]]);
    expect(idsMatching(db, A, { triggeredByUserId: alice, statuses: ['failed'] })).toEqual([]);
    expect(idsMatching(db, A, { statuses: ['failed'], jobTypes: ['diagnostics.probe'], triggers: ['manual'] })).toEqual([ids[2]]);
    expect(idsMatching(db, { kind: 'all' }, { statuses: ['failed'], jobTypes: ['reports.monthly_usage'] })).toEqual([ids[1], ids[4]]);
    expect(idsMatching(db, A, { statuses: [] })).toHaveLength(4);
  });

  it('createdFrom is inclusive and createdTo exclusive', async () => {
    const { db, A, ids } = await fixture();
    expect(idsMatching(db, A, { createdFrom: 2000, createdTo: 4000 })).toEqual([ids[1], ids[2]]);
    expect(idsMatching(db, A, { createdFrom: 2001 })).toEqual([ids[2], ids[3]]);
    expect(idsMatching(db, A, { createdTo: 1000 })).toEqual([]);
  });

  it('businessIds narrow the all-business view, and outside it can only intersect the scope, never widen it', async () => {
    const { db, A, acme, globex, ids } = await fixture();
    expect(idsMatching(db, { kind: 'all' }, { businessIds: [globex.id] })).toEqual([ids[4]]);
    expect(idsMatching(db, { kind: 'all' }, { businessIds: [acme.id, globex.id] })).toHaveLength(5);
    expect(idsMatching(db, A, { businessIds: [globex.id] })).toEqual([]);
    expect(idsMatching(db, A, { businessIds: [acme.id, globex.id] })).toEqual(ids.slice(0, 4));
    expect(idsMatching(db, { kind: 'system' }, { businessIds: [acme.id, globex.id] })).toEqual([]);
    expect(idsMatching(db, { kind: 'orphans' }, { businessIds: [globex.id] })).toEqual([]);
  });

  it('search finds a run id, a server-edition id by exact value or prefix, a job type or error substring, in any case', async () => {
    const { db, A, ids } = await fixture();
    const all: TenantScope = { kind: 'all' };
    expect(idsMatching(db, all, { search: String(ids[2]) })).toEqual([ids[2]]);
    expect(idsMatching(db, all, { search: `#${ids[2]}` })).toEqual([ids[2]]);
    expect(idsMatching(db, all, { search: 'abcd-1234' })).toEqual([ids[3]]);
    expect(idsMatching(db, all, { search: 'ABCD' })).toEqual([ids[3], ids[6]]);
    expect(idsMatching(db, all, { search: '1234' })).toEqual([]);
    expect(idsMatching(db, all, { search: 'MONTHLY' })).toEqual([ids[0], ids[1], ids[4]]);
    expect(idsMatching(db, all, { search: 'timeout' })).toEqual([ids[2]]);
    expect(idsMatching(db, A, { search: 'disk' })).toEqual([ids[1]]);
    expect(idsMatching(db, A, { search: '   ' })).toHaveLength(4);
  });

  it('search treats LIKE wildcards and the escape character as plain text', async () => {
    const { db, ids } = await fixture();
    const all: TenantScope = { kind: 'all' };
    expect(idsMatching(db, all, { search: '%' })).toEqual([ids[1], ids[4]]);
    expect(idsMatching(db, all, { search: '100% full' })).toEqual([ids[1], ids[4]]);
    expect(idsMatching(db, all, { search: '_' })).toEqual([ids[0], ids[1], ids[2], ids[4]]);
    expect(idsMatching(db, all, { search: 'Timeout_after' })).toEqual([ids[2]]);
    expect(idsMatching(db, all, { search: 'Timeout%after' })).toEqual([]);
    expect(idsMatching(db, all, { search: 't_after' })).toEqual([ids[2]]);
    expect(idsMatching(db, all, { search: 'a\\b' })).toEqual([ids[6]]);
    expect(idsMatching(db, all, { search: 'a\\' })).toEqual([ids[6]]);
  });
});

describe('the run history: order and pages', () => {
  it('sorts by start time and duration with unstarted runs last in both directions, ties by id in the same direction', async () => {
    const db = await createTestDatabase();
    const B = { kind: 'system' } as const;
    const ids = insertRuns(db, [
      { owner: B, createdAt: 1, startedAt: 50, durationMs: 7 },
      { owner: B, createdAt: 2, startedAt: null, durationMs: null, status: 'pending' },
      { owner: B, createdAt: 3, startedAt: 10, durationMs: 7 },
      { owner: B, createdAt: 4, startedAt: 50, durationMs: null, status: 'running' },
      { owner: B, createdAt: 5, startedAt: null, durationMs: null, status: 'pending' },
    ]);
    const order = (field: 'startedAt' | 'durationMs', direction: 'asc' | 'desc', limit = 50) => {
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page = list(db, { kind: 'system' }, { sort: { field, direction }, cursor, limit });
        seen.push(...page.runs.map((run) => ids.indexOf(run.id)));
        cursor = page.nextCursor;
      } while (cursor !== null);
      return seen;
    };
    for (const limit of [1, 2, 50]) {
      expect(order('startedAt', 'asc', limit)).toEqual([2, 0, 3, 1, 4]);
      expect(order('startedAt', 'desc', limit)).toEqual([3, 0, 2, 4, 1]);
      expect(order('durationMs', 'asc', limit)).toEqual([0, 2, 1, 3, 4]);
      expect(order('durationMs', 'desc', limit)).toEqual([2, 0, 4, 3, 1]);
    }
  });

  it('newest first by default; a page that ends exactly at the last run has no next cursor', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db);
    const scope: TenantScope = { kind: 'business', businessId: acme.id };
    const early = seedRuns(db, { kind: 'business', businessId: acme.id }, 5, { startAt: 1000, stepMs: 0 });
    const late = seedRuns(db, { kind: 'business', businessId: acme.id }, 6, { startAt: 5000, stepMs: 0 });
    expect(list(db, scope, { limit: 100 }).runs.map((r) => r.id)).toEqual([...late.reverse(), ...early.reverse()]);
    expect(list(db, scope, { limit: 11 }).nextCursor).toBeNull();
    expect(list(db, scope, { limit: 10 }).nextCursor).not.toBeNull();
  });

  it('a malformed cursor, or one made for another sort or for the active queue, is refused with VALIDATION', async () => {
    const db = await createTestDatabase();
    seedRuns(db, { kind: 'system' }, 3, { statuses: ['pending'] });
    const all: TenantScope = { kind: 'all' };
    const byStart = list(db, all, { limit: 1, sort: { field: 'startedAt', direction: 'asc' } }).nextCursor;
    const queue = getActiveJobRuns(db, all, { cursor: null, limit: 1 }).nextCursor;
    const newest = list(db, all, { limit: 1 }).nextCursor;
    expect([byStart, queue, newest]).not.toContain(null);
    expect(() => list(db, all, { cursor: byStart })).toThrow(refusedField('cursor', /^Cursor belongs to another sort/));
    expect(() => list(db, all, { cursor: byStart, sort: { field: 'startedAt', direction: 'desc' } })).toThrow(refusedField('cursor'));
    expect(() => list(db, all, { cursor: queue })).toThrow(refusedField('cursor'));
    expect(() => getActiveJobRuns(db, all, { cursor: newest, limit: 1 })).toThrow(refusedField('cursor'));
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const cursor of [
      'not a cursor',
      'abc',
      forged({ v: 2, sort: 'createdAt:desc', key: 1, id: 1 }),
      forged({ v: 1, sort: 'createdAt:desc', key: null, id: 1 }),
      forged({ v: 1, sort: 'createdAt:desc', key: '1', id: 1 }),
      forged({ v: 1, sort: 'createdAt:desc', key: 1, id: -1 }),
      forged([1, 2]),
    ]) {
      expect(() => list(db, all, { cursor })).toThrow(refusedField('cursor'));
    }
  });

  it.each([0, -1, 1.5, 201])('a page size of %s is refused with VALIDATION', async (limit) => {
    const db = await createTestDatabase();
    expect(() => listJobRuns(db, { kind: 'all' }, { filters: {}, sort: { field: 'createdAt', direction: 'desc' }, cursor: null, limit })).toThrow(
      refusedField('limit'),
    );
    expect(() => getActiveJobRuns(db, { kind: 'all' }, { cursor: null, limit })).toThrow(refusedField('limit'));
  });

  it.each([
    ['a business', 'business', 'job_runs_business_created_idx'],
    ['all businesses', 'all', 'job_runs_created_idx'],
  ] as const)('the default history of %s walks its index, first and later pages, with no sort step', async (_label, kind, index) => {
    const db = await createTestDatabase();
    const businesses = [seedBusiness(db), seedBusiness(db), seedBusiness(db)];
    for (const business of businesses) seedRuns(db, { kind: 'business', businessId: business.id }, 50);
    seedRuns(db, { kind: 'system' }, 20);
    const scope: TenantScope = kind === 'all' ? { kind: 'all' } : { kind: 'business', businessId: businesses[1]!.id };
    const prepare = vi.spyOn(db.sqlite, 'prepare');
    const first = list(db, scope, { limit: 10 });
    list(db, scope, { limit: 10, cursor: first.nextCursor });
    const statements = prepare.mock.calls.map(([source]) => source);
    prepare.mockRestore();
    expect(statements).toHaveLength(2);
    for (const statement of statements) {
      const parameters = Array.from(statement.matchAll(/\?/g), () => null);
      const plan = (db.sqlite.prepare(`EXPLAIN QUERY PLAN ${statement}`).all(...parameters) as { detail: string }[]).map((row) => row.detail);
      expect(plan.join('\n')).not.toContain('TEMP B-TREE');
      const runsStep = plan.find((detail) => / job_runs /.test(`${detail} `));
      expect(runsStep).toContain(`USING INDEX ${index}`);
      expect(runsStep).not.toMatch(/^SCAN job_runs$/);
    }
  });
});

describe('recent and active runs', () => {
  it('recent runs are the newest of the scope, newest first', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db);
    const globex = seedBusiness(db);
    const ours = seedRuns(db, { kind: 'business', businessId: acme.id }, 6, { startAt: 1000 });
    seedRuns(db, { kind: 'business', businessId: globex.id }, 6, { startAt: 1500 });
    const recent = getRecentJobRuns(db, { kind: 'business', businessId: acme.id }, { limit: 3 });
    expect(recent.map((run) => run.id)).toEqual([ours[5], ours[4], ours[3]]);
  });

  it('active runs are pending and running ones, oldest first, paged; a run finishing between pages shifts nothing', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db);
    const scope: TenantScope = { kind: 'business', businessId: acme.id };
    const ids = seedRuns(db, { kind: 'business', businessId: acme.id }, 10, {
      statuses: ['pending', 'running', 'completed', 'failed', 'cancelled'],
      startAt: 1000,
    });
    const first = getActiveJobRuns(db, scope, { cursor: null, limit: 2 });
    expect(first.runs.map((run) => run.id)).toEqual([ids[0], ids[1]]);
    db.sqlite.prepare("UPDATE job_runs SET status = 'completed' WHERE id = ?").run(ids[1]);
    const second = getActiveJobRuns(db, scope, { cursor: first.nextCursor, limit: 2 });
    expect(second.runs.map((run) => run.id)).toEqual([ids[5], ids[6]]);
    expect(second.nextCursor).toBeNull();
    expect(getActiveJobRuns(db, { kind: 'system' }, { cursor: null, limit: 10 }).runs).toEqual([]);
  });
});

describe('who triggered a run, as people read them', () => {
  it('every view names the linked user (display name, else email); an adopted run names the user its recorded id points to', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db, { name: 'Acme' });
    const scope: TenantScope = { kind: 'business', businessId: acme.id };
    const alice = seedUser(db, { role: 'member', businessId: acme.id, email: 'alice@example.test' });
    db.sqlite.prepare("UPDATE users SET display_name = 'Alice Liddell', legacy_id = 'u-7f3a' WHERE id = ?").run(alice);
    const bob = seedUser(db, { role: 'member', businessId: acme.id, email: 'bob@example.test' });
    const [adopted = 0, unlinked = 0] = insertRuns(db, [
      { owner: scope, createdAt: Date.UTC(2026, 0, 1), trigger: 'legacy', triggeredByUserId: alice },
      { owner: scope, createdAt: Date.UTC(2026, 0, 2), trigger: 'legacy' },
    ]);
    db.sqlite.prepare("UPDATE job_runs SET triggered_by = 'u-7f3a' WHERE id = ?").run(adopted);
    db.sqlite.prepare("UPDATE job_runs SET triggered_by = 'scheduler' WHERE id = ?").run(unlinked);
    const created = createJobRun(db, scope, { jobType: 'diagnostics.probe', trigger: 'manual', triggeredByUserId: bob, triggeredBy: 'bob@example.test' });

    const byId = new Map(list(db, scope).runs.map((run) => [run.id, run]));
    expect(byId.get(adopted)).toMatchObject({ triggeredBy: 'u-7f3a', triggeredByName: 'Alice Liddell' });
    expect(byId.get(unlinked)).toMatchObject({ triggeredBy: 'scheduler', triggeredByName: null });
    expect(byId.get(created.id)).toMatchObject({ triggeredByName: 'bob@example.test' });
    expect(created.triggeredByName).toBe('bob@example.test');
    expect(getJobRun(db, scope, adopted).triggeredByName).toBe('Alice Liddell');
  });
});
