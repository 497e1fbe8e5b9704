// The runner's claims, shared fairly between owners (each business, and system-wide runs as an owner of their own):
// each free slot goes to the owner with a claimable pending run that has the fewest runs running, and among those
// to the one served least recently (round-robin; an owner never served comes first, system-wide before businesses,
// then by business id); within an owner, its oldest run first. A business at its runs-at-once limit
// (lifecycle/limits.ts) is passed over; its runs wait. So a business's long queue delays another owner's next run by
// at most one run of its own per slot (test/services/fair-claims.property.test.ts states the bound precisely).
//
// Which owners have runs waiting the claimer keeps in memory (ClaimTurns): it reads the runs created since its last
// claim (a range of the table's key) to learn of new ones, drops an owner when a claim finds nothing more of it, and
// looks at every business (one step of the per-business status index each) at its first claim and again once a second
// (DISCOVER_EVERY_MS), so a run made claimable by a move is found however busy the queue. So no
// index is added for it, and no run's write pays for it. Each owner's oldest claimable runs are one range of the
// per-business status index. The runs running per owner are the slots the runner holds (or, called alone, the few
// running runs).
import type { Statement } from 'better-sqlite3';
import { and, asc, eq, fillPlaceholders, inArray, isNotNull, ne, or, type SQL } from 'drizzle-orm';
import { type RunScope } from '../../src-shared/domain';
import { type TenantScope } from '../../src-shared/tenancy';
import { inImmediateTransaction, type AppDatabase } from '../db/connection';
import { preparedOnce } from '../db/prepared';
import { jobRuns, type JobRunRow } from '../db/schema';
import { JOB_CATALOG, type JobTypeInfo } from '../jobs/catalog';
import { preparedRunScopeCondition, runScopeValues, SYSTEM_OWNER } from '../tenancy/owner-sql';
import { readRunLimits } from './limits';
import { startJobRun } from './runs';

const ALL: TenantScope = { kind: 'all' };

/** What the runner needs to know of a job type it serves: its key, and where it may run. */
export type RunnableJobType = Pick<JobTypeInfo, 'key' | 'scope'>;

/**
 * The claimer's memory, kept by the runner for its life (a fresh one serves owners never served first): when each
 * owner (its owner key: a business id, SYSTEM_OWNER for system-wide runs) was last given a slot, and which owners may
 * have runs waiting, with the newest run id it has looked at. A run becomes pending only when it is created, so the
 * runs created since are all it reads to learn of new owners; an owner leaves the set when a claim finds it has no
 * more runs it may claim, and once the set is empty every owner is looked at again.
 */
export interface ClaimTurns {
  readonly lastServed: Map<number, number>;
  served: number;
  readonly waiting: Set<number>;
  seenId: number;
  /** The runs-at-once limit as last read, and when (read again after LIMITS_READ_EVERY_MS). */
  atOnce: { limit: number; readAt: number } | null;
  /** When every owner was last looked at (null: never). */
  discoveredAt: number | null;
}

/** How long the claimer goes on with the runs-at-once limit it read: a change reaches the runner within this. */
export const LIMITS_READ_EVERY_MS = 1_000;

/** How often the claimer looks at every owner again (between, it learns of new owners from the runs created since). */
export const DISCOVER_EVERY_MS = 1_000;

export function createClaimTurns(): ClaimTurns {
  return { lastServed: new Map(), served: 0, waiting: new Set(), seenId: 0, atOnce: null, discoveredAt: null };
}

function runsAtOnce(db: AppDatabase, turns: ClaimTurns, at: number): number {
  if (!turns.atOnce || at - turns.atOnce.readAt >= LIMITS_READ_EVERY_MS || at < turns.atOnce.readAt) {
    turns.atOnce = { limit: readRunLimits(db).runningPerBusiness, readAt: at };
  }
  return turns.atOnce.limit;
}

/**
 * The runs a runner serving `jobTypes` may claim: pending runs this app queued (never an adopted one: their queue
 * was the server edition's), of a type it has a handler for where the run belongs (a business-scoped type for a
 * business's run, a system type for a system run; never an orphan). Any other pending run is left as it is.
 */
function claimableRunCondition(jobTypes: readonly RunnableJobType[]): SQL {
  const keysFor = (scope: RunScope) => jobTypes.filter((type) => type.scope === scope || type.scope === 'either').map((type) => type.key);
  return and(
    eq(jobRuns.status, 'pending'),
    ne(jobRuns.trigger, 'legacy'),
    or(
      and(eq(jobRuns.scope, 'business'), isNotNull(jobRuns.businessId), inArray(jobRuns.jobType, keysFor('business'))),
      and(eq(jobRuns.scope, 'system'), inArray(jobRuns.jobType, keysFor('system'))),
    ),
  ) as SQL;
}

