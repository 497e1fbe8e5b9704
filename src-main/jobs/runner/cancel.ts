// Cancelling a run: written at once, not queued (it may run inside its caller's transaction).
import type { JobRunView } from '../../../src-shared/schemas/jobs';
import { findJobRunView } from '../../history/runs';
import { finishJobRun, ownScopeOf } from '../../lifecycle/runs';
import type { RunProgress } from './progress';
import type { RunnerShared } from './state';

/**
 * A pending run is cancelled at once; a running one too, its pending progress written first and its handler aborted
 * (its slot stays taken until the handler settles). Null when the run is missing or already finished.
 */
export function cancelRun(shared: RunnerShared, progress: RunProgress, runId: number, actor: { userId: number } | null): JobRunView | null {
  const { db } = shared;
  const current = findJobRunView(db, { kind: 'all' }, runId);
  if (!current) return null;
  const scope = ownScopeOf(current);
  const run = shared.state.active.get(runId);
  if (run) progress.flush(run);
  // Written at once, not queued: a handler's outcome still waiting for the flush then changes nothing.
  const cancelled = finishJobRun(db, scope, runId, { status: 'cancelled', cancelledByUserId: actor?.userId ?? null }, shared.now());
  if (!cancelled) return null;
  run?.controller.abort(new Error('cancelled'));
  // Re-read and announced (the caller's transaction may still be open).
  const view = findJobRunView(db, scope, runId);
  if (view) shared.announce(view);
  return findJobRunView(db, scope, runId);
}
