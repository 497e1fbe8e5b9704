import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../src-main/db/connection';
import {
  createBusiness,
  createBusinessAs,
  deleteBusiness,
  findBusiness,
  getBusiness,
  listBusinessViews,
  previewBusinessDeletion,
  previewBusinessDisable,
  renameBusiness,
  setBusinessDisabled,
} from '../../src-main/accounts/businesses';
import { actorFor, countAuditEvents, readUser, seedUser } from '../helpers/accounts';
import { createTestDatabase, readAuditEvents, readRunOwnership, seedBusiness, seedRuns } from '../helpers/seed';
import { keptBackupNames } from '../helpers/backups';

async function platform() {
  const db = await createTestDatabase();
  const acme = seedBusiness(db, { name: 'Acme' });
  const globex = seedBusiness(db, { name: 'Globex' });
  const root = actorFor(await seedUser(db, { email: 'root@example.test', role: 'system_admin' }));
  const acmeAdmin = await seedUser(db, { email: 'boss@acme.test', role: 'business_admin', businessId: acme.id });
  const acmeMember = await seedUser(db, { email: 'ann@acme.test', role: 'member', businessId: acme.id });
  return { db, acme, globex, root, acmeAdmin, acmeMember };
}

function seedSchedules(db: AppDatabase, businessId: number, count: number): void {
  const insert = db.sqlite.prepare(
    `INSERT INTO job_schedules (scope, business_id, name, job_type, cron, created_at, updated_at)
     VALUES ('business', ?, ?, 'diagnostics', '0 * * * *', 1, 1)`,
  );
  for (let i = 0; i < count; i++) insert.run(businessId, `Schedule ${i}`);
}

function backupsNextTo(db: AppDatabase): string[] {
  return keptBackupNames(db.path);
}

async function refusalOf(work: () => unknown): Promise<{ code?: string; message?: string }> {
  try {
    await work();
  } catch (error) {
    return error as { code?: string; message?: string };
  }
  throw new Error('expected a refusal');
}

describe('seeing businesses', () => {
  it('a system admin sees all by name, a business admin only their own, a member nothing', async () => {
    const { db, acme, root, acmeAdmin, acmeMember } = await platform();
    seedBusiness(db, { name: 'aardvark' });
    expect(listBusinessViews(db, root).map((b) => b.name)).toEqual(['aardvark', 'Acme', 'Globex']);
    expect(listBusinessViews(db, actorFor(acmeAdmin))).toEqual([
      { id: acme.id, name: 'Acme', legacyId: null, disabled: false, createdAt: acme.createdAt },
    ]);
    expect(() => listBusinessViews(db, actorFor(acmeMember))).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });

  it('only a system admin creates, renames, disables or deletes a business', async () => {
    const { db, acme, acmeAdmin } = await platform();
    const admin = actorFor(acmeAdmin);
    for (const change of [
      () => createBusinessAs(db, admin, { name: 'Initech' }),
      () => renameBusiness(db, admin, { id: acme.id, name: 'Acme 2' }),
      () => setBusinessDisabled(db, admin, { id: acme.id, disabled: true }),
      () => previewBusinessDeletion(db, admin, { id: acme.id }),
      () => deleteBusiness(db, admin, { id: acme.id, confirmName: 'Acme', expectedRuns: 0 }),
    ]) {
      expect((await refusalOf(change)).code).toBe('FORBIDDEN');
    }
    expect(getBusiness(db, acme.id)).toEqual(acme);
    expect(countAuditEvents(db)).toBe(0);
    expect(backupsNextTo(db)).toEqual([]);
  });
});

describe('changing businesses', () => {
  it('a name is taken whatever its case; each change records one audit event', async () => {
    const { db, acme, root } = await platform();
    expect(createBusinessAs(db, root, { name: '  Initech  ' })).toMatchObject({ name: 'Initech', disabled: false });
    expect(await refusalOf(() => createBusinessAs(db, root, { name: 'ACME' }))).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('"Acme"'),
    });
    expect((await refusalOf(() => renameBusiness(db, root, { id: acme.id, name: 'globex' }))).code).toBe('CONFLICT');
    expect(renameBusiness(db, root, { id: acme.id, name: 'ACME' }).name).toBe('ACME');
    expect(setBusinessDisabled(db, root, { id: acme.id, disabled: true }).disabled).toBe(true);
    expect(setBusinessDisabled(db, root, { id: acme.id, disabled: true }).disabled).toBe(true);
    expect((await refusalOf(() => renameBusiness(db, root, { id: 9999, name: 'Nowhere' }))).code).toBe('NOT_FOUND');
    expect(readAuditEvents(db).map((e) => [e.action, e.details])).toEqual([
      ['business.create', { name: 'Initech' }],
      ['business.rename', { from: 'Acme', to: 'ACME' }],
      ['business.disable', { name: 'ACME' }],
    ]);
  });

  it('the lookups the CLI uses still find businesses by id, legacy id and name', async () => {
    const { db, acme } = await platform();
    const legacy = createBusiness(db, { name: 'Old Corp', legacyId: 'b6f1c2d4' });
    expect(findBusiness(db, String(acme.id))?.id).toBe(acme.id);
    expect(findBusiness(db, 'b6f1c2d4')?.id).toBe(legacy.id);
    expect(findBusiness(db, 'old corp')?.id).toBe(legacy.id);
    expect(findBusiness(db, 'nothing')).toBeNull();
  });
});

