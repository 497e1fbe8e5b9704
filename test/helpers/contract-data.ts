// Data for the contract suites: users written straight into the file with a cheap password hash (scrypt at
// its full cost is ~100 ms a hash; signing in still goes through auth.login), random worlds of businesses,
// users and runs for the isolation property, the oracle that says who may see which run, and a logical
// dump of the whole database to prove that a refused call wrote nothing.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { type AppDatabase } from '../../src-main/db/connection';
import { type RunStatus, RUN_STATUSES, type UserRole } from '../../src-shared/domain';
import { storedOrderOf } from './table-order';

export const TEST_PASSWORD = 'correct horse battery';

/** A hash login accepts (passwords.ts reads N, r and p from it) at a cost of microseconds. */
export function cheapPasswordHash(password: string = TEST_PASSWORD): string {
  const salt = crypto.randomBytes(16);
  const key = crypto.scryptSync(password.normalize('NFC'), salt, 32, { N: 16, r: 8, p: 1 });
  return ['scrypt', 16, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}

const sharedHash = cheapPasswordHash();

export interface TestUser {
  id: number;
  email: string;
  role: UserRole;
  businessId: number | null;
}

let userCounter = 0;

export function insertUser(
  db: AppDatabase,
  user: { role: UserRole; businessId: number | null; email?: string; displayName?: string | null; disabled?: boolean },
): TestUser {
  const email = user.email ?? `${user.role.replace('_', '-')}-${++userCounter}@example.test`;
  const id = Number(
    db.sqlite
      .prepare('INSERT INTO users (email, display_name, role, business_id, password_hash, created_at, disabled_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(email, user.displayName ?? null, user.role, user.businessId, sharedHash, Date.now(), user.disabled ? Date.now() : null).lastInsertRowid,
  );
  return { id, email, role: user.role, businessId: user.businessId };
}

export function insertBusiness(db: AppDatabase, name: string): number {
  return Number(db.sqlite.prepare('INSERT INTO businesses (name, created_at) VALUES (?, ?)').run(name, Date.now()).lastInsertRowid);
}

export type RunOwner = { kind: 'business'; index: number } | { kind: 'system' } | { kind: 'orphan' };

export interface RunSpec {
  owner: RunOwner;
  status: RunStatus;
  jobType: string;
  /** Minutes after WORLD_START. */
  minute: number;
  durationMs: number;
  /** Its `team` tag, one every owner shares, or none. */
  team?: string | null;
}

export interface WorldSpec {
  businesses: number;
  /** Per business: how many members and business admins. */
  staff: { members: number; admins: number }[];
  /** Members and business admins linked to no business. */
  unlinked: { members: number; admins: number };
  systemAdmins: number;
  runs: RunSpec[];
}

export const WORLD_START = Date.UTC(2025, 0, 6);
/** Statistics ask for this range; every run of a world lies inside it. */
export const WORLD_RANGE = { from: WORLD_START - 86_400_000, to: WORLD_START + 31 * 86_400_000 };

/** Job types shared by everyone, and some that only one owner has (their names must never leak). */
const SHARED_TYPES = ['diagnostics.probe', 'runs.retention', 'legacy.cleanup'];
/** The values of the `team` tag runs of every owner carry: a filter by one must never reach another business's runs. */
export const WORLD_TEAMS = ['red', 'blue'] as const;

export function worldArbitrary(): fc.Arbitrary<WorldSpec> {
  return fc.integer({ min: 2, max: 5 }).chain((businesses) => {
    const owner: fc.Arbitrary<RunOwner> = fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 0, max: businesses - 1 }).map((index) => ({ kind: 'business' as const, index })) },
      { weight: 1, arbitrary: fc.constant({ kind: 'system' as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'orphan' as const }) },
    );
    const run: fc.Arbitrary<RunSpec> = fc.record({
      owner,
      status: fc.constantFrom(...RUN_STATUSES),
      jobType: fc.oneof(fc.constantFrom(...SHARED_TYPES), fc.constant('own')),
      minute: fc.integer({ min: 0, max: 30 * 24 * 60 }),
      durationMs: fc.integer({ min: 1, max: 600_000 }),
      team: fc.option(fc.constantFrom(...WORLD_TEAMS)),
    });
    const staff = fc.record({ members: fc.integer({ min: 0, max: 1 }), admins: fc.integer({ min: 0, max: 1 }) });
    return fc.record({
      businesses: fc.constant(businesses),
      staff: fc.array(staff, { minLength: businesses, maxLength: businesses }),
      unlinked: fc.record({ members: fc.integer({ min: 0, max: 1 }), admins: fc.integer({ min: 0, max: 1 }) }),
      systemAdmins: fc.integer({ min: 1, max: 2 }),
      runs: fc.array(run, { maxLength: 30 }),
    });
  });
}

export interface World {
  businessIds: number[];
  users: TestUser[];
  runs: OracleRun[];
}

export interface OracleRun {
  id: number;
  scope: 'business' | 'system';
  businessId: number | null;
  status: RunStatus;
  jobType: string;
  team?: string | null;
}

