import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { backupsFolderFor, exportsFolderFor } from '../../src-main/db/paths';
import { USAGE_CSV_HEADER } from '../../src-main/usage/usage';
import { createTestDatabase, insertRuns, seedBusiness, seedRuns } from '../helpers/seed';
import { startRunner } from './support';

function counts(sqlite: Database.Database): Record<string, number> {
  const count = (table: string) => (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return { businesses: count('businesses'), job_runs: count('job_runs'), audit_events: count('audit_events') };
}

describe('maintenance.backup', () => {
  it('writes a consistent copy of the live database to the backups folder beside it', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db);
    seedRuns(db, { kind: 'business', businessId: acme.id }, 2000);
    seedRuns(db, { kind: 'system' }, 10);
    const harness = startRunner(db);
    const run = harness.trigger({ kind: 'system' }, { jobType: 'maintenance.backup' });
    const done = await harness.finished(run.id);
    expect(done.status).toBe('completed');
    const result = done.result as { path: string; bytes: number; durationMs: number };
    expect(path.dirname(result.path)).toBe(backupsFolderFor(db.path));
    expect(path.basename(result.path)).toMatch(/^job-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.db$/);
    expect(result.bytes).toBe(fs.statSync(result.path).size);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    const copy = new Database(result.path, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(counts(copy)).toEqual(counts(db.sqlite));
    } finally {
      copy.close();
    }
    expect(harness.events.some((view) => view.id === run.id && view.status === 'running' && view.progress !== null)).toBe(true);
  });

  it('two backups in a row never overwrite each other', async () => {
    const db = await createTestDatabase();
    const harness = startRunner(db, { now: () => Date.UTC(2026, 0, 1) });
    const first = harness.trigger({ kind: 'system' }, { jobType: 'maintenance.backup' });
    const second = harness.trigger({ kind: 'system' }, { jobType: 'maintenance.backup' });
    const paths = [await harness.finished(first.id), await harness.finished(second.id)].map((run) => (run.result as { path: string }).path);
    expect(new Set(paths).size).toBe(2);
    for (const file of paths) expect(fs.existsSync(file)).toBe(true);
  });

  it('cancelled mid-copy, it leaves no half-written backup behind', async () => {
    const db = await createTestDatabase();
    const harness = startRunner(db);
    const run = harness.trigger({ kind: 'system' }, { jobType: 'maintenance.backup' });
    expect(harness.runner.cancel(run.id, null)?.status).toBe('cancelled');
    await harness.runner.stop();
    const folder = backupsFolderFor(db.path);
    expect(fs.existsSync(folder) ? fs.readdirSync(folder) : []).toEqual([]);
  });
});

describe('maintenance.integrity_check', () => {
  it('passes on a good database', async () => {
    const db = await createTestDatabase();
    seedRuns(db, { kind: 'business', businessId: seedBusiness(db).id }, 50);
    const harness = startRunner(db, { now: () => 1_234 });
    const run = harness.trigger({ kind: 'system' }, { jobType: 'maintenance.integrity_check' });
    expect(await harness.finished(run.id)).toMatchObject({
      status: 'completed',
      result: { integrity: 'ok', foreignKeyViolations: 0, runCountsOff: 0, checkedAt: 1_234 },
    });
  });

  it('fails, listing the findings, when a row breaks a foreign key', async () => {
    const db = await createTestDatabase();
    db.sqlite.pragma('foreign_keys = OFF');
    const [broken] = insertRuns(db, [{ owner: { kind: 'business', businessId: 999 }, createdAt: 1 }]);
    db.sqlite.pragma('foreign_keys = ON');
    const harness = startRunner(db);
    const run = harness.trigger({ kind: 'system' }, { jobType: 'maintenance.integrity_check' });
    const done = await harness.finished(run.id);
    expect(done.status).toBe('failed');
    expect(done.error).toContain('1 foreign key violation(s)');
    expect(done.error).toContain(`foreign key: job_runs row ${broken} references a missing businesses row`);
    expect(done.result).toBeNull();
  });
});

