// Group commit: outcomes are not written when a handler returns but queued, and once per turn of the event
// loop (setImmediate) one immediate transaction writes every queued outcome (with its last progress) and
// claims the next pending runs for the slots they free, shared fairly between owners (lifecycle/claims.ts); events
// follow the commit, with views built from the rows the statements returned. Crash window: a crash (or power loss) between a handler's return and that
// flush, which is at most one turn of the loop, loses the outcomes queued in that turn; their runs are still
// `running` in the file, so recovery at the next start marks them failed as interrupted (never lost silently,
// but a handler's completed result and side effects can then show as an interrupted run, ending at its last
// heartbeat). Claims are never lost: a handler starts only after the transaction that claimed its run has committed. A flush the file
// refuses (busy past the timeout, disk full) keeps its outcomes queued and their slots held, and is tried again
// after FLUSH_RETRY_MS; only while stopping does a failed flush give up and leave its runs to recovery.
import type { JobRunView } from '../../../src-shared/schemas/jobs';
import { whenWritable, writeLockHeldInBackground } from '../../db/background-work';
import { inImmediateTransaction } from '../../db/connection';
import type { JobRunRow } from '../../db/schema';
import type { JobRunListRow } from '../../history/views';
import { SYSTEM_OWNER } from '../../tenancy/owner-sql';
import { claimPendingRuns, createClaimTurns, type ClaimTurns } from '../../lifecycle/claims';
import { recordRunOutcome, recordRunProgress, type RunOutcome } from '../../lifecycle/runs';
import type { JobTypeDefinition } from '../registry';
import { stopProgressTimer } from './progress';
import type { ActiveRun, QueuedOutcome, RunnerShared } from './state';
import { log } from '../../log';

/** How long a flush that could not be written waits before it is tried again (the outcomes stay queued). */
export const FLUSH_RETRY_MS = 1_000;

export interface GroupCommit {
  /** A handler's outcome, for the next flush (scheduled for this turn of the loop); its progress timer stops. */
  queue(run: ActiveRun, outcome: RunOutcome): void;
  /** Writes the queued outcomes and claims runs for the free slots now; a call from a listener during a flush runs after it. */
  flush(): void;
  /** True while a flush writes and announces. */
  readonly flushing: boolean;
  /** Stopping: a failed flush waiting to be tried again is tried now, once (a failure now gives up). */
  retryNow(): void;
}

export interface GroupCommitOptions {
  concurrency: number;
  /** The types claimPendingRuns may claim. */
  jobTypes: readonly JobTypeDefinition[];
  /** Starts a claimed run, after the transaction that claimed it has committed. */
  launch(row: JobRunRow, view: JobRunView): void;
  /** A flush wrote outcomes and left nothing running. */
  onIdle(): void;
}

