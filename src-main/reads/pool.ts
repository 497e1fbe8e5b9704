// Reads off the main thread: a few long-lived worker threads (worker.ts), each with its own read-only connection to the
// app's file, run the reads of queries.ts while the main thread keeps serving requests, the runner and its group
// commits. In WAL mode a reader never waits for the writer nor holds it up, and each read sees every commit made
// before it started. The main thread's share of a read is a message each way (the input, the view).
// Lists, pages and other short reads go ahead of statistics, previews and suggestions in the queue, and with more than
// one thread the first serves short reads alone, so a page never waits behind a long read. The threads that take long
// reads run below normal priority (worker.ts), so when the cores are busy the main thread, and with it the runner, is
// served first. A read that meets rollups an adoption left uncounted is asked again once the background work has
// counted them (answerWith), so none fails and none waits on the main thread.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../src-shared/errors';
import { whenRollupsCounted } from '../adoption/after-open';
import { writeBesideRead } from '../db/background-work';
import { type AppDatabase } from '../db/connection';
import { type ReadAnswer, type ReadFailure, type ReadRequest, type ReadWorkerData } from './protocol';
import { keepWindows, takeWindowsToKeep, type KeptWindowRow } from '../stats/kept-windows';
import { runRead, type ReadCaller, type ReadInput, type ReadName, type ReadOutput } from './queries';
import { log } from '../log';

export interface ReadPool {
  run<N extends ReadName>(name: N, caller: ReadCaller, input: ReadInput<N>): Promise<ReadOutput<N>>;
  /** Stops the threads (a read under way is answered first). */
  close(): Promise<void>;
  /** How many worker threads serve the reads; 0 when they run on the calling thread. */
  readonly threads: number;
}

/** Reads that answer in a few milliseconds whatever the file's size: served before the long ones. */
const SHORT_READS: ReadonlySet<ReadName> = new Set(['jobs.list', 'jobs.recent', 'jobs.active', 'jobs.types', 'orphans.list', 'audit.list']);

/** How long closing waits for a read under way before it stops the thread. */
const CLOSE_WAIT_MS = 5_000;

/** One thread for short reads and one for long ones; a third for long ones where there are more than 4 cores. */
export function defaultReadThreads(): number {
  return os.availableParallelism() > 4 ? 3 : 2;
}

/** The reads on the calling thread: the same functions on the same connection (the CLI, tests that ask for it). */
export function inlineReads(db: AppDatabase): ReadPool {
  return {
    run: async (name, caller, input) => runReadAndKeep(db, name, caller, input),
    close: async () => {},
    threads: 0,
  };
}

/**
 * The worker's code. Built (electron-vite), it is the `read-worker` entry beside the main bundle; run from the sources
 * (tsx, vitest, Playwright's runner), the worker registers tsx first and loads worker.ts itself.
 */
function workerSource(): { script: string; eval: boolean } {
  if (__filename.endsWith('.ts')) {
    const entry = path.join(__dirname, 'worker.ts');
    return { script: `require('tsx/cjs/api').register(); require(${JSON.stringify(entry)});`, eval: true };
  }
  const candidates = [path.join(__dirname, 'read-worker.js'), path.join(__dirname, '..', 'read-worker.js')];
  const built = candidates.find((file) => fs.existsSync(file));
  if (!built) throw new Error(`The read worker's bundle is missing (looked for ${candidates.join(', ')})`);
  return { script: built, eval: false };
}

function failureError(failure: Exclude<ReadFailure, { kind: 'uncounted' }>): Error {
  if (failure.kind === 'app') return new AppError(failure.code, failure.message, failure.details, failure.fields);
  const error = new Error(`A read worker failed: ${failure.message}`);
  if (failure.stack) error.stack = `${error.message}\n(in the worker) ${failure.stack}`;
  return error;
}

/** Writes what a read computed for the file (the stats' windows of settled days) beside the read; a failure costs only a later read. */
function keepFromRead(db: AppDatabase, rows: readonly KeptWindowRow[]): void {
  if (rows.length > 0) writeBesideRead(db.path, "the statistics read's windows", () => keepWindows(db, rows));
}

/** A read on the calling thread's connection, and what it computed for the file written. */
function runReadAndKeep<N extends ReadName>(db: AppDatabase, name: N, caller: ReadCaller, input: ReadInput<N>): ReadOutput<N> {
  const value = runRead(db, name, caller, input);
  keepFromRead(db, takeWindowsToKeep(db));
  return value;
}

/**
 * Settles a read with its worker's answer, writing what it computed for the file. One that met rollups still to count (an
 * adoption's background work under way) is asked again once they are counted (whenRollupsCounted: the count under way,
 * or one it starts on a worker): it waits as a promise, without a timeout, and the main thread goes on serving.
 */
function answerWith(db: AppDatabase, pending: Pending, answer: ReadAnswer, again: (pending: Pending) => void): void {
  if (answer.ok) {
    if (answer.keep) keepFromRead(db, answer.keep);
    return pending.resolve(answer.value);
  }
  if (answer.error.kind !== 'uncounted') return pending.reject(failureError(answer.error));
  whenRollupsCounted(db).then(
    () => again(pending),
    (error: unknown) => pending.reject(error),
  );
}

