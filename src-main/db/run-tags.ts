// job_run_tags (drizzle/0025_run_tags.sql) outside its triggers: the bulk paths drop every trigger on job_runs
// (rollup-bulk.ts), so they take the tags of the runs they change out before the change and put them back after it,
// set-based; and a recount, to prove the table holds exactly what the runs' tags say.
import type Database from 'better-sqlite3';
import { ownerKeySql } from '../tenancy/owner-sql';

/**
 * The job_run_tags rows of the runs `r` of job_runs that `where` selects, as the triggers write them. `where` may name
 * job_runs' columns bare but `id` (json_each has one too: write `r.id`).
 */
function tagRowsSql(where: string): string {
  return `SELECT j.key, j.value, ${ownerKeySql('r')}, r.created_at, r.id
    FROM job_runs AS r, json_each(r.tags) AS j WHERE r.tags IS NOT NULL AND (${where})`;
}

/** Takes out the tag rows of the runs `where` selects (over `r`), before a bulk change with the triggers dropped. */
export function removeRunTags(sqlite: Database.Database, where: string, params: unknown[] = []): void {
  sqlite.prepare(`DELETE FROM job_run_tags WHERE (key, value, owner, created_at, run_id) IN (${tagRowsSql(where)})`).run(...params);
}

/** Puts back the tag rows of the runs `where` selects (over `r`), after a bulk change with the triggers dropped. */
export function addRunTags(sqlite: Database.Database, where: string, params: unknown[] = []): void {
  sqlite.prepare(`INSERT INTO job_run_tags (key, value, owner, created_at, run_id) ${tagRowsSql(where)}`).run(...params);
}

/** Rows of job_run_tags that the runs' tags do not say, and rows they say that it lacks: 0 and 0 when it is exact. */
export function runTagsDrift(sqlite: Database.Database): { extra: number; missing: number } {
  const expected = tagRowsSql('1 = 1');
  const extra = sqlite.prepare(`SELECT count(*) FROM (SELECT key, value, owner, created_at, run_id FROM job_run_tags EXCEPT ${expected})`).pluck().get() as number;
  const missing = sqlite.prepare(`SELECT count(*) FROM (${expected} EXCEPT SELECT key, value, owner, created_at, run_id FROM job_run_tags)`).pluck().get() as number;
  return { extra, missing };
}
