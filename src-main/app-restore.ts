// A restore inside the running app (backups.restore): the core's serving state (the open database, its runner and
// scheduler, its read workers, the handlers over them) is closed, the backup put in the file's place
// (backups/restore.ts), and the normal start (startup.ts) run again on it, all without a restart. Calls made
// meanwhile wait for the restored database, then are served by it; every session ends with the restore, since the
// restored file has the users it had then, so those calls find their caller signed out.
import { AppError } from '../src-shared/errors';
import type { ChannelOutput } from '../src-shared/contract';
import type { Actor } from './access/policy';
import { userAuditActor } from './audit/record';
import { backupToRestore } from './backups/restore-preview';
import { restoreFromBackup, type RestoreResult } from './backups/restore';
import type { AppDatabase } from './db/connection';
import type { StartupReport } from './startup';
import { loadMigrations } from './db/migrations';
import { defaultMigrationsFolder } from './db/paths';
import { publishAccountsChanged } from './ipc/channels/common';
import type { AppEventBus } from './ipc/events';
import type { SessionStore } from './sessions';
import { log } from './log';

/** An open of the file as the core keeps it: open and served, or failed. */
export type ServedStartup = { state: 'ready'; db: AppDatabase; report: StartupReport } | { state: 'failed' };

/** Counts the calls being served, so a restore can wait until only its own is left. */
export interface CallsInFlight {
  track<T>(call: () => Promise<T>): Promise<T>;
  /** Settles once at most `atMost` calls are in flight. */
  drained(atMost: number): Promise<void>;
}

export function callsInFlight(): CallsInFlight {
  let count = 0;
  let waiters: { atMost: number; resolve: () => void }[] = [];
  const settle = () => {
    const ready = waiters.filter((waiter) => count <= waiter.atMost);
    waiters = waiters.filter((waiter) => count > waiter.atMost);
    for (const waiter of ready) waiter.resolve();
  };
  return {
    async track(call) {
      count++;
      try {
        return await call();
      } finally {
        count--;
        settle();
      }
    },
    drained(atMost) {
      if (count <= atMost) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ atMost, resolve }));
    },
  };
}

/** What the core hands a restore: its serving state, and how to stop it and serve again. */
export interface RestorableCore<S extends { startup: ServedStartup }> {
  /** The serving state; replace it, and calls wait for the new one. */
  current(): Promise<S>;
  replace(next: Promise<S>): void;
  /** Stops the runner and the scheduler: nothing writes on the app's behalf any more. */
  quiesce(serving: S): Promise<void>;
  /** Closes the read workers and the database's connection. */
  closeConnections(serving: S): Promise<void>;
  /** The normal start, run again on the file. */
  serveAgain(): Promise<S>;
  calls: CallsInFlight;
  sessions: SessionStore;
  events: AppEventBus;
  migrationsFolder?: string;
  nativeBinding?: string;
}

export type RestoreView = ChannelOutput<'backups.restore'>;

/** What a call admitted before a restore hears once the restore has ended its session. */
export const RESTORED_SIGN_IN_AGAIN = 'The database was restored from a backup while this call waited, which ended every session: sign in again.';

/**
 * The core's restore: puts the named backup in the database's place in the running app; the restore's own call is one
 * of those in flight. One at a time: a second is CONFLICT while the first runs.
 */
export function createCoreRestore<S extends { startup: ServedStartup }>(core: RestorableCore<S>) {
  let restoring = false;
  return async (backupName: string, actor: Actor): Promise<RestoreView> => {
    if (restoring) throw new AppError('CONFLICT', 'A restore is already under way: wait for it to finish.');
    restoring = true;
    try {
      return await restoreServing(core, await core.current(), backupName, actor);
    } finally {
      restoring = false;
    }
  };
}

async function restoreServing<S extends { startup: ServedStartup }>(core: RestorableCore<S>, serving: S, backupName: string, actor: Actor): Promise<RestoreView> {
  if (serving.startup.state !== 'ready') throw new AppError('CONFLICT', 'The database is not open, so no backup can be restored over it.');
  const { db } = serving.startup;
  const file = backupToRestore(db.path, backupName);
  let settle!: (next: Promise<S>) => void;
  core.replace(new Promise<S>((resolve) => (settle = resolve)));
  let outcome: { result: RestoreResult; sessionsEnded: number } | { error: unknown };
  try {
    const result = await restoreFromBackup(db, file, {
      actor: userAuditActor(actor),
      migrations: loadMigrations(core.migrationsFolder ?? defaultMigrationsFolder()),
      nativeBinding: core.nativeBinding,
      quiesce: async () => {
        await core.quiesce(serving);
        await core.calls.drained(1);
      },
      closeConnections: () => core.closeConnections(serving),
    });
    // Before any call is served by the restored file: a call admitted before the restore finds its session ended.
    outcome = { result, sessionsEnded: endEverySession(core) };
  } catch (error) {
    outcome = { error };
  }
  // Whatever happened, the file is served again: the restored one, or the old one when the restore was refused.
  await core.closeConnections(serving);
  const next = core.serveAgain();
  settle(next);
  const reopened = await next;
  if ('error' in outcome) throw outcome.error;
  const { previousBackupPath, restored } = outcome.result;
  log.warn(`[restore] ${restored.path} restored by ${actor.email}; the previous file's backup: ${previousBackupPath}`);
  const migrated = reopened.startup.state === 'ready' ? reopened.startup.report.migrated : null;
  return { restored, previousBackupPath, migrated: migrated && { from: migrated.from, to: migrated.to }, sessionsEnded: outcome.sessionsEnded };
}

/** Every window and tab learns its account changed, then is signed out: the restored file has its own users. */
function endEverySession(core: Pick<RestorableCore<never>, 'sessions' | 'events'>): number {
  const sessions = core.sessions.all();
  publishAccountsChanged(core.events, [...new Set(sessions.map((session) => session.userId))]);
  for (const session of sessions) core.sessions.end(session.id);
  return sessions.length;
}
