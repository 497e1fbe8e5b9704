// Adoption leaves the indexes only filters use to be built after the file opens; until then the app answers the
// same, and once they are built the file has exactly the schema's indexes.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createAppCore } from '../../src-main/app-core';
import type { AppDatabase } from '../../src-main/db/connection';
import {
  buildDeferredIndexesInBackground,
  countRollupsInBackground,
  fillSortTablesInBackground,
  finishDeferredWork,
  META_DEFERRED_INDEXES,
  missingDeferredIndexes,
  queueIndexesBuilt,
} from '../../src-main/adoption/after-open';
import { readMeta } from '../../src-main/db/meta';
import { dailyRollupDrift } from '../../src-main/db/rollup-drift';
import { sortTablesDrift, sortTablesUnfilled } from '../../src-main/db/sort-tables';
import { listJobRuns } from '../../src-main/history/pages';
import type { TenantScope } from '../../src-shared/tenancy';
import { loadMigrations, runMigrationStatements } from '../../src-main/db/migrations';
import { openAppDatabase } from '../../src-main/startup';
import { createLegacyDatabase } from '../helpers/legacy-fixtures';
import { seedRuns } from '../helpers/seed';
import { MIGRATIONS_FOLDER, tempDir } from '../helpers/temp';
import { ADOPTED_AT } from './support';

const FILTER_INDEXES = [
  'job_runs_business_status_created_idx',
  'job_runs_business_trigger_created_idx',
  'job_runs_business_type_created_idx',
  'job_runs_legacy_id_unique',
  'job_runs_status_created_idx',
  'job_runs_trigger_created_idx',
  'job_runs_triggered_by_user_idx',
  'job_runs_type_created_idx',
];

function indexesOf(sqlite: Database.Database): { name: string; sql: string }[] {
  return sqlite.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").all() as {
    name: string;
    sql: string;
  }[];
}

/** A fresh database's indexes: what every file must end with. */
function schemaIndexes(): { name: string; sql: string }[] {
  const sqlite = new Database(':memory:');
  runMigrationStatements(sqlite, loadMigrations(MIGRATIONS_FOLDER));
  const indexes = indexesOf(sqlite);
  sqlite.close();
  return indexes;
}

/** Queries that the deferred indexes serve, with their answers. */
function filteredAnswers(db: AppDatabase): unknown[] {
  const all = (sql: string) => db.sqlite.prepare(sql).all();
  return [
    all("SELECT id FROM job_runs WHERE status = 'failed' ORDER BY created_at DESC, id DESC LIMIT 50"),
    all("SELECT id FROM job_runs WHERE job_type = 'sync_orders' AND business_id IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 50"),
    all('SELECT id FROM job_runs WHERE triggered_by_user_id IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 50'),
    all('SELECT business_id, status, count(*) AS n FROM job_runs GROUP BY 1, 2 ORDER BY 1, 2'),
  ];
}

async function adoptLeavingIndexes(): Promise<{ db: AppDatabase; deferred: number; file: string }> {
  const file = path.join(tempDir(), 'automation.db');
  createLegacyDatabase(file, { revision: 'tenant', runs: 600, seed: 21 });
  const { db, report } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER, now: () => ADOPTED_AT, deferredWork: 'leave' });
  return { db, deferred: report.deferred.indexes, file };
}

/** An adopted file with its indexes left, while another connection holds its write lock (until `work` ends it). */
async function whileAnotherWriterHoldsTheFile(work: (db: AppDatabase, writer: Database.Database) => Promise<void>): Promise<void> {
  const { db, file } = await adoptLeavingIndexes();
  const writer = new Database(file);
  try {
    writer.exec('BEGIN IMMEDIATE');
    await work(db, writer);
  } finally {
    if (writer.inTransaction) writer.exec('ROLLBACK');
    writer.close();
    db.close();
  }
}

