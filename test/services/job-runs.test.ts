import { describe, expect, it } from 'vitest';
import {
  countJobRuns,
  createJobRun,
  finishJobRun,
  getJobRunStats,
  listJobRuns,
  startJobRun,
  type RunCursor,
} from '../../src-main/services/job-runs';
import type { AppDatabase } from '../../src-main/db/connection';
import type { TenantScope } from '../../src-main/services/tenant-scope';
import { createTestDatabase, seedBusiness, seedRuns } from '../helpers/seed';

function listAll(db: AppDatabase, scope: TenantScope, pageSize: number): number[] {
  const ids: number[] = [];
  let cursor: RunCursor | null = null;
  do {
    const page = listJobRuns(db.orm, scope, { limit: pageSize, cursor });
    ids.push(...page.runs.map((run) => run.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

describe('job runs through the tenant chokepoint', () => {
  it('a new run is pending, in its business, with its trigger and creation time', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db.orm);
    const run = createJobRun(db.orm, { kind: 'business', businessId: acme.id }, { jobType: 'backup', trigger: 'manual', createdAt: 42 });
    expect(run).toMatchObject({ scope: 'business', businessId: acme.id, status: 'pending', trigger: 'manual', createdAt: 42, jobType: 'backup' });
    const system = createJobRun(db.orm, { kind: 'system' }, { jobType: 'integrity-check', trigger: 'system' });
    expect(system).toMatchObject({ scope: 'system', businessId: null, status: 'pending' });
  });

  it('a run with a blank job type is refused and nothing is written', async () => {
    const db = await createTestDatabase();
    expect(() => createJobRun(db.orm, { kind: 'system' }, { jobType: ' ', trigger: 'system' })).toThrow(/jobType/);
    expect(countJobRuns(db.orm, { kind: 'all' })).toBe(0);
  });

  it('a member never sees another business’s runs in list, count or stats', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db.orm);
    const globex = seedBusiness(db.orm);
    const acmeIds = seedRuns(db, { kind: 'business', businessId: acme.id }, 7, { statuses: ['completed', 'failed'] });
    seedRuns(db, { kind: 'business', businessId: globex.id }, 5, { statuses: ['running'] });
    seedRuns(db, { kind: 'system' }, 2);
    seedRuns(db, { kind: 'orphan' }, 3);
    const scope: TenantScope = { kind: 'business', businessId: acme.id };

    expect(listAll(db, scope, 100).sort((x, y) => x - y)).toEqual(acmeIds);
    expect(countJobRuns(db.orm, scope)).toBe(7);
    expect(getJobRunStats(db.orm, scope)).toEqual({
      total: 7,
      byStatus: { pending: 0, running: 0, completed: 4, failed: 3, cancelled: 0 },
    });
    expect(countJobRuns(db.orm, { kind: 'all' })).toBe(17);
    expect(getJobRunStats(db.orm, { kind: 'all' }).byStatus.running).toBe(5);
  });

  it('lists newest first by (created_at, id), and keyset pages cover every run exactly once', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db.orm);
    const scope: TenantScope = { kind: 'business', businessId: acme.id };
    // Pairs share a timestamp, so ties must be broken by id.
    const early = seedRuns(db, { kind: 'business', businessId: acme.id }, 5, { startAt: 1000, stepMs: 0 });
    const late = seedRuns(db, { kind: 'business', businessId: acme.id }, 6, { startAt: 5000, stepMs: 0 });
    const expected = [...late.reverse(), ...early.reverse()];
    expect(listJobRuns(db.orm, scope, { limit: 100 }).runs.map((r) => r.id)).toEqual(expected);
    for (const pageSize of [1, 2, 3, 4, 11, 12]) expect(listAll(db, scope, pageSize)).toEqual(expected);
    expect(listJobRuns(db.orm, scope, { limit: 11 }).nextCursor).toBeNull();
  });

  it('filters by job type and status within the scope', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db.orm);
    const globex = seedBusiness(db.orm);
    const wanted = seedRuns(db, { kind: 'business', businessId: acme.id }, 3, { jobType: 'report', statuses: ['failed'] });
    seedRuns(db, { kind: 'business', businessId: acme.id }, 3, { jobType: 'report', statuses: ['completed'] });
    seedRuns(db, { kind: 'business', businessId: acme.id }, 3, { jobType: 'backup', statuses: ['failed'] });
    seedRuns(db, { kind: 'business', businessId: globex.id }, 3, { jobType: 'report', statuses: ['failed'] });
    const page = listJobRuns(db.orm, { kind: 'business', businessId: acme.id }, { limit: 50, jobType: 'report', status: 'failed' });
    expect(page.runs.map((r) => r.id).sort((x, y) => x - y)).toEqual(wanted);
  });

  it.each([0, -1, 1.5, 1001])('a page size of %s is refused with VALIDATION', async (limit) => {
    const db = await createTestDatabase();
    expect(() => listJobRuns(db.orm, { kind: 'all' }, { limit })).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });

  it('a business scope cannot start or finish another business’s run', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db.orm);
    const globex = seedBusiness(db.orm);
    const run = createJobRun(db.orm, { kind: 'business', businessId: globex.id }, { jobType: 'backup', trigger: 'manual' });
    const intruder: TenantScope = { kind: 'business', businessId: acme.id };
    expect(startJobRun(db.orm, intruder, run.id)).toBeNull();
    expect(finishJobRun(db.orm, intruder, run.id, { status: 'cancelled' })).toBeNull();
    expect(finishJobRun(db.orm, { kind: 'orphans' }, run.id, { status: 'cancelled' })).toBeNull();
    expect(getJobRunStats(db.orm, { kind: 'business', businessId: globex.id }).byStatus.pending).toBe(1);
  });

  it('a run goes pending → running → completed with its duration, and cannot finish twice', async () => {
    const db = await createTestDatabase();
    const scope: TenantScope = { kind: 'system' };
    const run = createJobRun(db.orm, scope, { jobType: 'integrity-check', trigger: 'system', createdAt: 100 });
    expect(startJobRun(db.orm, scope, run.id, 1_000)).toMatchObject({ status: 'running', startedAt: 1_000 });
    expect(finishJobRun(db.orm, scope, run.id, { status: 'completed', result: { pages: 3 } }, 1_250)).toMatchObject({
      status: 'completed',
      finishedAt: 1_250,
      durationMs: 250,
      result: { pages: 3 },
    });
    expect(finishJobRun(db.orm, scope, run.id, { status: 'failed', error: 'late' })).toBeNull();
  });
});
