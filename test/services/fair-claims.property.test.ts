// The runner's claims share its slots fairly between owners (src-main/lifecycle/claims.ts): random queues from
// several businesses and system-wide, with random arrival times and durations, served through the real claimer on a
// real SQLite file by a simulated runner with N slots (what the group commit does each turn: the finished runs'
// outcomes, then claims for the slots they free).
//
// The bound, for every run h of every owner O: h becomes the head of O's queue at
//   head(h) = max(created(h), start(the run of O before h)),
// and starts by
//   head(h) + (O had a run running at head(h) ? dMax : 0) + ceil(K / N) · dMax,
// where dMax is the longest run of the scenario (one slot's worth of work), K the number of owners with runs and N the
// slots. Why: once O has nothing running (at the latest dMax after head(h), when its running runs have ended), every
// slot goes to an owner with nothing running, and each other owner is served at most once before O (it is then served
// more recently than O); the N slots each turn over at least once in any dMax, so O's turn comes within
// ceil(K / N) · dMax. With one business flooding and one other owner on two slots, the other
// owner's next run waits at most one of the flood's runs. System-wide runs are an owner like any other: never starved.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AppDatabase } from '../../src-main/db/connection';
import { writeMeta } from '../../src-main/db/meta';
import { claimPendingRuns, createClaimTurns } from '../../src-main/lifecycle/claims';
import { META_RUN_LIMITS } from '../../src-main/lifecycle/limits';
import { createJobRun, finishJobRun } from '../../src-main/lifecycle/runs';
import { DEFAULT_RUN_LIMITS } from '../../src-shared/schemas/limits';
import { type RunTarget } from '../../src-shared/tenancy';
import { createTestDatabase, seedBusiness } from '../helpers/seed';

/** Owner 0 is system-wide; owners 1..B are businesses. */
interface QueuedRun {
  owner: number;
  arrival: number;
  duration: number;
}

interface Scenario {
  slots: number;
  businesses: number;
  /** Runs at once per business (a limit of the scenario, the same for every business). */
  atOnce: number;
  runs: QueuedRun[];
}

const scenarioArbitrary: fc.Arbitrary<Scenario> = fc
  .record({ slots: fc.integer({ min: 1, max: 4 }), businesses: fc.integer({ min: 1, max: 4 }), atOnce: fc.integer({ min: 1, max: 4 }) })
  .chain((shape) =>
    fc.record({
      slots: fc.constant(shape.slots),
      businesses: fc.constant(shape.businesses),
      atOnce: fc.constant(shape.atOnce),
      runs: fc.array(
        fc.record({
          owner: fc.integer({ min: 0, max: shape.businesses }),
          // A flood: many runs at the same moment, or spread over time.
          arrival: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 60 })),
          duration: fc.integer({ min: 1, max: 25 }),
        }),
        { minLength: 1, maxLength: 30 },
      ),
    }),
  );

interface Served {
  id: number;
  owner: number;
  created: number;
  start: number;
  end: number;
}

/** Serves the scenario on `db` with `slots` slots; checks the runs-at-once limit and that no slot idles while a run may start. */
function serve(db: AppDatabase, scenario: Scenario, businessIds: readonly number[]): Served[] {
  const targetOf = (owner: number): RunTarget => (owner === 0 ? { kind: 'system' } : { kind: 'business', businessId: businessIds[owner - 1]! });
  const waiting = new Set<number>();
  const arrivals = scenario.runs.map((run, order) => ({ ...run, order })).sort((x, y) => x.arrival - y.arrival || x.order - y.order);
  const byId = new Map<number, QueuedRun & { created: number }>();
  const running = new Map<number, Served>();
  const served: Served[] = [];
  const turns = createClaimTurns();
  let next = 0;
  for (;;) {
    const nextArrival = arrivals[next]?.arrival ?? Infinity;
    const nextEnd = Math.min(...[...running.values()].map((run) => run.end));
    const now = Math.min(nextArrival, nextEnd);
    if (now === Infinity) break;
    for (const run of [...running.values()].filter((r) => r.end <= now)) {
      running.delete(run.id);
      expect(finishJobRun(db, targetOf(run.owner), run.id, { status: 'completed' }, now)).not.toBeNull();
    }
    for (; next < arrivals.length && arrivals[next]!.arrival <= now; next++) {
      const run = arrivals[next]!;
      const jobType = run.owner === 0 ? 'maintenance.integrity_check' : 'diagnostics.probe';
      const created = createJobRun(db, targetOf(run.owner), { jobType, trigger: 'manual', createdAt: run.arrival });
      byId.set(created.id, { ...run, created: run.arrival });
      waiting.add(created.id);
    }
    const claimed = claimPendingRuns(db, now, scenario.slots - running.size, undefined, turns);
    for (const row of claimed) {
      const run = byId.get(row.id)!;
      const entry = { id: row.id, owner: run.owner, created: run.created, start: now, end: now + run.duration };
      running.set(row.id, entry);
      served.push(entry);
      waiting.delete(row.id);
    }
    const runningOf = (owner: number) => [...running.values()].filter((run) => run.owner === owner).length;
    for (let owner = 1; owner <= scenario.businesses; owner++) expect(runningOf(owner)).toBeLessThanOrEqual(scenario.atOnce);
    if (running.size < scenario.slots) {
      // A slot left free: every owner with a run waiting is a business at its limit.
      for (const owner of new Set([...waiting].map((id) => byId.get(id)!.owner))) {
        expect(owner).not.toBe(0);
        expect(runningOf(owner)).toBe(scenario.atOnce);
      }
    }
  }
  expect(served).toHaveLength(scenario.runs.length);
  return served;
}

