// The fuzz's world: a database file with two businesses (Alpha and Beta), their members and business admins, a
// system admin, runs of each business, system-wide runs and orphans, and schedules. Every row a tenant owns carries
// a token (xq-…-qx) in its name, email, job type or error, so an answer can be searched for rows of another tenant.
// Who owns a token is read from the database when it is checked: a system admin's fuzzed call may move a user,
// assign orphans, or rename a business, and the check follows.
import path from 'node:path';
import { type AppCore, createAppCore } from '../../src-main/app-core';
import { type AppDatabase } from '../../src-main/db/connection';
import { sessionHandle } from '../../src-main/sessions';
import { type RequestContext } from '../../src-main/ipc/access';
import { insertBusiness, insertUser, logicalDump } from '../helpers/contract-data';

export const MIGRATIONS_FOLDER = path.resolve(__dirname, '../../drizzle');
export const WORLD_START = Date.UTC(2025, 4, 1);

export const CALLERS = ['member', 'business_admin', 'system_admin', 'none'] as const;
export type Caller = (typeof CALLERS)[number];

type TokenRow = { token: string; table: 'businesses' | 'users' | 'job_runs' | 'job_schedules'; id: number };

export interface World {
  alphaId: number;
  betaId: number;
  /** The users each caller is, Alpha's for the member and the business admin. */
  callerIds: Record<Exclude<Caller, 'none'>, number>;
  tokens: TokenRow[];
  /** Values worth trying in fields of these names. */
  strings: Record<string, string[]>;
  ids: number[];
}

let tokenCounter = 0;
const token = (kind: string) => `xq-${kind}-${String(++tokenCounter).padStart(3, '0')}-qx`;

export function openCore(dbPath: string): AppCore {
  return createAppCore({ argv: ['--db', dbPath], env: {}, migrationsFolder: MIGRATIONS_FOLDER, checkOutput: true, engine: { start: false } });
}

export async function readyDb(core: AppCore): Promise<AppDatabase> {
  const startup = await core.started;
  if (startup.state !== 'ready') throw new Error(`the fuzz database did not open: ${startup.failure.message}`);
  return startup.db;
}

/** Builds the world into a new file at `dbPath` and closes it: each round of the fuzz starts on a copy. */
export async function buildWorldFile(dbPath: string): Promise<World> {
  const core = openCore(dbPath);
  const db = await readyDb(core);
  const tokens: TokenRow[] = [];
  const business = (label: string) => {
    const name = `${label} ${token('biz')}`;
    const id = insertBusiness(db, name);
    tokens.push({ token: name.split(' ')[1]!, table: 'businesses', id });
    return { id, name };
  };
  const alpha = business('Alpha');
  const beta = business('Beta');
  const user = (role: 'member' | 'business_admin' | 'system_admin', businessId: number | null) => {
    // A system admin belongs to no tenant: their email carries no token.
    const email = role === 'system_admin' ? `root-${++tokenCounter}@example.test` : `${token('user')}@example.test`;
    const made = insertUser(db, { role, businessId, email, displayName: role === 'system_admin' ? 'Root' : email.split('@')[0]! });
    if (role !== 'system_admin') tokens.push({ token: email.split('@')[0]!, table: 'users', id: made.id });
    return made;
  };
  const callerIds = { member: user('member', alpha.id).id, business_admin: user('business_admin', alpha.id).id, system_admin: user('system_admin', null).id };
  const betaStaff = [user('member', beta.id), user('business_admin', beta.id)];
  user('member', null);
  const insertRun = db.sqlite.prepare(
    `INSERT INTO job_runs (scope, business_id, orphaned_from, job_type, status, trigger, triggered_by, error, created_at, started_at, finished_at, duration_ms)
     VALUES (?, ?, ?, ?, ?, 'manual', ?, ?, ?, ?, ?, ?)`,
  );
  const statuses = ['completed', 'failed', 'pending', 'running', 'cancelled'] as const;
  const owners = [
    { scope: 'business', businessId: alpha.id, orphanedFrom: null },
    { scope: 'business', businessId: beta.id, orphanedFrom: null },
    { scope: 'system', businessId: null, orphanedFrom: null },
    { scope: 'business', businessId: null, orphanedFrom: String(beta.id + 100) },
  ] as const;
  db.sqlite.transaction(() => {
    for (const [o, owner] of owners.entries()) {
      for (let i = 0; i < 6; i++) {
        const status = statuses[i % statuses.length]!;
        const created = WORLD_START + (o * 6 + i) * 3_600_000;
        const ended = status === 'completed' || status === 'failed' || status === 'cancelled';
        const runToken = token('run');
        const id = Number(
          insertRun.run(
            // A failed run is a probe, so that it can be retried; its token is in its error.
            owner.scope, owner.businessId, owner.orphanedFrom, status === 'failed' ? 'diagnostics.probe' : `${runToken}.only`, status,
            owner.businessId === beta.id ? betaStaff[0]!.email : null, status === 'failed' ? `boom ${runToken}` : null,
            created, status === 'pending' ? null : created + 1000, ended ? created + 5000 : null, ended ? 4000 : null,
          ).lastInsertRowid,
        );
        tokens.push({ token: runToken, table: 'job_runs', id });
      }
    }
  })();
  await seedSchedules(core, callerIds.system_admin, [alpha.id, beta.id, null], tokens);
  // What callers type. A typed text can come back in an answer (the audit log keeps an export's filters, a schedule
  // its name), so it holds no whole token of a tenant: other tenants' rows are reached by their ids, and by searches
  // for the start of a token, whose answer would carry the whole one. Emails are whole: a sign-in is audited in the
  // account's own business.
  const prefix = (row: TokenRow) => row.token.replace(/-qx$/, '');
  const strings = {
    email: db.sqlite.prepare('SELECT email FROM users').pluck().all() as string[],
    name: ['Alpha', 'Beta', 'xq-biz', 'New name'],
    confirmName: [alpha.name, beta.name],
    search: ['xq', 'Beta', 'boom', '%', '_', 'only', ...tokens.map(prefix)],
    triggeredBy: [prefix(tokens.find((row) => row.table === 'users' && row.id === betaStaff[0]!.id)!), 'schedule: ', 'xq'],
    jobType: ['diagnostics.probe', 'runs.retention', 'maintenance.backup', 'maintenance.integrity_check', 'reports.monthly_usage'],
    cron: ['* * * * *', '@daily', '0 0 31 2 *', '*/0 * * * *', '0 0 29 2 1', '59 23 31 12 *', 'not cron'],
    timeZone: ['UTC', 'Pacific/Kiritimati', 'Etc/GMT+12', 'Europe/Berlin', 'America/St_Johns', 'Not/AZone'],
    fileName: ['runs-1.csv', 'usage-2025-01-2025-03.csv', 'runs-../../etc.csv'],
    fromMonth: ['1970-01', '2025-04', '2025-05', '9999-10', '0000-01', '2025-13'],
    toMonth: ['1970-01', '2025-05', '2025-06', '9999-12', '2028-05'],
    password: ['correct horse battery', 'short'],
    targetId: ['1', '2', 'job_runs', 'xq'],
  };
  // Every row of the world has an id up to about 30: each is tried in every id field, with a few that match nothing.
  const ids = [...Array.from({ length: 30 }, (_, i) => i + 1), ...tokens.map((t) => t.id), 999, 2 ** 31];
  await core.close();
  return { alphaId: alpha.id, betaId: beta.id, callerIds, tokens, strings, ids: [...new Set(ids)] };
}

