// Heartbeat: the last sign of life of the runs the runner holds.
import { writeLockHeldInBackground } from '../../db/background-work';
import { recordRunHeartbeats } from '../../lifecycle/runs';
import type { RunnerShared } from './state';
import { log } from '../../log';

/**
 * How often the runner records that its running runs are alive (heartbeat_at, one statement for all of them; every
 * progress write records it too). A run a crash interrupts ends at its last heartbeat, at most this long before the
 * crash, rather than at the next start, which may be days later.
 */
export const HEARTBEAT_MS = 5_000;

export interface Heartbeat {
  start(): void;
  stop(): void;
}

export function createHeartbeat(shared: RunnerShared, heartbeatMs: number): Heartbeat {
  const { db, state } = shared;
  let timer: NodeJS.Timeout | null = null;

  function schedule(): void {
    timer = setTimeout(() => {
      timer = null;
      if (state.phase !== 'started') return;
      // Inside a caller's open transaction, closed, or an adoption's background step holding the write lock: this beat
      // is skipped, the next one records.
      if (state.active.size > 0 && db.sqlite.open && !db.sqlite.inTransaction && !writeLockHeldInBackground(db.path)) {
        try {
          recordRunHeartbeats(db, [...state.active.keys()], shared.now());
        } catch (error) {
          log.error('runner: could not record the heartbeat of the running runs', error);
        }
      }
      schedule();
    }, heartbeatMs);
    // Never what keeps the process alive.
    timer.unref();
  }

  return {
    start: schedule,
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
