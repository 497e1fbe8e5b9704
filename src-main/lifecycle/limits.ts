// The per-business limits (src-shared/schemas/limits.ts), in one place: read from app_meta (the defaults where no
// system admin has set them), changed by a system admin (audited), and the admission of new runs where they are
// created (a trigger, a retry, a bulk retry, a schedule firing). The runner applies the runs-at-once limit itself
// (lifecycle/claims.ts).
import { and, count, eq } from 'drizzle-orm';
import { AppError } from '../../src-shared/errors';
import { DEFAULT_RUN_LIMITS, runLimitsSchema, type RunLimits } from '../../src-shared/schemas/limits';
import { type RunTarget } from '../../src-shared/tenancy';
import { plural } from '../../src-shared/text';
import { type Actor } from '../access/policy';
import { getBusiness } from '../accounts/businesses';
import { recordAuditEvent, userAuditActor } from '../audit/record';
import { inImmediateTransaction, type AppDatabase, type InTransaction } from '../db/connection';
import { writeMeta } from '../db/meta';
import { preparedOnce } from '../db/prepared';
import { jobRuns } from '../db/schema';
import { preparedRunScopeCondition, runScopeValues } from '../tenancy/owner-sql';

/** The app_meta key the limits a system admin set are kept under (stored in users' files: its name never changes). */
export const META_RUN_LIMITS = 'run_limits';

/** The window of the triggers-per-minute limit. */
export const TRIGGER_WINDOW_MS = 60_000;

/** What a stored value may hold: any of the limits (the others keep their defaults). */
const storedLimitsSchema = runLimitsSchema.partial();

/** The last stored text read, and the limits it gave: the runner reads the limits at every claim. */
let lastRead: { text: string | undefined; limits: RunLimits } = { text: undefined, limits: DEFAULT_RUN_LIMITS };

/** The limits in force: those a system admin set, else the defaults (a stored value this app cannot read counts as unset). */
export function readRunLimits(db: AppDatabase): RunLimits {
  const text = preparedOnce(db, 'limits.read', () =>
    db.sqlite.prepare<[string], string>('SELECT value FROM app_meta WHERE key = ?').pluck(),
  ).get(META_RUN_LIMITS);
  if (text === lastRead.text) return lastRead.limits;
  const stored = text === undefined ? null : storedLimitsSchema.safeParse(parseJson(text));
  lastRead = { text, limits: { ...DEFAULT_RUN_LIMITS, ...(stored?.success ? stored.data : {}) } };
  return lastRead.limits;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Sets every limit at once, in one transaction with its audit event ('limits.set', the values before and after). */
export function setRunLimits(db: AppDatabase, actor: Actor, limits: RunLimits): RunLimits {
  return inImmediateTransaction(db, (tx) => {
    const before = readRunLimits(tx);
    const at = Date.now();
    writeMeta(tx, META_RUN_LIMITS, limits, at);
    recordAuditEvent(tx, { actor: userAuditActor(actor), action: 'limits.set', businessId: null, details: { before, after: limits }, at });
    return readRunLimits(tx);
  });
}

/** Who is creating the runs: a person (the trigger limit applies), or the app itself (a schedule). */
export type RunCreator = { userId: number } | null;

/**
 * Refuses (CONFLICT, naming the limit and its value) `count` new runs for `target` by `creator` when they would take
 * the business over its pending runs, or when the person has already created as many runs in the last minute as
 * one may (a call that creates several, a bulk retry, is one trigger: it is admitted below the limit, and its runs
 * count for the next). System-wide runs have no business limit. Call in the transaction that creates the runs.
 */
export function admitNewRuns(tx: InTransaction, target: RunTarget, count: number, creator: RunCreator, at: number = Date.now()): void {
  const limits = readRunLimits(tx);
  if (creator) {
    const recent = recentTriggers(tx).get(creator.userId, at - TRIGGER_WINDOW_MS) ?? 0;
    if (recent >= limits.triggersPerMinutePerUser) {
      throw new AppError(
        'CONFLICT',
        `You have triggered ${plural(recent, 'run')} in the last minute; one person may trigger at most ${plural(limits.triggersPerMinutePerUser, 'run')} a minute. Wait a minute, or ask a system admin to raise the limit.`,
      );
    }
  }
  if (target.kind !== 'business') return;
  const pending = pendingRunsOf(tx, target.businessId);
  if (pending + count <= limits.pendingPerBusiness) return;
  const name = getBusiness(tx, target.businessId)?.name ?? `#${target.businessId}`;
  const most = limits.pendingPerBusiness.toLocaleString('en-US');
  throw new AppError(
    'CONFLICT',
    count === 1 || pending >= limits.pendingPerBusiness
      ? `Business ${name} already has ${plural(pending, 'pending run')} and may have at most ${most}; wait for some to finish or ask a system admin to raise the limit.`
      : `Business ${name} has ${plural(pending, 'pending run')} and may have at most ${most}; these ${plural(count, 'run')} would take it over. Choose fewer, wait for some to finish, or ask a system admin to raise the limit.`,
  );
}

/** How many pending runs a business has (one range of the per-business status index). */
export function pendingRunsOf(db: AppDatabase, businessId: number): number {
  const pending = preparedOnce(db, 'limits.pendingOf', () =>
    db.orm
      .select({ runs: count() })
      .from(jobRuns)
      .where(and(preparedRunScopeCondition('business'), eq(jobRuns.status, 'pending')))
      .prepare(),
  );
  return pending.get(runScopeValues({ kind: 'business', businessId }))?.runs ?? 0;
}

/** Runs a user created since a time (the triggered-by index: one range of it). */
function recentTriggers(db: AppDatabase) {
  return preparedOnce(db, 'limits.recentTriggers', () =>
    db.sqlite.prepare<[number, number], number>('SELECT count(*) FROM job_runs WHERE triggered_by_user_id = ? AND created_at > ?').pluck(),
  );
}