async function seedSchedules(core: AppCore, adminId: number, owners: (number | null)[], tokens: TokenRow[]): Promise<void> {
  const context = contextFor(core, core.sessions.begin(adminId, null).id);
  for (const businessId of owners) {
    const name = token('schedule');
    const target = businessId === null ? { kind: 'system' } : { kind: 'business', businessId };
    const made = await core.dispatcher.dispatch('schedules.create', { name, jobType: 'diagnostics.probe', params: { durationMs: 5 }, cron: '0 3 * * *', target }, context);
    if (!made.ok) throw new Error(`seeding a schedule failed: ${made.error.message}`);
    tokens.push({ token: name, table: 'job_schedules', id: (made.value as { id: number }).id });
  }
}

/** A request context whose session is `sessionId` (null: signed out); a sign-in or sign-out by the call is kept. */
export function contextFor(core: AppCore, sessionId: string | null): RequestContext {
  let current = sessionId;
  return { shell: 'electron', session: sessionHandle(core.sessions, { read: () => current, write: (id) => (current = id) }) };
}

/** The tenant that owns a token now: a business id, 'system', 'orphan', or 'gone' (its row was deleted). */
export function ownerOf(db: AppDatabase, row: TokenRow): number | 'system' | 'orphan' | 'gone' {
  switch (row.table) {
    case 'businesses':
      return db.sqlite.prepare('SELECT id FROM businesses WHERE id = ?').pluck().get(row.id) === undefined ? 'gone' : row.id;
    case 'users': {
      const found = db.sqlite.prepare('SELECT business_id AS b, role FROM users WHERE id = ?').get(row.id) as { b: number | null; role: string } | undefined;
      if (!found) return 'gone';
      return found.role === 'system_admin' ? 'system' : (found.b ?? 'orphan');
    }
    case 'job_runs':
    case 'job_schedules': {
      const found = db.sqlite.prepare(`SELECT scope, business_id AS b FROM ${row.table} WHERE id = ?`).get(row.id) as { scope: string; b: number | null } | undefined;
      if (!found) return 'gone';
      return found.scope === 'system' ? 'system' : (found.b ?? 'orphan');
    }
  }
}

/**
 * The tokens `caller` must never receive: signed out, every one; a member or business admin, every token their
 * business does not own now; a system admin (or someone a fuzzed call made one), none.
 */
export function forbiddenTokens(db: AppDatabase, world: World, caller: Caller): string[] {
  if (caller === 'system_admin') return [];
  let business: number | null = null;
  if (caller !== 'none') {
    const found = db.sqlite.prepare('SELECT business_id AS b, role FROM users WHERE id = ?').get(world.callerIds[caller]) as { b: number | null; role: string } | undefined;
    if (found?.role === 'system_admin') return [];
    business = found?.b ?? null;
  }
  return world.tokens.filter((row) => {
    const owner = ownerOf(db, row);
    // A deleted row's token may live on in the audit log of the business it belonged to; it is not checked.
    return owner !== 'gone' && owner !== business;
  }).map((row) => row.token);
}

/** The audit events a refused sign-in writes by design. */
const SIGN_IN_REFUSALS = new Set(['auth.login_failed', 'auth.locked']);

/**
 * The database's logical dump, but what a refused sign-in writes by design (its audit event, the user's failed
 * sign-ins and lock). Equal fingerprints, nothing written.
 */
export function fingerprint(db: AppDatabase): string {
  return logicalDump(db, (table, row) => {
    if (table === 'audit_events' && SIGN_IN_REFUSALS.has(row.action as string)) return null;
    if (table !== 'users') return row;
    const { failed_login_count: _count, locked_until: _lock, ...rest } = row;
    return rest;
  });
}
