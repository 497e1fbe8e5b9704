// While an adoption's background work holds the write lock (its rollups' count, an index build) far longer than the
// busy timeout, every read through the read workers answers, and correctly: one that needs the rollups awaits the count
// as a promise, the others answer at once; the main thread's event loop never stalls meanwhile, and a write waits for
// the step instead of failing.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { type Actor } from '../../src-main/access/policy';
import { countRollupsInBackground, finishDeferredWorkInBackground } from '../../src-main/adoption/after-open';
import { ADMITTED_WAIT_MS, admittedWrite, holdingWriteLock, whenWritable, writeLockHeldInBackground } from '../../src-main/db/background-work';
import { type AppDatabase } from '../../src-main/db/connection';
import { rollupsUncounted } from '../../src-main/db/rollups';
import { createJobRun } from '../../src-main/lifecycle/runs';
import { login, needsSetup, setupFirstAdmin } from '../../src-main/accounts/accounts';
import { createUser, setUserPassword } from '../../src-main/accounts/users';
import { type Channel } from '../../src-shared/channels';
import { runWhenChannelMayRun } from '../../src-main/ipc/write-gate';
import { createReadPool, inlineReads, type ReadPool } from '../../src-main/reads/pool';
import { type ReadCaller } from '../../src-main/reads/queries';
import { openAppDatabase } from '../../src-main/startup';
import { listJobRunsInput } from '../../src-shared/schemas/jobs';
import { type TenantScope } from '../../src-shared/tenancy';
import { createLegacyDatabase } from '../helpers/legacy-fixtures';
import { MIGRATIONS_FOLDER, tempDir } from '../helpers/temp';
import { ADOPTED_AT } from './support';

const DAY = 86_400_000;
const admin: Actor = { userId: 1, email: 'admin@example.test', role: 'system_admin', businessId: null, businessDisabled: false };
/**
 * The main connection's busy timeout in these tests (the app's is 5 s): the lock is held three times longer. A read or
 * write that waited for the lock on the main thread would stall its event loop at least this long; the stall allowed
 * is a quarter of it, which leaves room for a machine whose cores are shared (the event loop's delay includes the
 * time the OS gives the thread to others: 30-130 ms on these machines under load, with nothing blocking).
 */
