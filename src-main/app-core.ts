// The core both shells share: find the database, open and migrate it before anything is served, bind the
// contract's handlers, keep the sessions, and decide which session receives which event. A failed start is
// kept, not thrown, so the renderer can show the error screen.
import { CHANNELS } from '../src-shared/channels';
import { type AppStatus, contract, type DatabaseInfoView, type StartupFailureReason } from '../src-shared/contract';
import { AppError } from '../src-shared/errors';
import { type ProgressListener } from '../src-shared/progress';
import { type AppDatabase } from './db/connection';
import { finishDeferredWorkInBackground, whenRollupsCounted } from './adoption/after-open';
import { whenWritable } from './db/background-work';
import { brokenReferencesInBackground } from './db/reference-check';
import { INTEGRITY_CHECK } from './jobs/catalog';
import { createJobRun } from './lifecycle/runs';
import { runWhenChannelMayRun } from './ipc/write-gate';
import { envValue, resolveDatabasePath, type ResolvedDatabasePath } from './db/paths';
import { openAppDatabase, StartupError, type StartupFailure, type StartupReport } from './startup';
import { createDispatcher, type Dispatcher } from './ipc/dispatch';
import { createAccessGate, type RequestContext, type RequestGate, type SignedIn } from './ipc/access';
import { readsDatabase } from './access/policy';
import { type AppEvent, createEventBus, type AppEventBus, type EventAudience, eventAudience } from './ipc/events';
import { type ContractHandlers, createDatabaseHandlers, type DatabaseChannel, type DatabaseHandlers } from './ipc/channels';
import { leftoverBackupLines } from './cli/backup-lines';
import { createRunner, type Runner } from './jobs/runner';
import { createReadPool, inlineReads, type ReadPool } from './reads/pool';
import { createScheduler, type Scheduler } from './jobs/scheduler';
import { type DatabaseInfo, getDatabaseInfo } from './services/database-info';
import { loadActor } from './accounts/accounts';
import { createSessionStore, type Session, type SessionStore, type SessionStoreOptions } from './sessions';
import { log, logFilePath } from './log';
import { callsInFlight, createCoreRestore, RESTORED_SIGN_IN_AGAIN, type CallsInFlight } from './app-restore';

export { type RequestContext } from './ipc/access';

export type StartupFailureView = Extract<AppStatus, { state: 'failed' }>;

export type AppStartup =
  /**
   * deferredDone: settles once what an adoption left for after it (the rollups to count, the filter indexes) is done
   * (at once when it left nothing), or once that work gave up, and the check of the file's references with it; never
   * rejects. stopDeferredRetries: no new try after the one under way, and no check not yet started (closing).
   * brokenReferences: what that check found (none when it did not run or failed).
   */
  | { state: 'ready'; db: AppDatabase; report: StartupReport; deferredDone: Promise<void>; stopDeferredRetries: () => void; brokenReferences: Promise<string[]> }
  | { state: 'failed'; failure: StartupFailureView };

export interface AppCore {
  readonly database: ResolvedDatabasePath;
  /** Settles once the database is open and migrated, or has failed to; never rejects. */
  readonly started: Promise<AppStartup>;
  readonly dispatcher: Dispatcher<RequestContext>;
  /** Every event, unfiltered. Shells deliver through subscribeSession. */
  readonly events: AppEventBus;
  readonly sessions: SessionStore;
  /**
   * One session's event feed: the listener gets only the events that session may see, decided when each is
   * delivered. `session` is read at that moment too (null: nothing is delivered). Returns the unsubscribe.
   */
  subscribeSession(session: () => Session | null, listener: (event: AppEvent) => void): () => void;
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
  sessions?: SessionStoreOptions;
  /**
   * The job engine: the runner (crash recovery, then the queue) and the scheduler start with the app unless
   * `start` is false (tests that want runs to stay as they created them). Concurrency defaults to 2.
   */
  engine?: { start?: boolean; concurrency?: number };
  /**
   * Where the heavy reads run (src-main/reads/): worker threads with read-only connections (the default; `threads`
   * of them, else defaultReadThreads), or 'inline' on the main thread's connection.
   */
  reads?: { threads?: number } | 'inline';
  /** How long after the open the file's references are checked (db/reference-check.ts; default REFERENCE_CHECK_DELAY_MS). */
  referenceCheckDelayMs?: number;
}

/**
 * While the database failed to open, every channel but app.status answers INTERNAL with this sentence: the
 * app cannot serve anything, and it is not the caller's fault (VALIDATION, UNAUTHENTICATED and CONFLICT would
 * each send the renderer the wrong way). The renderer shows app.status's error screen instead.
 */
