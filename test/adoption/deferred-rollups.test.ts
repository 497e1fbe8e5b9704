// Adoption leaves the statistics' rollups to count once the file is open (adoption/after-open.ts). Until they are counted,
// every read of them counts them first, or waits for the count under way: each answer is the one a file counted before
// it opened gives. Writes made in between are in the count. The app counts from a snapshot, holding the write lock only
// to start and to end (db/rollups.ts): an account's write goes on meanwhile, any other waits, and a change of the runs
// in between (the runner's, which is not held back) makes it count again under the lock.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppCore } from '../../src-main/app-core';
import type { AppDatabase } from '../../src-main/db/connection';
import { countRollupsInBackground, scratchFileFor } from '../../src-main/adoption/after-open';
import { admittedWrite, writeLockHeldInBackground } from '../../src-main/db/background-work';
import { dailyRollupDrift, runCountDrift } from '../../src-main/db/rollup-drift';
import { countRollupsSql, ensureRollupsCounted, ROLLUP_COLUMNS, rollupsUncounted, watchRunChangesSql } from '../../src-main/db/rollups';
import { ROLLUPS } from '../../src-main/db/rollup-sets';
import { openAppDatabase } from '../../src-main/startup';
import { countJobRuns, countJobRunsByOwner, getJobTypes } from '../../src-main/history/runs';
import { createJobRun, finishJobRun, startJobRun } from '../../src-main/lifecycle/runs';
import { getJobRunStats } from '../../src-main/stats/stats';
import { assignOrphans, checkRuns } from '../../src-main/orphans/orphans';
import type { TenantScope } from '../../src-shared/tenancy';
import { createLegacyDatabase, type LegacyRevisionName } from '../helpers/legacy-fixtures';
import { SeededRandom } from '../helpers/random';
import { MIGRATIONS_FOLDER, tempDir } from '../helpers/temp';
import { ADOPTED_AT } from './support';

const DAY = 86_400_000;
const REVISIONS: LegacyRevisionName[] = ['pre_tenant', 'tenant', 'cleaned'];

/** Two copies of one random server-edition file: `counted` opened as the CLI opens it, `leave` as the app does. */
async function adoptedTwice(seed: number): Promise<{ counted: AppDatabase; leave: () => Promise<AppDatabase>; random: SeededRandom }> {
  const random = new SeededRandom(seed);
  const dir = tempDir();
  const source = path.join(dir, 'source.db');
  const revision = REVISIONS[random.int(REVISIONS.length)]!;
  createLegacyDatabase(source, { revision, runs: 200 + random.int(600), businesses: 1 + random.int(8), seed });
  let copies = 0;
  const open = async (deferredWork: 'build' | 'leave') => {
    const file = path.join(dir, `copy-${copies++}.db`);
    fs.copyFileSync(source, file);
    return (await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER, now: () => ADOPTED_AT, deferredWork })).db;
  };
  return { counted: await open('build'), leave: () => open('leave'), random };
}

function scopesOf(db: AppDatabase): TenantScope[] {
  const businesses = db.sqlite.prepare('SELECT id FROM businesses ORDER BY id').pluck().all() as number[];
  return [{ kind: 'all' }, { kind: 'system' }, { kind: 'orphans' }, ...businesses.map((businessId) => ({ kind: 'business' as const, businessId }))];
}

/** A random stats range over the adopted runs (at most the 366 days stats allow), edges not on day boundaries. */
function statsRange(db: AppDatabase, random: SeededRandom): { from: number; to: number; timeZone: string } {
  const span = db.sqlite.prepare('SELECT min(created_at) AS first, max(created_at) AS last FROM job_runs').get() as { first: number; last: number };
  const from = span.first - random.int(DAY);
  const to = Math.min(from + 366 * DAY, span.last + 1 + random.int(DAY));
  return { from, to, timeZone: random.next() < 0.5 ? 'UTC' : 'Europe/Berlin' };
}

