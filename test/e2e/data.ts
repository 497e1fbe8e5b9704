// The database files the scenarios start on, each built by code in the test's own folder: a small world of
// businesses, users and finished runs; a server-edition file to adopt; a file from a newer app; not SQLite.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type AppDatabase } from '../../src-main/db/connection';
import { openAppDatabase } from '../../src-main/startup';
import { createBusiness } from '../../src-main/accounts/businesses';
import { backUpNow } from '../../src-main/backups/store';
import { type RunStatus } from '../../src-shared/domain';
import { insertUser, TEST_PASSWORD, type TestUser } from '../helpers/contract-data';
import { createLegacyDatabase, type LegacyFixture } from '../helpers/legacy-fixtures';
import { SeededRandom } from '../helpers/random';

export { TEST_PASSWORD };
export const MIGRATIONS_FOLDER = path.resolve(__dirname, '../../drizzle');

export interface SeededBusiness {
  id: number;
  name: string;
  runIds: number[];
}

/** Two businesses with different run counts, system-wide runs, orphans, and a user of every kind. */
export interface TenantWorld {
  acme: SeededBusiness;
  globex: SeededBusiness;
  systemRunIds: number[];
  orphanRunIds: number[];
  systemAdmin: TestUser;
  acmeMember: TestUser;
  globexMember: TestUser;
  /** A member linked to no business: FORBIDDEN on every tenant channel. */
  unlinkedMember: TestUser;
}

export const WORLD_COUNTS = { acme: 3, globex: 5, system: 2, orphans: 1 } as const;

export async function buildTenantWorld(dbPath: string): Promise<TenantWorld> {
  return withDatabase(dbPath, (db) => {
    const acme = createBusiness(db, { name: 'Acme Logistics' });
    const globex = createBusiness(db, { name: 'Globex Retail' });
    const statuses: RunStatus[] = ['completed', 'failed', 'completed', 'cancelled'];
    let minute = 0;
    // Recent, finished runs: inside any stats window the UI might default to.
    const runs = (owner: RunOwner, count: number) =>
      Array.from({ length: count }, (_, i) => insertFinishedRun(db, owner, statuses[i % statuses.length]!, Date.now() - ++minute * 60_000));
    return db.sqlite.transaction(() => ({
      acme: { id: acme.id, name: acme.name, runIds: runs({ businessId: acme.id }, WORLD_COUNTS.acme) },
      globex: { id: globex.id, name: globex.name, runIds: runs({ businessId: globex.id }, WORLD_COUNTS.globex) },
      systemRunIds: runs('system', WORLD_COUNTS.system),
      orphanRunIds: runs('orphan', WORLD_COUNTS.orphans),
      systemAdmin: insertUser(db, { role: 'system_admin', businessId: null, email: 'root@example.test' }),
      acmeMember: insertUser(db, { role: 'member', businessId: acme.id, email: 'ann@acme.example' }),
      globexMember: insertUser(db, { role: 'member', businessId: globex.id, email: 'gus@globex.example' }),
      unlinkedMember: insertUser(db, { role: 'member', businessId: null, email: 'nobody@example.test' }),
    }))();
  });
}

/** How many more users a crowded world has: in Acme, in Globex, and linked to no business. */
export const CROWD = { acme: 180, globex: 100, unlinked: 20 } as const;

/**
 * Users enough to page through, added to a tenant world: every seventh of a business is its business admin, every
 * tenth is named "Dana …" (the rest have no display name), emails `person-001@acme.example` and so on.
 */
export async function addUserCrowd(dbPath: string, world: TenantWorld): Promise<TestUser[]> {
  return withDatabase(dbPath, (db) =>
    db.sqlite.transaction(() =>
      (
        [
          ['acme', world.acme.id, CROWD.acme],
          ['globex', world.globex.id, CROWD.globex],
          ['nowhere', null, CROWD.unlinked],
        ] as const
      ).flatMap(([domain, businessId, count]) =>
        Array.from({ length: count }, (_, i) =>
          insertUser(db, {
            role: businessId !== null && i % 7 === 0 ? 'business_admin' : 'member',
            businessId,
            email: `person-${String(i + 1).padStart(3, '0')}@${domain}.example`,
            displayName: i % 10 === 3 ? `Dana ${domain} ${i + 1}` : null,
          }),
        ),
      ),
    )(),
  );
}

