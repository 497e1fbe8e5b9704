// The per-business limits through the contract, over both transports: a system admin reads and sets them (audited);
// nobody else may; each limit refuses the call that would cross it as CONFLICT, in words that name the limit and its
// value, and a refused call writes nothing. Schedules that hit the pending limit skip their due time and record why.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_LIMITS, type RunLimits } from '../../src-shared/schemas/limits';
import { type ContractClient, type Harness, signedInClient, startHarness, TRANSPORTS } from '../helpers/contract-harness';
import { insertBusiness, insertUser, logicalDump } from '../helpers/contract-data';
import { insertRuns, readAuditEvents, type SeedRun } from '../helpers/seed';
import { tempDbPath } from '../helpers/temp';

const LIMITS: RunLimits = { pendingPerBusiness: 3, runningPerBusiness: 2, triggersPerMinutePerUser: 4 };

interface World {
  harness: Harness;
  acme: number;
  globex: number;
  alice: ContractClient; // member of Acme
  aliceId: number;
  ann: ContractClient; // business admin of Acme
  gus: ContractClient; // member of Globex
  root: ContractClient; // system admin
  rootEmail: string;
  runs(count: number, run: Omit<SeedRun, 'createdAt'>): number[];
}

async function world(transport: (typeof TRANSPORTS)[number]): Promise<World> {
  const harness = await startHarness(transport, tempDbPath());
  const db = harness.db;
  const [acme, globex] = [insertBusiness(db, 'Acme'), insertBusiness(db, 'Globex')];
  const alice = insertUser(db, { role: 'member', businessId: acme });
  const root = insertUser(db, { role: 'system_admin', businessId: null });
  const sign = (email: string) => signedInClient(harness, email);
  let minute = 0;
  return {
    harness,
    acme,
    globex,
    alice: await sign(alice.email),
    aliceId: alice.id,
    ann: await sign(insertUser(db, { role: 'business_admin', businessId: acme }).email),
    gus: await sign(insertUser(db, { role: 'member', businessId: globex }).email),
    root: await sign(root.email),
    rootEmail: root.email,
    // Made hours ago: they count as pending or failed runs, never as this minute's triggers.
    runs: (count, run) => insertRuns(db, Array.from({ length: count }, () => ({ ...run, createdAt: Date.now() - 3_600_000 + ++minute * 1_000 }))),
  };
}

/** The refusal of `call`, with the database unchanged by it. */
async function refusedUnchanged(harness: Harness, call: () => Promise<{ ok: boolean; error?: { code: string; message: string } }>) {
  const before = logicalDump(harness.db);
  const answer = await call();
  expect(answer.ok).toBe(false);
  expect(logicalDump(harness.db)).toBe(before);
  return answer.error!;
}

const probe = { jobType: 'diagnostics.probe', params: { durationMs: 0 } };

describe.each(TRANSPORTS)('limits over %s', (transport) => {
  it('a system admin reads the defaults, sets the limits (audited with before and after); nobody else may', async () => {
    const w = await world(transport);
    try {
      expect(await w.root.value('limits.get', {})).toEqual({ limits: DEFAULT_RUN_LIMITS, defaults: DEFAULT_RUN_LIMITS });
      for (const caller of [w.alice, w.ann]) {
        expect((await refusedUnchanged(w.harness, () => caller.call('limits.set', { limits: LIMITS }))).code).toBe('FORBIDDEN');
        expect((await caller.call('limits.get', {})).ok).toBe(false);
      }
      const invalid = await refusedUnchanged(w.harness, () => w.root.call('limits.set', { limits: { ...LIMITS, pendingPerBusiness: 0 } }));
      expect(invalid).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/^Pending runs per business /) });

      expect(await w.root.value('limits.set', { limits: LIMITS })).toEqual({ limits: LIMITS, defaults: DEFAULT_RUN_LIMITS });
      expect(await w.root.value('limits.get', {})).toEqual({ limits: LIMITS, defaults: DEFAULT_RUN_LIMITS });
      expect(readAuditEvents(w.harness.db).filter((event) => event.action === 'limits.set')).toEqual([
        { action: 'limits.set', actorLabel: w.rootEmail, businessId: null, details: { before: DEFAULT_RUN_LIMITS, after: LIMITS } },
      ]);
    } finally {
      await w.harness.close();
    }
  });

  it('pending runs per business: a trigger, a retry and a bulk retry beyond it are refused, naming the limit; other businesses are not held', async () => {
    const w = await world(transport);
    try {
      await w.root.value('limits.set', { limits: { ...LIMITS, triggersPerMinutePerUser: 100 } });
      const inAcme = { kind: 'business' as const, businessId: w.acme };
      const failed = w.runs(2, { owner: inAcme, status: 'failed', error: 'it broke', triggeredByUserId: w.aliceId });
      w.runs(2, { owner: inAcme, status: 'pending' });

      // 2 pending of 3: a bulk retry of 2 would make 4, and is refused whole.
      const preview = await w.alice.value('jobs.bulkPreview', { action: 'retry', selection: { kind: 'ids', ids: failed } });
      expect(preview.eligible).toBe(2);
      const bulk = await refusedUnchanged(w.harness, () =>
        w.alice.call('jobs.bulkRetry', { selection: { kind: 'ids', ids: failed }, expectedEligible: 2 }),
      );
      expect(bulk).toEqual({
        code: 'CONFLICT',
        message:
          'Business Acme has 2 pending runs and may have at most 3; these 2 runs would take it over. Choose fewer, wait for some to finish, or ask a system admin to raise the limit.',
      });

      await w.alice.value('jobs.create', probe);
      const message = 'Business Acme already has 3 pending runs and may have at most 3; wait for some to finish or ask a system admin to raise the limit.';
      expect(await refusedUnchanged(w.harness, () => w.alice.call('jobs.create', probe))).toEqual({ code: 'CONFLICT', message });
      expect(await refusedUnchanged(w.harness, () => w.alice.call('jobs.retry', { id: failed[0] }))).toEqual({ code: 'CONFLICT', message });
      // A system admin's trigger for Acme is held to Acme's limit too; Globex and system-wide runs are not.
      expect(await refusedUnchanged(w.harness, () => w.root.call('jobs.create', { ...probe, target: inAcme }))).toEqual({ code: 'CONFLICT', message });
      await w.gus.value('jobs.create', probe);
      await w.root.value('jobs.create', { jobType: 'maintenance.integrity_check', params: {}, target: { kind: 'system' } });
    } finally {
      await w.harness.close();
    }
  });

  it('triggers per minute per user: the call after the limit is refused; another person is not held', async () => {
    const w = await world(transport);
    try {
      await w.root.value('limits.set', { limits: { ...LIMITS, pendingPerBusiness: 100, triggersPerMinutePerUser: 2 } });
      const failed = w.runs(1, { owner: { kind: 'business', businessId: w.acme }, status: 'failed', error: 'it broke', triggeredByUserId: w.aliceId });
      await w.alice.value('jobs.create', probe);
      await w.alice.value('jobs.create', probe);
      const message = 'You have triggered 2 runs in the last minute; one person may trigger at most 2 runs a minute. Wait a minute, or ask a system admin to raise the limit.';
      expect(await refusedUnchanged(w.harness, () => w.alice.call('jobs.create', probe))).toEqual({ code: 'CONFLICT', message });
      expect(await refusedUnchanged(w.harness, () => w.alice.call('jobs.retry', { id: failed[0] }))).toEqual({ code: 'CONFLICT', message });
      await w.ann.value('jobs.create', probe);
    } finally {
      await w.harness.close();
    }
  });
});
