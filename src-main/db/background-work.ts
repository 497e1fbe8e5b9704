// What this process knows of the work a worker thread does on its file after an adoption (adoption/after-open.ts): the
// rollups' count under way, and a step that holds the write lock (one index build, the count's first and last).
// Reads of the rollups await the count instead of meeting uncounted rollups; writes on the main connection await the
// step instead of waiting in the busy timeout (which blocks the thread and, past it, fails with SQLITE_BUSY). Both
// waits are promises: nothing waits on the main thread, and nothing times out. Keyed by the file, so every connection
// of this process to it (the app's, the read pool's) sees the same work.
// A call admitted to write (admittedWrite) may await something before it writes (a handler's awaits); a step asked
// meanwhile waits for it, up to ADMITTED_WAIT_MS, instead of taking the lock under it, which would leave its write in
// the busy timeout for the whole step. Work that needs no admission comes before it (a password's hash: accounts/).
// The rollups' count holds the lock only to start and to end (db/rollups.ts, a count from a snapshot); a call is
// admitted after the whole count all the same (it may read or move the rollups, or change the runs the count reads),
// but an account's write (the first-run setup, a sign-in) only waits for the lock.

import { log } from '../log';
import { inImmediateTransaction, type AppDatabase, type InTransaction } from './connection';

const countsUnderWay = new Map<string, Promise<void>>();
const locksHeld = new Map<string, Promise<void>>();
/** Per file: the calls admitted to write that have not ended, and the steps waiting for them to end. */
const admitted = new Map<string, { calls: number; ended: (() => void)[] }>();

/**
 * How long a background step waits for the calls admitted before it asked for the lock (a call that waits for the
 * step itself, through a read of uncounted rollups, would otherwise wait for ever).
 */
export const ADMITTED_WAIT_MS = 5_000;

/** Runs `work` with its settling (never a rejection) kept under `file` in `under` until it settles. */
function tracked<T>(under: Map<string, Promise<void>>, file: string, work: () => Promise<T>): Promise<T> {
  const done = work();
  const settled = done.then(
    () => undefined,
    () => undefined,
  );
  under.set(file, settled);
  void settled.then(() => {
    if (under.get(file) === settled) under.delete(file);
  });
  return done;
}

/** Runs `work` as the count of `file`'s rollups: until it settles, rollupsCountUnderWay hands out its promise. */
export function countingRollups<T>(file: string, work: () => Promise<T>): Promise<T> {
  return tracked(countsUnderWay, file, work);
}

/** The count of `file`'s rollups under way in this process, if any: settles when it ends (counted or not). */
export function rollupsCountUnderWay(file: string): Promise<void> | undefined {
  return countsUnderWay.get(file);
}

/**
 * Runs `step` (a worker's write transaction on `file`) with the main connection's writes held back until it settles:
 * calls admitted before it end first (up to ADMITTED_WAIT_MS), and no call is admitted until it settles.
 */
export function holdingWriteLock<T>(file: string, step: () => Promise<T>): Promise<T> {
  return tracked(locksHeld, file, async () => {
    await admittedCallsEnded(file);
    return step();
  });
}

/**
 * What an admitted call may write: 'any' (the runs, the rollups, anything), or 'accounts' alone (users, sign-ins and
 * their audit events), which cannot move a rollup or change what the rollups' count reads.
 */
export type AdmittedWrite = 'any' | 'accounts';

/**
 * Runs `write`, a call that may write on the main connection, once no background step holds `file`'s write lock (or
 * waits to take it) and, unless it writes `accounts` alone, no count of the rollups is under way; then keeps the next
 * step from taking the lock until `write` has ended (up to ADMITTED_WAIT_MS).
 */
export async function admittedWrite<T>(file: string, write: () => Promise<T>, writes: AdmittedWrite = 'any'): Promise<T> {
  const holding = () => locksHeld.get(file) ?? (writes === 'any' ? countsUnderWay.get(file) : undefined);
  // No await between the last look at the lock and the count below: a step asked in between would not see this call.
  for (let held = holding(); held; held = holding()) await held;
  const entry = admitted.get(file) ?? { calls: 0, ended: [] };
  admitted.set(file, entry);
  entry.calls++;
  try {
    return await write();
  } finally {
    if (--entry.calls === 0) {
      admitted.delete(file);
      for (const resolve of entry.ended) resolve();
    }
  }
}

/** `work` in an immediate transaction on `db`, admitted to write (admittedWrite): for a call that awaited something first. */
export function inAdmittedTransaction<T>(db: AppDatabase, work: (tx: InTransaction) => T, writes: AdmittedWrite = 'any'): Promise<T> {
  return admittedWrite(db.path, async () => inImmediateTransaction(db, work), writes);
}

function admittedCallsEnded(file: string): Promise<void> {
  const entry = admitted.get(file);
  if (!entry) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ADMITTED_WAIT_MS);
    entry.ended.push(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** True while a background step holds (or is about to take) `file`'s write lock. */
export function writeLockHeldInBackground(file: string): boolean {
  return locksHeld.has(file);
}

/** Resolves once no background step holds `file`'s write lock (at once when none does). */
export async function whenWritable(file: string): Promise<void> {
  for (let held = locksHeld.get(file); held; held = locksHeld.get(file)) await held;
}

/**
 * A write a read brings about (what a statistics read keeps for the next start): at once, or, while a background step
 * holds `file`'s write lock, once it has ended. Written at once, the thread would wait in the busy timeout for the
 * whole step, every answer and request behind it. A failure is logged as `what` could not be kept: never the read's.
 */
export function writeBesideRead(file: string, what: string, write: () => void): void {
  if (writeLockHeldInBackground(file)) {
    void whenWritable(file).then(() => writeBesideRead(file, what, write));
    return;
  }
  try {
    write();
  } catch (error) {
    log.warn(`[reads] ${what} could not be kept in the file:`, error);
  }
}
