// Whose runs a request may see, and where a new run belongs: the tenant concept as types, shared by main's access
// rules and services. Main translates a scope into SQL in one place (src-main/services/tenant-scope.ts).

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
