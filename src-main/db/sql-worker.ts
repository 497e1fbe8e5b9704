// SQL on a second core: a worker thread with a connection of its own runs a list of statements and sends back
// what they return. better-sqlite3 is synchronous, so this is the only way one process reads (or writes a
// scratch file) while its main thread keeps working on another connection. The worker's code is a string
// (eval), so it needs no bundler entry of its own: the Electron build, the CLI, tsx and vitest all run it as is.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { nativeBindingFor } from './connection';

export interface SqlStep {
  sql: string;
  /** Named (@name) or positional parameters. */
  params?: Record<string, unknown> | unknown[];
  /**
   * 'exec' runs a script (no parameters, nothing returned); 'get' and 'all' return rows; 'run' returns changes;
   * 'continueIf' reads one value, and when it is falsy the steps after it do not run (and a transaction they left
   * open rolls back as the connection closes): the job answers with the results so far.
   */
  kind: 'exec' | 'get' | 'all' | 'run' | 'continueIf';
}

export interface SqlWorkerJob {
  /** The connection's main database file. */
  file: string;
  /** Opens `file` read-only: nothing the steps run can change it. */
  readonly: boolean;
  /** Files attached before the steps run, by schema name. */
  attach?: Record<string, string>;
  /** How long a step waits for another connection's lock before it fails with SQLITE_BUSY (default 5000 ms). */
  busyTimeoutMs?: number;
  /** Also the sha256 (hex) of `file`'s bytes, read before the connection opens: answered as `digest`. */
  sha256?: boolean;
  steps: SqlStep[];
}

export interface SqlWorkerOptions {
  /** A better-sqlite3 addon built for another ABI (the Electron shell's), as openDatabaseFile takes it; default: this thread's (useNativeBinding). */
  nativeBinding?: string;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const { job, nativeBinding } = workerData;
let db;
try {
  let digest = null;
  if (job.sha256) {
    const fs = require('node:fs');
    const hash = require('node:crypto').createHash('sha256');
    const fd = fs.openSync(job.file, 'r');
    try {
      const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
      for (let read = fs.readSync(fd, buffer); read > 0; read = fs.readSync(fd, buffer)) hash.update(buffer.subarray(0, read));
    } finally {
      fs.closeSync(fd);
    }
    digest = hash.digest('hex');
  }
  db = new Database(job.file, { readonly: job.readonly, fileMustExist: job.readonly, nativeBinding });
  db.pragma('busy_timeout = ' + (job.busyTimeoutMs ?? 5000));
  for (const [schema, file] of Object.entries(job.attach || {})) db.prepare('ATTACH ? AS "' + schema + '"').run(file);
  const results = [];
  for (const step of job.steps) {
    if (step.kind === 'exec') {
      db.exec(step.sql);
      results.push(null);
      continue;
    }
    const statement = db.prepare(step.sql);
    const args = step.params === undefined ? [] : [step.params];
    if (step.kind === 'continueIf') {
      const value = statement.pluck().get(...args);
      results.push(value);
      if (!value) break;
    } else if (step.kind === 'run') results.push(statement.run(...args).changes);
    else results.push(step.kind === 'get' ? statement.get(...args) : statement.all(...args));
  }
  parentPort.postMessage({ ok: true, results, digest });
} catch (error) {
  parentPort.postMessage({ ok: false, message: error && error.message ? error.message : String(error), code: error && error.code });
} finally {
  if (db && db.open) db.close();
}
`;

/** Thrown in the caller for a step that failed in the worker (or a worker that died). */
export class SqlWorkerError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'SqlWorkerError';
  }
}

/** What a job answers: each step's result in order, and the file's sha256 when the job asked for it (else null). */
export interface SqlWorkerAnswer {
  results: unknown[];
  digest: string | null;
}

/**
 * Starts `job` on a worker thread at once and resolves with each step's result, in order (null for 'exec'; fewer when a
 * 'continueIf' stopped it). The steps run in one go on one connection; the first failure rejects, and the connection is
 * closed either way.
 */
export function runSqlInWorker(job: SqlWorkerJob, options: SqlWorkerOptions = {}): Promise<unknown[]> {
  return runSqlJobInWorker(job, options).then((answer) => answer.results);
}

/** runSqlInWorker, answering the digest too (SqlWorkerJob.sha256). */
export function runSqlJobInWorker(job: SqlWorkerJob, options: SqlWorkerOptions = {}): Promise<SqlWorkerAnswer> {
  const betterSqlite3 = createRequire(__filename).resolve('better-sqlite3');
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { module: betterSqlite3, job, nativeBinding: nativeBindingFor(options.nativeBinding) },
    });
    let answered = false;
    worker.once('message', (message: ({ ok: true } & SqlWorkerAnswer) | { ok: false; message: string; code?: string }) => {
      answered = true;
      if (message.ok) resolve({ results: message.results, digest: message.digest });
      else reject(new SqlWorkerError(message.message, message.code));
    });
    worker.once('error', (error) => {
      answered = true;
      reject(new SqlWorkerError(error.message, undefined));
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new SqlWorkerError(`The SQL worker stopped (exit code ${code}) before it answered`, undefined));
    });
  });
}
