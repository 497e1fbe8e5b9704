// Changes to many runs at once, with the rollup triggers dropped and the rollups (and the sort tables, sort-tables.ts,
// and the tag index, run-tags.ts) moved set-based instead: a bulk load (adoption's copy), and assigning or deleting
// orphans in bulk.
import type Database from 'better-sqlite3';
import { ownerRunsCondition } from '../tenancy/owner-sql';
import { RAISE_EVERY_DAY_VERSION_SQL } from './rollup-keys';
import { addExcludedSql, applyGroups, columnsOf, groupRunsSql, ROLLUPS } from './rollup-sets';
import { ensureRollupsCounted } from './rollups';
import { moveOwnerSortEntries, moveRunsSortEntries } from './sort-tables';
import { moveOwnerTags, putBackRunTags, takeOutRunTags } from './run-tags';

/** The names of the triggers on job_runs that raise a day's version (drizzle/0010_run_day_versions.sql). */
const DAY_VERSION_TRIGGER_PREFIX = 'job_run_day_versions_';

/**
 * Runs `work` with the triggers of `table` dropped, then creates them again. Inside a transaction, so no other
 * connection sees them missing; the caller updates what they keep (the rollups) itself. When the dropped ones
 * include the day-version triggers (job_runs'), the version of every day goes up instead, as they were not there
 * to say which days changed: nothing the stats keep of past days outlives the change.
 */
export function withTriggersDropped<T>(sqlite: Database.Database, table: string, work: () => T): T {
  const triggers = sqlite.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? ORDER BY rowid").all(table) as {
    name: string;
    sql: string;
  }[];
  for (const trigger of triggers) sqlite.exec(`DROP TRIGGER "${trigger.name}"`);
  const result = work();
  for (const trigger of triggers) sqlite.exec(trigger.sql);
  if (triggers.some((trigger) => trigger.name.startsWith(DAY_VERSION_TRIGGER_PREFIX))) sqlite.exec(RAISE_EVERY_DAY_VERSION_SQL);
  return result;
}

/** What a bulk change does to the runs it touches: deletes them, or gives them all to another owner (nothing else changes). */
export type BulkRunChange = { kind: 'deleted' } | { kind: 'moved'; toOwner: number };

/**
 * A change to many runs at once (assigning or deleting 100,000 orphans): the rollup triggers would run three to
 * six statements per run, so `change` runs with them dropped, and the rollups move set-based instead: the
 * affected runs' groups are counted once, taken out before the change, and, for runs moved to another owner,
 * put back under that owner. Must run inside the caller's transaction, so no other connection ever sees the
 * triggers missing, and a failure rolls all of it back. `affected` is a SELECT of the ids the change touches;
 * `effect` must be all the change does to them.
 */
export function withRollupsMovedInBulk<T>(
  sqlite: Database.Database,
  affected: { sql: string; params: unknown[] },
  effect: BulkRunChange,
  change: () => T,
): T {
  if (!sqlite.inTransaction) throw new Error('withRollupsMovedInBulk must run inside a transaction');
  ensureRollupsCounted(sqlite);
  sqlite.exec('DROP TABLE IF EXISTS temp.rollup_affected');
  sqlite.exec('CREATE TEMP TABLE rollup_affected (id INTEGER PRIMARY KEY)');
  sqlite.prepare(`INSERT INTO temp.rollup_affected (id) ${affected.sql}`).run(...affected.params);
  sqlite.exec('DROP TABLE IF EXISTS temp.rollup_delta');
  sqlite.exec(groupRunsSql('WHERE id IN (SELECT id FROM temp.rollup_affected)'));
  applyGroups(sqlite, -1);
  moveRunsSortEntries(sqlite, 'before', null);
  takeOutRunTags(sqlite, sqlite.prepare('SELECT DISTINCT owner FROM temp.rollup_delta').pluck().all() as number[]);
  const result = withTriggersDropped(sqlite, 'job_runs', change);
  if (effect.kind === 'moved') {
    sqlite.prepare('UPDATE temp.rollup_delta SET owner = ?').run(effect.toOwner);
    applyGroups(sqlite, 1);
  }
  putBackRunTags(sqlite, effect.kind === 'moved' ? effect.toOwner : null);
  moveRunsSortEntries(sqlite, 'after', effect.kind === 'moved' ? effect.toOwner : null);
  sqlite.exec('DROP TABLE temp.rollup_affected');
  sqlite.exec('DROP TABLE temp.rollup_delta');
  return result;
}

/**
 * A change to every run of one owner at once (all the orphans): the owner's rollup rows are keyed by owner, so
 * they move to the new owner (added to any rows it has) or go, by key, without reading or grouping the runs. The
 * same contract as withRollupsMovedInBulk, plus: `change` touches every run of `fromOwner` and no other run.
 * The first half is checked (no run of `fromOwner` may be left); the caller's WHERE guarantees the second.
 */
export function withOwnerRollupsMoved<T>(sqlite: Database.Database, fromOwner: number, effect: BulkRunChange, change: () => T): T {
  if (!sqlite.inTransaction) throw new Error('withOwnerRollupsMoved must run inside a transaction');
  if (effect.kind === 'moved' && effect.toOwner === fromOwner) throw new Error(`Runs of owner ${fromOwner} cannot move to the same owner`);
  ensureRollupsCounted(sqlite);
  const result = withTriggersDropped(sqlite, 'job_runs', change);
  const runsOf = ownerRunsCondition(fromOwner);
  const left = sqlite.prepare(`SELECT EXISTS (SELECT 1 FROM job_runs WHERE ${runsOf.sql})`).pluck().get(...runsOf.params);
  if (left !== 0) throw new Error(`withOwnerRollupsMoved: the change left runs of owner ${fromOwner}; it must touch all of them`);
  for (const rollup of ROLLUPS) {
    const { table } = rollup;
    if (effect.kind === 'moved') {
      const { keys, values } = columnsOf(rollup);
      const columns = [...keys, ...values].join(', ');
      const moved = ['?', ...keys.slice(1), ...values].join(', ');
      // The source rows are read in full before any is written (SQLite materializes a SELECT of the target table).
      sqlite
        .prepare(
          `INSERT INTO ${table} (${columns}) SELECT ${moved} FROM ${table} WHERE owner = ? AND true
           ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${addExcludedSql(rollup)}`,
        )
        .run(effect.toOwner, fromOwner);
    }
    sqlite.prepare(`DELETE FROM ${table} WHERE owner = ?`).run(fromOwner);
  }
  moveOwnerSortEntries(sqlite, fromOwner, effect.kind === 'moved' ? effect.toOwner : null);
  moveOwnerTags(sqlite, fromOwner, effect.kind === 'moved' ? effect.toOwner : null);
  return result;
}
