import path from 'node:path';
import { refusedField } from '../helpers/refusals';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../src-main/db/connection';
import type { AuditActor } from '../../src-main/audit/record';
import {
  assignOrphans,
  checkRuns,
  deleteOrphans,
  listOrphans,
  previewOrphanAssignment,
  previewOrphanDeletion,
} from '../../src-main/orphans/orphans';
import { listJobRuns } from '../../src-main/history/pages';
import { listJobRunsInput } from '../../src-shared/schemas/jobs';
import { listOrphansInput } from '../../src-shared/schemas/orphans';
import { createTestDatabase, isOrphan, readAuditEvents, readRunOwnership, seedBusiness, seedRuns } from '../helpers/seed';
import { keptBackupNames } from '../helpers/backups';

const actor: AuditActor = { kind: 'app', label: 'cli' };

async function databaseWithOrphans() {
  const db = await createTestDatabase();
  const acme = seedBusiness(db, { name: 'Acme' });
  const globex = seedBusiness(db, { name: 'Globex' });
  const acmeRuns = seedRuns(db, { kind: 'business', businessId: acme.id }, 4);
  const globexRuns = seedRuns(db, { kind: 'business', businessId: globex.id }, 2);
  const systemRuns = seedRuns(db, { kind: 'system' }, 3);
  const orphans = seedRuns(db, { kind: 'orphan', orphanedFrom: 'b6f1c2d4-gone' }, 5, { statuses: ['failed', 'completed'] });
  return { db, acme, globex, acmeRuns, globexRuns, systemRuns, orphans };
}

function backupsNextTo(db: AppDatabase): string[] {
  return keptBackupNames(db.path);
}

describe('checking runs and orphans', () => {
  it('reports runs per business that has runs, how many have none, system runs, orphans and the newest orphans', async () => {
    const { db, orphans } = await databaseWithOrphans();
    seedBusiness(db, { name: 'Initech' });
    seedBusiness(db, { name: 'Hooli', disabled: true });
    const overview = checkRuns(db, { newestLimit: 2 });
    expect(overview.businesses.map((b) => [b.name, b.runs])).toEqual([
      ['Acme', 4],
      ['Globex', 2],
    ]);
    expect(overview.businessesWithoutRuns).toBe(2);
    expect(overview.systemRuns).toBe(3);
    expect(overview.orphans).toBe(5);
    expect(overview.newestOrphans.map((r) => r.id)).toEqual([orphans[4], orphans[3]]);
  });

  it('a system run is never treated as an orphan', async () => {
    const { db, systemRuns } = await databaseWithOrphans();
    expect(checkRuns(db).newestOrphans.map((r) => r.scope)).not.toContain('system');
    expect(() => previewOrphanDeletion(db, { kind: 'ids', ids: [systemRuns[0]!] })).toThrow(
      expect.objectContaining({ code: 'VALIDATION', message: expect.stringContaining(`Run ${systemRuns[0]} is not an orphan`) }),
    );
    await deleteOrphans(db, { kind: 'all' }, { actor, expectedCount: 5 });
    expect(readRunOwnership(db).filter((r) => r.scope === 'system').map((r) => r.id)).toEqual(systemRuns);
  });

  it('lists orphans in pages, filtered by job type and status', async () => {
    const { db, orphans } = await databaseWithOrphans();
    const first = listOrphans(db, listJobRunsInput.parse({ limit: 3 }));
    const second = listOrphans(db, listJobRunsInput.parse({ limit: 3, cursor: first.nextCursor }));
    expect([...first.runs, ...second.runs].map((r) => r.id)).toEqual([...orphans].reverse());
    expect(second.nextCursor).toBeNull();
    expect(listOrphans(db, listJobRunsInput.parse({ limit: 10, filters: { statuses: ['failed'] } })).runs).toHaveLength(3);
    expect(listOrphans(db, listJobRunsInput.parse({ limit: 10, filters: { jobTypes: ['nothing-like-this'] } })).runs).toHaveLength(0);
  });
});