/** Each way the app reads the rollups, in every scope. */
const READERS: Record<string, (db: AppDatabase, scopes: TenantScope[], range: ReturnType<typeof statsRange>) => unknown> = {
  'run counts': (db, scopes) => scopes.map((scope) => countJobRuns(db, scope)),
  'runs per owner': (db, scopes) => scopes.map((scope) => countJobRunsByOwner(db, scope)),
  'job types': (db, scopes) => scopes.map((scope) => getJobTypes(db, scope)),
  statistics: (db, scopes, range) => scopes.map((scope) => getJobRunStats(db, scope, range)),
  'the orphans check': (db) => checkRuns(db),
  // The integrity-check job's: uncounted rollups are pending work, not drift.
  'the drift checks': (db) => [runCountDrift(db.sqlite), dailyRollupDrift(db.sqlite)],
};

/** `work` on a random adopted file opened as the app opens it (rollups uncounted), closed after. */
async function onUncountedFile(seed: number, work: (db: AppDatabase) => Promise<void> | void): Promise<void> {
  const { counted, leave } = await adoptedTwice(seed);
  counted.close();
  const db = await leave();
  try {
    await work(db);
  } finally {
    db.close();
  }
}

function closeAll(...dbs: AppDatabase[]): void {
  for (const db of dbs) db.close();
}

