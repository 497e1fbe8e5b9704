// Bulk actions on runs through the contract, over both transports: a member's bulk cancel takes only their
// own runs (the rest counted as not theirs) and never another business's; retry creates linked runs; the CSV
// export holds exactly the matching runs of the caller's scope; a changed eligible count is CONFLICT.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportsFolderFor } from '../../src-main/db/paths';
import { type ContractClient, eventually, type Harness, startHarness, TRANSPORTS } from '../helpers/contract-harness';
import { insertBusiness, insertUser, logicalDump, TEST_PASSWORD } from '../helpers/contract-data';
import { insertRuns, readAuditEvents, type SeedRun } from '../helpers/seed';
import { tempDbPath } from '../helpers/temp';

interface World {
  harness: Harness;
  acme: number;
  globex: number;
  /** Acme's runs by who triggered them and status. */
  alicePending: number[];
  aliceRunning: number[];
  aliceFailed: number[];
  carolPending: number[];
  carolFailed: number[];
  aliceCompleted: number[];
  globexPending: number[];
  globexFailed: number[];
  systemPending: number[];
  alice: ContractClient; // member of Acme
  aliceEmail: string;
  carol: ContractClient; // member of Acme
  ann: ContractClient; // business admin of Acme
  annEmail: string;
  bob: ContractClient; // business admin of Globex
  root: ContractClient; // system admin
}

async function world(transport: (typeof TRANSPORTS)[number]): Promise<World> {
  const harness = await startHarness(transport, tempDbPath());
  const db = harness.db;
  const acme = insertBusiness(db, 'Acme');
  const globex = insertBusiness(db, 'Globex');
  const users = {
    alice: insertUser(db, { role: 'member', businessId: acme }),
    carol: insertUser(db, { role: 'member', businessId: acme }),
    ann: insertUser(db, { role: 'business_admin', businessId: acme }),
    bob: insertUser(db, { role: 'business_admin', businessId: globex }),
    root: insertUser(db, { role: 'system_admin', businessId: null }),
  };
  let minute = 0;
  const runs = (count: number, run: Omit<SeedRun, 'createdAt'>) =>
    insertRuns(db, Array.from({ length: count }, () => ({ ...run, createdAt: Date.UTC(2026, 2, 1) + ++minute * 60_000 })));
  const inAcme = { kind: 'business' as const, businessId: acme };
  const alicePending = runs(2, { owner: inAcme, status: 'pending', triggeredByUserId: users.alice.id });
  const aliceRunning = runs(1, { owner: inAcme, status: 'running', startedAt: Date.UTC(2026, 2, 1), triggeredByUserId: users.alice.id });
  const aliceFailed = runs(2, { owner: inAcme, status: 'failed', error: 'it broke', triggeredByUserId: users.alice.id });
  const aliceCompleted = runs(1, { owner: inAcme, status: 'completed', triggeredByUserId: users.alice.id });
  const carolPending = runs(2, { owner: inAcme, status: 'pending', triggeredByUserId: users.carol.id });
  const carolFailed = runs(1, { owner: inAcme, status: 'failed', triggeredByUserId: users.carol.id });
  const globexPending = runs(3, { owner: { kind: 'business', businessId: globex }, status: 'pending', triggeredByUserId: users.bob.id });
  const globexFailed = runs(2, { owner: { kind: 'business', businessId: globex }, status: 'failed', triggeredByUserId: users.bob.id });
  const systemPending = runs(1, { owner: { kind: 'system' }, status: 'pending' });
  const sign = async (email: string) => {
    const client = harness.client();
    await client.value('auth.login', { email, password: TEST_PASSWORD });
    return client;
  };
  return {
    harness,
    acme,
    globex,
    alicePending,
    aliceRunning,
    aliceFailed,
    aliceCompleted,
    carolPending,
    carolFailed,
    globexPending,
    globexFailed,
    systemPending,
    alice: await sign(users.alice.email),
    aliceEmail: users.alice.email,
    carol: await sign(users.carol.email),
    ann: await sign(users.ann.email),
    annEmail: users.ann.email,
    bob: await sign(users.bob.email),
    root: await sign(users.root.email),
  };
}

function statuses(harness: Harness): Map<number, string> {
  const rows = harness.db.sqlite.prepare('SELECT id, status FROM job_runs ORDER BY id').all() as { id: number; status: string }[];
  return new Map(rows.map((row) => [row.id, row.status]));
}

