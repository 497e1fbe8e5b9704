// The runner: serves the queue of pending runs (rows in job_runs, oldest first) with at most `concurrency`
// handlers at once, writes progress (throttled) and outcomes, cancels, and recovers after a crash.
// Every state change is handed to onRunChanged with the fresh view; that is how events reach the renderer.
//
// Group commit: outcomes are not written when a handler returns but queued, and once per turn of the event
// loop (setImmediate) one immediate transaction writes every queued outcome (with its last progress) and
// claims the next pending runs for the slots they free; events follow the commit, with views built from the
// rows the statements returned. Crash window: a crash (or power loss) between a handler's return and that
// flush, which is at most one turn of the loop, loses the outcomes queued in that turn; their runs are still
// `running` in the file, so recovery at the next start marks them failed as interrupted (never lost silently,
// but a handler's completed result and side effects can then show as an interrupted run, ending at its last
// heartbeat). Claims are never lost: a handler starts only after the transaction that claimed its run has committed. A flush the file
// refuses (busy past the timeout, disk full) keeps its outcomes queued and their slots held, and is tried again
// after FLUSH_RETRY_MS; only while stopping does a failed flush give up and leave its runs to recovery.
import { eq } from 'drizzle-orm';
import type { JobRunView } from '../../src-shared/schemas/jobs';
import { inImmediateTransaction, type AppDatabase } from '../db/connection';
import { backupsFolderFor, exportsFolderFor } from '../db/paths';
import { users, type JobRunRow } from '../db/schema';
import { recordAuditEvent, userAuditActor, type AuditActor } from '../audit/record';
import { getBusiness } from '../accounts/businesses';
import { findJobRunView } from '../history/runs';
import { toJobRunView, type JobRunListRow } from '../history/views';
import { claimPendingRuns, failRunningRuns, finishJobRun, ownScopeOf, recordRunOutcome, recordRunHeartbeats, recordRunProgress, type RunOutcome, type RunOwnScope } from '../lifecycle/runs';
import type { TenantScope } from '../services/tenant-scope';
import type { JobContext } from './context';
import { JOB_TYPES, type JobTypeDefinition } from './registry';

/** How long a flush that could not be written waits before it is tried again (the outcomes stay queued). */
export const FLUSH_RETRY_MS = 1_000;

/**
 * How long the runner waits with nothing running or queued before it checkpoints the WAL into the file
 * (PASSIVE: never waits for a reader or blocks a writer). Commits only checkpoint once the WAL reaches
 * WAL_AUTOCHECKPOINT_PAGES; this folds a burst's pages into the file (and fsyncs them) once the burst is over.
 */
export const IDLE_CHECKPOINT_MS = 1_000;

/** The error of a run that was running when the app stopped or crashed. drizzle/0014 names it too: keep them equal. */
export const INTERRUPTED_ERROR = 'interrupted: the app stopped while this run was in progress';

/**
 * How often the runner records that its running runs are alive (heartbeat_at, one statement for all of them; every
 * progress write records it too). A run a crash interrupts ends at its last heartbeat, at most this long before the
 * crash, rather than at the next start, which may be days later.
 */
export const HEARTBEAT_MS = 5_000;

export const DEFAULT_RUNNER_CONCURRENCY = 2;

export interface RunnerOptions {
  /** How many handlers may run at once. Default DEFAULT_RUNNER_CONCURRENCY (2). */
  concurrency?: number;
  /** Called after every state change (started, progressed, finished, cancelled, recovered) with the fresh view. */
  onRunChanged(run: JobRunView): void;
  /** Epoch milliseconds, for start/finish times and the handlers' ctx.now(). Default Date.now. */
  now?: () => number;
  /** At most one progress write per run per this many milliseconds; the last value is always written. Default 250. */
  progressThrottleMs?: number;
  /** Default: `backups` and `exports` beside the database file. */
  paths?: { backupsFolder: string; exportsFolder: string };
  /**
   * The job types served. Default: the registry's; tests and the benchmark serve their own (e.g. a no-op). Only
   * pending runs of these types, where each type may run, are claimed (claimPendingRuns); others stay pending.
   */
  jobTypes?: readonly JobTypeDefinition[];
  /** Default HEARTBEAT_MS. */
  heartbeatMs?: number;
  /** Default IDLE_CHECKPOINT_MS. */
  idleCheckpointMs?: number;
}