/** The oldest claimable runs of one owner, at most `count`, oldest first. */
type HeadsOf = (owner: number, count: number) => number[];

/**
 * The oldest claimable runs of an owner: a statement for system-wide runs and one for a business (its id bound), per
 * count, each one range of the per-business status index in (created_at, id) order. The count is written into the
 * SQL: SQLite reads a bound LIMIT's value when it plans, so a `LIMIT ?` statement is compiled again at every call.
 */
function headStatements(db: AppDatabase, jobTypes: readonly RunnableJobType[]): HeadsOf {
  const served = jobTypes.map((type) => `${type.key}:${type.scope}`).join(',');
  return preparedOnce(db, `claims.heads:${served}`, () => {
    const queries = (['system', 'business'] as const).map((kind) =>
      db.orm
        .select({ id: jobRuns.id })
        .from(jobRuns)
        .where(and(preparedRunScopeCondition(kind), claimableRunCondition(jobTypes)))
        .orderBy(asc(jobRuns.createdAt), asc(jobRuns.id))
        .toSQL(),
    );
    const statements = new Map<string, Statement<unknown[], number>>();
    return (owner, count) => {
      const kind = owner === SYSTEM_OWNER ? 0 : 1;
      const query = queries[kind]!;
      let statement = statements.get(`${kind}:${count}`);
      if (!statement) {
        statement = db.sqlite.prepare<unknown[], number>(`${query.sql} limit ${count}`).pluck();
        statements.set(`${kind}:${count}`, statement);
      }
      const values = kind === 0 ? {} : runScopeValues({ kind: 'business', businessId: owner });
      return statement.all(...fillPlaceholders(query.params, values));
    };
  });
}

/**
 * Every owner with a pending run: system-wide (when it has one) and each business that has one, one step of the
 * per-business status index per business. Done when the claimer knows of no owner waiting (at its first claim, or
 * once its queue ran dry).
 */
function discoverPendingOwners(db: AppDatabase): number[] {
  const owners = preparedOnce(db, 'claims.pendingOwners', () =>
    db.sqlite
      .prepare<[], number>(
        `SELECT ${SYSTEM_OWNER} FROM (SELECT 1 FROM job_runs WHERE business_id IS NULL AND status = 'pending' AND scope = 'system' LIMIT 1)
         UNION ALL
         SELECT b.id FROM businesses b
         WHERE (SELECT 1 FROM job_runs r WHERE r.business_id = b.id AND r.status = 'pending' LIMIT 1) IS NOT NULL`,
      )
      .pluck(),
  );
  return owners.all();
}

/** The largest id job_runs ever gave (AUTOINCREMENT's own record of it; ids only grow). */
function newestRunId(db: AppDatabase): number {
  const newest = preparedOnce(db, 'claims.newestRunId', () =>
    db.sqlite.prepare<[], number>("SELECT seq FROM sqlite_sequence WHERE name = 'job_runs'").pluck(),
  );
  return newest.get() ?? 0;
}

/** The runs created since the claimer last looked (a range of the table's own key): their owners join the waiting. */
function learnNewRuns(db: AppDatabase, turns: ClaimTurns): void {
  const created = preparedOnce(db, 'claims.createdSince', () =>
    db.sqlite
      .prepare<[number], [number, number | null]>(
        `SELECT id, CASE WHEN status <> 'pending' THEN NULL WHEN scope = 'system' THEN ${SYSTEM_OWNER} ELSE business_id END
         FROM job_runs WHERE id > ?`,
      )
      .raw(),
  );
  for (const [id, owner] of created.all(turns.seenId)) {
    turns.seenId = id;
    if (owner !== null) turns.waiting.add(owner);
  }
}

/**
 * The owners that may have runs waiting, as the claimer knows them now (updated in `turns`): every owner looked at
 * once and again every DISCOVER_EVERY_MS, even while others wait, so a run that became claimable other than by its
 * creation (an orphan assigned to a business) is found within that however busy the queue; in between, only the runs
 * created since.
 */
function waitingOwners(db: AppDatabase, turns: ClaimTurns, at: number): Set<number> {
  const last = turns.discoveredAt;
  if (last !== null && at >= last && at - last < DISCOVER_EVERY_MS) {
    learnNewRuns(db, turns);
    return turns.waiting;
  }
  turns.seenId = newestRunId(db);
  turns.discoveredAt = at;
  for (const owner of discoverPendingOwners(db)) turns.waiting.add(owner);
  return turns.waiting;
}

/** How many runs each owner has running (system-wide runs under SYSTEM_OWNER; orphans never run): a few rows, counted here. */
function runningByOwner(db: AppDatabase): Map<number, number> {
  const running = preparedOnce(db, 'claims.running', () =>
    db.sqlite.prepare<[], number>(`SELECT CASE WHEN scope = 'system' THEN ${SYSTEM_OWNER} ELSE business_id END FROM job_runs WHERE status = 'running'`).pluck(),
  );
  const counts = new Map<number, number>();
  for (const owner of running.all()) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  return counts;
}

