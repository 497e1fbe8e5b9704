// The random writes of the property tests over job_runs and what triggers keep beside it (the sort tables, the tag
// index), with plain SQL: a run picked and deleted or moved, a purge of many, and the bulk orphan change as the orphan
// services make it, through the path that drops the job_runs triggers (db/rollup-bulk.ts). And a scope as plain SQL,
// for the oracles.
import type { AppDatabase } from '../../src-main/db/connection';
import type { TenantScope } from '../../src-shared/tenancy';
import { withOwnerRollupsMoved, withRollupsMovedInBulk } from '../../src-main/db/rollup-bulk';
import { ORPHANS_OWNER } from '../../src-main/tenancy/owner-sql';

/** The `pick`-th run (modulo how many there are) in id order among those `where` selects; undefined when none. */
export function pickRun(db: AppDatabase, pick: number, where = '1'): number | undefined {
  const ids = db.sqlite.prepare(`SELECT id FROM job_runs WHERE ${where} ORDER BY id`).pluck().all() as number[];
  return ids.length === 0 ? undefined : ids[pick % ids.length];
}

/** One run deleted, the triggers running. */
export function deletePickedRun(db: AppDatabase, pick: number): void {
  const id = pickRun(db, pick);
  if (id !== undefined) db.sqlite.prepare('DELETE FROM job_runs WHERE id = ?').run(id);
}

/** As the retention purge deletes: ordinary deletes of many runs (completed, id a multiple of `modulo`), the triggers running. */
export function purgeCompletedRuns(db: AppDatabase, modulo: number): void {
  db.sqlite.prepare("DELETE FROM job_runs WHERE status = 'completed' AND id % ? = 0").run(modulo);
}

/** One business-scoped run given to `businessId`, the triggers running. */
export function movePickedRun(db: AppDatabase, pick: number, businessId: number): void {
  const id = pickRun(db, pick, "scope = 'business'");
  if (id !== undefined) db.sqlite.prepare('UPDATE job_runs SET business_id = ? WHERE id = ?').run(businessId, id);
}

/** The runs a scope holds, as a WHERE over job_runs written apart from the app's own SQL. */
export function scopeSql(scope: TenantScope): string {
  switch (scope.kind) {
    case 'business':
      return `business_id = ${scope.businessId}`;
    case 'system':
      return "scope = 'system'";
    case 'orphans':
      return "scope = 'business' AND business_id IS NULL";
    default:
      return '1';
  }
}

/** Every orphan (or those whose id is a multiple of `modulo`) deleted or given to a business. */
export interface OrphanBulkStep {
  every: boolean;
  deleted: boolean;
  modulo: number;
}

export function changeOrphansInBulk(db: AppDatabase, step: OrphanBulkStep, toOwner: number): void {
  const orphans = "scope = 'business' AND business_id IS NULL";
  const some = step.every ? '' : ' AND id % ? = 0';
  const params = step.every ? [] : [step.modulo];
  const change = () =>
    step.deleted
      ? db.sqlite.prepare(`DELETE FROM job_runs WHERE ${orphans}${some}`).run(...params)
      : db.sqlite.prepare(`UPDATE job_runs SET business_id = ?, orphaned_from = NULL WHERE ${orphans}${some}`).run(toOwner, ...params);
  const effect = step.deleted ? ({ kind: 'deleted' } as const) : ({ kind: 'moved', toOwner } as const);
  db.sqlite.transaction(() =>
    step.every
      ? withOwnerRollupsMoved(db.sqlite, ORPHANS_OWNER, effect, change)
      : withRollupsMovedInBulk(db.sqlite, { sql: `SELECT id FROM job_runs WHERE ${orphans} AND id % ? = 0`, params: [step.modulo] }, effect, change),
  )();
}