export function databaseNotOpen(failure: StartupFailureView): AppError {
  return new AppError('INTERNAL', `The database is not open (${failure.reason}): ${failure.message}`);
}

export const MAX_CONCURRENCY = 16;

/** How many runs execute at once: `--concurrency N`, else AUTOMATION_CONCURRENCY, else 2. Throws on a bad value. */
export function runnerConcurrency(argv: readonly string[], env: NodeJS.ProcessEnv): number | undefined {
  const flagAt = argv.indexOf('--concurrency');
  const raw = flagAt >= 0 ? argv[flagAt + 1] : envValue(env, 'AUTOMATION_CONCURRENCY');
  if (raw === undefined && flagAt < 0) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > MAX_CONCURRENCY) {
    throw new Error(`--concurrency (or AUTOMATION_CONCURRENCY) must be a whole number from 1 to ${MAX_CONCURRENCY}, got ${String(raw)}`);
  }
  return value;
}

/** Starts opening the database at once. Throws only for a bad command line (`--db` without a path, a bad `--concurrency`). */
export function createAppCore(options: AppCoreOptions = {}): AppCore {
  const argv = options.argv ?? process.argv;
  const env = options.env ?? process.env;
  const database = resolveDatabasePath(argv, env, options.userDataDir);
  const concurrency = options.engine?.concurrency ?? runnerConcurrency(argv, env);
  // Deferred one tick, so the caller can say which file it opens before the work (and its progress) starts.
  const started = Promise.resolve().then(() => openDatabase(database.path, options));
  const sessions = createSessionStore(options.sessions);
  const events = createEventBus();
  const calls = callsInFlight();
  const serveAgain = () => openDatabase(database.path, options).then(serve);
  // What serves the file now: replaced by a restore, while calls made meanwhile wait for the next one.
  let current: Promise<Serving> = started.then(serve);
  const restore = createCoreRestore<Serving>({
    current: () => current,
    replace: (next) => (current = next),
    quiesce: stopEngine,
    closeConnections: shutDown,
    serveAgain,
    calls,
    sessions,
    events,
    migrationsFolder: options.migrationsFolder,
    nativeBinding: options.nativeBinding,
  });

  let latest: Serving | null = null;
  function serve(startup: AppStartup): Serving {
    latest = startup.state === 'failed' ? { startup, open: startup.failure, engine: null, reads: null, audience: null, closed: null } : serveOpen(startup);
    return latest;
  }
  function serveOpen(startup: Extract<AppStartup, { state: 'ready' }>): Serving {
    const engine = startEngine(startup.db, events, { ...options.engine, concurrency });
    const reads = options.reads === 'inline' ? inlineReads(startup.db) : createReadPool(startup.db, { ...options.reads, nativeBinding: options.nativeBinding });
    const handlers = createDatabaseHandlers({ db: startup.db, sessions, events, ...engine, reads, restore, migrationsFolder: options.migrationsFolder });
    const open = { db: startup.db, handlers, gate: createAccessGate(startup.db, sessions) };
    const serving: Serving = { startup, open, engine, reads, audience: eventAudience(startup.db), closed: null };
    void startup.brokenReferences.then((lines) => {
      if (lines.length > 0 && serving.closed === null) void checkIntegrityAfterBrokenReferences(startup.db, lines, events, engine.runner);
    });
    return serving;
  }
  const { handlers, gate } = servedOnceOpen(() => current, calls, sessions);

  return {
    database,
    started,
    dispatcher: createDispatcher(contract, handlers, gate, { checkOutput: options.checkOutput }),
    events,
    sessions,
    subscribeSession(session, listener) {
      return events.subscribe((event) => {
        // Decided at once, by the file served now; while none is open (a restore between two) only account.changed,
        // which is decided before any user is loaded.
        if ((latest?.closed === null || event.name === 'account.changed') && latest?.audience?.(session(), event)) listener(event);
      });
    },
    async close() {
      await shutDown(await current);
    },
  };
}

/** One open of the file and what serves it: replaced whole by a restore. */
interface Serving {
  startup: AppStartup;
  open: OpenCore | StartupFailureView;
  engine: { runner: Runner; scheduler: Scheduler } | null;
  reads: ReadPool | null;
  audience: EventAudience | null;
  /** Settles once shutDown has closed it (idempotent). */
  closed: Promise<void> | null;
}

async function stopEngine(serving: Serving): Promise<void> {
  if (!serving.engine) return;
  serving.engine.scheduler.stop();
  await serving.engine.runner.stop();
}