/**
 * The oldest pending run of the owner whose turn it is (above), now marked running; null when none may be claimed.
 * One immediate transaction, so two runners (or two processes) never start the same run.
 */
export function claimNextPendingRun(db: AppDatabase, at: number, jobTypes: readonly RunnableJobType[] = JOB_CATALOG, turns?: ClaimTurns): JobRunRow | null {
  return claimPendingRuns(db, at, 1, jobTypes, turns)[0] ?? null;
}

/**
 * Up to `limit` claimable pending runs (claimableRunCondition), now marked running, one slot at a time to the owner
 * whose turn it is (the file's header). Fewer when the owners with runs waiting are at their runs-at-once limit. In
 * one immediate transaction (the caller's, or its own), so two runners never start the same run.
 */
export function claimPendingRuns(
  db: AppDatabase,
  at: number,
  limit: number,
  jobTypes: readonly RunnableJobType[] = JOB_CATALOG,
  turns: ClaimTurns = createClaimTurns(),
  /** The runs each owner has running, when the caller knows them (the runner: the slots it holds); else read. */
  runningNow?: ReadonlyMap<number, number>,
): JobRunRow[] {
  if (!Number.isSafeInteger(limit)) throw new Error(`limit must be a whole number, got ${limit}`);
  if (limit < 1) return [];
  const claim = (): JobRunRow[] => {
    // In owner-key order: system-wide first, then businesses by id (the turns' last tie-break).
    let waiting = [...waitingOwners(db, turns, at)].sort((x, y) => x - y);
    if (waiting.length === 0) return [];
    const running = runningNow ? new Map(runningNow) : runningByOwner(db);
    const atOnce = runsAtOnce(db, turns, at);
    const headsOf = headStatements(db, jobTypes);
    const claimed: JobRunRow[] = [];
    // Each round plans the free slots in turn order, then claims each owner's share of them in one read; an owner
    // with fewer claimable runs than its share leaves the rest of it to the next round, without it.
    while (claimed.length < limit && waiting.length > 0) {
      const plan = planTurns(waiting, limit - claimed.length, running, atOnce, turns);
      if (plan.length === 0) break;
      const exhausted = new Set<number>();
      const shares = new Map<number, number>();
      for (const owner of plan) shares.set(owner, (shares.get(owner) ?? 0) + 1);
      const heads = new Map([...shares].map(([owner, share]) => [owner, headsOf(owner, share)]));
      for (const owner of plan) {
        const id = heads.get(owner)!.shift();
        const started = id === undefined ? null : startJobRun(db, ALL, id, at);
        if (!started) {
          // Nothing more of this owner's may be claimed (none left, or of types this runner does not serve).
          exhausted.add(owner);
          continue;
        }
        claimed.push(started);
        running.set(owner, (running.get(owner) ?? 0) + 1);
        turns.lastServed.set(owner, ++turns.served);
      }
      for (const owner of exhausted) turns.waiting.delete(owner);
      waiting = waiting.filter((owner) => !exhausted.has(owner));
      if (exhausted.size === 0) break;
    }
    return claimed;
  };
  // Inside a caller's transaction (the runner's group commit) the claim is already atomic; a savepoint would
  // only add its cost.
  return db.sqlite.inTransaction ? claim() : inImmediateTransaction(db, claim, 'memory');
}

/**
 * The owners of the next `slots` claims, in turn order: each time the owner with the fewest runs running, then the one
 * served least recently (never first), then the lowest owner key; a business at its runs-at-once limit is passed over.
 * `running` and `turns` are not changed (the claims made change them).
 */
function planTurns(owners: readonly number[], slots: number, running: ReadonlyMap<number, number>, atOnce: number, turns: ClaimTurns): number[] {
  const planned = new Map(owners.map((owner) => [owner, { running: running.get(owner) ?? 0, served: turns.lastServed.get(owner) ?? 0 }]));
  const plan: number[] = [];
  let served = turns.served;
  while (plan.length < slots) {
    let best: number | undefined;
    for (const [owner, turn] of planned) {
      if (owner !== SYSTEM_OWNER && turn.running >= atOnce) continue;
      const bestTurn = best === undefined ? undefined : planned.get(best)!;
      if (!bestTurn || turn.running < bestTurn.running || (turn.running === bestTurn.running && turn.served < bestTurn.served)) best = owner;
    }
    if (best === undefined) break;
    plan.push(best);
    const turn = planned.get(best)!;
    turn.running++;
    turn.served = ++served;
  }
  return plan;
}
