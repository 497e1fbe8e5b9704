// The access rules, in one module: who may do what, and the tenant scope a request works in.
// The matrix itself is data in src-shared/access.ts; this module interprets it and is the only place that
// turns a signed-in user into a TenantScope. The tenant is never taken from the renderer: a system admin's
// switcher choice is a request that is checked here.
import { reachOf, type Action, type Reach } from '../../src-shared/access';
import { roleLabel, type UserRole } from '../../src-shared/domain';
import { AppError } from '../../src-shared/errors';
import type { ScopeSelection } from '../../src-shared/schemas/accounts';
import type { RunTarget, TenantScope } from '../../src-shared/tenancy';

/** Who a user is: enough to record them in the audit log. */
export interface Identity {
  userId: number;
  email: string;
  role: UserRole;
  businessId: number | null;
}

/** The signed-in user, as loaded from the database for this request (never from the renderer). */
export interface Actor extends Identity {
  /** Their business is disabled: like having none, they may not work in it until it is enabled again. */
  businessDisabled: boolean;
}

/**
 * Whether app.status may tell this caller about the database (its file, counts of every tenant, the adoption
 * report): only a signed-in, enabled user whose role reads the database itself (`database.read`, system admins).
 * Anyone else, signed out included, learns only whether the app is ready or why it is not.
 */
export function readsDatabase(actor: Actor | null): boolean {
  return actor !== null && reachOf(actor.role, 'database.read') !== null;
}

/** Refuses the action outright when the role has no reach for it; otherwise says how far it reaches. */
export function requireReach(actor: Actor, action: Action): Exclude<Reach, null> {
  const reach = reachOf(actor.role, action);
  if (reach === null) throw new AppError('FORBIDDEN', `A ${roleLabel(actor.role).toLowerCase()} may not do this (${action}).`);
  if (reach !== 'any') ownBusiness(actor);
  return reach;
}

/** The business a non-admin works in; FORBIDDEN for a member or business admin without one, or whose business is disabled. */
export function ownBusiness(actor: Actor): number {
  if (actor.businessId === null) throw noBusiness();
  if (actor.businessDisabled) {
    throw new AppError(
      'FORBIDDEN',
      'Your business has been disabled, so its runs cannot be viewed or changed. Ask a system administrator to enable it again.',
    );
  }
  return actor.businessId;
}

export function noBusiness(): AppError {
  return new AppError(
    'FORBIDDEN',
    'Your account is not linked to a business, so there is nothing to show. Ask a system administrator to link it.',
  );
}

/** The selection a session starts with: everything for a system admin, the own business for everyone else. */
export function defaultSelection(actor: Actor): ScopeSelection {
  if (actor.role === 'system_admin') return { kind: 'all' };
  return { kind: 'business', businessId: ownBusiness(actor) };
}

/**
 * The scope a tenant channel works in. Members and business admins always get their own business, whatever
 * the session holds; a system admin gets the switcher's selection (checked when it was made). FORBIDDEN for a
 * member or business admin without an enabled business (asked first, so the refusal says why), then for a role
 * without reach for `action`.
 */
export function tenantScopeFor(actor: Actor, selection: ScopeSelection, action: Action = 'runs.read'): TenantScope {
  const own = reachOf(actor.role, action) === 'any' ? null : ownBusiness(actor);
  requireReach(actor, action);
  if (own !== null) return { kind: 'business', businessId: own };
  switch (selection.kind) {
    case 'business':
      return { kind: 'business', businessId: selection.businessId };
    case 'all':
    case 'system':
    case 'orphans':
      return { kind: selection.kind };
  }
}

/**
 * Checks a switcher choice. Only system admins switch, and only to a business that exists
 * (`businessExists` is asked, so the rules stay free of SQL).
 */
export function checkScopeSelection(
  actor: Actor,
  selection: ScopeSelection,
  businessExists: (businessId: number) => boolean,
): ScopeSelection {
  requireReach(actor, 'scope.switch');
  if (selection.kind === 'business' && !businessExists(selection.businessId)) {
    throw new AppError('NOT_FOUND', `There is no business with id ${selection.businessId}.`);
  }
  return selection;
}

/**
 * Where a triggered run belongs. Members and business admins: their own business, and naming any other
 * target is FORBIDDEN. System admins: the target they name; else the switcher's business; else their own
 * business; else system-wide.
 */
