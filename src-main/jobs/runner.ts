// The runner: serves the queue of pending runs (rows in job_runs, oldest first) with at most `concurrency`
// handlers at once, writes progress (throttled) and outcomes, cancels, and recovers after a crash.
// Every state change is handed to onRunChanged with the fresh view; that is how events reach the renderer.
import { eq } from 'drizzle-orm';
import type { JobRunView } from '../../src-shared/schemas/jobs';
import type { AppDatabase } from '../db/connection';
import { backupsFolderFor, exportsFolderFor } from '../db/paths';
import { users, type JobRunRow } from '../db/schema';
import { recordAuditEvent, userAuditActor, type AuditActor } from '../services/audit';
import {
  claimNextPendingRun,
  failRunningRuns,
  findJobRunView,
  finishJobRun,
  ownScopeOf,
  recordRunProgress,
  type RunOutcome,
  type RunOwnScope,
} from '../services/job-runs';
import type { TenantScope } from '../services/tenant-scope';
import type { JobContext } from './context';
import { findJobType } from './registry';

/** The error of a run that was running when the app stopped or crashed. */
export const INTERRUPTED_ERROR = 'interrupted: the app stopped while this run was in progress';

export interface RunnerOptions {
  /** How many handlers may run at once. Default 2. */
  concurrency?: number;
  /** Called after every state change (started, progressed, finished, cancelled, recovered) with the fresh view. */
  onRunChanged(run: JobRunView): void;
  /** Epoch milliseconds, for start/finish times and the handlers' ctx.now(). Default Date.now. */
  now?: () => number;
  /** At most one progress write per run per this many milliseconds; the last value is always written. Default 250. */
  progressThrottleMs?: number;
  /** Default: `backups` and `exports` beside the database file. */
  paths?: { backupsFolder: string; exportsFolder: string };
}

export interface Runner {
  readonly concurrency: number;
  /** Fails runs a crash left running (audited as 'runs.recovered'), then starts serving the queue. */
  start(): { recovered: number };
  /** Stops taking runs, aborts the running handlers (their runs fail as interrupted), and waits for them to settle. */
  stop(): Promise<void>;
  /** A new pending run exists: call after the transaction that created it commits. */
  wake(): void;
  /**
   * Cancels a pending run at once, or a running one: it is marked cancelled at once and its handler aborted
   * (its slot stays taken until the handler settles). Null when the run is missing or already finished.
   */
  cancel(runId: number, actor: { userId: number } | null): JobRunView | null;
}

interface ActiveRun {
  id: number;
  scope: RunOwnScope;
  controller: AbortController;
  /** Set when the runner stops: the run ends failed as interrupted instead. */
  interrupted: boolean;
  lastProgressWriteAt: number;
  pendingProgress: { fraction: number; message?: string } | null;
  progressTimer: NodeJS.Timeout | null;
  settled: Promise<void>;
}