const sorted = (ids: readonly number[]) => [...ids].sort((x, y) => x - y);
const ACTIVE = { kind: 'filter', filters: { statuses: ['pending', 'running'] } };

describe.each(TRANSPORTS)('bulk actions over %s', (transport) => {
  it('a member’s bulk cancel over a filter cancels only their own runs; the others are counted, and no other business is touched', async () => {
    const w = await world(transport);
    try {
      const [aliceEvents, bobEvents] = await Promise.all([w.alice.listen(), w.bob.listen()]);
      const preview = await w.alice.value('jobs.bulkPreview', { action: 'cancel', selection: ACTIVE });
      expect(preview).toEqual({ matching: 5, eligible: 3, ineligibleReasons: [{ reason: 'not_permitted', count: 2 }], limit: 10_000 });

      const before = statuses(w.harness);
      const result = await w.alice.value('jobs.bulkCancel', { selection: ACTIVE, expectedEligible: preview.eligible });
      expect(result).toEqual({ done: 3, skipped: 2 });
      const after = statuses(w.harness);
      const own = [...w.alicePending, ...w.aliceRunning];
      for (const [id, status] of after) expect([id, status]).toEqual([id, own.includes(id) ? 'cancelled' : before.get(id)]);

      // Each cancelled run is announced by the runner, to Acme; Globex hears nothing.
      await eventually(() => aliceEvents.of('jobs.changed').length >= 3);
      expect(sorted(aliceEvents.of('jobs.changed').map((e) => e.run.id))).toEqual(sorted(own));
      expect(aliceEvents.of('jobs.changed').every((e) => e.run.status === 'cancelled')).toBe(true);
      expect(bobEvents.events).toEqual([]);

      const audit = readAuditEvents(w.harness.db).filter((event) => event.action === 'jobs.bulk_cancel');
      expect(audit).toEqual([
        expect.objectContaining({ actorLabel: w.aliceEmail, businessId: w.acme, details: expect.objectContaining({ count: 3, ids: sorted(own) }) }),
      ]);

      // Naming Globex's runs by id: they are not in Alice's scope, so they match nothing, like missing ids.
      const foreign = { kind: 'ids', ids: [...w.globexPending, ...w.systemPending, 999_999] };
      expect(await w.alice.value('jobs.bulkPreview', { action: 'cancel', selection: foreign })).toEqual({
        matching: 0,
        eligible: 0,
        ineligibleReasons: [],
        limit: 10_000,
      });
      expect(await w.alice.value('jobs.bulkCancel', { selection: foreign, expectedEligible: 0 })).toEqual({ done: 0, skipped: 0 });
      expect(statuses(w.harness)).toEqual(after);
    } finally {
      await w.harness.close();
    }
  });

  it('a business admin cancels every active run of their business; a system admin’s all-view reaches every business and system-wide', async () => {
    const w = await world(transport);
    try {
      const annPreview = await w.ann.value('jobs.bulkPreview', { action: 'cancel', selection: ACTIVE });
      expect(annPreview).toMatchObject({ matching: 5, eligible: 5, ineligibleReasons: [] });
      const rootPreview = await w.root.value('jobs.bulkPreview', { action: 'cancel', selection: ACTIVE });
      expect(rootPreview).toMatchObject({ matching: 9, eligible: 9 });
      await w.root.value('session.setScope', { scope: { kind: 'business', businessId: w.globex } });
      const globexOnly = await w.root.value('jobs.bulkCancel', { selection: ACTIVE, expectedEligible: 3 });
      expect(globexOnly).toEqual({ done: 3, skipped: 0 });
      const after = statuses(w.harness);
      expect(w.globexPending.map((id) => after.get(id))).toEqual(['cancelled', 'cancelled', 'cancelled']);
      expect([...w.alicePending, ...w.carolPending, ...w.systemPending].map((id) => after.get(id))).toEqual(Array(5).fill('pending'));
      expect(readAuditEvents(w.harness.db).find((event) => event.action === 'jobs.bulk_cancel')?.businessId).toBe(w.globex);
    } finally {
      await w.harness.close();
    }
  });

  it('retry creates one linked run per eligible failed run, in its business, announced to that business only', async () => {
    const w = await world(transport);
    try {
      const [annEvents, bobEvents] = await Promise.all([w.ann.listen(), w.bob.listen()]);
      const failed = { kind: 'filter', filters: { statuses: ['failed', 'completed'] } };
      // Alice may retry her own failed runs only; her completed run is not retryable; Carol's is not hers.
      expect(await w.alice.value('jobs.bulkPreview', { action: 'retry', selection: failed })).toEqual({
        matching: 4,
        eligible: 2,
        ineligibleReasons: [
          { reason: 'not_permitted', count: 1 },
          { reason: 'not_retryable', count: 1 },
        ],
        limit: 10_000,
      });
      const preview = await w.ann.value('jobs.bulkPreview', { action: 'retry', selection: failed });
      expect(preview).toMatchObject({ matching: 4, eligible: 3, ineligibleReasons: [{ reason: 'not_retryable', count: 1 }] });
      const result = await w.ann.value('jobs.bulkRetry', { selection: failed, expectedEligible: 3 });
      expect(result).toEqual({ done: 3, skipped: 1 });

      const originals = sorted([...w.aliceFailed, ...w.carolFailed]);
      const retries = (await w.ann.value('jobs.list', { filters: { triggers: ['retry'] }, limit: 50 })).runs;
      expect(sorted(retries.map((run) => run.retryOfRunId!))).toEqual(originals);
      for (const run of retries) expect(run).toMatchObject({ status: 'pending', trigger: 'retry', businessId: w.acme, businessName: 'Acme' });
      expect((await w.bob.value('jobs.list', { filters: { triggers: ['retry'] } })).runs).toEqual([]);
      // The originals stay as they were.
      expect(originals.map((id) => statuses(w.harness).get(id))).toEqual(['failed', 'failed', 'failed']);

      await eventually(() => annEvents.of('jobs.changed').length >= 3);
      expect(sorted(annEvents.of('jobs.changed').map((e) => e.run.id))).toEqual(sorted(retries.map((run) => run.id)));
      expect(bobEvents.events).toEqual([]);
      expect(readAuditEvents(w.harness.db).filter((event) => event.action === 'jobs.bulk_retry')).toEqual([
        expect.objectContaining({
          actorLabel: w.annEmail,
          businessId: w.acme,
          details: expect.objectContaining({ count: 3, ids: originals, retryIds: sorted(retries.map((run) => run.id)) }),
        }),
      ]);
    } finally {
      await w.harness.close();
    }
  });

  it('the CSV export holds exactly the matching runs of the caller’s scope, and is audited', async () => {
    const w = await world(transport);
    try {
      const failed = { kind: 'filter', filters: { statuses: ['failed'] } };
      expect(await w.alice.value('jobs.bulkPreview', { action: 'export', selection: failed })).toEqual({
        matching: 3,
        eligible: 3,
        ineligibleReasons: [],
        limit: 100_000,
      });
      const exported = await w.alice.value('jobs.exportCsv', { selection: failed });
      expect(path.dirname(exported.path)).toBe(exportsFolderFor(w.harness.db.path));
      const content = fs.readFileSync(exported.path, 'utf8');
      expect(exported).toMatchObject({ rows: 3, bytes: Buffer.byteLength(content) });
      const [header, ...lines] = content.split('\r\n').filter((line) => line !== '');
      expect(header).toBe('id,legacy_id,business,job_type,status,trigger,triggered_by,created_at,started_at,finished_at,duration_ms,error,tags');
      const records = lines.map((line) => line.split(','));
      // Newest first; Carol's failed run too (export is everything Alice may see), never Globex's.
      expect(records.map((r) => Number(r[0]))).toEqual([...w.carolFailed, ...w.aliceFailed].sort((x, y) => y - x));
      expect(records.every((r) => r[2] === 'Acme' && r[4] === 'failed')).toBe(true);
      expect(records.filter((r) => r[11] === 'it broke')).toHaveLength(2);
      // In the computer's zone with its offset (Alice reads local time), and the same instant as stored.
      expect(records.every((r) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/.test(r[7]!))).toBe(true);
      expect(content).not.toContain('Globex');

      const byIds = await w.root.value('jobs.exportCsv', { selection: { kind: 'ids', ids: [...w.globexFailed, ...w.systemPending] } });
      const rootLines = fs.readFileSync(byIds.path, 'utf8').split('\r\n').slice(1, -1);
      expect(rootLines.map((line) => line.split(',')[2])).toEqual(['(system-wide)', 'Globex', 'Globex']);

      expect(readAuditEvents(w.harness.db).filter((event) => event.action === 'jobs.export')).toEqual([
        expect.objectContaining({ actorLabel: w.aliceEmail, businessId: w.acme, details: expect.objectContaining({ rows: 3, bytes: exported.bytes }) }),
        expect.objectContaining({ businessId: null, details: expect.objectContaining({ rows: 3 }) }),
      ]);
    } finally {
      await w.harness.close();
    }
  });

  it('a changed eligible count is CONFLICT and changes nothing; a fresh preview goes through', async () => {
    const w = await world(transport);
    try {
      const preview = await w.ann.value('jobs.bulkPreview', { action: 'cancel', selection: ACTIVE });
      expect(preview.eligible).toBe(5);
      const retryPreview = await w.ann.value('jobs.bulkPreview', { action: 'retry', selection: { kind: 'ids', ids: w.aliceFailed } });
      expect(retryPreview.eligible).toBe(2);
      // Meanwhile Alice triggers another run, and one of her failed runs is deleted (as a retention job would).
      await w.alice.value('jobs.create', { jobType: 'diagnostics.probe' });
      w.harness.db.sqlite.prepare('DELETE FROM job_runs WHERE id = ?').run(w.aliceFailed[0]!);
      const changed = logicalDump(w.harness.db);
      expect(await w.ann.call('jobs.bulkCancel', { selection: ACTIVE, expectedEligible: 5 })).toEqual({
        ok: false,
        error: { code: 'CONFLICT', message: expect.stringContaining('expected 5 eligible for cancel, found 6') },
      });
      expect(await w.ann.call('jobs.bulkRetry', { selection: { kind: 'ids', ids: w.aliceFailed }, expectedEligible: 2 })).toEqual({
        ok: false,
        error: { code: 'CONFLICT', message: expect.stringContaining('expected 2 eligible for retry, found 1') },
      });
      expect(logicalDump(w.harness.db)).toBe(changed);

      const fresh = await w.ann.value('jobs.bulkPreview', { action: 'cancel', selection: ACTIVE });
      expect(fresh.eligible).toBe(6);
      expect(await w.ann.value('jobs.bulkCancel', { selection: ACTIVE, expectedEligible: 6 })).toEqual({ done: 6, skipped: 0 });
      expect(await w.ann.value('jobs.bulkPreview', { action: 'cancel', selection: ACTIVE })).toMatchObject({ matching: 0, eligible: 0 });
    } finally {
      await w.harness.close();
    }
  });

  it('with the engine running: a bulk cancel aborts a running handler and cancels a queued run, through the runner', async () => {
    const harness = await startHarness(transport, tempDbPath(), { engine: true });
    try {
      const acme = insertBusiness(harness.db, 'Acme');
      const ann = insertUser(harness.db, { role: 'business_admin', businessId: acme });
      const client = harness.client();
      await client.value('auth.login', { email: ann.email, password: TEST_PASSWORD });
      const long = { jobType: 'diagnostics.probe', params: { durationMs: 30_000, steps: 30 } };
      // Concurrency 2: two start, the third waits in the queue.
      const runs = [await client.value('jobs.create', long), await client.value('jobs.create', long), await client.value('jobs.create', long)];
      const until = Date.now() + 10_000;
      while (Date.now() < until && (await client.value('jobs.active', {})).runs.filter((run) => run.status === 'running').length < 2) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const preview = await client.value('jobs.bulkPreview', { action: 'cancel', selection: ACTIVE });
      expect(preview).toMatchObject({ matching: 3, eligible: 3 });
      expect(await client.value('jobs.bulkCancel', { selection: ACTIVE, expectedEligible: 3 })).toEqual({ done: 3, skipped: 0 });
      // The aborted handlers settle without overwriting the outcome.
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (const run of runs) expect(await client.value('jobs.get', { id: run.id })).toMatchObject({ status: 'cancelled', cancelledByUserId: ann.id });
      expect((await client.value('jobs.active', {})).runs).toEqual([]);
    } finally {
      await harness.close();
    }
  });
});