describe('filtering the orphan list by who triggered a run and when it was created', () => {
  it('triggeredBy matches the recorded triggered_by without case, in the orphan list and in any run list', async () => {
    const { db, acme, acmeRuns, orphans } = await databaseWithOrphans();
    const setTriggeredBy = db.sqlite.prepare('UPDATE job_runs SET triggered_by = ? WHERE id = ?');
    setTriggeredBy.run('Alice@Example.test', orphans[0]);
    setTriggeredBy.run('alice@example.test', orphans[3]);
    setTriggeredBy.run('alice@example.test.evil', orphans[4]);
    setTriggeredBy.run('alice@example.test', acmeRuns[1]);
    const listed = (triggeredBy: string) => listOrphans(db, listOrphansInput.parse({ filters: { triggeredBy } })).runs.map((r) => r.id);
    expect(listed('ALICE@example.TEST')).toEqual([orphans[3], orphans[0]]);
    expect(listed('  alice@example.test ')).toEqual([orphans[3], orphans[0]]);
    expect(listed('alice')).toEqual([]);
    const acmeList = listJobRuns(db, { kind: 'business', businessId: acme.id }, listJobRunsInput.parse({ filters: { triggeredBy: 'ALICE@EXAMPLE.TEST' } }));
    expect(acmeList.runs.map((r) => r.id)).toEqual([acmeRuns[1]]);
  });

  it('triggeredBy finds the server edition’s scheduler and a schedule’s runs by the schedule’s name', async () => {
    const { db, acme, acmeRuns } = await databaseWithOrphans();
    const setTriggeredBy = db.sqlite.prepare('UPDATE job_runs SET triggered_by = ? WHERE id = ?');
    setTriggeredBy.run('scheduler', acmeRuns[0]);
    setTriggeredBy.run('schedule: Nightly report', acmeRuns[1]);
    setTriggeredBy.run('Nightly report', acmeRuns[2]);
    const acmeBy = (triggeredBy: string) =>
      listJobRuns(db, { kind: 'business', businessId: acme.id }, listJobRunsInput.parse({ filters: { triggeredBy } })).runs.map((r) => r.id);
    expect(acmeBy('Scheduler')).toEqual([acmeRuns[0]]);
    // The name alone finds the schedule's runs and a run recorded under that very text; the full record finds its run.
    expect(acmeBy('nightly REPORT').sort()).toEqual([acmeRuns[1], acmeRuns[2]].sort());
    expect(acmeBy('schedule: Nightly report')).toEqual([acmeRuns[1]]);
    expect(acmeBy('Nightly')).toEqual([]);
  });

  it('createdFrom (inclusive) and createdTo (exclusive) bound the orphan list, also with triggeredBy and paging', async () => {
    const { db, orphans } = await databaseWithOrphans();
    const createdAt = new Map(listOrphans(db, listOrphansInput.parse({ limit: 10 })).runs.map((r) => [r.id, r.createdAt]));
    const from = createdAt.get(orphans[1]!)!;
    const to = createdAt.get(orphans[4]!)!;
    const inRange = listOrphansInput.parse({ filters: { createdFrom: from, createdTo: to }, limit: 2 });
    const first = listOrphans(db, inRange);
    const second = listOrphans(db, { ...inRange, cursor: first.nextCursor });
    expect([...first.runs, ...second.runs].map((r) => r.id)).toEqual([orphans[3], orphans[2], orphans[1]]);
    expect(second.nextCursor).toBeNull();
    db.sqlite.prepare('UPDATE job_runs SET triggered_by = ? WHERE id IN (?, ?)').run('scheduler', orphans[0], orphans[2]);
    const both = listOrphansInput.parse({ filters: { createdFrom: from, createdTo: to, triggeredBy: 'Scheduler' } });
    expect(listOrphans(db, both).runs.map((r) => r.id)).toEqual([orphans[2]]);
    expect(listOrphansInput.safeParse({ filters: { createdFrom: to, createdTo: from } }).error?.issues[0]).toMatchObject({ path: ['filters', 'createdTo'] });
  });
});