const SHORT_BUSY_MS = 1_000;
const HOLD_MS = 3 * SHORT_BUSY_MS;
const STALL_ALLOWED_MS = SHORT_BUSY_MS / 4;

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** Another connection holding `file`'s write lock (BEGIN IMMEDIATE) on a thread of its own until release() is called. */
async function holdWriteLock(file: string): Promise<{ release: () => Promise<void> }> {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const db = new (require(workerData.module))(workerData.file);
    db.exec('BEGIN IMMEDIATE');
    parentPort.on('message', () => { db.exec('COMMIT'); db.close(); parentPort.close(); });
    parentPort.postMessage('locked');`;
  const worker = new Worker(source, { eval: true, workerData: { file, module: createRequire(__filename).resolve('better-sqlite3') } });
  await new Promise((resolve) => worker.once('message', resolve));
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  const release = async () => {
    worker.postMessage('release');
    await exited;
  };
  closers.push(release);
  return { release };
}

/**
 * Watches the main thread's event loop from now on; expectNoneLong() ends the watch and holds its longest stall under
 * STALL_ALLOWED_MS (a read or write waiting for the lock on the main thread would stall it for a busy timeout).
 */
function watchMainThread(): { expectNoneLong(): void } {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  return {
    expectNoneLong() {
      delay.disable();
      expect(delay.max / 1e6).toBeLessThan(STALL_ALLOWED_MS);
    },
  };
}

/** One server-edition file adopted twice: `counted` as the CLI opens it, `uncounted` as the app does (work left). */
async function adoptedTwice(seed: number): Promise<{ counted: AppDatabase; uncounted: AppDatabase }> {
  const dir = tempDir();
  const source = path.join(dir, 'source.db');
  createLegacyDatabase(source, { revision: 'tenant', runs: 3000, businesses: 5, seed });
  const open = async (name: string, deferredWork: 'build' | 'leave') => {
    fs.copyFileSync(source, path.join(dir, name));
    const { db } = await openAppDatabase(path.join(dir, name), { migrationsFolder: MIGRATIONS_FOLDER, now: () => ADOPTED_AT, deferredWork });
    closers.push(() => db.close());
    return db;
  };
  return { counted: await open('counted.db', 'build'), uncounted: await open('uncounted.db', 'leave') };
}

function scopesOf(db: AppDatabase): TenantScope[] {
  const businesses = db.sqlite.prepare('SELECT id FROM businesses ORDER BY id').pluck().all() as number[];
  return [{ kind: 'all' }, { kind: 'system' }, { kind: 'orphans' }, ...businesses.map((businessId) => ({ kind: 'business' as const, businessId }))];
}

/** Statistics, job types and the first history page of every scope, through `reads`. */
function readEverything(reads: ReadPool, db: AppDatabase): Promise<unknown>[] {
  const span = db.sqlite.prepare('SELECT min(created_at) AS first, max(created_at) AS last FROM job_runs').get() as { first: number; last: number };
  const range = { from: span.first - DAY / 3, to: Math.min(span.first + 300 * DAY, span.last + DAY / 2), timeZone: 'Europe/Berlin' };
  return scopesOf(db).flatMap((scope) => {
    const caller: ReadCaller = { actor: admin, scope };
    return [reads.run('jobs.stats', caller, range), reads.run('jobs.types', caller, {}), reads.run('jobs.list', caller, listJobRunsInput.parse({ limit: 50 }))];
  });
}

describe("reads while an adoption's background work holds the write lock", () => {
  it("a step's pages are checkpointed on its worker, a read under way at its commit waited for: none is left for the main thread to copy", async () => {
    const { uncounted: db } = await adoptedTwice(47);
    // A read that began before the count's commit, on a connection of its own: it keeps the snapshot the count's pages
    // come after, until it ends a moment after the commit.
    const reader = new Database(db.path, { readonly: true });
    closers.push(() => void reader.close());
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM job_runs').pluck().get();
    const readEnded = new Promise<void>((resolve) =>
      setTimeout(() => {
        reader.exec('COMMIT');
        resolve();
      }, 300),
    );
    await expect(countRollupsInBackground(db)).resolves.toBe('from a snapshot');
    await readEnded;
    // The main connection's next commit: the WAL holds what it wrote and nothing of the count's.
    db.sqlite.prepare("INSERT INTO app_meta (key, value, updated_at) VALUES ('checkpoint-probe', '1', 0)").run();
    const [wal] = db.sqlite.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    expect(wal?.log).toBeLessThan(10);
  });

  it('answer as if counted before the file opened, none fails, and the main thread never waits', async () => {
    const { counted, uncounted: db } = await adoptedTwice(23);
    const expected = await Promise.all(readEverything(inlineReads(counted), counted));
    db.sqlite.pragma(`busy_timeout = ${SHORT_BUSY_MS}`);
    const pool = createReadPool(db, { threads: 2 });
    closers.push(() => pool.close());
    await pool.run('jobs.list', { actor: admin, scope: { kind: 'all' } }, listJobRunsInput.parse({})); // its threads started

    // The count meets a writer that holds the file far past the main connection's busy timeout: a slow count.
    const holder = await holdWriteLock(db.path);
    const work = finishDeferredWorkInBackground(db, { busyTimeoutMs: 10_000 });
    const stalls = watchMainThread();
    const settled: string[] = [];
    const reads = readEverything(pool, db).map((read, i) =>
      read.then(
        (value) => {
          settled.push(i % 3 === 2 ? 'list' : 'rollups');
          return value;
        },
        (error: unknown) => {
          settled.push('error');
          throw error;
        },
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
    // The history pages answered while the lock was held; no read of the rollups did, and none failed.
    expect(settled.filter((kind) => kind === 'list').length).toBe(scopesOf(db).length);
    expect(settled).not.toContain('error');
    expect(settled).not.toContain('rollups');
    expect(rollupsUncounted(db.sqlite)).toBe(true);
    await holder.release();

    const answers = await Promise.all(reads);
    // Nothing above waited on the main thread: the longest stall of its event loop.
    stalls.expectNoneLong();
    expect(answers).toEqual(expected);
    await expect(work).resolves.toEqual({ rollups: true, sortTables: true, indexes: 8 });
    expect(rollupsUncounted(db.sqlite)).toBe(false);
  });

  it('a write on the main connection waits for the step as a promise, then commits', async () => {
    const { uncounted: db } = await adoptedTwice(5);
    db.sqlite.pragma(`busy_timeout = ${SHORT_BUSY_MS}`);
    const holder = await holdWriteLock(db.path);
    const work = finishDeferredWorkInBackground(db, { busyTimeoutMs: 10_000 });
    const stalls = watchMainThread();
    expect(writeLockHeldInBackground(db.path)).toBe(true);
    const businessId = db.sqlite.prepare('SELECT min(id) FROM businesses').pluck().get() as number;
    let committedAt = 0;
    const written = whenWritable(db.path).then(() => {
      committedAt = Date.now();
      return createJobRun(db, { kind: 'business', businessId }, { jobType: 'diagnostics.probe', params: { durationMs: 0 }, trigger: 'manual' });
    });
    await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
    expect(committedAt).toBe(0);
    const released = Date.now();
    await holder.release();
    expect((await written).status).toBe('pending');
    expect(committedAt).toBeGreaterThanOrEqual(released);
    await expect(work).resolves.toEqual({ rollups: true, sortTables: true, indexes: 8 });
    stalls.expectNoneLong();
  });

  it('a call admitted to write that awaits something first writes before the next step takes the lock', async () => {
    const { uncounted: db } = await adoptedTwice(5);
    db.sqlite.pragma(`busy_timeout = ${SHORT_BUSY_MS}`);
    const businessId = db.sqlite.prepare('SELECT min(id) FROM businesses').pluck().get() as number;
    const stalls = watchMainThread();
    // As the first-run setup does: admitted, it hashes a password (here, waits) before it writes.
    const written = admittedWrite(db.path, async () => {
      await new Promise((resolve) => setTimeout(resolve, HOLD_MS / 2));
      return createJobRun(db, { kind: 'business', businessId }, { jobType: 'diagnostics.probe', params: { durationMs: 0 }, trigger: 'manual' });
    });
    // The background work asks for the lock meanwhile: its first step (the count, far longer than the busy timeout
    // here) waits for the call, which would otherwise meet the lock and fail with SQLITE_BUSY after stalling the loop.
    const work = finishDeferredWorkInBackground(db, { busyTimeoutMs: 10_000 });
    expect(writeLockHeldInBackground(db.path)).toBe(true);
    expect((await written).status).toBe('pending');
    expect(rollupsUncounted(db.sqlite)).toBe(true);
    await expect(work).resolves.toEqual({ rollups: true, sortTables: true, indexes: 8 });
    stalls.expectNoneLong();
  });

  it('the channels that hash a password do it while a step holds the lock, admitted for their write alone', async () => {
    const { uncounted: db } = await adoptedTwice(5);
    db.sqlite.pragma(`busy_timeout = ${SHORT_BUSY_MS}`);
    const stalls = watchMainThread();
    /**
     * `calls` through the gate, as the app calls them, then a background step asked for the lock: not admitted while
     * scrypt runs, the calls let the step take it at once instead of waiting for their hashes, and each writes once the
     * step has ended, none failing. A call admitted around its service (which is admitted for its write inside) would
     * hold the step back up to ADMITTED_WAIT_MS.
     */
    const underStep = async <T,>(calls: Partial<Record<Channel, () => Promise<T>>>): Promise<T[]> => {
      const order: string[] = [];
      const started = Date.now();
      let tookLockAfter = Infinity;
      const written = Object.entries(calls).map(([channel, call]) =>
        runWhenChannelMayRun(db, channel as Channel, call!).then((answer) => {
          order.push(`${channel} written`);
          return answer;
        }),
      );
      const step = holdingWriteLock(db.path, async () => {
        order.push('step took the lock');
        tookLockAfter = Date.now() - started;
        const holder = await holdWriteLock(db.path);
        await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
        await holder.release();
        order.push('step ended');
      });
      const [answers] = await Promise.all([Promise.all(written), step]);
      expect(order.slice(0, 2)).toEqual(['step took the lock', 'step ended']);
      expect(order.slice(2).sort()).toEqual(Object.keys(calls).map((channel) => `${channel} written`).sort());
      expect(tookLockAfter).toBeLessThan(ADMITTED_WAIT_MS / 2);
      return answers;
    };

    const first = { email: 'first-admin@example.test', password: 'a long enough password' };
    const [admin] = await underStep({ 'auth.setup': () => setupFirstAdmin(db, first) });
    expect(admin!.email).toBe(first.email);
    expect(needsSetup(db)).toBe(false);
    const actor: Actor = { userId: admin!.id, email: admin!.email, role: 'system_admin', businessId: null, businessDisabled: false };
    const member = db.sqlite.prepare("SELECT id FROM users WHERE role = 'member' LIMIT 1").pluck().get() as number;
    const newUser = { email: 'new-member@example.test', password: 'another long password', role: 'member' as const, businessId: null };
    const answers = await underStep({
      'auth.login': () => login(db, first),
      'users.create': () => createUser(db, actor, newUser),
      'users.setPassword': () => setUserPassword(db, actor, { id: member, password: 'a third long password' }),
    });
    expect(answers.map((user) => user.email)).toEqual([first.email, newUser.email, expect.any(String)]);
    expect(await login(db, { email: answers[2]!.email, password: 'a third long password' })).toMatchObject({ id: member });
    stalls.expectNoneLong();
  });

  it('the point reads on the main thread, the saved views among them, answer while a step holds the lock; a write waits', async () => {
    const { uncounted: db } = await adoptedTwice(37);
    let releaseStep = () => {};
    const step = holdingWriteLock(db.path, () => new Promise<void>((resolve) => (releaseStep = resolve)));
    const order: string[] = [];
    const through = (channel: Channel) => runWhenChannelMayRun(db, channel, async () => void order.push(channel));
    const write = through('jobs.create');
    await Promise.all((['views.list', 'users.list', 'businesses.list'] as const).map(through));
    expect(order).toEqual(['views.list', 'users.list', 'businesses.list']);
    releaseStep();
    await Promise.all([step, write]);
    expect(order.at(-1)).toBe('jobs.create');
  });

  it('a statistics read that brings windows to keep answers at once while a step holds the lock; they are written after it', async () => {
    const { counted: db } = await adoptedTwice(31);
    db.sqlite.pragma(`busy_timeout = ${SHORT_BUSY_MS}`);
    db.sqlite.exec('DELETE FROM job_run_stats_windows');
    const pool = createReadPool(db, { threads: 2 });
    closers.push(() => pool.close());
    await pool.run('jobs.list', { actor: admin, scope: { kind: 'all' } }, listJobRunsInput.parse({})); // its threads started
    // A background step under way: it holds the write lock for three busy timeouts.
    let releaseStep = () => {};
    const step = holdingWriteLock(db.path, async () => {
      const holder = await holdWriteLock(db.path);
      await new Promise<void>((resolve) => (releaseStep = resolve));
      await holder.release();
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stalls = watchMainThread();
    const span = db.sqlite.prepare('SELECT min(created_at) AS first, max(created_at) AS last FROM job_runs').get() as { first: number; last: number };
    // Whole settled days in the range: the read computes a window for the file.
    const range = { from: span.first - DAY / 3, to: Math.min(span.first + 300 * DAY, span.last + DAY / 2), timeZone: 'UTC' };
    const stats = await pool.run('jobs.stats', { actor: admin, scope: { kind: 'all' } }, range);
    expect(stats.total).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
    stalls.expectNoneLong();
    expect(db.sqlite.prepare('SELECT count(*) FROM job_run_stats_windows').pluck().get()).toBe(0);
    releaseStep();
    await step;
    await whenWritable(db.path);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(db.sqlite.prepare('SELECT count(*) FROM job_run_stats_windows').pluck().get()).toBeGreaterThan(0);
  });
});
