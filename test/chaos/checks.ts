// What every chaos trial checks on the file a kill left: SQLite's own checks, the rollups against a recount, and
// fingerprints of rows that must not have changed. Each check returns the problems it found (empty: it holds).
import path from 'node:path';
import Database from 'better-sqlite3';
import { foreignKeyViolations } from '../../src-main/db/migrations';
import { dailyRollupDrift, runCountDrift } from '../../src-main/db/rollup-drift';

/** `PRAGMA integrity_check` and `PRAGMA foreign_key_check` over the whole file. */
export function fileChecks(sqlite: Database.Database): string[] {
  const integrity = (sqlite.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check);
  const problems = integrity.length === 1 && integrity[0] === 'ok' ? [] : integrity.slice(0, 5).map((line) => `integrity_check: ${line}`);
  return [...problems, ...foreignKeyViolations(sqlite).slice(0, 5).map((line) => `foreign_key_check: ${line}`)];
}

/** The daily and weekly rollups and the kept run counts against a recount of job_runs (counting what a bulk load left first). */
export function rollupChecks(sqlite: Database.Database): string[] {
  const daily = dailyRollupDrift(sqlite).map((d) => `rollup drift in ${d.table} at ${d.key}: kept ${d.kept}, counted ${d.counted}`);
  const counts = runCountDrift(sqlite).map((d) => `run count drift for owner ${d.owner}, ${d.jobType}: kept ${d.kept}, counted ${d.counted}`);
  return [...daily, ...counts].slice(0, 10);
}

/** Opens the file as the next process would see it after the kill (its WAL replayed), read-write, without the app. */
export function withFile<T>(file: string, read: (sqlite: Database.Database) => T): T {
  const sqlite = new Database(file, { fileMustExist: true });
  try {
    return read(sqlite);
  } finally {
    sqlite.close();
  }
}

/** The columns of a table, in order, but those named, as a select list. */
export function columnsExcept(sqlite: Database.Database, table: string, except: readonly string[]): string {
  const columns = (sqlite.pragma(`table_info("${table}")`) as { name: string }[]).map((c) => c.name).filter((name) => !except.includes(name));
  return columns.map((name) => `"${name}"`).join(', ');
}

export interface RowComparison {
  /** The select list to compare, or one per side given the side's schema name (`main`, `reference`). */
  columns: string | ((schema: string) => string);
  /** Which rows, the same condition on both sides (parameters `params`). */
  where: string;
  params?: unknown[];
}

/**
 * How many rows differ between a table of the open file and the same table of `reference` (a file that must not be
 * written): rows of either side that the other does not have, compared by SQLite (EXCEPT both ways).
 */
export function differingRows(sqlite: Database.Database, reference: string, table: string, compare: RowComparison): number {
  sqlite.prepare('ATTACH DATABASE ? AS reference').run(reference);
  try {
    const columns = compare.columns;
    const side = (schema: string) =>
      `SELECT ${typeof columns === 'string' ? columns : columns(schema)} FROM ${schema}."${table}" WHERE ${compare.where}`;
    const params = compare.params ?? [];
    return sqlite
      .prepare(
        `SELECT (SELECT count(*) FROM (${side('main')} EXCEPT ${side('reference')}))
              + (SELECT count(*) FROM (${side('reference')} EXCEPT ${side('main')}))`,
      )
      .pluck()
      .get(...params, ...params, ...params, ...params) as number;
  } finally {
    sqlite.prepare('DETACH DATABASE reference').run();
  }
}

/** None of the compared rows differ from the reference's, else one sentence saying how many do. */
export function sameRows(what: string, sqlite: Database.Database, reference: string, table: string, compare: RowComparison): string[] {
  const differing = differingRows(sqlite, reference, table, compare);
  return differing === 0 ? [] : [`${what}: ${differing} rows differ from ${path.basename(reference)}'s`];
}
