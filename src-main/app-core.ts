// The core both shells share: find the database, open and migrate it before anything is served, and bind
// the contract's handlers. A failed start is kept, not thrown, so the renderer can show the error screen.
import { type AppStatus, contract, type DatabaseInfoView, type StartupFailureReason } from '../src-shared/contract';
import { type ProgressListener } from '../src-shared/progress';
import { type AppDatabase } from './db/connection';
import { resolveDatabasePath, type ResolvedDatabasePath } from './db/paths';
import { openAppDatabase, StartupError, type StartupFailure, type StartupReport } from './db/startup';
import { createDispatcher, type Dispatcher, type HandlersFor } from './ipc/dispatch';
import { createEventBus, type AppEventBus } from './ipc/events';
import { type DatabaseInfo, getDatabaseInfo } from './services/database-info';

/** Who is calling. A later issue adds the session here; handlers never trust the renderer for it. */
export interface RequestContext {
  shell: 'electron' | 'http';
}

export type StartupFailureView = Extract<AppStatus, { state: 'failed' }>;

export type AppStartup =
  | { state: 'ready'; db: AppDatabase; report: StartupReport }
  | { state: 'failed'; failure: StartupFailureView };

export interface AppCore {
  readonly database: ResolvedDatabasePath;
  /** Settles once the database is open and migrated, or has failed to; never rejects. */
  readonly started: Promise<AppStartup>;
  readonly dispatcher: Dispatcher<RequestContext>;
  readonly events: AppEventBus;
  /** Closes the database: at once when the start has settled, else as soon as it does. Idempotent. */
  close(): Promise<void>;
}

export interface AppCoreOptions {
  argv?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Electron's `app.getPath('userData')`; without it, the same folder computed without Electron. */
  userDataDir?: string;
  migrationsFolder?: string;
  /** A better-sqlite3 addon built for Electron's ABI (see scripts/electron-sqlite.mjs). */
  nativeBinding?: string;
  onProgress?: ProgressListener;
  checkOutput?: boolean;
}

/** Starts opening the database at once. Throws only for a bad command line (`--db` without a path). */
export function createAppCore(options: AppCoreOptions = {}): AppCore {
  const database = resolveDatabasePath(options.argv ?? process.argv, options.env ?? process.env, options.userDataDir);
  let settled: AppStartup | null = null;
  // Deferred one tick, so the caller can say which file it opens before the work (and its progress) starts.
  const started = Promise.resolve().then(async () => {
    const startup = await openDatabase(database.path, options);
    settled = startup;
    return startup;
  });
  const closeDatabase = (startup: AppStartup) => {
    if (startup.state === 'ready') startup.db.close();
  };

  const handlers: HandlersFor<typeof contract, RequestContext> = {
    'app.status': async () => {
      const startup = await started;
      if (startup.state === 'failed') return startup.failure;
      const { created, migrated, adoption } = startup.report;
      return { state: 'ready', info: getDatabaseInfo(startup.db), startup: { created, migrated, adoption } };
    },
  };

  return {
    database,
    started,
    dispatcher: createDispatcher(contract, handlers, { checkOutput: options.checkOutput }),
    events: createEventBus(),
    async close() {
      closeDatabase(settled ?? (await started));
    },
  };
}

async function openDatabase(path: string, options: AppCoreOptions): Promise<AppStartup> {
  try {
    const { db, report } = await openAppDatabase(path, {
      migrationsFolder: options.migrationsFolder,
      nativeBinding: options.nativeBinding,
      onProgress: options.onProgress,
    });
    return { state: 'ready', db, report };
  } catch (error) {
    if (error instanceof StartupError) {
      const { reason, message, backupPath } = error;
      return { state: 'failed', failure: { state: 'failed', reason, message, path: error.path, backupPath } };
    }
    console.error(`[startup] opening ${path} failed unexpectedly:`, error);
    const message = `Unexpected error while opening ${path}: ${error instanceof Error ? error.message : String(error)}`;
    return { state: 'failed', failure: { state: 'failed', reason: 'unexpected', message, path, backupPath: null } };
  }
}

// The contract restates main's types as schemas; these fail the typecheck the moment either side drifts.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const _databaseInfoMatchesContract: Equal<DatabaseInfo, DatabaseInfoView> = true;
const _startupFailuresMatchContract: Equal<StartupFailure, Exclude<StartupFailureReason, 'unexpected'>> = true;
