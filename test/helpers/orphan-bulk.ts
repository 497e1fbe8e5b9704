// The bulk orphan change as the orphan services make it, with plain SQL: every orphan (or those whose id is a multiple
// of `modulo`) deleted or given to a business, through the path that drops the job_runs triggers (db/rollup-bulk.ts).
import type { AppDatabase } from '../../src-main/db/connection';
import { withOwnerRollupsMoved, withRollupsMovedInBulk } from '../../src-main/db/rollup-bulk';
import { ORPHANS_OWNER } from '../../src-main/tenancy/owner-sql';

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
