// job_run_tags (drizzle/0025_run_tags.sql) outside its triggers. The bulk paths drop every trigger on job_runs
// (rollup-bulk.ts), so they move the tag rows of the runs they change themselves, by owner: the primary key holds one
// owner's rows in one range, so the orphans' rows are found without reading a run. And a recount from the runs' own
// tags, to prove the table holds exactly what they say.
import type Database from 'better-sqlite3';
import { ownerKeySql } from '../tenancy/owner-sql';

/**
 * Every run of `fromOwner` deleted, or given to `toOwner`: its tag rows go, or move to `toOwner`. Inside the bulk
 * change's transaction, after it.
 */
export function moveOwnerTags(sqlite: Database.Database, fromOwner: number, toOwner: number | null): void {
  if (toOwner !== null) {
    // `AND true` keeps SQLite from reading the rows it is writing (it materializes the SELECT of the same table).
    sqlite
      .prepare('INSERT INTO job_run_tags (owner, key, value, created_at, run_id) SELECT ?, key, value, created_at, run_id FROM job_run_tags WHERE owner = ? AND true')
      .run(toOwner, fromOwner);
  }
  sqlite.prepare('DELETE FROM job_run_tags WHERE owner = ?').run(fromOwner);
}

/**
 * The tag rows of the runs in temp.rollup_affected, of `owners` (theirs before the change), taken out into
 * temp.tags_moved before a bulk change: each owner's range walked, each row looked up in the affected ids (`+run_id`
 * keeps SQLite from probing every affected id instead). putBackRunTags ends what this starts.
 */
export function takeOutRunTags(sqlite: Database.Database, owners: readonly number[]): void {
  const affected = `owner IN (${owners.map(() => '?').join(', ')}) AND +run_id IN (SELECT id FROM temp.rollup_affected)`;
  sqlite.exec('DROP TABLE IF EXISTS temp.tags_moved');
  sqlite.prepare(`CREATE TEMP TABLE tags_moved AS SELECT key, value, created_at, run_id FROM job_run_tags WHERE ${affected}`).run(...owners);
  sqlite.prepare(`DELETE FROM job_run_tags WHERE ${affected}`).run(...owners);
}

/** After the bulk change: the rows takeOutRunTags took out put back under `toOwner` (runs moved there), or dropped (deleted). */
export function putBackRunTags(sqlite: Database.Database, toOwner: number | null): void {
  if (toOwner !== null) {
    sqlite.prepare('INSERT INTO job_run_tags (owner, key, value, created_at, run_id) SELECT ?, key, value, created_at, run_id FROM temp.tags_moved').run(toOwner);
  }
  sqlite.exec('DROP TABLE temp.tags_moved');
}

/** Rows of job_run_tags that the runs' tags do not say, and rows they say that it lacks: 0 and 0 when it is exact. */
export function runTagsDrift(sqlite: Database.Database): { extra: number; missing: number } {
  const expected = `SELECT ${ownerKeySql('r')}, j.key, j.value, r.created_at, r.id FROM job_runs AS r, json_each(r.tags) AS j WHERE r.tags IS NOT NULL`;
  const table = 'SELECT owner, key, value, created_at, run_id FROM job_run_tags';
  const extra = sqlite.prepare(`SELECT count(*) FROM (${table} EXCEPT ${expected})`).pluck().get() as number;
  const missing = sqlite.prepare(`SELECT count(*) FROM (${expected} EXCEPT ${table})`).pluck().get() as number;
  return { extra, missing };
}
