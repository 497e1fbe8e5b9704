// Running one run: a claimed row becomes an active run whose handler gets its context; what the handler returns
// or throws becomes the run's outcome, queued for the group commit.
import { eq } from 'drizzle-orm';
import type { JobRunView } from '../../../src-shared/schemas/jobs';
import { userAuditActor, type AuditActor } from '../../audit/record';
import { users, type JobRunRow } from '../../db/schema';
import { ownScopeOf, type RunOutcome } from '../../lifecycle/runs';
import type { JobContext } from '../context';
import type { JobTypeDefinition } from '../registry';
import type { ActiveRun, RunnerShared } from './state';

/** The error of a run that was running when the app stopped or crashed. drizzle/0014 names it too: keep them equal. */
export const INTERRUPTED_ERROR = 'interrupted: the app stopped while this run was in progress';

export interface ExecutionOptions {
  jobTypes: readonly JobTypeDefinition[];
  exportsFolder: string;
  reportProgress(run: ActiveRun, fraction: number, message?: string): void;
  /** Where an outcome goes once the handler has settled: the group commit's queue. */
  queue(run: ActiveRun, outcome: RunOutcome): void;
}

/** Starts a claimed run (announcing its view) whose handler's outcome is then queued. */
export type Launch = (row: JobRunRow, view: JobRunView) => void;

export function createLaunch(shared: RunnerShared, options: ExecutionOptions): Launch {
  const jobTypesByKey = new Map(options.jobTypes.map((type) => [type.key, type]));

  async function execute(run: ActiveRun, row: JobRunRow, view: JobRunView): Promise<RunOutcome> {
    const type = jobTypesByKey.get(row.jobType);
    // claimPendingRuns claims only runs of the types served, never an orphan.
    if (!type || run.scope.kind === 'orphans') throw new Error(`run ${row.id} was claimed but cannot run here (job type ${JSON.stringify(row.jobType)})`);
    let actor: AuditActor | undefined;
    const ctx: JobContext = {
      db: shared.db,
      run: view,
      scope: run.scope,
      reportProgress: (fraction, message) => options.reportProgress(run, fraction, message),
      exportsFolder: options.exportsFolder,
      now: () => new Date(shared.now()),
      // Looked up when a handler first asks: most never audit.
      get actor() {
        actor ??= auditActorFor(shared, row);
        return actor;
      },
    };
    let outcome: RunOutcome;
    try {
      const result = await type.run(ctx, row.params, run.controller.signal);
      outcome = { status: 'completed', result: toJson(result) };
    } catch (error) {
      outcome = { status: 'failed', error: errorMessage(error) };
    }
    // A cancelled run was finished when it was cancelled (its outcome then changes nothing); a run the
    // stopping app aborted ends failed as interrupted, unless its handler finished anyway.
    if (run.interrupted && outcome.status === 'failed') outcome = { status: 'failed', error: INTERRUPTED_ERROR };
    return outcome;
  }

  return (row, view) => {
    const run = activeRun(row);
    shared.state.active.set(row.id, run);
    shared.announce(view);
    // A listener may have stopped the runner during this flush's announcements: the run ends interrupted.
    if (shared.state.phase === 'stopped') interrupt(run);
    execute(run, row, view).then(
      (outcome) => options.queue(run, outcome),
      (error: unknown) => options.queue(run, { status: 'failed', error: errorMessage(error) }),
    );
  };
}

/** The runner stops: the handler is aborted and its run ends failed as interrupted (unless it finishes anyway). */
export function interrupt(run: ActiveRun): void {
  run.interrupted = true;
  run.controller.abort(new Error(INTERRUPTED_ERROR));
}

function activeRun(row: JobRunRow): ActiveRun {
  let release = () => {};
  return {
    id: row.id,
    scope: ownScopeOf(row),
    controller: new AbortController(),
    interrupted: false,
    lastProgressWriteAt: 0,
    pendingProgress: null,
    progressTimer: null,
    settled: new Promise<void>((resolve) => {
      release = resolve;
    }),
    release: () => release(),
  };
}

function auditActorFor(shared: RunnerShared, row: JobRunRow): AuditActor {
  if (row.trigger === 'schedule') return { kind: 'app', label: 'scheduler' };
  if (row.triggeredByUserId !== null) {
    const user = shared.db.orm.select().from(users).where(eq(users.id, row.triggeredByUserId)).get();
    if (user) return userAuditActor({ userId: user.id, email: user.email, role: user.role, businessId: user.businessId });
  }
  return { kind: 'app', label: 'system' };
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.trim() === '' ? 'the job failed without a message' : message;
}

/** Results are stored as JSON: whatever does not survive JSON (undefined, functions) becomes null or is dropped. */
function toJson(result: unknown): unknown {
  if (result === undefined) return null;
  return JSON.parse(JSON.stringify(result)) as unknown;
}