function readOnMain(db: AppDatabase, pending: Pending): void {
  try {
    pending.resolve(runReadAndKeep(db, pending.request.name, pending.request.caller, pending.request.input as never));
  } catch (error) {
    pending.reject(error);
  }
}

/** Stops a thread after the read under way, if any (a worker takes its messages in order), or after CLOSE_WAIT_MS. */
function closeThread(thread: Thread): Promise<void> {
  return new Promise<void>((resolve) => {
    const stuck = setTimeout(() => void thread.worker.terminate(), CLOSE_WAIT_MS);
    thread.worker.once('exit', () => {
      clearTimeout(stuck);
      resolve();
    });
    thread.worker.postMessage('close');
  });
}

interface Pending {
  request: ReadRequest;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** `short`: short reads only, at normal priority; `long`: long reads only, below normal priority; `any`: the only thread, both. */
type Lane = ReadWorkerData['lane'];

interface Thread {
  lane: Lane;
  worker: Worker;
  ready: boolean;
  busy: Pending | null;
}

/** `threads` workers on `db`'s file (default: defaultReadThreads). */
export function createReadPool(db: AppDatabase, options: { threads?: number; nativeBinding?: string } = {}): ReadPool {
  const size = Math.max(1, options.threads ?? defaultReadThreads());
  const source = workerSource();
  const data = { file: db.path, nativeBinding: options.nativeBinding };
  const queues = { short: [] as Pending[], long: [] as Pending[] };
  const threads: Thread[] = [];
  let nextId = 1;
  let closing = false;
  let onMainThread = false;

  const dispatch = () => {
    for (const thread of threads) {
      if (!thread.ready || thread.busy) continue;
      // A short read waits for the short lane's thread (a fraction of a millisecond) rather than run below normal priority.
      const next = thread.lane === 'long' ? queues.long.shift() : (queues.short.shift() ?? (thread.lane === 'any' ? queues.long.shift() : undefined));
      if (!next) continue;
      thread.busy = next;
      thread.worker.postMessage(next.request);
    }
  };

  // First in its queue: it waited long enough.
  const again = (pending: Pending) => {
    if (closing) return pending.reject(new Error('The reads are closed'));
    if (onMainThread) return readOnMain(db, pending);
    (SHORT_READS.has(pending.request.name) ? queues.short : queues.long).unshift(pending);
    dispatch();
  };

  const settle = (thread: Thread, answer: ReadAnswer) => {
    const pending = thread.busy;
    thread.busy = null;
    if (pending) answerWith(db, pending, answer, again);
  };

  const start = (lane: Lane): Thread => {
    const workerData: ReadWorkerData = { ...data, belowNormalPriority: lane !== 'short', lane };
    const worker = new Worker(source.script, { eval: source.eval, workerData });
    const thread: Thread = { lane, worker, ready: false, busy: null };
    worker.on('message', (message: ReadAnswer | 'ready') => {
      if (message === 'ready') thread.ready = true;
      else settle(thread, message);
      dispatch();
    });
    worker.on('error', (error) => {
      log.error('[reads] a read worker failed:', error);
    });
    worker.on('exit', (code) => {
      const at = threads.indexOf(thread);
      if (at >= 0) threads.splice(at, 1);
      thread.busy?.reject(new Error(`A read worker stopped (exit code ${code}) before it answered`));
      thread.busy = null;
      if (closing) return;
      if (!thread.ready) {
        // It could not even open the file: the reads run on the main thread rather than not at all.
        log.error(`[reads] a read worker could not start (exit code ${code}); reads run on the main thread`);
        onMainThread = true;
        for (const pending of [...queues.short.splice(0), ...queues.long.splice(0)]) readOnMain(db, pending);
        return;
      }
      // One that died after it served is replaced; the queue waits for it. The short lane's thread stays first.
      threads.push(start(lane));
      threads.sort((x, y) => Number(y.lane === 'short') - Number(x.lane === 'short'));
    });
    return thread;
  };
  threads.push(...(size === 1 ? [start('any')] : [start('short'), ...Array.from({ length: size - 1 }, () => start('long'))]));

  return {
    threads: size,
    run(name, caller, input) {
      if (closing) return Promise.reject(new Error('The reads are closed'));
      if (onMainThread) return inlineReads(db).run(name, caller, input);
      return new Promise((resolve, reject) => {
        const pending: Pending = { request: { id: nextId++, name, caller, input }, resolve: resolve as (value: unknown) => void, reject };
        (SHORT_READS.has(name) ? queues.short : queues.long).push(pending);
        dispatch();
      });
    },
    async close() {
      closing = true;
      for (const pending of [...queues.short.splice(0), ...queues.long.splice(0)]) pending.reject(new Error('The reads are closed'));
      await Promise.all(threads.map(closeThread));
    },
  };
}
