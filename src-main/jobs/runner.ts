// The runner: serves the queue of pending runs (rows in job_runs, oldest first) with at most `concurrency`
// handlers at once, writes progress (throttled) and outcomes, cancels, and recovers after a crash.
// Every state change is handed to onRunChanged with the fresh view; that is how events reach the renderer.
//
// This file wires the parts in runner/, which share one state object (runner/state.ts): the progress throttle
// (progress.ts), the group commit that writes outcomes and claims in one transaction per turn of the loop, with
// the crash window it leaves (group-commit.ts), running one run (execution.ts), the heartbeat (heartbeat.ts),
// the idle checkpoint (idle-checkpoint.ts), recovery at start (recovery.ts) and cancel (cancel.ts).
import type { AppDatabase } from '../db/connection';
import { exportsFolderFor } from '../db/paths';
import type { JobRunView } from '../../src-shared/schemas/jobs';
import { JOB_TYPES, type JobTypeDefinition } from './registry';
import { cancelRun } from './runner/cancel';
import { createLaunch, interrupt } from './runner/execution';
import { createGroupCommit } from './runner/group-commit';
import { createHeartbeat, HEARTBEAT_MS } from './runner/heartbeat';
import { createIdleCheckpoint, IDLE_CHECKPOINT_MS } from './runner/idle-checkpoint';
import { createRunProgress } from './runner/progress';
import { recoverInterruptedRuns } from './runner/recovery';
import type { RunnerShared, RunnerState } from './runner/state';
import { createAnnouncer } from './runner/views';

export { INTERRUPTED_ERROR } from './runner/execution';
export { FLUSH_RETRY_MS } from './runner/group-commit';
export { HEARTBEAT_MS } from './runner/heartbeat';
export { IDLE_CHECKPOINT_MS } from './runner/idle-checkpoint';

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
  /** Default: `exports` beside the database file. Backups always go to the store beside it (backups/store.ts). */
  paths?: { exportsFolder: string };
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

export function createRunner(db: AppDatabase, options: RunnerOptions): Runner {
  const concurrency = options.concurrency ?? DEFAULT_RUNNER_CONCURRENCY;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a whole number ≥ 1, got ${concurrency}`);
  const jobTypes = options.jobTypes ?? JOB_TYPES;
  const state: RunnerState = { phase: 'idle', active: new Map(), outcomes: [] };
  const shared: RunnerShared = { db, now: options.now ?? Date.now, state, ...createAnnouncer(db, (view) => options.onRunChanged(view)) };
  const progress = createRunProgress(shared, options.progressThrottleMs ?? 250);
  const heartbeat = createHeartbeat(shared, options.heartbeatMs ?? HEARTBEAT_MS);
  const checkpoint = createIdleCheckpoint(shared, options.idleCheckpointMs ?? IDLE_CHECKPOINT_MS, () => commit.flushing);
  const commit = createGroupCommit(shared, { concurrency, jobTypes, launch: (row, view) => launch(row, view), onIdle: () => checkpoint.schedule() });
  const launch = createLaunch(shared, {
    jobTypes,
    exportsFolder: options.paths?.exportsFolder ?? exportsFolderFor(db.path),
    reportProgress: progress.report,
    queue: commit.queue,
  });

  return {
    concurrency,

    start() {
      if (state.phase !== 'idle') throw new Error(`The runner was already ${state.phase}.`);
      const recovered = recoverInterruptedRuns(shared);
      state.phase = 'started';
      commit.flush();
      heartbeat.start();
      return { recovered };
    },

    async stop() {
      if (state.phase === 'stopped') return;
      state.phase = 'stopped';
      checkpoint.cancel();
      heartbeat.stop();
      commit.retryNow();
      while (state.active.size > 0) {
        const running = [...state.active.values()];
        running.forEach(interrupt);
        await Promise.all(running.map((run) => run.settled));
      }
    },

    wake() {
      if (state.phase === 'started') commit.flush();
    },

    cancel: (runId, actor) => cancelRun(shared, progress, runId, actor),
  };
}