describe('deleting orphans', () => {
  it('previews the exact count and changes nothing', async () => {
    const { db, orphans } = await databaseWithOrphans();
    const before = readRunOwnership(db);
    expect(previewOrphanDeletion(db, { kind: 'all' })).toEqual({ count: 5 });
    expect(previewOrphanDeletion(db, { kind: 'ids', ids: [orphans[0]!, orphans[2]!, orphans[2]!] })).toEqual({ count: 2 });
    expect(readRunOwnership(db)).toEqual(before);
    expect(backupsNextTo(db)).toEqual([]);
  });

  it('backs up first, deletes exactly the orphans in one go, and records one audit event', async () => {
    const { db, orphans } = await databaseWithOrphans();
    const before = readRunOwnership(db);
    const result = await deleteOrphans(db, { kind: 'all' }, { actor, expectedCount: 5 });

    expect(result.deleted).toBe(5);
    expect(readRunOwnership(db)).toEqual(before.filter((r) => !isOrphan(r)));
    expect(path.basename(result.backupPath!)).toMatch(/^before-delete-orphans-.*\.db$/);
    const backup = new Database(result.backupPath!, { readonly: true });
    expect(backup.prepare("SELECT count(*) FROM job_runs WHERE scope = 'business' AND business_id IS NULL").pluck().get()).toBe(5);
    backup.close();
    expect(readAuditEvents(db)).toEqual([
      { action: 'orphans.delete', actorLabel: 'cli', businessId: null, details: { count: 5, backupPath: result.backupPath } },
    ]);
    expect(orphans).toHaveLength(5);
  });

  it('deletes only the selected orphans and records their ids', async () => {
    const { db, orphans } = await databaseWithOrphans();
    const selected = [orphans[1]!, orphans[3]!];
    const result = await deleteOrphans(db, { kind: 'ids', ids: selected }, { actor, expectedCount: 2 });
    expect(result.deleted).toBe(2);
    expect(readRunOwnership(db).filter(isOrphan).map((r) => r.id)).toEqual([orphans[0], orphans[2], orphans[4]]);
    expect(readAuditEvents(db)[0]!.details).toMatchObject({ count: 2, ids: selected });
  });

  it('refuses when the orphans changed since the preview, and changes nothing', async () => {
    const { db } = await databaseWithOrphans();
    const { count } = previewOrphanDeletion(db, { kind: 'all' });
    seedRuns(db, { kind: 'orphan' }, 1);
    const before = readRunOwnership(db);
    await expect(deleteOrphans(db, { kind: 'all' }, { actor, expectedCount: count })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('The orphans changed since the preview: expected 5, found 6'),
    });
    expect(readRunOwnership(db)).toEqual(before);
    expect(readAuditEvents(db)).toEqual([]);
    expect(backupsNextTo(db)).toEqual([]);
  });

  it('refuses a selection naming runs that are not orphans, naming them, and writes nothing', async () => {
    const { db, orphans, acmeRuns, systemRuns } = await databaseWithOrphans();
    const before = readRunOwnership(db);
    const ids = [orphans[0]!, acmeRuns[1]!, systemRuns[0]!, 987_654];
    await expect(deleteOrphans(db, { kind: 'ids', ids }, { actor, expectedCount: 1 })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining(`Runs ${acmeRuns[1]}, ${systemRuns[0]}, 987654 are not orphans`),
    });
    expect(readRunOwnership(db)).toEqual(before);
    expect(readAuditEvents(db)).toEqual([]);
  });

  it.each([
    ['an empty id list', { kind: 'ids' as const, ids: [] }],
    ['a non-integer id', { kind: 'ids' as const, ids: [1.5] }],
    ['a negative id', { kind: 'ids' as const, ids: [-3] }],
  ])('refuses %s with VALIDATION', async (_label, selection) => {
    const { db } = await databaseWithOrphans();
    expect(() => previewOrphanDeletion(db, selection)).toThrow(refusedField('ids'));
  });

  it('with nothing to delete, makes no backup and records nothing', async () => {
    const db = await createTestDatabase();
    expect(await deleteOrphans(db, { kind: 'all' }, { actor, expectedCount: 0 })).toEqual({ deleted: 0, backupPath: null });
    expect(backupsNextTo(db)).toEqual([]);
    expect(readAuditEvents(db)).toEqual([]);
  });

  it('clears retry_of_run_id and rerun_of_run_id on runs that retried or re-ran a deleted orphan, with foreign keys back on and none broken', async () => {
    const { db, acmeRuns, orphans } = await databaseWithOrphans();
    const retryOf = db.sqlite.prepare('UPDATE job_runs SET retry_of_run_id = ? WHERE id = ?');
    retryOf.run(orphans[0], acmeRuns[0]);
    retryOf.run(orphans[1], orphans[2]);
    retryOf.run(orphans[3], orphans[4]);
    const rerunOf = db.sqlite.prepare('UPDATE job_runs SET rerun_of_run_id = ? WHERE id = ?');
    rerunOf.run(orphans[1], acmeRuns[1]);
    rerunOf.run(orphans[2], acmeRuns[2]);
    await deleteOrphans(db, { kind: 'ids', ids: [orphans[0]!, orphans[1]!, orphans[3]!, orphans[4]!] }, { actor, expectedCount: 4 });
    const links = db.sqlite.prepare('SELECT id, retry_of_run_id AS retryOf, rerun_of_run_id AS rerunOf FROM job_runs WHERE id IN (?, ?, ?, ?) ORDER BY id');
    expect(links.all(acmeRuns[0], acmeRuns[1], acmeRuns[2], orphans[2])).toEqual([
      { id: acmeRuns[0], retryOf: null, rerunOf: null },
      { id: acmeRuns[1], retryOf: null, rerunOf: null },
      // Its orphan was kept: the link stays.
      { id: acmeRuns[2], retryOf: null, rerunOf: orphans[2] },
      { id: orphans[2], retryOf: null, rerunOf: null },
    ]);
    expect(db.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.sqlite.pragma('foreign_key_check')).toEqual([]);
  });

  it('reports progress: the backup, then the deletion', async () => {
    const { db } = await databaseWithOrphans();
    const phases: string[] = [];
    await deleteOrphans(db, { kind: 'all' }, { actor, expectedCount: 5, onProgress: (p) => phases.push(p.phase) });
    expect([...new Set(phases)]).toEqual(['Backing up before deleting orphans', 'Deleting orphans']);
  });
});

