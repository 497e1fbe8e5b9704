// The access matrix (docs/access.md) as data: main enforces it (src-main/access/policy.ts), the renderer reads
// it only to decide what to show. Pure TypeScript.
import type { UserRole } from './domain';

/**
 * How far a role reaches for an action: runs it triggered itself, its own business, anything, or nothing.
 * `any` means every business, system-wide runs and orphans.
 */
export type Reach = 'own_triggered' | 'own_business' | 'any' | null;

export const ACCESS_MATRIX = {
  /** List runs, stats, recent, active, job types. */
  'runs.read': { member: 'own_business', business_admin: 'own_business', system_admin: 'any' },
  'runs.trigger': { member: 'own_business', business_admin: 'own_business', system_admin: 'any' },
  /** Cancel and retry. */
  'runs.control': { member: 'own_triggered', business_admin: 'own_business', system_admin: 'any' },
  'schedules.read': { member: 'own_business', business_admin: 'own_business', system_admin: 'any' },
  'schedules.manage': { member: null, business_admin: 'own_business', system_admin: 'any' },
  'orphans.manage': { member: null, business_admin: null, system_admin: 'any' },
  /** The business list: a business admin sees their own (for the user forms), a system admin every one. */
  'businesses.read': { member: null, business_admin: 'own_business', system_admin: 'any' },
  'businesses.manage': { member: null, business_admin: null, system_admin: 'any' },
  /** Business admins manage their own business's members. */
  'users.manage': { member: null, business_admin: 'own_business', system_admin: 'any' },
  'audit.read': { member: null, business_admin: 'own_business', system_admin: 'any' },
  'metrics.read': { member: 'own_business', business_admin: 'own_business', system_admin: 'any' },
  /** The database itself: its file, versions, counts over every business, and what an adoption found. */
  'database.read': { member: null, business_admin: null, system_admin: 'any' },
  /** The per-business limits (pending runs, runs at once, triggers per minute per user): read and change them. */
  'limits.manage': { member: null, business_admin: null, system_admin: 'any' },
  /** The database's backups: list, check, restore, prune, and the retention policy. */
  'backups.manage': { member: null, business_admin: null, system_admin: 'any' },
  /** Saved views: one's own; sharing one with a business or with the system admins is checked per view (src-main/views). */
  'views.use': { member: 'own_business', business_admin: 'own_business', system_admin: 'any' },
  /** The business switcher: all businesses, one business, system-wide, orphans. */
  'scope.switch': { member: null, business_admin: null, system_admin: 'any' },
} as const satisfies Record<string, Record<UserRole, Reach>>;

export type Action = keyof typeof ACCESS_MATRIX;

export function reachOf(role: UserRole, action: Action): Reach {
  return ACCESS_MATRIX[action][role];
}

/**
 * Who may call a channel: every channel of src-shared/contract.ts declares it beside its schemas, and the
 * dispatcher (src-main/ipc/dispatch.ts, with the gate in src-main/ipc/access.ts) enforces it before any handler
 * runs. Handlers keep only the rules that depend on the row (may this member cancel this run, may this business
 * admin edit this user).
 *
 * `who`:
 * - `anyone`: no session needed (the start screen, sign-in, first setup).
 * - `signed_in`: a live session of a user who still exists and is enabled; otherwise UNAUTHENTICATED.
 * - an Action of ACCESS_MATRIX: signed in, and the user's role reaches the action. FORBIDDEN when the role has
 *   no reach for it, or when it reaches only its own business and the user has none or it is disabled.
 *   Business-admin and system-admin channels are the actions whose row says so (`users.manage`, `orphans.manage`).
 *
 * `tenant`:
 * - `none`: the handler reads no tenant data, or works on rows of every business (system admins).
 * - `scope`: the handler works in the session's tenant scope (a member or business admin: their own business;
 *   a system admin: the switcher's choice). A member or business admin without a business, or of a disabled
 *   one, is FORBIDDEN with that reason, which is checked before the role's reach so the refusal says why.
 *
 * Only an action can read a scope: a tenant channel always names what it does with the tenant's data.
 */
export type ChannelAccess =
  | { readonly who: 'anyone' | 'signed_in'; readonly tenant: 'none' }
  | { readonly who: Action; readonly tenant: 'none' | 'scope' };

/** Whether `access` is a declaration the dispatcher understands: it refuses to bind a channel without one. */
export function isChannelAccess(access: unknown): access is ChannelAccess {
  if (typeof access !== 'object' || access === null) return false;
  const { who, tenant } = access as Record<string, unknown>;
  if (Object.keys(access).sort().join() !== 'tenant,who') return false;
  if (who === 'anyone' || who === 'signed_in') return tenant === 'none';
  return typeof who === 'string' && Object.hasOwn(ACCESS_MATRIX, who) && (tenant === 'none' || tenant === 'scope');
}
