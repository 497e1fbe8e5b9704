// The admin lists hold at thousands of rows: EXPLAIN QUERY PLAN of what users.list and audit.list run, captured
// from the real service functions, on 10,000 users (half of them in one business) and 20,000 audit events, with
// no statistics and after ANALYZE. No page is sorted in a temporary B-tree (a page reads its index in order and
// stops at the limit), and a read bounded by a business, an actor or a target searches that column's index.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src-main/access/policy';
import { listUsers } from '../../src-main/accounts/user-list';
import { listAuditEvents } from '../../src-main/audit/list';
import type { AppDatabase } from '../../src-main/db/connection';
import { listUsersInput } from '../../src-shared/schemas/accounts';
import { listAuditEventsInput } from '../../src-shared/schemas/audit';
import { captureStatements, explain, formatPlan } from '../helpers/query-plans';
import { openAppDatabase } from '../../src-main/startup';
import { suiteDir } from '../helpers/contract-data';
import { MIGRATIONS_FOLDER } from '../helpers/temp';

const USERS = 10_000;
const EVENTS = 20_000;

interface Fixture {
  db: AppDatabase;
  large: number;
  small: number;
  /** A user who acted in a few events only. */
  rareActor: number;
}

/** Built once per statistics state, in a folder that lives as long as its describe block. */
async function buildFixture(file: string, analyze: boolean): Promise<Fixture> {
  const { db } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER });
  const fixture = db.sqlite.transaction(() => {
    const business = db.sqlite.prepare('INSERT INTO businesses (name, created_at) VALUES (?, 0)');
    const ids = Array.from({ length: 20 }, (_, i) => Number(business.run(`Business ${i}`).lastInsertRowid));
    const user = db.sqlite.prepare('INSERT INTO users (email, display_name, role, business_id, created_at) VALUES (?, ?, ?, ?, 0)');
    for (let i = 0; i < USERS; i++) {
      const role = i % 50 === 0 ? 'system_admin' : i % 7 === 0 ? 'business_admin' : 'member';
      const businessId = role === 'system_admin' ? null : i % 2 === 0 ? ids[0]! : ids[1 + (i % 19)]!;
      user.run(`user-${(i * 7919) % USERS}@example-${i % 13}.test`, i % 3 === 0 ? `Person ${i}` : null, role, businessId);
    }
    const event = db.sqlite.prepare(
      "INSERT INTO audit_events (at, actor_user_id, actor_label, action, target_type, target_id, business_id, details) VALUES (?, ?, 'someone', ?, ?, ?, ?, '{}')",
    );
    for (let i = 0; i < EVENTS; i++) {
      const [targetType, action] = i % 100 === 0 ? ['user', 'user.update'] : i % 2 ? ['job_run', 'job.trigger'] : ['schedule', 'schedule.fire'];
      const targetId = targetType === 'job_run' ? String(i) : String(i % 40);
      const actor = i % 1000 === 7 ? 9_999 : i % 5 === 0 ? null : 1 + (i % 300);
      event.run(1_000_000 + i * 1000, actor, action, targetType, targetId, i % 3 === 0 ? ids[0]! : ids[1 + (i % 19)]!);
    }
    return { large: ids[0]!, small: ids[5]!, rareActor: 9_999 };
  })();
  if (analyze) db.sqlite.exec('ANALYZE');
  return { db, ...fixture };
}

const systemAdmin: Actor = { userId: 1, email: 'root@example.test', role: 'system_admin', businessId: null, businessDisabled: false };
const adminOf = (businessId: number): Actor => ({ userId: 2, email: 'boss@example.test', role: 'business_admin', businessId, businessDisabled: false });

interface PlanCase {
  name: string;
  /** Both the first page and the page after it are held to the rules. */
  pages: (fixture: Fixture) => (cursor: string | null) => { nextCursor: string | null };
  /** The table and the column every access to it must search by (an index range), if the read is bounded. */
  bound?: { table: string; column: string };
}

