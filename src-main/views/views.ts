// Saved views: a person's own, those their business admin shared with their business, and (system admins) those
// shared with every system admin. A view is a name and what the Automation view's URL holds; it never carries access:
// whoever opens one sees it in their own scope (a member's or business admin's is their business; the scope a view
// holds is shown and applied for system admins only, and the switcher checks it again). Only its maker changes or
// deletes a view. Every change is audited.
import { and, asc, eq, or, sql, type SQL } from 'drizzle-orm';
import { AppError } from '../../src-shared/errors';
import { scopeSelectionSchema, type ScopeSelection } from '../../src-shared/schemas/accounts';
import { MAX_VIEWS_PER_USER, type SavedViewView, type ViewSharing } from '../../src-shared/schemas/views';
import { type Actor } from '../access/policy';
import { USER_NAME } from '../accounts/user-name';
import { recordAuditEvent, userAuditActor } from '../audit/record';
import { inImmediateTransaction, type AppDatabase } from '../db/connection';
import { savedViews, userDefaultViews, users, type SavedViewRow } from '../db/schema';

export interface ViewInput {
  name: string;
  sharing: ViewSharing;
  query: string;
  scope: ScopeSelection | null;
}

/** The views `actor` may open: their own, their business's shared ones, and the system admins' when they are one. */
function visibleTo(actor: Actor): SQL {
  return or(
    eq(savedViews.ownerUserId, actor.userId),
    actor.businessId === null ? sql`false` : and(eq(savedViews.sharing, 'business'), eq(savedViews.businessId, actor.businessId)),
    actor.role === 'system_admin' ? eq(savedViews.sharing, 'system_admins') : sql`false`,
  )!;
}