export function resolveRunTarget(actor: Actor, selection: ScopeSelection, requested: RunTarget | undefined): RunTarget {
  const reach = requireReach(actor, 'runs.trigger');
  if (reach !== 'any') {
    const own = ownBusiness(actor);
    if (requested && !(requested.kind === 'business' && requested.businessId === own)) {
      throw new AppError('FORBIDDEN', 'You can only trigger runs in your own business.');
    }
    return { kind: 'business', businessId: own };
  }
  if (requested) return requested;
  if (selection.kind === 'business') return selection;
  if (actor.businessId !== null) return { kind: 'business', businessId: actor.businessId };
  return { kind: 'system' };
}

/** Cancel and retry: members their own runs, business admins their business's, system admins any. */
export function canControlRun(
  actor: Actor,
  run: { scope: 'business' | 'system'; businessId: number | null; triggeredByUserId: number | null },
): boolean {
  const reach = reachOf(actor.role, 'runs.control');
  if (reach === 'any') return true;
  if (reach === null || actor.businessId === null || actor.businessDisabled) return false;
  if (run.scope !== 'business' || run.businessId !== actor.businessId) return false;
  return reach === 'own_business' || run.triggeredByUserId === actor.userId;
}

/**
 * Managing a user account. System admins: anyone. Business admins: members and business admins of their
 * own business, never moving anyone out of it, never granting system_admin.
 */
export function requireUserManagement(
  actor: Actor,
  target: { businessId: number | null; role: UserRole } | null,
  change: { businessId?: number | null; role?: UserRole } = {},
): void {
  const reach = requireReach(actor, 'users.manage');
  if (reach === 'any') return;
  const own = ownBusiness(actor);
  const refuse = (why: string) => new AppError('FORBIDDEN', why);
  if (target && (target.businessId !== own || target.role === 'system_admin')) {
    throw refuse('Business admins manage only the users of their own business.');
  }
  if (change.businessId !== undefined && change.businessId !== own) {
    throw refuse('Business admins can only place users in their own business.');
  }
  if (change.role === 'system_admin') throw refuse('Only a system administrator can make someone a system administrator.');
}

/** Whose accounts a user list shows: everyone, or the members and business admins of one business. */
export type UserListReach = { kind: 'any' } | { kind: 'business'; businessId: number };

/**
 * The users an actor may list. System admins: anyone, narrowed by the filters they give. Business admins: their
 * own business's members and business admins, whatever the filters; naming another business, or the users
 * without one, is FORBIDDEN rather than an empty list, so a filter never reads as an answer about another business.
 */
export function userListReach(actor: Actor, requestedBusiness: number | null | undefined): UserListReach {
  const reach = requireReach(actor, 'users.manage');
  if (reach === 'any') return { kind: 'any' };
  const own = ownBusiness(actor);
  if (requestedBusiness !== undefined && requestedBusiness !== own) {
    throw new AppError('FORBIDDEN', 'Business admins see only the users of their own business.');
  }
  return { kind: 'business', businessId: own };
}

// ---- A session's selection, for the signed-in Actor as loaded for this request -----------------------------

const switches = (actor: Actor) => reachOf(actor.role, 'scope.switch') === 'any';

/** What a new session selects: everything for a system admin, the own business, or nothing without one. */
export function selectionAtSignIn(actor: Actor): ScopeSelection | null {
  // A member of a disabled business signs in like one without a business: the tenant channels then refuse
  // them with the reason, which the window shows as its refusal screen.
  return visibleSelection(actor, null);
}

/**
 * Where the session looks now. A system admin: the switcher's choice. Anyone else: their own business as
 * the database says today (a user moved to another business follows it), or null without one.
 */
export function visibleSelection(actor: Actor, selection: ScopeSelection | null): ScopeSelection | null {
  if (switches(actor)) return selection ?? defaultSelection(actor);
  return actor.businessId === null ? null : { kind: 'business', businessId: actor.businessId };
}

/** The selection a tenant channel works in; FORBIDDEN for a member or business admin without a business. */
export function activeSelection(actor: Actor, selection: ScopeSelection | null): ScopeSelection {
  const visible = visibleSelection(actor, selection);
  if (visible === null) throw noBusiness();
  return visible;
}

/** The tenant scope of a session's request or event for `action` (tenantScopeFor over the active selection). */
export function sessionTenantScope(actor: Actor, selection: ScopeSelection | null, action: Action = 'runs.read'): TenantScope {
  return tenantScopeFor(actor, activeSelection(actor, selection), action);
}
