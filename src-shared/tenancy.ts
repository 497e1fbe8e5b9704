// Whose runs a request may see, and where a new run belongs: the tenant concept as types, shared by main's access
// rules and services. Main translates a scope into SQL in one place (src-main/tenancy/owner-sql.ts: the owner key and every scope condition).
import type { RunOwnerView } from './schemas/jobs';

/** Whose runs a query may see or touch. Required everywhere: there is no "no scope". */
export type TenantScope =
  | { kind: 'business'; businessId: number }
  /** Every run: all businesses, system runs and orphans (system administrators only). */
  | { kind: 'all' }
  /** System-wide runs (maintenance, backups): scope 'system', no business. */
  | { kind: 'system' }
  /** Business-scoped runs whose business is missing. */
  | { kind: 'orphans' };

/** Where a new run belongs. Never an orphan: only adoption of a server-edition file produces those. */
export type RunTarget = { kind: 'business'; businessId: number } | { kind: 'system' };

const OWNER_KIND_ORDER = { business: 0, system: 1, orphans: 2 } as const;

/** The order owners are listed and compared in: businesses by name (then id), then system-wide runs, then orphans. */
export function compareOwners(x: RunOwnerView, y: RunOwnerView): number {
  if (x.kind === 'business' && y.kind === 'business') return compareText(x.businessName, y.businessName) || x.businessId - y.businessId;
  return OWNER_KIND_ORDER[x.kind] - OWNER_KIND_ORDER[y.kind];
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
export function compareText(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