describe('assigning orphans', () => {
  it('moves exactly the selected orphans to the business, clears where they came from, and records one audit event', async () => {
    const { db, acme, orphans } = await databaseWithOrphans();
    const selected = [orphans[0]!, orphans[4]!];
    expect(previewOrphanAssignment(db, acme.id, { kind: 'ids', ids: selected })).toEqual({ count: 2, business: { id: acme.id, name: 'Acme' } });
    const result = assignOrphans(db, acme.id, { kind: 'ids', ids: selected }, { actor, expectedCount: 2 });

    expect(result).toEqual({ assigned: 2, business: { id: acme.id, name: 'Acme' } });
    const runs = readRunOwnership(db);
    for (const id of selected) expect(runs.find((r) => r.id === id)).toMatchObject({ scope: 'business', businessId: acme.id, orphanedFrom: null });
    expect(runs.filter(isOrphan).map((r) => r.id)).toEqual([orphans[1], orphans[2], orphans[3]]);
    expect(readAuditEvents(db)).toEqual([
      { action: 'orphans.assign', actorLabel: 'cli', businessId: acme.id, details: { count: 2, business: { id: acme.id, name: 'Acme' }, ids: selected } },
    ]);
  });

  it('assigning all leaves system runs and other businesses alone', async () => {
    const { db, globex, acmeRuns, systemRuns } = await databaseWithOrphans();
    assignOrphans(db, globex.id, { kind: 'all' }, { actor, expectedCount: 5 });
    const runs = readRunOwnership(db);
    expect(runs.filter(isOrphan)).toEqual([]);
    expect(runs.filter((r) => r.scope === 'system').map((r) => r.id)).toEqual(systemRuns);
    expect(runs.filter((r) => r.businessId !== null && r.businessId !== globex.id).map((r) => r.id)).toEqual(acmeRuns);
  });

  it('refuses a disabled business and a missing one, and writes nothing', async () => {
    const { db } = await databaseWithOrphans();
    const closed = seedBusiness(db, { name: 'Closed Co', disabled: true });
    const before = readRunOwnership(db);
    expect(() => previewOrphanAssignment(db, closed.id, { kind: 'all' })).toThrow(
      refusedField('businessId', 'Business "Closed Co" is disabled; enable it first.'),
    );
    expect(() => assignOrphans(db, closed.id, { kind: 'all' }, { actor, expectedCount: 5 })).toThrow(/disabled/);
    expect(() => assignOrphans(db, 4242, { kind: 'all' }, { actor, expectedCount: 5 })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: 'There is no business with id 4242.' }),
    );
    expect(readRunOwnership(db)).toEqual(before);
    expect(readAuditEvents(db)).toEqual([]);
  });

  it('refuses when the orphans changed since the preview', async () => {
    const { db, acme, orphans } = await databaseWithOrphans();
    const { count } = previewOrphanAssignment(db, acme.id, { kind: 'ids', ids: orphans });
    await deleteOrphans(db, { kind: 'ids', ids: [orphans[0]!] }, { actor, expectedCount: 1 });
    expect(() => assignOrphans(db, acme.id, { kind: 'ids', ids: orphans }, { actor, expectedCount: count })).toThrow(
      expect.objectContaining({ code: 'CONFLICT', message: expect.stringContaining('expected 5, found 4') }),
    );
    expect(readRunOwnership(db).filter(isOrphan)).toHaveLength(4);
  });
});