const usersCase = (name: string, actor: (f: Fixture) => Actor, filters: (f: Fixture) => object, bounded: boolean): PlanCase => ({
  name: `users · ${name}`,
  pages: (f) => (cursor) => listUsers(f.db, actor(f), listUsersInput.parse({ filters: filters(f), cursor, limit: 50 })),
  ...(bounded ? { bound: { table: 'users', column: 'business_id' } } : {}),
});

const auditCase = (name: string, actor: (f: Fixture) => Actor, filters: (f: Fixture) => object, column: string): PlanCase => ({
  name: `audit · ${name}`,
  pages: (f) => (cursor) => listAuditEvents(f.db, actor(f), listAuditEventsInput.parse({ filters: filters(f), cursor, limit: 50 })),
  bound: { table: 'audit_events', column },
});

const CASES: PlanCase[] = [
  usersCase('every user', () => systemAdmin, () => ({}), false),
  usersCase('a search', () => systemAdmin, () => ({ search: 'person 12' }), false),
  usersCase('a role', () => systemAdmin, () => ({ role: 'business_admin' }), false),
  usersCase('the large business', () => systemAdmin, (f) => ({ businessId: f.large }), true),
  usersCase('a small business', () => systemAdmin, (f) => ({ businessId: f.small }), true),
  usersCase('users without a business', () => systemAdmin, () => ({ businessId: null }), true),
  usersCase("a business admin's list", (f) => adminOf(f.large), () => ({}), true),
  usersCase("a business admin's search", (f) => adminOf(f.large), () => ({ search: 'example-3' }), true),
  auditCase('an actor', () => systemAdmin, () => ({ actorUserId: 17 }), 'actor_user_id'),
  auditCase('a rare actor', () => systemAdmin, (f) => ({ actorUserId: f.rareActor }), 'actor_user_id'),
  auditCase('every run event', () => systemAdmin, () => ({ targetType: 'job_run' }), 'target_type'),
  auditCase('a rare kind of target', () => systemAdmin, () => ({ targetType: 'user' }), 'target_type'),
  auditCase('one schedule', () => systemAdmin, () => ({ targetType: 'schedule', targetId: '4' }), 'target_id'),
  auditCase("a business admin's actor", (f) => adminOf(f.large), (f) => ({ actorUserId: f.rareActor }), 'actor_user_id'),
  auditCase("a business admin's schedule", (f) => adminOf(f.large), () => ({ targetType: 'schedule', targetId: '4' }), 'target_id'),
];

/** What breaks the rules in a page's statements: a sort, or an access to the bound table not searched by its column. */
function violations(fixture: Fixture, planCase: PlanCase): string[] {
  const page = planCase.pages(fixture);
  let next: string | null = null;
  const statements = [
    ...captureStatements(fixture.db, () => {
      next = page(null).nextCursor;
    }),
  ];
  if (next !== null) statements.push(...captureStatements(fixture.db, () => page(next)));
  return statements.flatMap((statement) => {
    const plan = explain(fixture.db, statement);
    const found: string[] = [];
    if (plan.some((row) => /TEMP B-TREE/.test(row.detail))) found.push('a temporary B-tree sort');
    if (planCase.bound) {
      const { table, column } = planCase.bound;
      const accesses = plan.filter((row) => new RegExp(`^(SCAN|SEARCH) ${table}\\b`).test(row.detail));
      const unbounded = accesses.filter((row) => !new RegExp(`^SEARCH ${table} USING .*\\(.*\\b${column}[=><]`).test(row.detail));
      if (unbounded.length > 0) found.push(`${table} read without a range on ${column}`);
    }
    return found.map((why) => `${why}:\n    ${statement.sql}\n${formatPlan(plan)}`);
  });
}

describe.each([
  { statistics: 'no statistics', analyze: false },
  { statistics: 'after ANALYZE', analyze: true },
])('the admin lists at thousands of rows ($statistics)', ({ analyze }) => {
  const dir = suiteDir();
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await buildFixture(path.join(dir.path, 'admin-lists.db'), analyze);
  });
  afterAll(() => {
    fixture?.db.close();
    dir.remove();
  });

  it.each(CASES.map((planCase) => [planCase.name, planCase] as const))('%s', (_name, planCase) => {
    expect(violations(fixture, planCase)).toEqual([]);
  });
});