describe('fair claims between owners', () => {
  it('every owner’s next run starts within the bound of becoming the head of its queue; no business above its runs at once', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary, async (scenario) => {
        const db = await createTestDatabase();
        const businessIds = Array.from({ length: scenario.businesses }, () => seedBusiness(db).id);
        writeMeta(db, META_RUN_LIMITS, { ...DEFAULT_RUN_LIMITS, runningPerBusiness: scenario.atOnce });
        const served = serve(db, scenario, businessIds);
        db.close();

        const dMax = Math.max(...scenario.runs.map((run) => run.duration));
        const owners = new Set(scenario.runs.map((run) => run.owner));
        const turnWithin = Math.ceil(owners.size / scenario.slots) * dMax;
        for (const owner of owners) {
          const queue = served.filter((run) => run.owner === owner).sort((x, y) => x.created - y.created || x.id - y.id);
          queue.forEach((run, i) => {
            const before = queue[i - 1];
            // Oldest first within an owner.
            if (before) expect(run.start).toBeGreaterThanOrEqual(before.start);
            const head = Math.max(run.created, before?.start ?? -Infinity);
            const hadRunning = queue.some((other) => other.start <= head && head < other.end);
            expect(run.start - head, `run ${run.id} of owner ${owner}`).toBeLessThanOrEqual((hadRunning ? dMax : 0) + turnWithin);
          });
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('a business with a thousand runs queued delays another business and system maintenance by at most one of its runs', async () => {
    const db = await createTestDatabase();
    const [flood, other] = [seedBusiness(db, { name: 'Flood' }).id, seedBusiness(db, { name: 'Other' }).id];
    writeMeta(db, META_RUN_LIMITS, { ...DEFAULT_RUN_LIMITS, pendingPerBusiness: 5_000 });
    const runs: QueuedRun[] = [
      ...Array.from({ length: 1_000 }, () => ({ owner: 1, arrival: 0, duration: 600 })),
      { owner: 2, arrival: 5, duration: 1 },
      { owner: 0, arrival: 7, duration: 1 },
    ];
    const served = serve(db, { slots: 2, businesses: 2, atOnce: DEFAULT_RUN_LIMITS.runningPerBusiness, runs }, [flood, other]);
    const startOf = (owner: number) => served.find((run) => run.owner === owner)!.start;
    // Both slots hold the flood's runs (started at 0, 600 long): the others start when the first of them ends.
    expect(startOf(2)).toBe(600);
    expect(startOf(0)).toBe(600);
  }, 60_000);
  it('a run made claimable by a move (an orphan assigned to a business) is claimed within a second, however busy the queue', async () => {
    const db = await createTestDatabase();
    const [flood, other] = [seedBusiness(db, { name: 'Flood' }).id, seedBusiness(db, { name: 'Other' }).id];
    const probe = { jobType: 'diagnostics.probe', params: {}, trigger: 'manual' as const, triggeredBy: 'test' };
    for (let i = 0; i < 10; i++) createJobRun(db, { kind: 'business', businessId: flood }, probe);
    const moved = createJobRun(db, { kind: 'business', businessId: other }, probe).id;
    const moveTo = (businessId: number | null) => db.sqlite.prepare('UPDATE job_runs SET business_id = ? WHERE id = ?').run(businessId, moved);
    moveTo(null);
    const turns = createClaimTurns();
    const claimedAt = (at: number) => claimPendingRuns(db, at, 1, undefined, turns).map((run) => run.id);
    expect(claimedAt(0)).not.toContain(moved);
    // Assigned while the flood's runs wait: it was created long before, so the runs created since do not name it.
    moveTo(other);
    expect(claimedAt(100)).not.toContain(moved);
    expect(claimedAt(1_100)).toEqual([moved]);
  });
});