/** Businesses without a single run, and more orphans (a minute apart, older than the world's runs): an adopted file's check. */
export async function addIdleBusinessesAndOrphans(dbPath: string, counts: { businesses: number; orphans: number }): Promise<number[]> {
  return withDatabase(dbPath, (db) =>
    db.sqlite.transaction(() => {
      const oldest = Date.now() - 7 * 86_400_000;
      for (let i = 0; i < counts.orphans; i++) insertFinishedRun(db, 'orphan', i % 5 === 0 ? 'failed' : 'completed', oldest - i * 60_000);
      return Array.from({ length: counts.businesses }, (_, i) => createBusiness(db, { name: `Quiet Shop ${String(i + 1).padStart(2, '0')}` }).id);
    })(),
  );
}

type RunOwner = { businessId: number } | 'system' | 'orphan';

/** Orphans as adoption leaves them: business-scoped, no business. */
function insertFinishedRun(
  db: AppDatabase,
  owner: RunOwner,
  status: RunStatus,
  createdAt: number,
  { jobType = 'diagnostics.probe', durationMs = 1500 }: { jobType?: string; durationMs?: number } = {},
): number {
  return Number(
    db.sqlite
      .prepare(
        `INSERT INTO job_runs (scope, business_id, orphaned_from, job_type, status, trigger, created_at, started_at, finished_at, duration_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        owner === 'system' ? 'system' : 'business',
        typeof owner === 'object' ? owner.businessId : null,
        owner === 'orphan' ? 'a-deleted-business' : null,
        jobType,
        status,
        owner === 'system' ? 'system' : owner === 'orphan' ? 'legacy' : 'manual',
        createdAt,
        createdAt + 1000,
        createdAt + 1000 + durationMs,
        durationMs,
      ).lastInsertRowid,
  );
}

/** Job types of the statistics world, each with the durations its runs take (ms): milliseconds to hours. */
const STATS_JOB_TYPES = [
  { jobType: 'diagnostics.probe', minMs: 3, maxMs: 900 },
  { jobType: 'legacy.export_invoices', minMs: 800, maxMs: 20_000 },
  { jobType: 'reports.monthly_usage', minMs: 15_000, maxMs: 8 * 60_000 },
  { jobType: 'runs.retention', minMs: 2 * 60_000, maxMs: 40 * 60_000 },
  { jobType: 'legacy.sync_inventory', minMs: 40 * 60_000, maxMs: 5 * 3_600_000 },
] as const;

export interface StatsWorld {
  systemAdmin: TestUser;
  businesses: { id: number; name: string }[];
}

/**
 * Businesses with random runs (seeded) of five job types, whose durations span milliseconds to hours, over the last
 * 7 days (the view's default range) and the 7 before; one business ran only before, one only now; system-wide runs
 * and orphans too.
 */
export async function buildStatsWorld(dbPath: string, seed = 19): Promise<StatsWorld> {
  return withDatabase(dbPath, (db) => {
    const random = new SeededRandom(seed);
    const now = Date.now();
    const names = ['Acme Logistics', 'Globex Retail', 'Initech', 'Northwind Traders International Holdings', 'Umbrella Health', 'Stark Freight'];
    const statuses: RunStatus[] = ['completed', 'completed', 'completed', 'completed', 'failed', 'cancelled'];
    const insertSome = (owner: RunOwner, count: number, daysAgo: number) => {
      for (let i = 0; i < count; i++) {
        const type = STATS_JOB_TYPES[random.int(STATS_JOB_TYPES.length)]!;
        // Log-uniform between the type's shortest and longest.
        const durationMs = Math.round(type.minMs * (type.maxMs / type.minMs) ** random.next());
        // Inside the day `daysAgo`…`daysAgo + 6` days back, an hour clear of the range's edges.
        const createdAt = now - daysAgo * 86_400_000 - 3_600_000 - random.int(6 * 86_400_000 - 2 * 3_600_000);
        insertFinishedRun(db, owner, statuses[random.int(statuses.length)]!, createdAt, { jobType: type.jobType, durationMs });
      }
    };
    return db.sqlite.transaction(() => {
      const businesses = names.map((name) => createBusiness(db, { name }));
      businesses.forEach((business, i) => {
        // The fifth ran only before; the sixth only now.
        if (i !== 5) insertSome({ businessId: business.id }, 4 + random.int(30), 7);
        if (i !== 4) insertSome({ businessId: business.id }, 4 + random.int(40), 0);
      });
      insertSome('system', 6, 0);
      insertSome('system', 3, 7);
      insertSome('orphan', 3, 0);
      return {
        systemAdmin: insertUser(db, { role: 'system_admin', businessId: null, email: 'root@example.test' }),
        businesses: businesses.map(({ id, name }) => ({ id, name })),
      };
    })();
  });
}

/** A server-edition file at revision 41bb836dfc6f, with runs whose business is gone (orphans after adoption). */
export function legacyServerDatabase(dbPath: string): LegacyFixture {
  return createLegacyDatabase(dbPath, { revision: 'tenant', businesses: 4, users: 12, runs: 60, seed: 5 });
}

/**
 * A server-edition file from before tenancy (revision 1042e3384203): every run becomes an orphan, and its
 * triggered_by (a user's id or email in any case, a label, or nothing) is the only evidence of its business.
 */
export function legacyPreTenantDatabase(dbPath: string): LegacyFixture {
  return createLegacyDatabase(dbPath, { revision: 'pre_tenant', businesses: 4, users: 12, runs: 60, seed: 7 });
}

/** An app database whose migration table records one migration more than this app knows. */
export async function databaseFromTheFuture(dbPath: string): Promise<void> {
  await withDatabase(dbPath, () => undefined);
  const sqlite = new Database(dbPath);
  try {
    sqlite.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('f'.repeat(64), Date.now() + 86_400_000);
  } finally {
    sqlite.close();
  }
}

export function notASqliteFile(dbPath: string): void {
  fs.writeFileSync(dbPath, 'This is a shopping list, not a database.\n'.repeat(200));
}

/**
 * Backups of the file made `daysAgo` days ago by the backup job (recorded, in backups/), oldest first, and one that
 * an earlier version left beside the file (`automation.db.before-delete-orphans.<time>.backup`, unrecorded). Returns
 * the recorded backups' file names, oldest first.
 */
export async function buildBackupHistory(dbPath: string, daysAgo: readonly number[]): Promise<string[]> {
  const { db } = await openAppDatabase(dbPath, { migrationsFolder: MIGRATIONS_FOLDER });
  try {
    const names: string[] = [];
    for (const days of daysAgo) names.push(path.basename((await backUpNow(db.sqlite, 'job', { now: new Date(Date.now() - days * 86_400_000) })).path));
    const stamp = new Date(Date.now() - 60 * 86_400_000).toISOString().replace(/[:.]/g, '-');
    fs.copyFileSync(dbPath, path.join(path.dirname(dbPath), `${path.basename(dbPath)}.before-delete-orphans.${stamp}.backup`));
    return names;
  } finally {
    db.close();
  }
}

/** Flips 4 KiB in the middle of a backup in backups/ beside the database: it no longer passes its check. */
export function corruptBackup(dbPath: string, name: string): void {
  const file = path.join(path.dirname(dbPath), 'backups', name);
  const bytes = fs.readFileSync(file);
  const middle = Math.floor(bytes.length / 2);
  for (let i = middle; i < middle + 4096; i++) bytes[i] = bytes[i]! ^ 0xff;
  fs.writeFileSync(file, bytes);
}

async function withDatabase<T>(dbPath: string, build: (db: AppDatabase) => T): Promise<T> {
  const { db } = await openAppDatabase(dbPath, { migrationsFolder: MIGRATIONS_FOLDER });
  try {
    return build(db);
  } finally {
    db.close();
  }
}