/** Writes a world with plain SQL: orphans as adoption leaves them (business-scoped, no business). */
export function buildWorld(db: AppDatabase, spec: WorldSpec, tag: string): World {
  return db.sqlite.transaction(() => {
    const businessIds = Array.from({ length: spec.businesses }, (_, i) => insertBusiness(db, `${tag} business ${i + 1}`));
    const users: TestUser[] = [];
    spec.staff.forEach((staff, i) => {
      for (let n = 0; n < staff.members; n++) users.push(insertUser(db, { role: 'member', businessId: businessIds[i]! }));
      for (let n = 0; n < staff.admins; n++) users.push(insertUser(db, { role: 'business_admin', businessId: businessIds[i]! }));
    });
    for (let n = 0; n < spec.unlinked.members; n++) users.push(insertUser(db, { role: 'member', businessId: null }));
    for (let n = 0; n < spec.unlinked.admins; n++) users.push(insertUser(db, { role: 'business_admin', businessId: null }));
    // One system admin linked to a business: their reach is still everything.
    for (let n = 0; n < spec.systemAdmins; n++) users.push(insertUser(db, { role: 'system_admin', businessId: n === 1 ? businessIds[0]! : null }));

    const insert = db.sqlite.prepare(
      `INSERT INTO job_runs (scope, business_id, orphaned_from, job_type, status, trigger, created_at, started_at, finished_at, duration_ms, tags)
       VALUES (@scope, @businessId, @orphanedFrom, @jobType, @status, 'manual', @createdAt, @startedAt, @finishedAt, @durationMs, @tags)`,
    );
    const runs = spec.runs.map((run): OracleRun => {
      const scope = run.owner.kind === 'system' ? 'system' : 'business';
      const businessId = run.owner.kind === 'business' ? businessIds[run.owner.index]! : null;
      const ownerTag = run.owner.kind === 'business' ? `b${businessId}` : run.owner.kind;
      const jobType = run.jobType === 'own' ? `${tag}.only-${ownerTag}` : run.jobType;
      const createdAt = WORLD_START + run.minute * 60_000;
      const started = run.status !== 'pending';
      const finished = run.status === 'completed' || run.status === 'failed' || run.status === 'cancelled';
      const id = Number(
        insert.run({
          scope,
          businessId,
          orphanedFrom: run.owner.kind === 'orphan' ? 'gone-business' : null,
          jobType,
          status: run.status,
          createdAt,
          startedAt: started ? createdAt + 1000 : null,
          finishedAt: finished ? createdAt + 1000 + run.durationMs : null,
          durationMs: finished ? run.durationMs : null,
          tags: run.team ? JSON.stringify({ team: run.team }) : null,
        }).lastInsertRowid,
      );
      return { id, scope, businessId, status: run.status, jobType, team: run.team ?? null };
    });
    return { businessIds, users, runs };
  })();
}

/** What a view may contain, in the oracle's words. */
export type ViewSpec = { kind: 'business'; businessId: number } | { kind: 'all' } | { kind: 'system' } | { kind: 'orphans' };

export function visibleRuns(runs: readonly OracleRun[], view: ViewSpec): OracleRun[] {
  return runs.filter((run) => {
    switch (view.kind) {
      case 'all':
        return true;
      case 'system':
        return run.scope === 'system';
      case 'orphans':
        return run.scope === 'business' && run.businessId === null;
      case 'business':
        return run.scope === 'business' && run.businessId === view.businessId;
    }
  });
}

/** Whose view a signed-in user gets by default; null: none (FORBIDDEN on every tenant channel). */
export function defaultView(user: TestUser): ViewSpec | null {
  if (user.role === 'system_admin') return { kind: 'all' };
  return user.businessId === null ? null : { kind: 'business', businessId: user.businessId };
}

/** Removes every world: each property run starts on empty tenant tables (the audit log is append-only and stays). */
export function clearWorld(db: AppDatabase): void {
  db.sqlite.exec('DELETE FROM job_runs; DELETE FROM job_schedules; DELETE FROM saved_views; DELETE FROM users; DELETE FROM businesses;');
}

/**
 * sha256 of every row of every table, in stored order (test/helpers/table-order.ts): equal dumps, equal databases.
 * `except` leaves out what a caller may change by design: a row it returns null for, or the row as it returns it.
 */
export function logicalDump(db: AppDatabase, except?: (table: string, row: Record<string, unknown>) => Record<string, unknown> | null): string {
  const tables = db.sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  const hash = crypto.createHash('sha256');
  for (const table of tables) {
    hash.update(`\n# ${table}\n`);
    const { orderBy } = storedOrderOf(db.sqlite, table);
    for (const row of db.sqlite.prepare(`SELECT * FROM "${table}" ORDER BY ${orderBy}`).iterate() as Iterable<Record<string, unknown>>) {
      const kept = except ? except(table, row) : row;
      if (kept) hash.update(`${JSON.stringify(kept)}\n`);
    }
  }
  return hash.digest('hex');
}

/** A folder that lives for a whole describe block (test/helpers/temp.ts removes its folders after each test). */
export function suiteDir(): { path: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'automation-contract-'));
  return { path: dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
