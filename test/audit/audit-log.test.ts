import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src-main/access/policy';
import type { AppDatabase } from '../../src-main/db/connection';
import { recordAuditEvent, type AuditActor } from '../../src-main/audit/record';
import { getRunAuditTrail, listAuditEvents } from '../../src-main/audit/list';
import type { TenantScope } from '../../src-shared/tenancy';
import type { UserRole } from '../../src-shared/domain';
import { auditEventPageSchema, listAuditEventsInput, type AuditEventView, type AuditTargetType } from '../../src-shared/schemas/audit';
import { createTestDatabase, insertRuns, seedBusiness, seedUser } from '../helpers/seed';
import { fieldIssuesOf } from '../../src-shared/field-issues';

let nextUserId = 1;
function actorOf(role: UserRole, businessId: number | null, businessDisabled = false): Actor {
  const userId = nextUserId++;
  return { userId, email: `${role}-${userId}@example.test`, role, businessId, businessDisabled };
}

const appActor: AuditActor = { kind: 'app', label: 'system' };
const userActor = (actor: Actor): AuditActor => ({
  kind: 'user',
  userId: actor.userId,
  label: actor.email,
  role: actor.role,
  businessId: actor.businessId,
});

/** Parses input the way the IPC layer does, so defaults apply. */
const list = (db: AppDatabase, actor: Actor, input: unknown = {}) => {
  const page = listAuditEvents(db, actor, listAuditEventsInput.parse(input));
  auditEventPageSchema.parse(page);
  return page;
};

function allPages(db: AppDatabase, actor: Actor, input: Record<string, unknown> = {}): AuditEventView[] {
  const events: AuditEventView[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const page = list(db, actor, { ...input, cursor, limit: 200 });
    events.push(...page.events);
    if (page.nextCursor === null) return events;
    cursor = page.nextCursor;
  }
  throw new Error('paging did not end');
}

const ids = (events: AuditEventView[]) => events.map((event) => event.id);
const newestFirst = (x: { at: number; id: number }, y: { at: number; id: number }) => y.at - x.at || y.id - x.id;

async function world() {
  const db = await createTestDatabase();
  const acme = seedBusiness(db, { name: 'Acme' });
  const globex = seedBusiness(db, { name: 'Globex' });
  const acmeAdmin = actorOf('business_admin', acme.id);
  const globexAdmin = actorOf('business_admin', globex.id);
  const sysAdmin = actorOf('system_admin', null);
  const record = (action: string, businessId: number | null, at: number, actor: AuditActor = appActor, targetId: number | null = null) =>
    recordAuditEvent(db, { actor, action, businessId, at, target: targetId === null ? undefined : { type: 'job_run', id: targetId } });
  const events = {
    acmeTrigger: record('job.trigger', acme.id, 1_000, userActor(acmeAdmin), 1),
    acmeCancel: record('job.cancel', acme.id, 2_000, userActor(acmeAdmin), 1),
    acmeUser: record('user.create', acme.id, 3_000, userActor(acmeAdmin)),
    globexTrigger: record('job.trigger', globex.id, 1_500, userActor(globexAdmin), 2),
    globexBusiness: record('business.update', globex.id, 2_500, userActor(sysAdmin)),
    systemScope: record('scope.switch', null, 3_500, userActor(sysAdmin)),
    systemLogin: record('auth.login', null, 4_000, userActor(sysAdmin)),
    systemJob: record('job.trigger', null, 4_500, userActor(sysAdmin), 3),
    jobxLookalike: record('jobx.trigger', acme.id, 5_000),
    upperCase: record('JOB.trigger', acme.id, 5_500),
  };
  return { db, acme, globex, acmeAdmin, globexAdmin, sysAdmin, events, record };
}

