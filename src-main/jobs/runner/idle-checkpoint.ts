// Checkpoint once idle: after a burst, fold the WAL's pages into the file while nothing runs.
import { writeLockHeldInBackground } from '../../db/background-work';
import type { RunnerShared } from './state';
import { log } from '../../log';

/**
 * How long the runner waits with nothing running or queued before it checkpoints the WAL into the file
 * (PASSIVE: never waits for a reader or blocks a writer). Commits only checkpoint once the WAL reaches
 * WAL_AUTOCHECKPOINT_PAGES; this folds a burst's pages into the file (and fsyncs them) once the burst is over.
 */
export const IDLE_CHECKPOINT_MS = 1_000;

export interface IdleCheckpoint {
  /** Waits idleCheckpointMs (unless a checkpoint already waits, or the runner is not idle), then checkpoints if still idle. */
  schedule(): void;
  cancel(): void;
}

export function createIdleCheckpoint(shared: RunnerShared, idleCheckpointMs: number, isFlushing: () => boolean): IdleCheckpoint {
  const { db, state } = shared;
  /** Set while an idle checkpoint waits. */
  let timer: NodeJS.Timeout | null = null;

  const isIdle = () => state.phase === 'started' && state.active.size === 0 && state.outcomes.length === 0;

  return {
    schedule() {
      if (timer || !isIdle()) return;
      timer = setTimeout(() => {
        timer = null;
        // Busy again (the next burst checkpoints when it ends), closed, or inside a caller's transaction: not now.
        if (!isIdle() || isFlushing() || !db.sqlite.open || db.sqlite.inTransaction || writeLockHeldInBackground(db.path)) return;
        try {
          db.sqlite.pragma('wal_checkpoint(PASSIVE)');
        } catch (error) {
          log.error('runner: idle checkpoint failed', error);
        }
      }, idleCheckpointMs);
      // Never what keeps the process alive.
      timer.unref();
    },

    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
