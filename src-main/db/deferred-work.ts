// Indexes a bulk load left to build after its commit. Adoption copies a million runs without the job_runs indexes
// that only filters use (status, job type, who triggered, the server-edition id): each is one sort of the whole
// table, and together they took a third of the adoption. It records them here, in app_meta, in its own transaction;
// they are built after the file opens: on a worker thread while the app serves (the app), or before the database
// is handed over (the CLI, tests). Until then every query answers the same, only filtered ones read more rows
// (through the created_at indexes, which adoption builds). A process that stops half-way leaves the rest listed,
// and the next open builds them.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProgressListener } from '../../src-shared/progress';
import type { AppDatabase } from './connection';
import { readMeta, writeMeta } from './meta';
import { runSqlInWorker, SqlWorkerError, type SqlWorkerJob, type SqlWorkerOptions } from './sql-worker';

export const META_DEFERRED_INDEXES = 'deferred_indexes';

export interface DeferredIndex {
  name: string;
  /** Its CREATE INDEX statement, as the migrations wrote it. */
  sql: string;
}

/** Within the bulk load's transaction: these indexes are to be built once it has committed. */
export function deferIndexes(db: AppDatabase, indexes: DeferredIndex[], now: number): void {
  if (indexes.length > 0) writeMeta(db.orm, META_DEFERRED_INDEXES, [...missingDeferredIndexes(db), ...indexes], now);
}

/** The deferred indexes not built yet, in the order they were deferred. */
export function missingDeferredIndexes(db: AppDatabase): DeferredIndex[] {
  return deferredIndexes(db) ?? [];
}

/** Null when none are listed; else those listed that do not exist yet. */
function deferredIndexes(db: AppDatabase): DeferredIndex[] | null {
  const listed = readMeta<DeferredIndex[]>(db.orm, META_DEFERRED_INDEXES);
  if (listed === undefined) return null;
  const exists = db.sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?").pluck();
  return listed.filter((index) => exists.get(index.name) === undefined);
}

const FORGET_DEFERRED_SQL = `DELETE FROM app_meta WHERE key = '${META_DEFERRED_INDEXES}'`;

/** The index's statement with IF NOT EXISTS: building twice (two processes, a retry) is harmless. */
function createIfMissing(index: DeferredIndex): string {
  return index.sql.replace(/^CREATE\s+(UNIQUE\s+)?INDEX\s+(?!IF\s+NOT\s+EXISTS)/i, (_match, unique: string | undefined) => `CREATE ${unique ?? ''}INDEX IF NOT EXISTS `);
}

/**
 * How a connection builds them: a second sorter thread, and a 4 MB page cache instead of the app's 16, which bounds
 * the runs SQLite's external sort writes, so there are more of them for that thread (five indexes over 1M runs:
 * 2.4-2.9 s against 3.4-3.8 s with 16 MB; a larger cache was slower still).
 */
const BUILD_PRAGMAS = { threads: 2, cache_size: -4000 } as const;

/** Builds the missing deferred indexes on this connection, one transaction each, then forgets the list. */
export function buildDeferredIndexes(db: AppDatabase, onProgress?: ProgressListener): number {
  const missing = deferredIndexes(db);
  if (missing === null) return 0;
  const saved = Object.keys(BUILD_PRAGMAS).map((name) => [name, db.sqlite.pragma(name, { simple: true })] as const);
  try {
    for (const [name, value] of Object.entries(BUILD_PRAGMAS)) db.sqlite.pragma(`${name} = ${value}`);
    onProgress?.({ phase: 'Building indexes', done: 0, total: missing.length });
    missing.forEach((index, i) => {
      db.sqlite.exec(createIfMissing(index));
      onProgress?.({ phase: 'Building indexes', done: i + 1, total: missing.length });
    });
    db.sqlite.exec(FORGET_DEFERRED_SQL);
  } finally {
    for (const [name, value] of saved) db.sqlite.pragma(`${name} = ${String(value)}`);
  }
  return missing.length;
}

export interface BackgroundBuildOptions extends SqlWorkerOptions, Pick<SqlWorkerJob, 'busyTimeoutMs'> {
  /** How many times a build that found the file locked for longer than the busy timeout is tried (default 5). */
  attempts?: number;
  /** The pause between tries (default 2000 ms). */
  retryDelayMs?: number;
  /** Once aborted, no new try starts: the build rejects with the last try's error (the app aborts it as it closes). */
  signal?: AbortSignal;
}

/**
 * Builds the missing deferred indexes on a worker thread with a connection of its own, so this thread goes on
 * serving (in WAL mode readers never wait; a writer waits at most one index build, about a second at a million runs,
 * within the busy timeout). A writer that holds the file longer than the worker's busy timeout (SQLITE_BUSY) only
 * delays the build: it is tried again after a pause, the indexes already built kept, up to `attempts` times.
 * Resolves with how many it built; nothing to build resolves at once.
 */
export async function buildDeferredIndexesInBackground(db: AppDatabase, options: BackgroundBuildOptions = {}): Promise<number> {
  const { attempts = 5, retryDelayMs = 2000, busyTimeoutMs, signal, ...workerOptions } = options;
  const missing = deferredIndexes(db);
  if (missing === null) return 0;
  for (let attempt = 1; ; attempt++) {
    try {
      await runSqlInWorker(
        {
          file: db.path,
          readonly: false,
          busyTimeoutMs,
          steps: [
            ...Object.entries(BUILD_PRAGMAS).map(([name, value]) => ({ kind: 'exec' as const, sql: `PRAGMA ${name} = ${value}` })),
            ...missing.map((index) => ({ kind: 'exec' as const, sql: createIfMissing(index) })),
            { kind: 'exec', sql: FORGET_DEFERRED_SQL },
          ],
        },
        workerOptions,
      );
      return missing.length;
    } catch (error) {
      if (!(error instanceof SqlWorkerError && error.code === 'SQLITE_BUSY') || attempt >= attempts) throw error;
      // An abort ends the pause at once (or skips it, when it came during the try).
      await sleep(retryDelayMs, undefined, { signal }).catch(() => undefined);
      if (signal?.aborted) throw error;
    }
  }
}