export interface Runner {
  readonly concurrency: number;
  /**
   * Fails runs a crash left running, each ending at its last recorded sign of life (audited as 'runs.recovered'),
   * then starts serving the queue.
   */
  start(): { recovered: number };
  /**
   * Stops taking runs, aborts the running handlers (their runs fail as interrupted), and waits for them to
   * settle and for their outcomes (and any queued before) to be written.
   */
  stop(): Promise<void>;
  /** A new pending run exists: call after the transaction that created it commits. Claims it at once when a slot is free (with any queued outcomes). */
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
  /** Resolves once the run's outcome has been written (or could not be) and its slot is free. */
  settled: Promise<void>;
  release: () => void;
}

interface QueuedOutcome {
  run: ActiveRun;
  outcome: RunOutcome;
}

export function createRunner(db: AppDatabase, options: RunnerOptions): Runner {
  const concurrency = options.concurrency ?? DEFAULT_RUNNER_CONCURRENCY;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a whole number ≥ 1, got ${concurrency}`);
  const now = options.now ?? Date.now;
  const throttleMs = options.progressThrottleMs ?? 250;
  const jobTypes = options.jobTypes ?? JOB_TYPES;
  const jobTypesByKey = new Map(jobTypes.map((type) => [type.key, type]));
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  let heartbeatTimer: NodeJS.Timeout | null = null;
  const backupsFolder = options.paths?.backupsFolder ?? backupsFolderFor(db.path);
  const exportsFolder = options.paths?.exportsFolder ?? exportsFolderFor(db.path);
  const active = new Map<number, ActiveRun>();
  /** Outcomes of handlers that have returned, written by the next flush. */
  let outcomes: QueuedOutcome[] = [];
  let flushScheduled = false;
  let flushing = false;
  let flushAgain = false;
  /** Set while a failed flush waits to be tried again. */
  let retryTimer: NodeJS.Timeout | null = null;
  /** Set while an idle checkpoint waits. */
  let checkpointTimer: NodeJS.Timeout | null = null;
  const idleCheckpointMs = options.idleCheckpointMs ?? IDLE_CHECKPOINT_MS;
  let state: 'idle' | 'started' | 'stopped' = 'idle';

  function announce(view: JobRunView): void {
    try {
      options.onRunChanged(view);
    } catch (error) {
      // A listener's failure must not stop the queue.
      console.error('runner: onRunChanged failed', error);
    }
  }

  /** Re-reads and announces one run (for a cancel, which may run inside its caller's transaction). */
  function emit(scope: TenantScope, runId: number): void {
    const view = findJobRunView(db.orm, scope, runId);
    if (view) announce(view);
  }

  /** Views of rows a statement returned, with their business's name looked up once per business. */
  function viewsOf(rows: readonly JobRunListRow[]): JobRunView[] {
    const names = new Map<number, string | null>();
    return rows.map((row) => {
      if (row.businessId === null) return toJobRunView(row, null);
      let name = names.get(row.businessId);
      if (name === undefined) {
        name = getBusiness(db.orm, row.businessId)?.name ?? null;
        names.set(row.businessId, name);
      }
      return toJobRunView(row, name);
    });
  }

  // ---- Progress, throttled per run ----

  function writeProgress(run: ActiveRun, progress: { fraction: number; message?: string }): JobRunRow | null {
    run.lastProgressWriteAt = Date.now();
    run.pendingProgress = null;
    return recordRunProgress(db.orm, run.scope, run.id, progress.fraction, progress.message, now());
  }

  function writeAndAnnounceProgress(run: ActiveRun, progress: { fraction: number; message?: string }): void {
    const row = writeProgress(run, progress);
    if (row) viewsOf([row]).forEach(announce);
  }

  function flushProgress(run: ActiveRun): void {
    if (run.progressTimer) clearTimeout(run.progressTimer);
    run.progressTimer = null;
    if (run.pendingProgress) writeAndAnnounceProgress(run, run.pendingProgress);
  }

  function reportProgress(run: ActiveRun, fraction: number, message?: string): void {
    if (!active.has(run.id) || run.controller.signal.aborted || !Number.isFinite(fraction)) return;
    const progress = { fraction: Math.min(1, Math.max(0, fraction)), message: message?.slice(0, 500) };
    // Messages given earlier but not yet written are kept when a later report has none.
    if (progress.message === undefined && run.pendingProgress?.message !== undefined) progress.message = run.pendingProgress.message;
    const wait = run.lastProgressWriteAt + throttleMs - Date.now();
    if (wait <= 0) {
      writeAndAnnounceProgress(run, progress);
      return;
    }
    run.pendingProgress = progress;
    run.progressTimer ??= setTimeout(() => {
      run.progressTimer = null;
      if (run.pendingProgress && active.has(run.id)) flushProgress(run);
    }, wait);
  }

  // ---- Group commit: outcomes and claims, one transaction per turn of the loop ----

  function scheduleFlush(): void {
    if (flushScheduled) return;
    flushScheduled = true;
    setImmediate(() => {
      flushScheduled = false;
      flush();
    });
  }

  /** Writes the queued outcomes and claims runs for the free slots; a call from a listener during a flush runs after it. */
  function flush(): void {
    if (flushing) {
      flushAgain = true;
      return;
    }
    flushing = true;
    try {
      do {
        flushAgain = false;
        flushOnce();
      } while (flushAgain);
    } finally {
      flushing = false;
    }
  }

  function flushOnce(): void {
    const batch = outcomes;
    outcomes = [];
    // Runs whose outcome is in this batch give their slots to the runs claimed in the same transaction.
    const free = state === 'started' ? concurrency - (active.size - batch.length) : 0;
    if (batch.length === 0 && free <= 0) return;
    const written: JobRunListRow[] = [];
    let claimed: JobRunRow[] = [];
    let views: JobRunView[] = [];
    try {
      inImmediateTransaction(db, () => {
        const at = now();
        for (const { run, outcome } of batch) {
          // The last progress reported goes in before the outcome, and is announced with it. It stays pending
          // until the transaction commits, so a retried flush writes it again.
          const progress = run.pendingProgress;
          const progressed = progress ? recordRunProgress(db.orm, run.scope, run.id, progress.fraction, progress.message, at) : null;
          if (progressed) written.push(progressed);
          const finished = recordRunOutcome(db.orm, run.scope, run.id, outcome, at);
          if (finished) written.push(finished);
        }
        if (free > 0) claimed = claimPendingRuns(db, at, free, jobTypes);
        views = viewsOf([...written, ...claimed]);
      });
      for (const { run } of batch) run.pendingProgress = null;
    } catch (error) {
      // Nothing of this batch was written (the file busy past the timeout, the disk full…).
      console.error(`runner: could not record ${batch.length} outcome(s) and claim runs`, error);
      if (state === 'started') {
        // Not dropped: the outcomes stay queued, their slots held, and the flush is tried again shortly.
        outcomes = [...batch, ...outcomes];
        retryTimer ??= setTimeout(() => {
          retryTimer = null;
          flush();
        }, FLUSH_RETRY_MS);
        return;
      }
      // Stopping: given up. The runs stay running in the file until recovery marks them interrupted at the next
      // start, and the claims stay pending.
      claimed = [];
      views = [];
    }
    for (const { run } of batch) {
      active.delete(run.id);
      run.release();
    }
    const finishedViews = views.slice(0, views.length - claimed.length);
    for (const view of finishedViews) announce(view);
    claimed.forEach((row, i) => launch(row, views[finishedViews.length + i]!));
    if (batch.length > 0 && active.size === 0) scheduleIdleCheckpoint();
  }

  // ---- Checkpoint once idle ----

  function isIdle(): boolean {
    return state === 'started' && active.size === 0 && outcomes.length === 0;
  }

  function scheduleIdleCheckpoint(): void {
    if (checkpointTimer || !isIdle()) return;
    checkpointTimer = setTimeout(() => {
      checkpointTimer = null;
      // Busy again (the next burst checkpoints when it ends), closed, or inside a caller's transaction: not now.
      if (!isIdle() || flushing || !db.sqlite.open || db.sqlite.inTransaction) return;
      try {
        db.sqlite.pragma('wal_checkpoint(PASSIVE)');
      } catch (error) {
        console.error('runner: idle checkpoint failed', error);
      }
    }, idleCheckpointMs);
    // Never what keeps the process alive.
    checkpointTimer.unref();
  }

  // ---- Heartbeat: the last sign of life of the runs held ----

  function scheduleHeartbeat(): void {
    heartbeatTimer = setTimeout(() => {
      heartbeatTimer = null;
      if (state !== 'started') return;
      // Inside a caller's open transaction (or closed): this beat is skipped, the next one records.
      if (active.size > 0 && db.sqlite.open && !db.sqlite.inTransaction) {
        try {
          recordRunHeartbeats(db.orm, [...active.keys()], now());
        } catch (error) {
          console.error('runner: could not record the heartbeat of the running runs', error);
        }
      }
      scheduleHeartbeat();
    }, heartbeatMs);
    // Never what keeps the process alive.
    heartbeatTimer.unref();
  }

  function queueOutcome(run: ActiveRun, outcome: RunOutcome): void {
    if (run.progressTimer) clearTimeout(run.progressTimer);
    run.progressTimer = null;
    outcomes.push({ run, outcome });
    scheduleFlush();
  }

  // ---- Running one run ----

  function interrupt(run: ActiveRun): void {
    run.interrupted = true;
    run.controller.abort(new Error(INTERRUPTED_ERROR));
  }

  function auditActorFor(row: JobRunRow): AuditActor {
    if (row.trigger === 'schedule') return { kind: 'app', label: 'scheduler' };
    if (row.triggeredByUserId !== null) {
      const user = db.orm.select().from(users).where(eq(users.id, row.triggeredByUserId)).get();
      if (user) return userAuditActor({ userId: user.id, email: user.email, role: user.role, businessId: user.businessId });
    }
    return { kind: 'app', label: 'system' };
  }

  function launch(row: JobRunRow, view: JobRunView): void {
    let release = () => {};
    const run: ActiveRun = {
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
    active.set(row.id, run);
    announce(view);
    // A listener may have stopped the runner during this flush's announcements: the run ends interrupted.
    if (state === 'stopped') interrupt(run);
    execute(run, row, view).then(
      (outcome) => queueOutcome(run, outcome),
      (error: unknown) => queueOutcome(run, { status: 'failed', error: errorMessage(error) }),
    );
  }

  async function execute(run: ActiveRun, row: JobRunRow, view: JobRunView): Promise<RunOutcome> {
    const type = jobTypesByKey.get(row.jobType);
    // claimPendingRuns claims only runs of the types served, never an orphan.
    if (!type || run.scope.kind === 'orphans') throw new Error(`run ${row.id} was claimed but cannot run here (job type ${JSON.stringify(row.jobType)})`);
    let actor: AuditActor | undefined;
    const ctx: JobContext = {
      db,
      run: view,
      scope: run.scope,
      reportProgress: (fraction, message) => reportProgress(run, fraction, message),
      backupsFolder,
      exportsFolder,
      now: () => new Date(now()),
      // Looked up when a handler first asks: most never audit.
      get actor() {
        actor ??= auditActorFor(row);
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

  return {
    concurrency,

    start() {
      if (state !== 'idle') throw new Error(`The runner was already ${state}.`);
      const recovered = failRunningRuns(db.orm, { kind: 'all' }, INTERRUPTED_ERROR);
      if (recovered.length > 0) {
        recordAuditEvent(db.orm, {
          actor: { kind: 'app', label: 'startup' },
          action: 'runs.recovered',
          details: { count: recovered.length, runIds: recovered.map((row) => row.id) },
          at: now(),
        });
        viewsOf(recovered).forEach(announce);
      }
      state = 'started';
      flush();
      scheduleHeartbeat();
      return { recovered: recovered.length };
    },

    async stop() {
      if (state === 'stopped') return;
      state = 'stopped';
      if (checkpointTimer) clearTimeout(checkpointTimer);
      checkpointTimer = null;
      if (heartbeatTimer) clearTimeout(heartbeatTimer);
      heartbeatTimer = null;
      if (retryTimer) {
        // A failed flush waiting to be tried again: try it now, once (a failure now gives up, see flushOnce).
        clearTimeout(retryTimer);
        retryTimer = null;
        flush();
      }
      while (active.size > 0) {
        const running = [...active.values()];
        running.forEach(interrupt);
        await Promise.all(running.map((run) => run.settled));
      }
    },

    wake() {
      if (state === 'started') flush();
    },

    cancel(runId, actor) {
      const current = findJobRunView(db.orm, { kind: 'all' }, runId);
      if (!current) return null;
      const scope = ownScopeOf(current);
      const run = active.get(runId);
      if (run) flushProgress(run);
      // Written at once, not queued: a handler's outcome still waiting for the flush then changes nothing.
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