// The timings are printed for a reader; `npm run bench` measures them beside a baseline. A timing never gates a test.
describe('100,000 orphans', () => {
  const ORPHANS = 100_000;

  it('are deleted, and only they', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db);
    seedRuns(db, { kind: 'business', businessId: acme.id }, 1_000);
    seedRuns(db, { kind: 'system' }, 100);
    seedRuns(db, { kind: 'orphan' }, ORPHANS);
    const marks: Record<string, number> = {};
    const started = performance.now();
    const result = await deleteOrphans(db, { kind: 'all' }, {
      actor,
      expectedCount: ORPHANS,
      onProgress: (p) => {
        if (p.phase === 'Deleting orphans') marks[p.done === 0 ? 'start' : 'end'] = performance.now();
      },
    });
    const totalMs = performance.now() - started;
    const deleteMs = marks.end! - marks.start!;
    console.log(`delete ${ORPHANS} orphans: ${deleteMs.toFixed(0)} ms in the transaction, ${totalMs.toFixed(0)} ms with the backup`);
    expect(result.deleted).toBe(ORPHANS);
    expect(readRunOwnership(db)).toHaveLength(1_100);
  });

  it('are assigned by id, every one of them', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db);
    seedRuns(db, { kind: 'system' }, 100);
    const ids = seedRuns(db, { kind: 'orphan' }, ORPHANS);
    const started = performance.now();
    const { count } = previewOrphanAssignment(db, acme.id, { kind: 'ids', ids });
    const previewed = performance.now();
    const result = assignOrphans(db, acme.id, { kind: 'ids', ids }, { actor, expectedCount: count });
    const assignMs = performance.now() - previewed;
    console.log(`assign ${ORPHANS} orphans by id: ${assignMs.toFixed(0)} ms (preview ${(previewed - started).toFixed(0)} ms)`);
    expect(result.assigned).toBe(ORPHANS);
    expect(readRunOwnership(db).filter(isOrphan)).toEqual([]);
  });
});