describe('indexes that adoption leaves for after the file opens', () => {
  it('are the filter indexes; the answers do not change when they are built in the background, and the file ends with the schema’s indexes', async () => {
    const { db, deferred } = await adoptLeavingIndexes();
    try {
      expect(deferred).toBe(FILTER_INDEXES.length);
      expect(missingDeferredIndexes(db).map((index) => index.name).sort()).toEqual(FILTER_INDEXES);
      const present = new Set(indexesOf(db.sqlite).map((index) => index.name));
      for (const name of FILTER_INDEXES) expect(present.has(name)).toBe(false);
      const before = filteredAnswers(db);

      await expect(buildDeferredIndexesInBackground(db)).resolves.toBe(FILTER_INDEXES.length);

      expect(indexesOf(db.sqlite)).toEqual(schemaIndexes());
      expect(missingDeferredIndexes(db)).toEqual([]);
      expect(readMeta(db, META_DEFERRED_INDEXES)).toBeUndefined();
      expect(filteredAnswers(db)).toEqual(before);
      await expect(buildDeferredIndexesInBackground(db)).resolves.toBe(0);
    } finally {
      db.close();
    }
  });

  it("the queue's, by status, come first: built alone, the others stay listed for later", async () => {
    const { db } = await adoptLeavingIndexes();
    try {
      expect(queueIndexesBuilt(db)).toBe(false);
      await expect(buildDeferredIndexesInBackground(db, {}, 'queue')).resolves.toBe(2);
      expect(queueIndexesBuilt(db)).toBe(true);
      const present = new Set(indexesOf(db.sqlite).map((index) => index.name));
      expect(FILTER_INDEXES.filter((name) => present.has(name))).toEqual(['job_runs_business_status_created_idx', 'job_runs_status_created_idx']);
      expect(missingDeferredIndexes(db).map((index) => index.name).sort()).toEqual(FILTER_INDEXES.filter((name) => !name.includes('_status_')));
      await expect(buildDeferredIndexesInBackground(db)).resolves.toBe(FILTER_INDEXES.length - 2);
      expect(indexesOf(db.sqlite)).toEqual(schemaIndexes());
      expect(readMeta(db, META_DEFERRED_INDEXES)).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it('are built by the app on a worker thread once it has opened the adopted file; closing finishes the step under way and leaves the rest for the next start', async () => {
    const file = path.join(tempDir(), 'automation.db');
    createLegacyDatabase(file, { revision: 'pre_tenant', runs: 400, seed: 8 });
    const core = createAppCore({ argv: ['--db', file], env: {}, migrationsFolder: MIGRATIONS_FOLDER, engine: { start: false } });
    const startup = await core.started;
    if (startup.state !== 'ready') throw new Error(`expected ready, got ${startup.failure.message}`);
    expect(startup.report.deferred).toEqual({ rollups: true, sortTables: true, indexes: FILTER_INDEXES.length });
    await core.close();
    // However far the work got before the close, what it did not do is still listed, and nothing is half-done.
    const sqlite = new Database(file, { readonly: true });
    try {
      const present = new Set(indexesOf(sqlite).map((index) => index.name));
      const missing = schemaIndexes().filter((index) => !present.has(index.name)).map((index) => index.name);
      const listed = sqlite.prepare('SELECT value FROM app_meta WHERE key = ?').pluck().get(META_DEFERRED_INDEXES) as string | undefined;
      if (missing.length === 0) expect(listed).toBeUndefined();
      else expect((JSON.parse(listed!) as { name: string }[]).map((index) => index.name)).toEqual(expect.arrayContaining(missing));
    } finally {
      sqlite.close();
    }
    const reopened = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER });
    try {
      expect(indexesOf(reopened.db.sqlite)).toEqual(schemaIndexes());
      expect(reopened.report.deferred).toEqual({ rollups: false, sortTables: false, indexes: 0 });
    } finally {
      reopened.db.close();
    }
  });

  it('are built at the next open when a build stopped half-way', async () => {
    const { db, file } = await adoptLeavingIndexes();
    // One was built before the process stopped; the list still names all of them.
    const [first] = missingDeferredIndexes(db);
    db.sqlite.exec(first!.sql);
    expect(missingDeferredIndexes(db)).toHaveLength(FILTER_INDEXES.length - 1);
    db.close();

    const progress: string[] = [];
    const reopened = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER, onProgress: (p) => progress.push(`${p.phase} ${p.done}/${p.total}`) });
    try {
      expect(reopened.report.adoption).toBeNull();
      expect(reopened.report.deferred).toEqual({ rollups: false, sortTables: false, indexes: 0 });
      expect(progress).toEqual([
        'Counting the statistics 0/1',
        'Counting the statistics 1/1',
        'Preparing the sorted history 0/1',
        'Preparing the sorted history 1/1',
        `Building indexes 0/${FILTER_INDEXES.length - 1}`, ...FILTER_INDEXES.slice(1).map((_, i) => `Building indexes ${i + 1}/${FILTER_INDEXES.length - 1}`)]);
      expect(indexesOf(reopened.db.sqlite)).toEqual(schemaIndexes());
      expect(readMeta(reopened.db, META_DEFERRED_INDEXES)).toBeUndefined();
    } finally {
      reopened.db.close();
    }
  });

  it('are built once a writer that held the file longer than the busy timeout lets go, tried again after a pause', async () => {
    await whileAnotherWriterHoldsTheFile(async (db, writer) => {
      setTimeout(() => writer.exec('COMMIT'), 400);
      const built = await buildDeferredIndexesInBackground(db, { busyTimeoutMs: 50, retryDelayMs: 50, attempts: 100 });
      expect(writer.inTransaction).toBe(false);
      expect(built).toBe(FILTER_INDEXES.length);
      expect(missingDeferredIndexes(db)).toEqual([]);
      expect(indexesOf(db.sqlite)).toEqual(schemaIndexes());
    });
  });

  it('gives up with the busy error after its tries, leaving the indexes listed for the next start', async () => {
    await whileAnotherWriterHoldsTheFile(async (db, writer) => {
      const build = buildDeferredIndexesInBackground(db, { busyTimeoutMs: 20, retryDelayMs: 20, attempts: 3 });
      await expect(build).rejects.toMatchObject({ name: 'SqlWorkerError', code: 'SQLITE_BUSY' });
      writer.exec('ROLLBACK');
      expect(missingDeferredIndexes(db).map((index) => index.name).sort()).toEqual(FILTER_INDEXES);
    });
  });

  it('stops trying as soon as it is told to (the app closing), without waiting out the pause', async () => {
    await whileAnotherWriterHoldsTheFile(async (db) => {
      const stop = new AbortController();
      const started = Date.now();
      const build = buildDeferredIndexesInBackground(db, { busyTimeoutMs: 20, retryDelayMs: 60_000, attempts: 100, signal: stop.signal });
      setTimeout(() => stop.abort(), 300);
      await expect(build).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });

  it('builds an index the list names that already exists without complaint', async () => {
    const { db } = await adoptLeavingIndexes();
    try {
      for (const index of missingDeferredIndexes(db)) db.sqlite.exec(index.sql);
      // Listed again, as if two builders had raced.
      db.sqlite.prepare(`UPDATE app_meta SET value = ? WHERE key = ?`).run(JSON.stringify(schemaIndexes().filter((i) => FILTER_INDEXES.includes(i.name))), META_DEFERRED_INDEXES);
      expect(() => finishDeferredWork(db)).not.toThrow();
      expect(readMeta(db, META_DEFERRED_INDEXES)).toBeUndefined();
    } finally {
      db.close();
    }
  });
});

describe('the sort tables that adoption leaves to fill after the file opens', () => {
  /** Every sorted first page and the one after it, as the history answers them, for every scope the adopted runs have. */
  function sortedPages(db: AppDatabase): unknown[] {
    const scopes: TenantScope[] = [{ kind: 'all' }, { kind: 'orphans' }, { kind: 'system' }];
    for (const id of db.sqlite.prepare('SELECT id FROM businesses ORDER BY id').pluck().all() as number[]) scopes.push({ kind: 'business', businessId: id });
    return scopes.flatMap((scope) =>
      (['durationMs', 'startedAt'] as const).flatMap((field) =>
        (['desc', 'asc'] as const).map((direction) => {
          const input = { filters: {}, sort: { field, direction }, limit: 20 };
          const first = listJobRuns(db, scope, { ...input, cursor: null });
          const next = first.nextCursor ? listJobRuns(db, scope, { ...input, cursor: first.nextCursor }).runs : [];
          return [...first.runs, ...next].map((run) => run.id);
        }),
      ),
    );
  }

  it('are sorted from the runs until they are filled on a worker, then read from the tables with the same answers', async () => {
    const { db } = await adoptLeavingIndexes();
    try {
      await countRollupsInBackground(db);
      expect(sortTablesUnfilled(db.sqlite)).toBe(true);
      // Runs that end meanwhile enter the tables through the triggers, which alone would claim they are all there is.
      const business = db.sqlite.prepare('SELECT id FROM businesses ORDER BY id LIMIT 1').pluck().get() as number;
      seedRuns(db, { kind: 'business', businessId: business }, 25, { statuses: ['completed'], durationMs: 1500 });
      const before = sortedPages(db);
      expect(before.some((ids) => (ids as number[]).length > 0)).toBe(true);

      await expect(fillSortTablesInBackground(db)).resolves.toBe(true);

      expect(sortTablesUnfilled(db.sqlite)).toBe(false);
      expect(sortTablesDrift(db.sqlite)).toEqual([]);
      expect(dailyRollupDrift(db.sqlite)).toEqual([]);
      expect(db.sqlite.prepare('SELECT count(*) FROM job_run_sort_extremes').pluck().get()).toBeGreaterThan(0);
      expect(sortedPages(db)).toEqual(before);
      await expect(fillSortTablesInBackground(db)).resolves.toBe(false);
    } finally {
      db.close();
    }
  });
});