export function createGroupCommit(shared: RunnerShared, options: GroupCommitOptions): GroupCommit {
  const { state } = shared;
  // The round-robin between owners lasts as long as the runner.
  const turns = createClaimTurns();
  let scheduled = false;
  let flushing = false;
  let again = false;
  let waitingForLock = false;
  /** Set while a failed flush waits to be tried again. */
  let retryTimer: NodeJS.Timeout | null = null;

  function flush(): void {
    if (flushing) {
      again = true;
      return;
    }
    // An adoption's background step holds the write lock: the outcomes stay queued, and are written once it ends.
    if (writeLockHeldInBackground(shared.db.path)) {
      if (!waitingForLock) {
        waitingForLock = true;
        void whenWritable(shared.db.path).then(() => {
          waitingForLock = false;
          flush();
        });
      }
      return;
    }
    flushing = true;
    try {
      do {
        again = false;
        flushOnce();
      } while (again);
    } finally {
      flushing = false;
    }
  }

  function flushOnce(): void {
    const batch = state.outcomes;
    state.outcomes = [];
    // Runs whose outcome is in this batch give their slots to the runs claimed in the same transaction.
    const free = state.phase === 'started' ? options.concurrency - (state.active.size - batch.length) : 0;
    if (batch.length === 0 && free <= 0) return;
    let written: Written;
    try {
      written = writeBatch(shared, batch, free, options.jobTypes, turns);
    } catch (error) {
      // Nothing of this batch was written (the file busy past the timeout, the disk full…).
      log.error(`runner: could not record ${batch.length} outcome(s) and claim runs`, error);
      if (state.phase === 'started') {
        // Not dropped: the outcomes stay queued, their slots held, and the flush is tried again shortly.
        state.outcomes = [...batch, ...state.outcomes];
        retryTimer ??= setTimeout(() => {
          retryTimer = null;
          flush();
        }, FLUSH_RETRY_MS);
        return;
      }
      // Stopping: given up. The runs stay running in the file until recovery marks them interrupted at the next
      // start, and the claims stay pending.
      written = { claimed: [], views: [] };
    }
    settle(shared, options, batch, written);
  }

  return {
    flush,

    get flushing() {
      return flushing;
    },

    queue(run, outcome) {
      stopProgressTimer(run);
      state.outcomes.push({ run, outcome });
      if (scheduled) return;
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        flush();
      });
    },

    retryNow() {
      if (!retryTimer) return;
      clearTimeout(retryTimer);
      retryTimer = null;
      flush();
    },
  };
}

/** After the commit (or a flush given up): the batch's slots are freed, then its events, then the claimed runs start. */
function settle(shared: RunnerShared, options: GroupCommitOptions, batch: readonly QueuedOutcome[], { claimed, views }: Written): void {
  const { state } = shared;
  for (const { run } of batch) {
    state.active.delete(run.id);
    run.release();
  }
  const finishedViews = views.slice(0, views.length - claimed.length);
  for (const view of finishedViews) shared.announce(view);
  claimed.forEach((row, i) => options.launch(row, views[finishedViews.length + i]!));
  if (batch.length > 0 && state.active.size === 0) options.onIdle();
}

/** The runs each owner has running once this batch is written: the slots the runner holds, by owner key. */
function slotsHeld(shared: RunnerShared, batch: readonly QueuedOutcome[]): Map<number, number> {
  const finishing = new Set(batch.map(({ run }) => run.id));
  const held = new Map<number, number>();
  for (const run of shared.state.active.values()) {
    if (finishing.has(run.id) || run.scope.kind === 'orphans') continue;
    const owner = run.scope.kind === 'business' ? run.scope.businessId : SYSTEM_OWNER;
    held.set(owner, (held.get(owner) ?? 0) + 1);
  }
  return held;
}

/** What a flush wrote: the claimed rows, and the views of the finished runs followed by those of the claimed ones. */
interface Written {
  claimed: JobRunRow[];
  views: JobRunView[];
}

/**
 * One immediate transaction: the batch's outcomes (each after its last progress) and the claims for `free` slots.
 * Throws, having written nothing, when the file refuses.
 */
function writeBatch(shared: RunnerShared, batch: readonly QueuedOutcome[], free: number, jobTypes: readonly JobTypeDefinition[], turns: ClaimTurns): Written {
  const { db } = shared;
  const result = inImmediateTransaction(db, (tx) => {
    const at = shared.now();
    const written: JobRunListRow[] = [];
    for (const { run, outcome } of batch) {
      // The last progress reported goes in before the outcome, and is announced with it. It stays pending
      // until the transaction commits, so a retried flush writes it again.
      const progress = run.pendingProgress;
      const progressed = progress ? recordRunProgress(tx, run.scope, run.id, progress.fraction, progress.message, at) : null;
      if (progressed) written.push(progressed);
      const finished = recordRunOutcome(tx, run.scope, run.id, outcome, at);
      if (finished) written.push(finished);
    }
    const claimed = free > 0 ? claimPendingRuns(tx, at, free, jobTypes, turns, slotsHeld(shared, batch)) : [];
    return { claimed, views: shared.viewsOf([...written, ...claimed]) };
  }, 'memory');
  for (const { run } of batch) run.pendingProgress = null;
  return result;
}