export function createRunner(db: AppDatabase, options: RunnerOptions): Runner {
  const concurrency = options.concurrency ?? 2;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a whole number ≥ 1, got ${concurrency}`);
  const now = options.now ?? Date.now;
  const throttleMs = options.progressThrottleMs ?? 250;
  const backupsFolder = options.paths?.backupsFolder ?? backupsFolderFor(db.path);
  const exportsFolder = options.paths?.exportsFolder ?? exportsFolderFor(db.path);
  const active = new Map<number, ActiveRun>();
  let state: 'idle' | 'started' | 'stopped' = 'idle';
  let pumping = false;
  let pumpAgain = false;

  function emit(scope: TenantScope, runId: number): void {
    const view = findJobRunView(db.orm, scope, runId);
    if (!view) return;
    try {
      options.onRunChanged(view);
    } catch (error) {
      // A listener's failure must not stop the queue.
      console.error('runner: onRunChanged failed', error);
    }
  }

  function finish(run: ActiveRun, outcome: RunOutcome): void {
    flushProgress(run);
    if (finishJobRun(db.orm, run.scope, run.id, outcome, now())) emit(run.scope, run.id);
  }

  // ---- Progress, throttled per run ----

  function writeProgress(run: ActiveRun, progress: { fraction: number; message?: string }): void {
    run.lastProgressWriteAt = Date.now();
    run.pendingProgress = null;
    if (recordRunProgress(db.orm, run.scope, run.id, progress.fraction, progress.message)) emit(run.scope, run.id);
  }

  function flushProgress(run: ActiveRun): void {
    if (run.progressTimer) clearTimeout(run.progressTimer);
    run.progressTimer = null;
    if (run.pendingProgress) writeProgress(run, run.pendingProgress);
  }

  function reportProgress(run: ActiveRun, fraction: number, message?: string): void {
    if (!active.has(run.id) || run.controller.signal.aborted || !Number.isFinite(fraction)) return;
    const progress = { fraction: Math.min(1, Math.max(0, fraction)), message: message?.slice(0, 500) };
    // Messages given earlier but not yet written are kept when a later report has none.
    if (progress.message === undefined && run.pendingProgress?.message !== undefined) progress.message = run.pendingProgress.message;
    const wait = run.lastProgressWriteAt + throttleMs - Date.now();
    if (wait <= 0) {
      writeProgress(run, progress);
      return;
    }
    run.pendingProgress = progress;
    run.progressTimer ??= setTimeout(() => {
      run.progressTimer = null;
      if (run.pendingProgress && active.has(run.id)) writeProgress(run, run.pendingProgress);
    }, wait);
  }

  // ---- The queue ----

  function pump(): void {
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      do {
        pumpAgain = false;
        while (state === 'started' && active.size < concurrency) {
          const row = claimNextPendingRun(db, now());
          if (!row) break;
          launch(row);
        }
      } while (pumpAgain);
    } finally {
      pumping = false;
    }
  }

  function auditActorFor(row: JobRunRow): AuditActor {
    if (row.trigger === 'schedule') return { kind: 'app', label: 'scheduler' };
    if (row.triggeredByUserId !== null) {
      const user = db.orm.select().from(users).where(eq(users.id, row.triggeredByUserId)).get();
      if (user) return userAuditActor({ userId: user.id, email: user.email, role: user.role, businessId: user.businessId });
    }
    return { kind: 'app', label: 'system' };
  }

  function launch(row: JobRunRow): void {
    const scope = ownScopeOf(row);
    const run: ActiveRun = {
      id: row.id,
      scope,
      controller: new AbortController(),
      interrupted: false,
      lastProgressWriteAt: 0,
      pendingProgress: null,
      progressTimer: null,
      settled: Promise.resolve(),
    };
    active.set(row.id, run);
    emit(scope, row.id);
    run.settled = execute(run, row)
      .catch((error: unknown) => console.error(`runner: run ${row.id} could not be finished`, error))
      .finally(() => {
        if (run.progressTimer) clearTimeout(run.progressTimer);
        active.delete(row.id);
        pump();
      });
  }

  async function execute(run: ActiveRun, row: JobRunRow): Promise<void> {
    const type = findJobType(row.jobType);
    if (!type) return finish(run, { status: 'failed', error: `unknown job type ${JSON.stringify(row.jobType)}: this app has no handler for it` });
    if (run.scope.kind === 'orphans') return finish(run, { status: 'failed', error: 'an orphan has no business to run in; assign it first' });
    const view = findJobRunView(db.orm, run.scope, run.id);
    if (!view) return;
    const ctx: JobContext = {
      db,
      run: view,
      scope: run.scope,
      reportProgress: (fraction, message) => reportProgress(run, fraction, message),
      backupsFolder,
      exportsFolder,
      now: () => new Date(now()),
      actor: auditActorFor(row),
    };
    let outcome: RunOutcome;
    try {
      const result = await type.run(ctx, row.params, run.controller.signal);
      outcome = { status: 'completed', result: toJson(result) };
    } catch (error) {
      outcome = { status: 'failed', error: errorMessage(error) };
    }
    // A cancelled run was finished when it was cancelled (this write then changes nothing); a run the
    // stopping app aborted ends failed as interrupted, unless its handler finished anyway.
    if (run.interrupted && outcome.status === 'failed') outcome = { status: 'failed', error: INTERRUPTED_ERROR };
    finish(run, outcome);
  }

  return {
    concurrency,

    start() {
      if (state !== 'idle') throw new Error(`The runner was already ${state}.`);
      const recovered = failRunningRuns(db.orm, { kind: 'all' }, INTERRUPTED_ERROR, now());
      if (recovered.length > 0) {
        recordAuditEvent(db.orm, {
          actor: { kind: 'app', label: 'startup' },
          action: 'runs.recovered',
          details: { count: recovered.length, runIds: recovered.map((row) => row.id) },
          at: now(),
        });
        for (const row of recovered) emit(ownScopeOf(row), row.id);
      }
      state = 'started';
      pump();
      return { recovered: recovered.length };
    },

    async stop() {
      if (state === 'stopped') return;
      state = 'stopped';
      const running = [...active.values()];
      for (const run of running) {
        run.interrupted = true;
        run.controller.abort(new Error(INTERRUPTED_ERROR));
      }
      await Promise.all(running.map((run) => run.settled));
    },

    wake() {
      if (state === 'started') pump();
    },

    cancel(runId, actor) {
      const current = findJobRunView(db.orm, { kind: 'all' }, runId);
      if (!current) return null;
      const scope = ownScopeOf(current);
      const run = active.get(runId);
      if (run) flushProgress(run);
      const cancelled = finishJobRun(db.orm, scope, runId, { status: 'cancelled', cancelledByUserId: actor?.userId ?? null }, now());
      if (!cancelled) return null;
      run?.controller.abort(new Error('cancelled'));
      emit(scope, runId);
      return findJobRunView(db.orm, scope, runId);
    },
  };
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
