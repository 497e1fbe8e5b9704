// Every reference in the file checked after the app opens it, off its threads: `PRAGMA foreign_key_check` reads every
// row that holds one (all the runs), a third of a second at a million runs and seconds beyond, which the open used to
// spend before it served. The app writes with foreign keys on, and a migration or an adoption checks every reference
// inside its own transaction, so a broken one can only come from a tool that wrote the file with them off: the check
// looks for that, a few seconds after the window has what it needs, on a read-only connection of its own. The CLI and
// the tests check before anything is served (startup.ts) and refuse such a file.
import { setTimeout as sleep } from 'node:timers/promises';
import { describeForeignKeyViolations, type ForeignKeyViolation } from './migrations';
import { runSqlInWorker, type SqlWorkerOptions } from './sql-worker';

/** How long after the open the check starts: the first page, the sign-in and the first reads go first. */
export const REFERENCE_CHECK_DELAY_MS = 5_000;

export interface ReferenceCheckOptions extends SqlWorkerOptions {
  /** Aborted (the app closing) before the check starts: it does not start, and answers none. */
  signal?: AbortSignal;
  delayMs?: number;
}

/** The file's broken references, one readable line each (none: every reference holds), read on a worker thread. */
export async function brokenReferencesInBackground(file: string, options: ReferenceCheckOptions = {}): Promise<string[]> {
  try {
    await sleep(options.delayMs ?? REFERENCE_CHECK_DELAY_MS, undefined, { signal: options.signal, ref: false });
  } catch {
    return []; // closed first
  }
  const [rows] = await runSqlInWorker({ file, readonly: true, steps: [{ kind: 'all', sql: 'PRAGMA foreign_key_check' }] }, options);
  return describeForeignKeyViolations((rows ?? []) as ForeignKeyViolation[]);
}
