// The access matrix of DESIGN.md §1 as data: main enforces it (src-main/access/policy.ts), the renderer reads
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
  'businesses.manage': { member: null, business_admin: null, system_admin: 'any' },
  /** Business admins manage their own business's members. */
  'users.manage': { member: null, business_admin: 'own_business', system_admin: 'any' },
  'audit.read': { member: null, business_admin: 'own_business', system_admin: 'any' },
  'metrics.read': { member: 'own_business', business_admin: 'own_business', system_admin: 'any' },
  /** The business switcher: all businesses, one business, system-wide, orphans. */
  'scope.switch': { member: null, business_admin: null, system_admin: 'any' },
} as const satisfies Record<string, Record<UserRole, Reach>>;

export type Action = keyof typeof ACCESS_MATRIX;

export function reachOf(role: UserRole, action: Action): Reach {
  return ACCESS_MATRIX[action][role];
}