describe('deleting a business', () => {
  async function withData() {
    const setup = await platform();
    const { db, acme, globex } = setup;
    seedRuns(db, { kind: 'business', businessId: acme.id }, 7);
    const globexRuns = seedRuns(db, { kind: 'business', businessId: globex.id }, 3);
    const systemRuns = seedRuns(db, { kind: 'system' }, 2);
    seedSchedules(db, acme.id, 2);
    seedSchedules(db, globex.id, 1);
    return { ...setup, globexRuns, systemRuns };
  }

  it('previews what disabling locks (enabled users, enabled schedules) for system admins only, and changes nothing', async () => {
    const { db, acme, globex, root, acmeMember } = await withData();
    await seedUser(db, { email: 'gone@acme.test', role: 'member', businessId: acme.id, disabled: true });
    db.sqlite.prepare('UPDATE job_schedules SET enabled = 0 WHERE id = (SELECT min(id) FROM job_schedules WHERE business_id = ?)').run(acme.id);
    const before = readRunOwnership(db);
    expect(previewBusinessDisable(db, root, { id: acme.id })).toEqual({
      business: { id: acme.id, name: 'Acme', legacyId: null, disabled: false, createdAt: acme.createdAt },
      users: 2,
      schedules: 1,
    });
    expect(previewBusinessDisable(db, root, { id: globex.id })).toMatchObject({ users: 0, schedules: 1 });
    expect(() => previewBusinessDisable(db, actorFor(acmeMember), { id: acme.id })).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => previewBusinessDisable(db, root, { id: 9999 })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(readRunOwnership(db)).toEqual(before);
    expect(countAuditEvents(db)).toBe(0);
  });

  it('previews what goes with it and changes nothing', async () => {
    const { db, acme, root } = await withData();
    const before = readRunOwnership(db);
    expect(previewBusinessDeletion(db, root, { id: acme.id })).toEqual({
      business: { id: acme.id, name: 'Acme', legacyId: null, disabled: false, createdAt: acme.createdAt },
      runs: 7,
      schedules: 2,
      users: 2,
    });
    expect(readRunOwnership(db)).toEqual(before);
    expect(countAuditEvents(db)).toBe(0);
  });

  it('a confirmation that is not exactly the name is VALIDATION, and nothing is deleted or backed up', async () => {
    const { db, acme, root } = await withData();
    const before = readRunOwnership(db);
    const error = await refusalOf(() => deleteBusiness(db, root, { id: acme.id, confirmName: 'acme', expectedRuns: 7 }));
    expect(error).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('"Acme"') });
    expect(readRunOwnership(db)).toEqual(before);
    expect(getBusiness(db, acme.id)).not.toBeNull();
    expect(backupsNextTo(db)).toEqual([]);
    expect(countAuditEvents(db)).toBe(0);
  });

  it('a stale run count is CONFLICT, with no backup left behind', async () => {
    const { db, acme, root } = await withData();
    seedRuns(db, { kind: 'business', businessId: acme.id }, 1);
    const error = await refusalOf(() => deleteBusiness(db, root, { id: acme.id, confirmName: 'Acme', expectedRuns: 7 }));
    expect(error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('changed since the preview') });
    expect(getBusiness(db, acme.id)).not.toBeNull();
    expect(backupsNextTo(db)).toEqual([]);
    expect(countAuditEvents(db)).toBe(0);
  });

  it('backs up first, takes its runs and schedules, leaves its users without a business, and records one event', async () => {
    const { db, acme, globex, root, acmeAdmin, acmeMember, globexRuns, systemRuns } = await withData();
    const result = await deleteBusiness(db, root, { id: acme.id, confirmName: 'Acme', expectedRuns: 7 });

    expect(result.deleted).toMatchObject({ runs: 7, schedules: 2, users: 2, business: { id: acme.id, name: 'Acme' } });
    expect(getBusiness(db, acme.id)).toBeNull();
    expect(readRunOwnership(db).map((r) => r.id)).toEqual([...globexRuns, ...systemRuns]);
    expect(db.sqlite.prepare('SELECT business_id AS b FROM job_schedules').all()).toEqual([{ b: globex.id }]);
    expect([readUser(db, acmeAdmin.id)?.businessId, readUser(db, acmeMember.id)?.businessId]).toEqual([null, null]);

    expect(path.basename(result.backupPath)).toMatch(new RegExp(`^before-delete-business-${acme.id}-\\d{4}-.+\\.db$`));
    const backup = new Database(result.backupPath, { readonly: true });
    try {
      expect(backup.prepare('SELECT name FROM businesses WHERE id = ?').get(acme.id)).toEqual({ name: 'Acme' });
      expect(backup.prepare('SELECT count(*) AS n FROM job_runs WHERE business_id = ?').get(acme.id)).toEqual({ n: 7 });
    } finally {
      backup.close();
    }

    expect(readAuditEvents(db)).toEqual([
      {
        action: 'business.delete',
        actorLabel: 'root@example.test',
        businessId: acme.id,
        details: { name: 'Acme', runs: 7, schedules: 2, users: 2, backupPath: result.backupPath },
      },
    ]);
  });

  // How long it takes is the benchmark's to say, beside its baseline (docs/performance.md); a timing never gates a test.
  it('deletes a business with 100,000 runs and every one of them', async () => {
    const { db, acme, root } = await platform();
    seedRuns(db, { kind: 'business', businessId: acme.id }, 100_000);
    const started = performance.now();
    const result = await deleteBusiness(db, root, { id: acme.id, confirmName: 'Acme', expectedRuns: 100_000 });
    console.log(`delete a business with 100,000 runs: ${(performance.now() - started).toFixed(0)} ms with the backup`);
    expect(result.deleted.runs).toBe(100_000);
    expect(readRunOwnership(db)).toEqual([]);
  });
});