function viewOf(actor: Actor, row: SavedViewRow & { ownerName: string }): SavedViewView {
  const scope = actor.role === 'system_admin' ? scopeSelectionSchema.nullable().catch(null).parse(row.scope ?? null) : null;
  return {
    id: row.id,
    name: row.name,
    sharing: row.sharing,
    businessId: row.businessId,
    ownerName: row.ownerName,
    mine: row.ownerUserId === actor.userId,
    query: row.query,
    scope,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function selectViews(db: AppDatabase, actor: Actor, where?: SQL) {
  return db.orm
    .select({ view: savedViews, ownerName: USER_NAME })
    .from(savedViews)
    .innerJoin(users, eq(users.id, savedViews.ownerUserId))
    .where(and(visibleTo(actor), where))
    .orderBy(asc(savedViews.name), asc(savedViews.id))
    .all()
    .map(({ view, ownerName }) => viewOf(actor, { ...view, ownerName }));
}

export function listViews(db: AppDatabase, actor: Actor): { views: SavedViewView[]; defaultViewId: number | null } {
  const views = selectViews(db, actor);
  const chosen = db.orm.select({ viewId: userDefaultViews.viewId }).from(userDefaultViews).where(eq(userDefaultViews.userId, actor.userId)).get();
  // A default the caller can no longer open (moved to another business, unshared) is no default.
  const defaultViewId = chosen && views.some((view) => view.id === chosen.viewId) ? chosen.viewId : null;
  return { views, defaultViewId };
}

/** A view `actor` may open: NOT_FOUND otherwise, as for one that does not exist. */
function visibleView(db: AppDatabase, actor: Actor, id: number): SavedViewView {
  const [view] = selectViews(db, actor, eq(savedViews.id, id));
  if (!view) throw new AppError('NOT_FOUND', `There is no view ${id}.`);
  return view;
}

/** Who may share with whom: a business admin with their business, a system admin with the system admins. */
function sharingOf(actor: Actor, sharing: ViewSharing): { sharing: ViewSharing; businessId: number | null } {
  if (sharing === 'business') {
    if (actor.role !== 'business_admin' || actor.businessId === null) {
      throw new AppError('FORBIDDEN', 'Only a business admin shares a view with their business.', undefined, [{ path: 'sharing', message: 'Only a business admin shares a view with their business.' }]);
    }
    return { sharing, businessId: actor.businessId };
  }
  if (sharing === 'system_admins' && actor.role !== 'system_admin') {
    throw new AppError('FORBIDDEN', 'Only a system admin shares a view with the system admins.', undefined, [{ path: 'sharing', message: 'Only a system admin shares a view with the system admins.' }]);
  }
  return { sharing, businessId: null };
}

/** The scope a view keeps: a system admin's choice; nothing for anyone else, whose scope is always their business. */
const scopeKept = (actor: Actor, scope: ScopeSelection | null) => (actor.role === 'system_admin' ? scope : null);

export function createView(db: AppDatabase, actor: Actor, input: ViewInput & { makeDefault: boolean }, now = Date.now()): SavedViewView {
  return inImmediateTransaction(db, (tx) => {
    const shared = sharingOf(actor, input.sharing);
    const owned = tx.orm.select({ n: sql<number>`count(*)` }).from(savedViews).where(eq(savedViews.ownerUserId, actor.userId)).get()?.n ?? 0;
    if (owned >= MAX_VIEWS_PER_USER) throw new AppError('CONFLICT', `You keep ${MAX_VIEWS_PER_USER} views, the most one person keeps: delete one first.`);
    const row = tx.orm
      .insert(savedViews)
      .values({ name: input.name, ownerUserId: actor.userId, ...shared, query: input.query, scope: scopeKept(actor, input.scope), createdAt: now, updatedAt: now })
      .returning({ id: savedViews.id })
      .get();
    if (input.makeDefault) setDefault(tx, actor.userId, row.id);
    audit(tx, actor, 'view.create', row.id, shared.businessId, { name: input.name, sharing: shared.sharing });
    return visibleView(tx, actor, row.id);
  });
}

/** Changes the caller's own view: FORBIDDEN for one they may open but did not make. */
export function updateView(db: AppDatabase, actor: Actor, id: number, change: Partial<ViewInput>, now = Date.now()): SavedViewView {
  return inImmediateTransaction(db, (tx) => {
    const view = ownView(tx, actor, id, 'change');
    const shared = change.sharing === undefined ? null : sharingOf(actor, change.sharing);
    tx.orm
      .update(savedViews)
      .set({
        ...(change.name === undefined ? {} : { name: change.name }),
        ...shared,
        ...(change.query === undefined ? {} : { query: change.query }),
        ...(change.scope === undefined ? {} : { scope: scopeKept(actor, change.scope) }),
        updatedAt: now,
      })
      .where(eq(savedViews.id, id))
      .run();
    audit(tx, actor, 'view.update', id, shared ? shared.businessId : view.businessId, { name: change.name ?? view.name, changed: Object.keys(change) });
    return visibleView(tx, actor, id);
  });
}

export function deleteView(db: AppDatabase, actor: Actor, id: number): { id: number } {
  return inImmediateTransaction(db, (tx) => {
    const view = ownView(tx, actor, id, 'delete');
    tx.orm.delete(savedViews).where(eq(savedViews.id, id)).run();
    audit(tx, actor, 'view.delete', id, view.businessId, { name: view.name, sharing: view.sharing });
    return { id };
  });
}

/** The caller's default view: one they may open, or none (null). */
export function setDefaultView(db: AppDatabase, actor: Actor, id: number | null): { defaultViewId: number | null } {
  return inImmediateTransaction(db, (tx) => {
    if (id === null) tx.orm.delete(userDefaultViews).where(eq(userDefaultViews.userId, actor.userId)).run();
    else setDefault(tx, actor.userId, visibleView(tx, actor, id).id);
    return { defaultViewId: id };
  });
}

function setDefault(db: AppDatabase, userId: number, viewId: number): void {
  db.orm.insert(userDefaultViews).values({ userId, viewId }).onConflictDoUpdate({ target: userDefaultViews.userId, set: { viewId } }).run();
}

function ownView(db: AppDatabase, actor: Actor, id: number, verb: 'change' | 'delete'): SavedViewView {
  const view = visibleView(db, actor, id);
  if (!view.mine) throw new AppError('FORBIDDEN', `You can ${verb} only the views you made; this one is ${view.ownerName}'s.`);
  return view;
}

function audit(db: AppDatabase, actor: Actor, action: string, id: number, businessId: number | null, details: Record<string, unknown>): void {
  recordAuditEvent(db, { actor: userAuditActor(actor), action, target: { type: 'view', id }, businessId, details });
}