/** Stops the engine, closes the read workers and the database. Idempotent. */
function shutDown(serving: Serving): Promise<void> {
  serving.closed ??= (async () => {
    await stopEngine(serving);
    await serving.reads?.close();
    await closeDatabase(serving.startup);
  })();
  return serving.closed;
}

/** What serves the database's channels once it is open. */
interface OpenCore {
  db: AppDatabase;
  handlers: DatabaseHandlers;
  gate: RequestGate;
}

/**
 * The contract's handlers and the access gate from the first moment: every channel, and the gate (a caller of a
 * channel that is not for anyone needs the database too), waits for the file to be served (opened, or open again
 * after a restore), then is served by its handlers, or answers databaseNotOpen; app.status answers from its start.
 */
function servedOnceOpen(current: () => Promise<Serving>, calls: CallsInFlight, sessions: SessionStore): Omit<OpenCore, 'db'> & { handlers: ContractHandlers } {
  const whenOpen = async () => {
    const { open } = await current();
    if ('state' in open) throw databaseNotOpen(open);
    return open;
  };
  const handlerWhenOpen = <C extends DatabaseChannel>(channel: C) =>
    (async (input: never, context: never) => {
      const open = await whenOpen();
      const handler = open.handlers[channel] as (input: never, context: never) => unknown;
      // Admitted before a restore that ended every session, this call waited for it: its caller is signed out.
      const caller = context as Partial<SignedIn>;
      if (caller.actor && caller.session && !sessions.peek(caller.session.id)) throw new AppError('UNAUTHENTICATED', RESTORED_SIGN_IN_AGAIN);
      return calls.track(() => runWhenChannelMayRun(open.db, channel, async () => handler(input, context)));
    }) as unknown as ContractHandlers[C];
  const handlers: ContractHandlers = {
    'app.status': async (_input, context) => {
      const { startup } = await current();
      if (startup.state === 'failed') return startup.failure;
      // Signed out, or a role that does not read the database: nothing about the file or its accounts.
      if (!readsDatabase(actorOf(startup.db, context))) return { state: 'ready', info: null, startup: null };
      const { created, migrated, adoption } = startup.report;
      // The run counts come from the rollups: while an adoption's background work counts them, this waits for it.
      await whenRollupsCounted(startup.db).catch((error: unknown) => log.error('[startup] counting the rollups failed:', error));
      return { state: 'ready', info: getDatabaseInfo(startup.db), startup: { created, migrated, adoption } };
    },
    ...(Object.fromEntries(
      CHANNELS.filter((channel): channel is DatabaseChannel => channel !== 'app.status').map((channel) => [channel, handlerWhenOpen(channel)]),
    ) as DatabaseHandlers),
  };
  return {
    handlers,
    gate: {
      signedIn: async (who, context) => (await whenOpen()).gate.signedIn(who, context),
      inTenant: async (who, context) => (await whenOpen()).gate.inTenant(who, context),
    },
  };
}

/** The caller's session's user, enabled now; null signed out. */
function actorOf(db: AppDatabase, context: RequestContext) {
  const session = context.session.current();
  return session ? loadActor(db, session.userId) : null;
}

async function closeDatabase(startup: AppStartup): Promise<void> {
  if (startup.state !== 'ready') return;
  // Its connection is its own, but stopped half-way it would leave the rest for the next start. A build waiting to
  // try again (another writer held the file) is not waited for: the next start builds what is left.
  startup.stopDeferredRetries();
  await startup.deferredDone;
  startup.db.close();
}

/**
 * What adoption (or a migration) leaves for after the file opens (adoption/after-open.ts): the rollups to count, the
 * sort tables to fill, then the filter indexes, done on worker threads while the app serves (tried again while another
 * writer holds the file too long). A failure is logged, not fatal: every query still answers (a read of uncounted
 * rollups awaits their count; a sorted page sorts the runs), and the next start tries again.
 */
async function finishWorkLeftByAdoption(db: AppDatabase, report: StartupReport, options: AppCoreOptions, signal: AbortSignal): Promise<void> {
  if (!report.deferred.rollups && !report.deferred.sortTables && report.deferred.indexes === 0) return;
  const started = Date.now();
  try {
    const done = await finishDeferredWorkInBackground(db, { nativeBinding: options.nativeBinding, signal });
    const what = [done.rollups ? 'counted the rollups' : null, done.sortTables ? 'filled the sort tables' : null, done.indexes > 0 ? `built ${done.indexes} index(es)` : null];
    log.info(`[startup] ${what.filter(Boolean).join(', ')} left by the adoption or a migration, in the background, in ${Date.now() - started} ms`);
  } catch (error) {
    log.error('[startup] finishing what the adoption left failed; the next start tries again:', error);
  }
}

