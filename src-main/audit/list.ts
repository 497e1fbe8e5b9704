// Reading the audit log: the list (audit.read: business admins their own business, system admins everything)
// and one run's timeline. Writing is record.ts.
import { and, asc, desc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { invalidField } from '../../src-shared/errors';
import type { AuditEventView, ListAuditEventsInput } from '../../src-shared/schemas/audit';
import { requireReach, ownBusiness, type Actor } from '../access/policy';
import type { AppDatabase } from '../db/connection';
import { USER_NAME } from '../accounts/user-name';
import { auditEvents, businesses, jobSchedules, users, type AuditEventRow } from '../db/schema';
import { getJobRun } from '../history/runs';
import type { TenantScope } from '../../src-shared/tenancy';
import { isPositiveId, positionCursor, requirePageSize } from '../services/page-cursor';

export const MAX_AUDIT_PAGE = 200;

/** The one mapping from a stored event to what crosses the IPC boundary. */
function toAuditEventView(row: AuditEventRow, names: TargetNames): AuditEventView {
  return {
    id: row.id,
    at: row.at,
    actorUserId: row.actorUserId,
    actorLabel: row.actorLabel,
    actorRole: row.actorRole,
    actorBusinessId: row.actorBusinessId,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    targetName: targetNameOf(row, names),
    businessId: row.businessId,
    details: row.details,
  };
}

/** The names of a page's user, business and schedule targets, read in one query per kind. */
interface TargetNames {
  user: Map<string, string>;
  business: Map<string, string>;
  schedule: Map<string, string>;
}

function targetNamesOf(db: AppDatabase, rows: readonly AuditEventRow[]): TargetNames {
  const idsOf = (type: string) => [...new Set(rows.flatMap((row) => (row.targetType === type && row.targetId !== null && /^\d+$/.test(row.targetId) ? [Number(row.targetId)] : [])))];
  const byId = (entries: { id: number; name: string }[]) => new Map(entries.map((entry) => [String(entry.id), entry.name]));
  const userIds = idsOf('user');
  const businessIds = idsOf('business');
  const scheduleIds = idsOf('schedule');
  return {
    user: byId(userIds.length ? db.orm.select({ id: users.id, name: USER_NAME }).from(users).where(inArray(users.id, userIds)).all() : []),
    business: byId(businessIds.length ? db.orm.select({ id: businesses.id, name: businesses.name }).from(businesses).where(inArray(businesses.id, businessIds)).all() : []),
    schedule: byId(scheduleIds.length ? db.orm.select({ id: jobSchedules.id, name: jobSchedules.name }).from(jobSchedules).where(inArray(jobSchedules.id, scheduleIds)).all() : []),
  };
}

function targetNameOf(row: AuditEventRow, names: TargetNames): string | null {
  const id = row.targetId;
  if (id === null) return null;
  switch (row.targetType) {
    case 'user':
    case 'business':
    case 'schedule':
      return names[row.targetType].get(id) ?? null;
    case 'job_run':
      return `run #${id}`;
    case 'file':
      return id.split(/[\\/]/).pop() ?? id;
    default:
      return null;
  }
}

/** A page of events as the contract shows them. */
function toViews(db: AppDatabase, rows: readonly AuditEventRow[]): AuditEventView[] {
  const names = targetNamesOf(db, rows);
  return rows.map((row) => toAuditEventView(row, names));
}

// ---- The list -------------------------------------------------------------------------------------

/**
 * The audit log, newest first by (at, id), paged by keyset. Members: FORBIDDEN. Business admins: the events
 * recorded against their own business (never system-wide ones, whose business_id is NULL, nor another
 * business's). System admins: everything.
 */
export function listAuditEvents(
  db: AppDatabase,
  actor: Actor,
  input: ListAuditEventsInput,
): { events: AuditEventView[]; nextCursor: string | null } {
  const reach = requireReach(actor, 'audit.read');
  const size = requirePageSize(input.limit, MAX_AUDIT_PAGE);
  const conditions: SQL[] = [];
  if (reach !== 'any') conditions.push(businessCondition(ownBusiness(actor), input.filters));
  conditions.push(...filterConditions(input.filters));
  if (input.cursor !== null) conditions.push(afterPosition(cursor.decode(input.cursor)));
  const rows = db.orm
    .select()
    .from(auditEvents)
    .where(and(...conditions))
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(size + 1)
    .all();
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  return {
    events: toViews(db, page),
    nextCursor: rows.length > size && last ? cursor.encode({ at: last.at, id: last.id }) : null,
  };
}


type AuditFilters = ListAuditEventsInput['filters'];

/**
 * A business admin's reach. With one target named, its events are few and its index reads them in order, so the
 * business is checked on those rows (`+business_id` keeps SQLite from walking the business's whole log instead,
 * which it prefers on later pages without statistics).
 */
function businessCondition(businessId: number, filters: AuditFilters): SQL {
  if (filters.targetId !== undefined) return sql`+${auditEvents.businessId} = ${businessId}`;
  return eq(auditEvents.businessId, businessId);
}

/** Each filter narrows; none can widen what the actor's reach allows. */
function filterConditions(filters: AuditFilters): SQL[] {
  const conditions: SQL[] = [];
  if (filters.actions?.length) {
    const matches = filters.actions.map(actionCondition);
    conditions.push(matches.length === 1 ? matches[0]! : (or(...matches) as SQL));
  }
  if (filters.actorUserId !== undefined) conditions.push(eq(auditEvents.actorUserId, filters.actorUserId));
  if (filters.targetType !== undefined) conditions.push(eq(auditEvents.targetType, filters.targetType));
  if (filters.targetId !== undefined) conditions.push(eq(auditEvents.targetId, filters.targetId));
  if (filters.from !== undefined && filters.to !== undefined && filters.from >= filters.to) {
    throw invalidField('to', 'To must be after From.');
  }
  if (filters.from !== undefined) conditions.push(gte(auditEvents.at, filters.from));
  if (filters.to !== undefined) conditions.push(lt(auditEvents.at, filters.to));
  return conditions;
}

/**
 * `job.trigger` matches exactly; a trailing `*` (`job.*`) matches every action starting with what precedes
 * it, case-sensitively. Any other `*`, `?` or `[` is an ordinary character. GLOB with a literal prefix is
 * case-sensitive like the exact match, and SQLite can take it as a range on the (action, at) index.
 */
function actionCondition(action: string): SQL {
  if (!action.endsWith('*')) return eq(auditEvents.action, action);
  const prefix = action.slice(0, -1);
  if (prefix === '') return sql`1 = 1`;
  const pattern = `${prefix.replace(/[*?[]/g, (char) => `[${char}]`)}*`;
  return sql`${auditEvents.action} GLOB ${pattern}`;
}

// ---- Keyset cursor over (at, id), newest first ------------------------------------------------------

interface AuditPosition {
  at: number;
  id: number;
}

/** Opaque to the renderer: `{v, kind: 'audit', at, id}` of the last event of the page. */
const cursor = positionCursor<AuditPosition>('audit', 'Cursor is not a page of the audit log; start again from the first page.', ({ at, id }) =>
  typeof at === 'number' && Number.isSafeInteger(at) && isPositiveId(id) ? { at, id } : null,
);

/** The events after a position, newest first; `at <= k AND (at < k OR id < i)` so `at <= k` is an index range. */
function afterPosition({ at, id }: AuditPosition): SQL {
  return sql`(${auditEvents.at} <= ${at} AND (${auditEvents.at} < ${at} OR ${auditEvents.id} < ${id}))`;
}

// ---- One run's timeline ---------------------------------------------------------------------------

/**
 * The events about one run (target job_run N: trigger, cancel, retry…), oldest first. The run must be
 * visible in `scope`; otherwise NOT_FOUND exactly as getJobRun says it, so another business's run does not
 * leak even its existence. Who may ask (e.g. audit.read) is the caller's rule.
 */
export function getRunAuditTrail(db: AppDatabase, scope: TenantScope, runId: number): AuditEventView[] {
  getJobRun(db, scope, runId);
  const rows = db.orm
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.targetType, 'job_run'), eq(auditEvents.targetId, String(runId))))
    .orderBy(asc(auditEvents.at), asc(auditEvents.id))
    .all();
  return toViews(db, rows);
}