describe('rollups that adoption leaves to count', () => {
  it.each(Object.keys(READERS))('answer %s as if counted before the file opened, when that read comes first (random files)', async (reader) => {
    for (let seed = 1; seed <= 4; seed++) {
      const { counted, leave, random } = await adoptedTwice(seed * 97 + reader.length);
      const uncounted = await leave();
      try {
        expect(rollupsUncounted(uncounted.sqlite)).toBe(true);
        expect(uncounted.sqlite.prepare('SELECT count(*) FROM job_run_counts').pluck().get()).toBe(0);
        const scopes = scopesOf(counted);
        const range = statsRange(counted, random);
        const read = READERS[reader]!;
        expect(read(uncounted, scopes, range), `seed ${seed}`).toEqual(read(counted, scopes, range));
        expect(rollupsUncounted(uncounted.sqlite)).toBe(false);
        expect(runCountDrift(uncounted.sqlite)).toEqual([]);
        expect(dailyRollupDrift(uncounted.sqlite)).toEqual([]);
      } finally {
        closeAll(counted, uncounted);
      }
    }
  });

  it('are counted on a worker thread, with the runs created, finished and assigned in between, once', async () => {
    for (let seed = 1; seed <= 3; seed++) {
      const { counted, leave } = await adoptedTwice(seed * 31);
      const db = await leave();
      try {
        // What the app does while the count waits to start: the runner, an operator assigning orphans.
        const business = db.sqlite.prepare('SELECT id FROM businesses ORDER BY id LIMIT 1').pluck().get() as number;
        const at = ADOPTED_AT.getTime();
        for (let i = 0; i < 5; i++) {
          const run = createJobRun(db, { kind: 'business', businessId: business }, { jobType: 'reports.monthly_usage', trigger: 'manual' });
          const scope: TenantScope = { kind: 'business', businessId: business };
          startJobRun(db, scope, run.id, at + i);
          finishJobRun(db, scope, run.id, i % 2 === 0 ? { status: 'completed' } : { status: 'failed', error: 'boom' }, at + 1000 * i);
        }
        createJobRun(db, { kind: 'system' }, { jobType: 'maintenance.backup', trigger: 'manual' });
        const orphans = db.sqlite.prepare('SELECT id FROM job_runs WHERE business_id IS NULL ORDER BY id LIMIT 3').pluck().all() as number[];
        if (orphans.length > 0) {
          // A bulk move of the rollups counts them first (it would otherwise take runs out of rows that hold none).
          assignOrphans(db, business, { kind: 'ids', ids: orphans }, { actor: { kind: 'app', label: 'cli' }, expectedCount: orphans.length });
          expect(rollupsUncounted(db.sqlite)).toBe(false);
        } else {
          expect(await countRollupsInBackground(db)).toBe('from a snapshot');
        }
        expect(await countRollupsInBackground(db)).toBe(null);
        expect(runCountDrift(db.sqlite)).toEqual([]);
        expect(dailyRollupDrift(db.sqlite)).toEqual([]);
        expect(countJobRuns(db, { kind: 'all' })).toBe(countJobRuns(counted, { kind: 'all' }) + 6);
      } finally {
        closeAll(counted, db);
      }
    }
  });

  it('are counted by the app after it opens, while a statistics read made at once waits for them or counts them itself', async () => {
    const file = path.join(tempDir(), 'automation.db');
    const fixture = createLegacyDatabase(file, { revision: 'tenant', runs: 1500, businesses: 6, seed: 12 });
    const core = createAppCore({ argv: ['--db', file], env: {}, migrationsFolder: MIGRATIONS_FOLDER, engine: { start: false } });
    const startup = await core.started;
    if (startup.state !== 'ready') throw new Error(`expected ready, got ${startup.failure.message}`);
    try {
      expect(startup.report.deferred.rollups).toBe(true);
      // Read on the app's connection while the worker counts: whichever takes the write lock first counts.
      expect(countJobRuns(startup.db, { kind: 'all' })).toBe(fixture.runs.length);
      await startup.deferredDone;
      expect(rollupsUncounted(startup.db.sqlite)).toBe(false);
      expect(runCountDrift(startup.db.sqlite)).toEqual([]);
      expect(dailyRollupDrift(startup.db.sqlite)).toEqual([]);
    } finally {
      await core.close();
    }
  });

  it.each([
    { meanwhile: 'an account is written', changesRuns: false, counted: 'from a snapshot' },
    { meanwhile: 'the runner finishes a run', changesRuns: true, counted: 'under the lock' },
  ] as const)('are counted from a snapshot while $meanwhile, an account admitted at once, any other write after (random files)', async ({ changesRuns, counted }) => {
    for (let seed = 1; seed <= 3; seed++) {
      const { counted: reference, leave } = await adoptedTwice(seed * 53 + (changesRuns ? 1 : 0));
      const db = await leave();
      try {
        const business = db.sqlite.prepare('SELECT id FROM businesses ORDER BY id LIMIT 1').pluck().get() as number;
        const scope: TenantScope = { kind: 'business', businessId: business };
        const order: string[] = [];
        const count = countRollupsInBackground(db);
        // Admitted once the first step's lock is let go, during the count; it holds the last step back until it ends
        // (as a sign-in does), and writes when that step has asked for the lock: after the snapshot.
        const account = admittedWrite(
          db.path,
          async () => {
            order.push(rollupsUncounted(db.sqlite) ? 'an account, during the count' : 'an account, after it');
            while (!writeLockHeldInBackground(db.path)) await new Promise((resolve) => setTimeout(resolve, 1));
            db.sqlite.prepare("INSERT INTO app_meta (key, value, updated_at) VALUES ('an account', '1', 0)").run();
            if (changesRuns) {
              // What the runner writes, not held back by the count: a run created, started and finished.
              const run = createJobRun(db, { kind: 'business', businessId: business }, { jobType: 'reports.monthly_usage', trigger: 'manual' });
              startJobRun(db, scope, run.id, ADOPTED_AT.getTime());
              finishJobRun(db, scope, run.id, { status: 'completed' }, ADOPTED_AT.getTime() + 1000);
            }
          },
          'accounts',
        );
        const other = admittedWrite(db.path, async () => void order.push(rollupsUncounted(db.sqlite) ? 'another write, during the count' : 'another write, after it'));
        expect(await count, `seed ${seed}`).toBe(counted);
        await Promise.all([account, other]);
        expect(order).toEqual(['an account, during the count', 'another write, after it']);
        expect(rollupsUncounted(db.sqlite)).toBe(false);
        expect(rollupsNow(db)).toEqual(rollupsRecounted(db));
        expect(runCountDrift(db.sqlite)).toEqual([]);
        expect(dailyRollupDrift(db.sqlite)).toEqual([]);
        expect(countJobRuns(db, { kind: 'all' })).toBe(countJobRuns(reference, { kind: 'all' }) + (changesRuns ? 1 : 0));
        expect(leftBehind(db)).toEqual({ objects: [], scratch: false });
      } finally {
        closeAll(reference, db);
      }
    }
  });

  it('a count from a snapshot cut short after its first step leaves its counter, which the next count of either kind drops', async () => {
    for (const next of ['in the background', 'on the connection'] as const) {
      await onUncountedFile(71, async (db) => {
        // As if the app stopped after the first step: the counter and its triggers in the file, the rollups uncounted.
        db.sqlite.transaction(() => watchRunChangesSql().forEach((sql) => db.sqlite.exec(sql))).immediate();
        fs.writeFileSync(scratchFileFor(db.path), 'left by a count cut short');
        expect(leftBehind(db).objects).toHaveLength(4);
        if (next === 'in the background') expect(await countRollupsInBackground(db)).toBe('from a snapshot');
        else ensureRollupsCounted(db.sqlite);
        expect(rollupsUncounted(db.sqlite)).toBe(false);
        expect(rollupsNow(db)).toEqual(rollupsRecounted(db));
        expect(leftBehind(db).objects).toEqual([]);
        if (next === 'in the background') expect(leftBehind(db).scratch).toBe(false);
      });
    }
  });

  it('a count from a snapshot watches every column of the runs whose change a rollup trigger follows', async () => {
    await onUncountedFile(79, (db) => {
      // The triggers of the rollups a count writes (counts, daily, active, histograms) and of the days' versions.
      const rollupTriggers = db.sqlite
        .prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'job_runs' AND sql LIKE '%UPDATE OF%' AND name GLOB 'job_run_[cdah]*'")
        .pluck()
        .all() as string[];
      const columnsOf = (sql: string) => /UPDATE OF (.+?) ON/i.exec(sql)![1]!.split(',');
      const followed = new Set(rollupTriggers.flatMap((sql) => columnsOf(sql).map((column) => column.trim().replace(/[`"]/g, ''))));
      expect(rollupTriggers.length).toBeGreaterThanOrEqual(8);
      expect([...followed].sort()).toEqual([...ROLLUP_COLUMNS].sort());
    });
  });

  it('are counted under the lock when the count from a snapshot cannot make its scratch file', async () => {
    await onUncountedFile(83, async (db) => {
      fs.mkdirSync(scratchFileFor(db.path));
      expect(await countRollupsInBackground(db)).toBe('under the lock');
      expect(rollupsNow(db)).toEqual(rollupsRecounted(db));
      expect(leftBehind(db).objects).toEqual([]);
    });
  });

  it('a scratch file left by a count cut short goes as the file opens', async () => {
    const { counted, leave } = await adoptedTwice(73);
    counted.close();
    const db = await leave();
    const file = db.path;
    db.close();
    fs.writeFileSync(scratchFileFor(file), 'left by a count cut short');
    fs.writeFileSync(`${scratchFileFor(file)}-journal`, 'and its journal');
    const reopened = (await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER, deferredWork: 'leave' })).db;
    try {
      expect(fs.existsSync(scratchFileFor(file))).toBe(false);
      expect(fs.existsSync(`${scratchFileFor(file)}-journal`)).toBe(false);
      expect(rollupsUncounted(reopened.sqlite)).toBe(true);
    } finally {
      reopened.close();
    }
  });
});

/** Every row of every rollup a count writes, as JSON, sorted. */
function rollupsNow(db: AppDatabase): Record<string, string[]> {
  const sorted = (rows: unknown[][]) => rows.map((row) => JSON.stringify(row)).sort();
  return Object.fromEntries(ROLLUPS.map(({ table }) => [table, sorted(db.sqlite.prepare(`SELECT * FROM ${table}`).raw().all() as unknown[][])]));
}

/** The same, counted from scratch under the lock in a transaction rolled back after. */
function rollupsRecounted(db: AppDatabase): Record<string, string[]> {
  db.sqlite.exec('BEGIN IMMEDIATE');
  try {
    for (const sql of countRollupsSql()) db.sqlite.exec(sql);
    return rollupsNow(db);
  } finally {
    db.sqlite.exec('ROLLBACK');
  }
}

/** What a count from a snapshot could leave: its counter and triggers in the file, its scratch file beside it. */
function leftBehind(db: AppDatabase): { objects: string[]; scratch: boolean } {
  const objects = db.sqlite.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'job_run_recount%' ORDER BY name").pluck().all() as string[];
  return { objects, scratch: fs.existsSync(scratchFileFor(db.path)) };
}
