// What this process knows of the work a worker thread does on its file after an adoption (adoption/after-open.ts): the
// rollups' count under way, and a step that holds the write lock (the count, one index build). Reads of the rollups
// await the count instead of meeting uncounted rollups; writes on the main connection await the step instead of
// waiting in the busy timeout (which blocks the thread and, past it, fails with SQLITE_BUSY). Both waits are
// promises: nothing waits on the main thread, and nothing times out. Keyed by the file, so every connection of this
// process to it (the app's, the read pool's) sees the same work.

const countsUnderWay = new Map<string, Promise<void>>();
const locksHeld = new Map<string, Promise<void>>();

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

/** Runs `step` (a worker's write transaction on `file`) with the main connection's writes held back until it settles. */
export function holdingWriteLock<T>(file: string, step: () => Promise<T>): Promise<T> {
  return tracked(locksHeld, file, step);
}

/** True while a background step holds (or is about to take) `file`'s write lock. */
export function writeLockHeldInBackground(file: string): boolean {
  return locksHeld.has(file);
}

/** Resolves once no background step holds `file`'s write lock (at once when none does). */
export async function whenWritable(file: string): Promise<void> {
  for (let held = locksHeld.get(file); held; held = locksHeld.get(file)) await held;
}
