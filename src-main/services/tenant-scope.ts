// Moved to src-main/tenancy/owner-sql.ts. This re-export stays only while bench/perf.ts and
// test/adoption/deferred-rollups.test.ts, edited by another change in progress, import this path in the committed
// tree; delete it once nothing imports it.
export type { TenantScope } from '../tenancy/owner-sql';
