// A read worker's thread (started by pool.ts): one read-only connection to the app's file, kept open for the life of
// the pool, answering the reads of queries.ts one at a time. Its statement cache, prepared statements and settled-day
// cache are its own, so they stay warm from request to request; what the stats read of settled days for the file goes
// back with the answer, for the main thread to write (the connection here is read-only).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../src-shared/errors';
import { openDatabaseFile, useNativeBinding, type AppDatabase } from '../db/connection';
import { takeWindowsToKeep } from '../stats/kept-windows';
import { queueIndexesBuilt } from '../adoption/after-open';
import { RollupsUncountedError } from '../db/rollups';
import { DAY_MS } from '../db/rollup-keys';
import { runRead } from './queries';
import { getActiveJobRuns, getRecentJobRuns, listJobRuns } from '../history/pages';
import { getJobTypes } from '../history/runs';
import { getJobRunStats } from '../stats/stats';
import { recentStatsAsks, statsInputOf, type StatsAsk } from '../stats/recent-asks';
import { listJobRunsInput } from '../../src-shared/schemas/jobs';
import { type ReadAnswer, type ReadRequest, type ReadWorkerData } from './protocol';

function answerOf(db: AppDatabase, request: ReadRequest, run: () => unknown): ReadAnswer {
  try {
    const value = run();
    const keep = takeWindowsToKeep(db);
    return keep.length > 0 ? { id: request.id, ok: true, value, keep } : { id: request.id, ok: true, value };
  } catch (error) {
    if (error instanceof AppError) {
      return { id: request.id, ok: false, error: { kind: 'app', code: error.code, message: error.message, fields: error.fields, details: error.details } };
    }
    if (error instanceof RollupsUncountedError) return { id: request.id, ok: false, error: { kind: 'uncounted' } };
    const { message, stack } = error instanceof Error ? error : { message: String(error), stack: undefined };
    return { id: request.id, ok: false, error: { kind: 'internal', message, stack } };
  }
}

/**
 * On Linux, a thread of long reads runs below normal priority (nice 10): when the cores are busy, the main thread (the
 * runner, its commits, the requests) is served first, and the long reads take what is left. Elsewhere, and for the
 * short reads' thread, the process's priority.
 */
function yieldToTheMainThread(): void {
  if (process.platform !== 'linux') return;
  try {
    const thread = Number(path.basename(fs.readlinkSync('/proc/thread-self')));
    if (Number.isInteger(thread) && thread !== process.pid) os.setPriority(thread, os.constants.priority.PRIORITY_BELOW_NORMAL);
  } catch {
    // No /proc, or not allowed: the reads run at the process's priority.
  }
}

/**
 * The reads a thread serves first when a window opens, their answers dropped: a new thread compiles the reads' code and
 * prepares their statements on its first request, tens of milliseconds each, which the first page and the first
 * statistics would wait for. The short reads across all businesses, each once. The statistics people asked for last
 * (stats/recent-asks.ts), whose settled days and day edges this connection then keeps in memory, so the view's first
 * statistics after a start cost what a repeated call does (a first call reads the rollups: a hundred milliseconds at a
 * million runs): the latest ask twice before any request is taken, the second time to run the path a repeated call
 * takes (the kept groups, the live days) once before the view's call does, the others once each. One read per turn of
 * the event loop after the first two, so a request that arrives meanwhile is answered between two of them.
 */
function warmUp(db: AppDatabase, long: boolean): void {
  const all = { kind: 'all' } as const;
  const statsOf = (ask: StatsAsk) => () => getJobRunStats(db, ask.scope, statsInputOf(ask, Date.now()));
  const [latest, ...others] = long ? statsToWarm(db) : [];
  const reads: (() => unknown)[] = long
    ? others.map(statsOf)
    : [
        () => listJobRuns(db, all, listJobRunsInput.parse({})),
        // Not while its index is still to build after an adoption: it would read every run, the pages waiting behind it.
        () => queueIndexesBuilt(db) && getActiveJobRuns(db, all, { cursor: null, limit: 50 }),
        () => getRecentJobRuns(db, all, { limit: 10 }),
        () => getJobTypes(db, all),
      ];
  const readOnce = (read: () => unknown): boolean => {
    try {
      read();
      return true;
    } catch {
      // Rollups still to count, or the file closing: the first request compiles what is left.
      return false;
    }
  };
  if (latest && readOnce(statsOf(latest))) readOnce(statsOf(latest));
  const next = () => {
    const read = reads.shift();
    if (!read || !db.sqlite.open) return;
    readOnce(read);
    setImmediate(next);
  };
  setImmediate(next);
}

/** The statistics people asked for last (stats/recent-asks.ts), else all businesses' last day in UTC. */
function statsToWarm(db: AppDatabase): StatsAsk[] {
  const asks = recentStatsAsks(db);
  return asks.length > 0 ? asks : [{ scope: { kind: 'all' }, lengthMs: DAY_MS, to: null, timeZone: 'UTC' }];
}

const port = parentPort;
if (port) {
  const { file, nativeBinding, belowNormalPriority, lane } = workerData as ReadWorkerData;
  if (belowNormalPriority) yieldToTheMainThread();
  useNativeBinding(nativeBinding); // every file a read opens (a backup it checks) loads the shell's addon
  const db = openDatabaseFile(file, { readonly: true });
  port.on('message', (request: ReadRequest | 'close') => {
    if (request === 'close') {
      db.close();
      port.close();
      return;
    }
    const answer = answerOf(db, request, () => runRead(db, request.name, request.caller, request.input as never));
    try {
      port.postMessage(answer);
    } catch (error) {
      // An answer that cannot be cloned (an error's details): said as an internal failure rather than never answered.
      port.postMessage({ id: request.id, ok: false, error: { kind: 'internal', message: `The read's answer could not be sent: ${String(error)}` } } satisfies ReadAnswer);
    }
  });
  port.postMessage('ready');
  warmUp(db, lane === 'long');
}
