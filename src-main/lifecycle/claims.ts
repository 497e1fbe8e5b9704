// The runner's claims, shared fairly between owners (each business, and system-wide runs as an owner of their own):
// each free slot goes to the owner with a claimable pending run that has the fewest runs running, and among those
// to the one served least recently (round-robin; an owner never served comes first, system-wide before businesses,
// then by business id); within an owner, its oldest run first. A business at its runs-at-once limit
// (lifecycle/limits.ts) is passed over; its runs wait. So a business's long queue delays another owner's next run by
// at most one run of its own per slot (test/services/fair-claims.property.test.ts states the bound precisely).
//
// The owners with pending runs are found in the partial index of pending runs (job_runs_pending_owner_idx: business
// id and creation time, pending runs only), one step per owner that has some; each owner's oldest claimable run is
// one range of it. The running counts are the few running runs.
import { and, asc, eq, inArray, isNotNull, ne, or, type SQL } from 'drizzle-orm';
import { type RunScope } from '../../src-shared/domain';
import { type TenantScope } from '../../src-shared/tenancy';
import { inImmediateTransaction, type AppDatabase } from '../db/connection';
import { preparedOnce } from '../db/prepared';
import { jobRuns, type JobRunRow } from '../db/schema';
import { JOB_CATALOG, type JobTypeInfo } from '../jobs/catalog';
import { preparedRunScopeCondition, runScopeValues, SYSTEM_OWNER } from '../tenancy/owner-sql';
import { readRunLimits } from './limits';
import { startJobRun } from './runs';

/** What the runner needs to know of a job type it serves: its key, and where it may run. */
export type RunnableJobType = Pick<JobTypeInfo, 'key' | 'scope'>;

/**
 * The round-robin's memory: when each owner (its owner key: a business id, SYSTEM_OWNER for system-wide runs) was
 * last given a slot. The runner keeps one for its life; a fresh one serves owners never served first.
 */
export interface ClaimTurns {
  readonly lastServed: Map<number, number>;
  served: number;
}

export function createClaimTurns(): ClaimTurns {
  return { lastServed: new Map(), served: 0 };
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

/** The next claimable run of one owner (oldest first), by the statement prepared for it. */
type HeadOf = (owner: number) => number | undefined;

/**
 * The oldest claimable run of each owner: one statement for system-wide runs and one for a business (its id bound),
 * each one range of the pending-owner index, in (created_at, id) order.
 */
function headStatements(db: AppDatabase, jobTypes: readonly RunnableJobType[]): HeadOf {
  const served = jobTypes.map((type) => `${type.key}:${type.scope}`).join(',');
  return preparedOnce(db, `claims.heads:${served}`, () => {
    const head = (kind: 'system' | 'business') =>
      db.orm
        .select({ id: jobRuns.id })
        .from(jobRuns)
        .where(and(preparedRunScopeCondition(kind), claimableRunCondition(jobTypes)))
        .orderBy(asc(jobRuns.createdAt), asc(jobRuns.id))
        .limit(1)
        .prepare();
    const system = head('system');
    const business = head('business');
    return (owner: number) =>
      (owner === SYSTEM_OWNER ? system.get() : business.get(runScopeValues({ kind: 'business', businessId: owner })))?.id;
  });
}

/**
 * The owners with pending runs: system-wide (when it has any) and each business, one step of the pending-owner index
 * per owner. The index is named: a planner without statistics would walk the status index for each step instead.
 */
function pendingOwners(db: AppDatabase): number[] {
  const pendingRuns = `job_runs INDEXED BY job_runs_pending_owner_idx`;
  const owners = preparedOnce(db, 'claims.pendingOwners', () =>
    db.sqlite
      .prepare<[], number>(
        `WITH RECURSIVE owners(business_id) AS (
           SELECT (SELECT min(business_id) FROM ${pendingRuns} WHERE status = 'pending' AND business_id IS NOT NULL)
           UNION ALL
           SELECT (SELECT min(r.business_id) FROM ${pendingRuns.replace('job_runs', 'job_runs r')} WHERE r.status = 'pending' AND r.business_id > owners.business_id)
           FROM owners WHERE owners.business_id IS NOT NULL
         )
         SELECT ${SYSTEM_OWNER} FROM (SELECT 1 FROM ${pendingRuns} WHERE status = 'pending' AND business_id IS NULL AND scope = 'system' LIMIT 1)
         UNION ALL
         SELECT business_id FROM owners WHERE business_id IS NOT NULL`,
      )
      .pluck(),
  );
  return owners.all();
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
): JobRunRow[] {
  if (!Number.isSafeInteger(limit)) throw new Error(`limit must be a whole number, got ${limit}`);
  if (limit < 1) return [];
  const claim = (): JobRunRow[] => {
    const owners = pendingOwners(db);
    if (owners.length === 0) return [];
    const running = runningByOwner(db);
    const atOnce = readRunLimits(db).runningPerBusiness;
    const headOf = headStatements(db, jobTypes);
    const all: TenantScope = { kind: 'all' };
    const claimed: JobRunRow[] = [];
    let waiting = owners;
    while (claimed.length < limit) {
      waiting = waiting.filter((owner) => owner === SYSTEM_OWNER || (running.get(owner) ?? 0) < atOnce);
      const owner = nextOwner(waiting, running, turns);
      if (owner === undefined) break;
      const id = headOf(owner);
      const started = id === undefined ? null : startJobRun(db, all, id, at);
      if (!started) {
        // Nothing of this owner's may be claimed (types this runner does not serve): it is out of this round.
        waiting = waiting.filter((other) => other !== owner);
        continue;
      }
      claimed.push(started);
      running.set(owner, (running.get(owner) ?? 0) + 1);
      turns.lastServed.set(owner, ++turns.served);
    }
    return claimed;
  };
  // Inside a caller's transaction (the runner's group commit) the claim is already atomic; a savepoint would
  // only add its cost.
  return db.sqlite.inTransaction ? claim() : inImmediateTransaction(db, claim);
}

/** The owner whose turn it is: fewest running, then served least recently (never first), then the lowest owner key. */
function nextOwner(owners: readonly number[], running: ReadonlyMap<number, number>, turns: ClaimTurns): number | undefined {
  let best: number | undefined;
  let bestKey: [number, number] = [Infinity, Infinity];
  for (const owner of owners) {
    const key: [number, number] = [running.get(owner) ?? 0, turns.lastServed.get(owner) ?? 0];
    if (key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) {
      best = owner;
      bestKey = key;
    }
  }
  return best;
}