describe('maintenance.integrity_check, the rollups', () => {
  it('fails, naming the owner and type, when a kept run count differs from a recount', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db);
    seedRuns(db, { kind: 'business', businessId: acme.id }, 3, { jobType: 'diagnostics.probe' });
    // Only a write that bypasses the triggers can do this: e.g. a tool that dropped them.
    db.sqlite.prepare('UPDATE job_run_counts SET runs = 5 WHERE owner = ?').run(acme.id);
    const harness = startRunner(db);
    const run = harness.trigger({ kind: 'system' }, { jobType: 'maintenance.integrity_check' });
    const done = await harness.finished(run.id);
    expect(done.status).toBe('failed');
    expect(done.error).toContain(`run counts: owner ${acme.id}, diagnostics.probe: kept 5, counted 3`);
  });
});

describe('reports.monthly_usage', () => {
  it('writes that business’s usage of that month as CSV to the exports folder, and nobody else’s', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db, { name: 'Acme' });
    const globex = seedBusiness(db, { name: 'Globex' });
    const may = Date.UTC(2024, 4, 10);
    insertRuns(db, [
      { owner: { kind: 'business', businessId: acme.id }, createdAt: may, status: 'completed', durationMs: 100 },
      { owner: { kind: 'business', businessId: acme.id }, createdAt: may + 1, status: 'failed', durationMs: 300 },
      { owner: { kind: 'business', businessId: acme.id }, createdAt: Date.UTC(2024, 5, 1), status: 'completed' },
      { owner: { kind: 'business', businessId: globex.id }, createdAt: may, status: 'completed' },
      { owner: { kind: 'system' }, createdAt: may, status: 'completed' },
    ]);
    const harness = startRunner(db);
    const run = harness.trigger({ kind: 'business', businessId: acme.id }, { jobType: 'reports.monthly_usage', params: { month: '2024-05' } });
    const done = await harness.finished(run.id);
    expect(done.status).toBe('completed');
    const result = done.result as { path: string; rows: number; bytes: number };
    expect(path.dirname(result.path)).toBe(exportsFolderFor(db.path));
    const csv = fs.readFileSync(result.path, 'utf8');
    expect(result.bytes).toBe(Buffer.byteLength(csv));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(USAGE_CSV_HEADER.join(','));
    expect(lines).toHaveLength(result.rows + 1);
    expect(lines.slice(1).every((line) => line.startsWith(`2024-05,business,${acme.id},Acme,`))).toBe(true);
    expect(lines).toContain(`2024-05,business,${acme.id},Acme,*,2,1,400,300`);
    expect(csv).not.toContain('Globex');
  });

  it('without a month, reports the month before the run was created', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db);
    insertRuns(db, [{ owner: { kind: 'business', businessId: acme.id }, createdAt: Date.UTC(2023, 11, 31, 23, 59), status: 'completed' }]);
    const harness = startRunner(db);
    const run = harness.trigger({ kind: 'business', businessId: acme.id }, { jobType: 'reports.monthly_usage', createdAt: Date.UTC(2024, 0, 1, 0, 30) });
    const done = await harness.finished(run.id);
    expect(done.status).toBe('completed');
    const result = done.result as { path: string; rows: number };
    expect(result.path).toContain('2023-12');
    expect(fs.readFileSync(result.path, 'utf8')).toContain(`2023-12,business,${acme.id}`);
  });
});

describe('diagnostics.probe', () => {
  it('fails with the requested message after its steps', async () => {
    const db = await createTestDatabase();
    const harness = startRunner(db);
    const run = harness.trigger({ kind: 'system' }, { jobType: 'diagnostics.probe', params: { durationMs: 20, steps: 2, fail: true, failMessage: 'disk on fire' } });
    expect(await harness.finished(run.id)).toMatchObject({ status: 'failed', error: 'disk on fire', result: null, progress: 1 });
    const plain = harness.trigger({ kind: 'system' }, { jobType: 'diagnostics.probe', params: { durationMs: 0, fail: true } });
    expect(await harness.finished(plain.id)).toMatchObject({ status: 'failed', error: 'The probe failed on request' });
  });
});