describe('listAuditEvents: who sees what', () => {
  it('refuses members, and business admins without an enabled business', async () => {
    const { db, acme } = await world();
    for (const actor of [actorOf('member', acme.id), actorOf('business_admin', null), actorOf('business_admin', acme.id, true)]) {
      expect(() => list(db, actor)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    }
  });

  it("shows a business admin exactly their business's events: never another business's, never system-wide ones", async () => {
    const { db, acme, globex, acmeAdmin, globexAdmin } = await world();
    const stored = db.sqlite.prepare('SELECT id, at, business_id AS businessId FROM audit_events').all() as {
      id: number;
      at: number;
      businessId: number | null;
    }[];
    for (const [admin, businessId] of [
      [acmeAdmin, acme.id],
      [globexAdmin, globex.id],
    ] as const) {
      const seen = allPages(db, admin);
      expect(seen.every((event) => event.businessId === businessId)).toBe(true);
      expect(ids(seen)).toEqual(ids(stored.filter((e) => e.businessId === businessId).sort(newestFirst) as AuditEventView[]));
    }
  });

  it('shows a system admin every event, newest first', async () => {
    const { db, sysAdmin } = await world();
    const stored = db.sqlite.prepare('SELECT id, at FROM audit_events').all() as { id: number; at: number }[];
    expect(ids(allPages(db, sysAdmin))).toEqual(stored.sort(newestFirst).map((e) => e.id));
  });

  it('maps every column to the view', async () => {
    const { db, sysAdmin, acmeAdmin, acme } = await world();
    const id = recordAuditEvent(db, {
      actor: userActor(acmeAdmin),
      action: 'job.retry',
      target: { type: 'job_run', id: 42 },
      businessId: acme.id,
      details: { retryOf: 41, note: 'x' },
      at: 9_000,
    });
    expect(list(db, sysAdmin, { limit: 1 }).events[0]).toEqual({
      id,
      at: 9_000,
      actorUserId: acmeAdmin.userId,
      actorLabel: acmeAdmin.email,
      actorRole: 'business_admin',
      actorBusinessId: acme.id,
      action: 'job.retry',
      targetType: 'job_run',
      targetId: '42',
      targetName: 'run #42',
      businessId: acme.id,
      details: { retryOf: 41, note: 'x' },
    });
  });

  it('names each target as people read it now, and a deleted one not at all', async () => {
    const { db, sysAdmin, acmeAdmin, acme } = await world();
    const ann = seedUser(db, { role: 'business_admin', businessId: acme.id, email: 'ann@example.test' });
    db.sqlite.prepare("UPDATE users SET display_name = 'Ann Admin' WHERE id = ?").run(ann);
    const record = (type: AuditTargetType, id: string | number) => recordAuditEvent(db, { actor: userActor(acmeAdmin), action: 'x.y', target: { type, id }, at: 20_000 });
    const byId = new Map<number, string | null>([
      [record('user', ann), 'Ann Admin'],
      [record('business', acme.id), 'Acme'],
      [record('user', 999_999), null],
      [record('file', '/data/exports/runs-all-1.csv'), 'runs-all-1.csv'],
      [record('scope', 'all'), null],
    ]);
    const events = list(db, sysAdmin, { limit: 50 }).events.filter((event) => byId.has(event.id));
    expect(events.map((event) => [event.id, event.targetName])).toEqual([...byId].reverse());
  });
});

describe('listAuditEvents: filters', () => {
  it('matches actions exactly, or by prefix with a trailing *, case-sensitively', async () => {
    const { db, sysAdmin, acmeAdmin, events: e } = await world();
    const actionsOf = (actor: Actor, actions: string[]) => ids(allPages(db, actor, { filters: { actions } })).sort((x, y) => x - y);
    expect(actionsOf(sysAdmin, ['job.trigger'])).toEqual([e.acmeTrigger, e.globexTrigger, e.systemJob].sort((x, y) => x - y));
    expect(actionsOf(sysAdmin, ['job.*'])).toEqual([e.acmeTrigger, e.acmeCancel, e.globexTrigger, e.systemJob].sort((x, y) => x - y));
    expect(actionsOf(sysAdmin, ['job.*', 'auth.login'])).toEqual(
      [e.acmeTrigger, e.acmeCancel, e.globexTrigger, e.systemLogin, e.systemJob].sort((x, y) => x - y),
    );
    expect(actionsOf(sysAdmin, ['job*'])).toContain(e.jobxLookalike);
    expect(actionsOf(sysAdmin, ['job*'])).not.toContain(e.upperCase);
    expect(actionsOf(sysAdmin, ['job'])).toEqual([]);
    expect(actionsOf(sysAdmin, ['*'])).toHaveLength(Object.keys(e).length);
    // A filter narrows the reach, never widens it.
    expect(actionsOf(acmeAdmin, ['job.*'])).toEqual([e.acmeTrigger, e.acmeCancel]);
  });

  it('treats *, ? and [ before the end as ordinary characters', async () => {
    const { db, sysAdmin, record } = await world();
    const literal = record('odd*[x]?.action', null, 100);
    const other = record('oddZZx].action', null, 101);
    expect(ids(allPages(db, sysAdmin, { filters: { actions: ['odd*[x]?.*'] } }))).toEqual([literal]);
    expect(ids(allPages(db, sysAdmin, { filters: { actions: ['odd*[x]?.action'] } }))).toEqual([literal]);
    expect(ids(allPages(db, sysAdmin, { filters: { actions: ['odd?*'] } }))).toEqual([]);
    expect(ids(allPages(db, sysAdmin, { filters: { actions: ['odd*'] } }))).toEqual([other, literal]);
  });

  it('filters by actor, and by time: from inclusive, to exclusive', async () => {
    const { db, sysAdmin, acmeAdmin, events: e } = await world();
    expect(ids(allPages(db, sysAdmin, { filters: { actorUserId: acmeAdmin.userId } }))).toEqual([e.acmeUser, e.acmeCancel, e.acmeTrigger]);
    expect(ids(allPages(db, sysAdmin, { filters: { from: 2_000, to: 3_500 } }))).toEqual([e.acmeUser, e.globexBusiness, e.acmeCancel]);
    expect(ids(allPages(db, sysAdmin, { filters: { from: 4_500 } }))).toEqual([e.upperCase, e.jobxLookalike, e.systemJob]);
    expect(ids(allPages(db, sysAdmin, { filters: { to: 1_500 } }))).toEqual([e.acmeTrigger]);
    expect(() => list(db, sysAdmin, { filters: { from: 3_000, to: 3_000 } })).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });

  it('filters by target: every event about a type of target, or about one target; within the reach', async () => {
    const { db, sysAdmin, acmeAdmin, events: e } = await world();
    const acmeBusiness = recordAuditEvent(db, { actor: appActor, action: 'business.rename', target: { type: 'business', id: 1 }, at: 6_000 });
    expect(ids(allPages(db, sysAdmin, { filters: { targetType: 'job_run' } }))).toEqual([e.systemJob, e.acmeCancel, e.globexTrigger, e.acmeTrigger]);
    expect(ids(allPages(db, sysAdmin, { filters: { targetType: 'job_run', targetId: '1' } }))).toEqual([e.acmeCancel, e.acmeTrigger]);
    expect(ids(allPages(db, sysAdmin, { filters: { targetType: 'business', targetId: '1' } }))).toEqual([acmeBusiness]);
    expect(ids(allPages(db, sysAdmin, { filters: { targetType: 'user', targetId: '1' } }))).toEqual([]);
    // A filter narrows the reach, never widens it: run 2 and 3 are Globex's and system-wide.
    expect(ids(allPages(db, acmeAdmin, { filters: { targetType: 'job_run' } }))).toEqual([e.acmeCancel, e.acmeTrigger]);
    expect(ids(allPages(db, acmeAdmin, { filters: { targetType: 'job_run', targetId: '2' } }))).toEqual([]);
    expect(fieldIssuesOf(listAuditEventsInput, { filters: { targetId: '1' } })).toEqual([{ path: 'filters.targetId', message: 'Target needs a target type.' }]);
  });

  it('refuses a cursor that is not one of its own', async () => {
    const { db, sysAdmin } = await world();
    const foreign = Buffer.from(JSON.stringify({ v: 1, sort: 'createdAt:desc', key: 1, id: 1 })).toString('base64url');
    for (const cursor of ['not a cursor', '!!', foreign, Buffer.from('{"v":1,"kind":"audit","at":"1","id":1}').toString('base64url')]) {
      expect(() => list(db, sysAdmin, { cursor })).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    }
  });
});

describe('listAuditEvents: keyset paging', () => {
  it('returns every event present at the start exactly once, newest first, while newer events arrive between pages', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db);
    const globex = seedBusiness(db);
    const sysAdmin = actorOf('system_admin', null);
    const acmeAdmin = actorOf('business_admin', acme.id);
    let round = 0;
    await fc.assert(
      fc.property(
        // Few distinct times, so ties on `at` are common and the id tie-break matters.
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 8 }), business: fc.constantFrom(acme.id, globex.id, null) }), {
          maxLength: 40,
          size: 'max',
        }),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom('system', 'acme'),
        (specs, limit, who) => {
          // The log is append-only, so each case tells its events apart by action.
          const action = `paging.case${++round}`;
          for (const spec of specs) recordAuditEvent(db, { actor: appActor, action, businessId: spec.business, at: spec.at * 10 });
          const actor = who === 'system' ? sysAdmin : acmeAdmin;
          const stored = db.sqlite.prepare('SELECT id, at, business_id AS businessId FROM audit_events WHERE action = ?').all(action) as {
            id: number;
            at: number;
            businessId: number | null;
          }[];
          const expected = stored
            .filter((e) => who === 'system' || e.businessId === acme.id)
            .sort(newestFirst)
            .map((e) => e.id);
          const seen: number[] = [];
          let cursor: string | null = null;
          for (;;) {
            const page = list(db, actor, { filters: { actions: [action] }, cursor, limit });
            expect(page.events.length).toBeLessThanOrEqual(limit);
            seen.push(...ids(page.events));
            if (page.nextCursor === null) break;
            cursor = page.nextCursor;
            // Newer events (and one at the same time as the last event seen) must not show up or shift the pages.
            recordAuditEvent(db, { actor: appActor, action, businessId: acme.id, at: 1_000 });
            const last = page.events[page.events.length - 1]!;
            recordAuditEvent(db, { actor: appActor, action, businessId: last.businessId, at: last.at });
          }
          expect(seen).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('getRunAuditTrail', () => {
  it("returns a run's events oldest first, and NOT_FOUND for a run outside the scope", async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db);
    const globex = seedBusiness(db);
    const sysAdmin = actorOf('system_admin', null);
    const acmeAdmin = actorOf('business_admin', acme.id);
    const [acmeRun, globexRun, systemRun] = insertRuns(db, [
      { owner: { kind: 'business', businessId: acme.id }, createdAt: 10 },
      { owner: { kind: 'business', businessId: globex.id }, createdAt: 20 },
      { owner: { kind: 'system' }, createdAt: 30 },
    ]) as [number, number, number];
    const about = (runId: number, action: string, at: number, businessId: number | null) =>
      recordAuditEvent(db, { actor: userActor(acmeAdmin), action, target: { type: 'job_run', id: runId }, businessId, at });
    const retried = about(acmeRun, 'job.retry', 30_000, acme.id);
    const triggered = about(acmeRun, 'job.trigger', 10_000, acme.id);
    const cancelled = about(acmeRun, 'job.cancel', 20_000, acme.id);
    about(globexRun, 'job.trigger', 15_000, globex.id);
    about(systemRun, 'job.trigger', 15_000, null);
    // Same id, another kind of target: not part of the run's trail.
    recordAuditEvent(db, { actor: userActor(sysAdmin), action: 'user.update', target: { type: 'user', id: acmeRun }, at: 12_000 });

    const acmeScope: TenantScope = { kind: 'business', businessId: acme.id };
    expect(ids(getRunAuditTrail(db, acmeScope, acmeRun))).toEqual([triggered, cancelled, retried]);
    expect(ids(getRunAuditTrail(db, { kind: 'all' }, acmeRun))).toEqual([triggered, cancelled, retried]);
    expect(getRunAuditTrail(db, { kind: 'system' }, systemRun)).toHaveLength(1);

    const notFound = (scope: TenantScope, runId: number) =>
      expect(() => getRunAuditTrail(db, scope, runId)).toThrow(
        expect.objectContaining({ code: 'NOT_FOUND', message: `There is no run ${runId}.` }),
      );
    notFound(acmeScope, globexRun);
    notFound(acmeScope, systemRun);
    notFound({ kind: 'business', businessId: globex.id }, acmeRun);
    notFound({ kind: 'system' }, acmeRun);
    notFound({ kind: 'orphans' }, acmeRun);
    notFound({ kind: 'all' }, 999_999);
    notFound({ kind: 'all' }, -1);
  });
});
