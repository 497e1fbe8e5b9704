// Progress, throttled per run: at most one write per run per throttleMs, and the last value reported is always
// written (by its timer, by a cancel, or by the flush that writes the run's outcome).
import { writeLockHeldInBackground } from '../../db/background-work';
import { recordRunProgress } from '../../lifecycle/runs';
import type { ActiveRun, ProgressReport, RunnerShared } from './state';

export interface RunProgress {
  /** A handler's ctx.reportProgress: written now, or kept as the run's pending progress until its throttle allows. */
  report(run: ActiveRun, fraction: number, message?: string): void;
  /** Writes the run's pending progress now (a cancel does, before it finishes the run) and stops its timer. */
  flush(run: ActiveRun): void;
}

export function createRunProgress(shared: RunnerShared, throttleMs: number): RunProgress {
  const { db, state } = shared;

  function write(run: ActiveRun, progress: ProgressReport): void {
    run.lastProgressWriteAt = Date.now();
    run.pendingProgress = null;
    const row = recordRunProgress(db, run.scope, run.id, progress.fraction, progress.message, shared.now());
    if (row) shared.viewsOf([row]).forEach(shared.announce);
  }

  function flush(run: ActiveRun): void {
    stopProgressTimer(run);
    if (run.pendingProgress) write(run, run.pendingProgress);
  }

  return {
    flush,

    report(run, fraction, message) {
      if (!state.active.has(run.id) || run.controller.signal.aborted || !Number.isFinite(fraction)) return;
      const progress: ProgressReport = { fraction: Math.min(1, Math.max(0, fraction)), message: message?.slice(0, 500) };
      // Messages given earlier but not yet written are kept when a later report has none.
      if (progress.message === undefined && run.pendingProgress?.message !== undefined) progress.message = run.pendingProgress.message;
      const wait = writeLockHeldInBackground(db.path) ? throttleMs : run.lastProgressWriteAt + throttleMs - Date.now();
      if (wait <= 0) {
        write(run, progress);
        return;
      }
      run.pendingProgress = progress;
      later(run, wait);
    },
  };

  /** The pending progress, written after `wait` ms, or later while an adoption's background step holds the write lock. */
  function later(run: ActiveRun, wait: number): void {
    run.progressTimer ??= setTimeout(() => {
      run.progressTimer = null;
      if (!run.pendingProgress || !state.active.has(run.id)) return;
      if (writeLockHeldInBackground(db.path)) later(run, throttleMs);
      else flush(run);
    }, wait);
  }
}

/** The run's throttle timer stops; its pending progress stays for whoever writes it next (a flush writes it with the outcome). */
export function stopProgressTimer(run: ActiveRun): void {
  if (run.progressTimer) clearTimeout(run.progressTimer);
  run.progressTimer = null;
}
