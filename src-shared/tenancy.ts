// The tenant concept, defined once: whose runs a request may see (TenantScope), where a new run belongs (RunTarget)
// and whose runs a figure is about (RunOwnerView), as types and as the schemas the IPC contract checks them with;
// shared by main's access rules and services and by the renderer. Main translates a scope and the owner into SQL in
// one place (src-main/tenancy/owner-sql.ts: the owner key and every scope condition).
import { z } from 'zod';
import { idSchema } from './schemas/common';

/** Whose runs a query may see or touch. Required everywhere: there is no "no scope". */
export type TenantScope =
  | { kind: 'business'; businessId: number }
  /** Every run: all businesses, system runs and orphans (system administrators only). */
  | { kind: 'all' }
  /** System-wide runs (maintenance, backups): scope 'system', no business. */
  | { kind: 'system' }
  /** Business-scoped runs whose business is missing. */
  | { kind: 'orphans' };

/**
 * Where a new run belongs. Never an orphan: only adoption of a server-edition file produces those. Only system
 * admins name it; everyone else triggers in their own business.
 */
export const runTargetSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('business'), businessId: idSchema }),
  z.strictObject({ kind: z.literal('system') }),
]);
export type RunTarget = z.output<typeof runTargetSchema>;

/** Whose runs a figure is about, as lists and comparisons show it: a business (with its name), system-wide runs, or orphans. */
export const runOwnerSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('business'), businessId: idSchema, businessName: z.string() }),
  z.strictObject({ kind: z.literal('system') }),
  z.strictObject({ kind: z.literal('orphans') }),
]);
export type RunOwnerView = z.output<typeof runOwnerSchema>;

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
