// Which calls wait while a background step of an adoption holds the write lock (db/background-work.ts), and the wait.
// A call that may write on the main connection, or read the rollups there, waits as a promise for the step to end,
// instead of in the busy timeout, which blocks the main thread and, past it, fails with SQLITE_BUSY (after an adoption
// of millions of runs, the count and one index build each hold it longer). Reads that never do either go on: those of the
// read workers (which await the rollups' count themselves: reads/pool.ts) and these point reads on the main thread.
import { type Channel } from '../../src-shared/channels';
import { type AppDatabase } from '../db/connection';
import { admittedWrite } from '../db/background-work';
import { READS } from '../reads/queries';

/** Channels served on the main thread that only read, and none of them the rollups. */
const MAIN_THREAD_READS: readonly Channel[] = [
  'app.status', // it awaits the rollups' count itself (app-core.ts)
  'auth.status',
  'businesses.list',
  'users.list',
  'views.list',
  'jobs.get',
  'jobs.auditTrail',
  'schedules.list',
  'schedules.previewCron',
  'limits.get',
  'backups.list',
  'backups.policy',
];

/** The exports read on a worker, then record their audit event on the main connection. */
const WORKER_READS_THAT_WRITE: readonly Channel[] = ['jobs.exportCsv', 'metrics.exportCsv'];

const READ_ONLY_CHANNELS: ReadonlySet<string> = new Set([
  ...Object.keys(READS).filter((channel) => !WORKER_READS_THAT_WRITE.includes(channel as Channel)),
  ...MAIN_THREAD_READS,
]);

/**
 * Channels whose service hashes or checks a password (scrypt, 0.1-0.3 s) before it writes and is admitted for the
 * write alone (accounts/): the hash runs while a background step holds the lock, and no step waits for it. Their
 * writes are an account's, which the rollups' count does not hold back: after an adoption the first-run setup hashes
 * and writes while the count sums its snapshot.
 */
const ADMITTED_AT_THEIR_WRITE: ReadonlySet<string> = new Set<Channel>(['auth.setup', 'auth.login', 'users.create', 'users.setPassword']);

/**
 * Runs `call` (the channel's handler): at once for a read-only channel or one whose service is admitted at its write,
 * else once no background step holds `db`'s write lock, the next step waiting for it to end (admittedWrite).
 */
export function runWhenChannelMayRun<T>(db: AppDatabase, channel: Channel, call: () => Promise<T>): Promise<T> {
  return READ_ONLY_CHANNELS.has(channel) || ADMITTED_AT_THEIR_WRITE.has(channel) ? call() : admittedWrite(db.path, call);
}
