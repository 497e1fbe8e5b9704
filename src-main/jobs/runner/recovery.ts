// Crash recovery at start: runs a crash (or a stop whose last flush failed) left running end failed as interrupted.
import { recordAuditEvent } from '../../audit/record';
import { failRunningRuns } from '../../lifecycle/runs';
import { INTERRUPTED_ERROR } from './execution';
import type { RunnerShared } from './state';

/** Fails the runs left running, each ending at its last recorded sign of life, audited as 'runs.recovered' and announced. */
export function recoverInterruptedRuns(shared: RunnerShared): number {
  const { db } = shared;
  const recovered = failRunningRuns(db, { kind: 'all' }, INTERRUPTED_ERROR);
  if (recovered.length > 0) {
    recordAuditEvent(db, {
      actor: { kind: 'app', label: 'startup' },
      action: 'runs.recovered',
      details: { count: recovered.length, runIds: recovered.map((row) => row.id) },
      at: shared.now(),
    });
    shared.viewsOf(recovered).forEach(shared.announce);
  }
  return recovered.length;
}