/**
 * A broken reference the check after the open found (db/reference-check.ts): logged, and the integrity check run
 * system-wide, whose failed run lists every finding in the history where a system admin sees it.
 */
async function checkIntegrityAfterBrokenReferences(db: AppDatabase, lines: string[], events: AppEventBus, runner: Runner): Promise<void> {
  log.error(`[startup] ${db.path} has ${lines.length} broken reference(s): ${lines.slice(0, 5).join('; ')}. The integrity check runs to list them.`);
  try {
    await whenWritable(db.path);
    const run = createJobRun(db, { kind: 'system' }, { jobType: INTEGRITY_CHECK.key, trigger: 'system', triggeredBy: 'the check of references after startup' });
    events.publish('jobs.changed', { run });
    runner.wake();
  } catch (error) {
    log.error('[startup] the integrity check could not be started:', error);
  }
}

/** Every run change reaches the sessions allowed to see it; a run created by a schedule wakes the runner. */
function startEngine(db: AppDatabase, events: AppEventBus, options: AppCoreOptions['engine'] = {}): { runner: Runner; scheduler: Scheduler } {
  const runner = createRunner(db, {
    concurrency: options.concurrency,
    onRunChanged: (run) => events.publish('jobs.changed', { run }),
  });
  const scheduler = createScheduler(db, {
    onRunCreated: (run) => {
      events.publish('jobs.changed', { run });
      runner.wake();
    },
    onError: (error) => log.error('[scheduler]', error),
  });
  if (options.start !== false) {
    const { recovered } = runner.start();
    if (recovered > 0) log.warn(`[runner] ${recovered} run(s) were left running by a crash and are now failed (interrupted).`);
    scheduler.start();
  }
  return { runner, scheduler };
}

async function openDatabase(path: string, options: AppCoreOptions): Promise<AppStartup> {
  try {
    const { db, report } = await openAppDatabase(path, {
      migrationsFolder: options.migrationsFolder,
      nativeBinding: options.nativeBinding,
      onProgress: options.onProgress,
      deferredWork: 'leave',
    });
    log.info(`[startup] ${openedLine(report)}`);
    for (const line of leftoverBackupLines(report.leftoverBackups)) log.warn(`[startup] ${line}`);
    const retries = new AbortController();
    const brokenReferences = report.referencesUnchecked
      ? brokenReferencesInBackground(db.path, { nativeBinding: options.nativeBinding, signal: retries.signal, delayMs: options.referenceCheckDelayMs }).catch((error: unknown) => {
          log.error('[startup] checking the references failed; the next start checks again:', error);
          return [];
        })
      : Promise.resolve([]);
    const deferredDone = Promise.all([finishWorkLeftByAdoption(db, report, options, retries.signal), brokenReferences]).then(() => {});
    return { state: 'ready', db, report, deferredDone, stopDeferredRetries: () => retries.abort(), brokenReferences };
  } catch (error) {
    if (error instanceof StartupError) {
      const { reason, message, backupPath } = error;
      log.error(`[startup] the database could not be opened (${reason}): ${message}${backupPath ? ` A backup made before the failed step: ${backupPath}` : ''}`);
      return { state: 'failed', failure: { state: 'failed', reason, message, path: error.path, backupPath, logPath: logFilePath() } };
    }
    log.error(`[startup] opening ${path} failed unexpectedly:`, error);
    const message = `Unexpected error while opening ${path}: ${error instanceof Error ? error.message : String(error)}`;
    return { state: 'failed', failure: { state: 'failed', reason: 'unexpected', message, path, backupPath: null, logPath: logFilePath() } };
  }
}

/** What this start did to the file, for the log. */
function openedLine(report: StartupReport): string {
  const what = report.adoption
    ? `adopted a server-edition database (revision ${report.adoption.revision ?? 'none'}; backup: ${report.adoption.backupPath})`
    : report.migrated
      ? `migrated from schema ${report.migrated.from} to ${report.migrated.to}${report.migrated.backupPath ? ` (backup: ${report.migrated.backupPath})` : ''}`
      : report.created
        ? 'created a new database'
        : `schema ${report.schemaVersion}, up to date`;
  return `opened ${report.path}: ${what}`;
}

// The contract restates main's types as schemas; these fail the typecheck the moment either side drifts.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const _databaseInfoMatchesContract: Equal<DatabaseInfo, DatabaseInfoView> = true;
const _startupFailuresMatchContract: Equal<StartupFailure, Exclude<StartupFailureReason, 'unexpected'>> = true;
