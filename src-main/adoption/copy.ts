// The writing half of adoption. Every function here runs on the connection that builds the adopted file, inside
// its one transaction, with foreign keys off; the server-edition file is attached to it as `legacy`, and only read.
import { withTriggersDropped } from '../db/rollup-bulk';
import type Database from 'better-sqlite3';
import type { ProgressListener } from '../../src-shared/progress';
import { fastLegacyMsSql, LEGACY_ROLES, LEGACY_STATUSES, legacyMsSql, mappedSql } from './mapping';
import { LEGACY_TABLES, type LegacyShape, type PlannedBusiness } from './validate';

export const RUN_CHUNK_SIZE = 100_000;

/** The schema name the server-edition file is attached under while the adopted file is built. */
export const LEGACY_SCHEMA = 'legacy';

export function insertBusinesses(sqlite: Database.Database, planned: PlannedBusiness[]): void {
  const insert = sqlite.prepare('INSERT INTO businesses (legacy_id, name, created_at) VALUES (?, ?, ?)');
  for (const business of planned) insert.run(business.legacyId, business.name, business.createdAt);
}

export function insertUsers(sqlite: Database.Database, adoptedAt: number): void {
  sqlite
    .prepare(
      `INSERT INTO users (legacy_id, email, role, business_id, created_at)
       SELECT u.id, u.email, CASE WHEN u.role IS NULL THEN 'member' ELSE ${mappedSql('u.role', LEGACY_ROLES)} END, b.id, ?
       FROM ${LEGACY_SCHEMA}.users u LEFT JOIN businesses b ON b.legacy_id = u.business_id
       ORDER BY u.rowid`,
    )
    .run(adoptedAt);
}

/**
 * The INSERT … SELECT of every run, in the order of their adopted created_at (then legacy rowid): the new ids, and
 * the rows of the new table, follow creation time. That costs one sort of the converted rows (a server edition
 * inserted runs as they were created, so its rowid order is mostly sorted already), and pays for itself: the
 * created_at indexes and the rollup recount then sort nearly sorted input (1M runs in random rowid order: indexes
 * 5.0 → 3.8 s, rollups 1.8 → 1.2 s; the sorted copy itself was no slower than the rowid chunks), and the indexes
 * on (created_at) and (business_id, created_at) are filled in key order as the rows arrive (keptWhileCopyingRuns).
 * Business and user ids are looked up through the new tables' unique indexes (legacy_id, email COLLATE NOCASE),
 * one probe each per run.
 * Every `@every`-th legacy rowid calls adoption_copy_progress(rowid), the only progress one statement can give.
 */
export function copyRunsSql(shape: LegacyShape, datetimes: DatetimeConversion): string {
  const columns = runColumns(shape, datetimes);
  // By position: ordering by an alias of the result column measured 4.2-4.7 s for 1M runs against 2.9-3.3 s.
  const createdAt = columns.findIndex(([column]) => column === 'created_at') + 1;
  return `INSERT INTO job_runs (${columns.map(([column]) => column).join(', ')})
    SELECT ${columns.map(([, value]) => value).join(',\n      ')}
    FROM ${LEGACY_SCHEMA}.job_runs r
    ${businessOf(shape).join}
    LEFT JOIN users by_id ON by_id.legacy_id = r.triggered_by
    LEFT JOIN users by_email ON by_email.email = r.triggered_by COLLATE NOCASE
    WHERE r.rowid % @every <> 0 OR ${COPY_PROGRESS_FUNCTION}(r.rowid)
    ORDER BY ${createdAt}, r.rowid`;
}

function businessOf(shape: LegacyShape): { id: string; orphanedFrom: string; join: string } {
  return shape === 'tenant'
    ? { id: 'b.id', orphanedFrom: 'CASE WHEN b.id IS NULL THEN r.business_id END', join: `LEFT JOIN businesses b ON b.legacy_id = r.business_id` }
    : { id: 'NULL', orphanedFrom: 'NULL', join: '' };
}

/**
 * How the copy converts datetimes: 'fast' (fastLegacyMsSql) is right for every value the scan does not count in
 * datetimesNeedingExactMs; adoption copies with it and copies again with 'exact' (legacyMsSql) when the scan counts any.
 */
export type DatetimeConversion = 'fast' | 'exact';

/** The job_runs columns the copy writes, each with its value over a legacy run `r`; the others keep their defaults. */
function runColumns(shape: LegacyShape, datetimes: DatetimeConversion = 'exact'): [column: string, value: string][] {
  const convert = datetimes === 'fast' ? fastLegacyMsSql : legacyMsSql;
  const ms = (column: string) => convert(`r.${column}`);
  const business = businessOf(shape);
  return [
    ['legacy_id', 'r.id'],
    ['scope', "'business'"],
    ['business_id', business.id],
    ['orphaned_from', business.orphanedFrom],
    ['job_type', 'r.job_type'],
    ['status', mappedSql('r.status', LEGACY_STATUSES)],
    ['trigger', "'legacy'"],
    ['triggered_by_user_id', 'coalesce(by_id.id, by_email.id)'],
    ['triggered_by', 'r.triggered_by'],
    ['params', "'{}'"],
    ['result', 'CASE WHEN r.result IS NULL THEN NULL WHEN json_valid(r.result) THEN r.result ELSE json_quote(r.result) END'],
    ['error', 'r.error_message'],
    ['created_at', `coalesce(${ms('created_at')}, ${ms('started_at')}, ${ms('completed_at')}, @adoptedAt)`],
    ['started_at', ms('started_at')],
    ['finished_at', ms('completed_at')],
    [
      'duration_ms',
      `CASE WHEN r.duration_seconds IS NOT NULL THEN CAST(round(r.duration_seconds * 1000) AS INTEGER) ELSE ${ms('completed_at')} - ${ms('started_at')} END`,
    ],
  ];
}

/**
 * The job_runs indexes kept, and filled as the runs arrive, rather than dropped and rebuilt after the copy (each
 * rebuild being a whole scan of the table and a sort):
 * - partial indexes over columns the copy never writes (retry_of_run_id, cancelled_by_user_id, schedule_id: NULL,
 *   so outside their `WHERE … IS NOT NULL`): they stay empty (about 0.09 s per million runs saved per index);
 * - partial indexes whose WHERE no copied run meets, judged from the columns the copy writes as one constant (such
 *   as the trigger: `legacy` for every adopted run): they stay empty too;
 * - the indexes on (created_at) and (business_id, created_at): the copy inserts in created_at order, and
 *   business_id is NULL for every pre-tenant run (one of the few businesses otherwise), so each entry is appended
 *   at the end of its business's range. 1M runs: the copy +0.3-0.45 s end to end (+0.0-0.1 s alone), the rebuilds
 *   -0.6-0.7 s. Indexes with status or job_type before created_at are not kept: their five or so insertion points
 *   each cost a seek (+0.5-0.6 s of CPU per index on the copy), more than their rebuild on two cores.
 */
export function keptWhileCopyingRuns(sqlite: Database.Database, index: { name: string; sql: string }): boolean {
  const columns = sqlite.prepare('SELECT name FROM pragma_index_info(?)').pluck().all(index.name) as (string | null)[];
  if (!/\bWHERE\b/i.test(index.sql)) return filledInOrder(sqlite, index.name, columns);
  const predicate = /\bWHERE\b(.*)$/is.exec(index.sql)![1]!;
  if (noCopiedRunMeets(sqlite, predicate)) return true;
  if (!/\bWHERE\b[^()]*\bIS\s+NOT\s+NULL\s*$/i.test(index.sql)) return false;
  const written = new Set(runColumns('tenant').map(([column]) => column));
  const mentioned = [...predicate.matchAll(/"?(\w+)"?\s+IS\s+NOT\s+NULL/gi)].map((m) => m[1]!);
  return columns.length > 0 && [...columns, ...mentioned].every((column) => column !== null && !written.has(column));
}

/** A WHERE over nothing but the columns the copy writes as a constant, false for those constants. */
function noCopiedRunMeets(sqlite: Database.Database, predicate: string): boolean {
  const constants = runColumns('tenant').filter(([, value]) => /^'[^']*'$/.test(value));
  if (constants.length === 0) return false;
  const row = constants.map(([column, value]) => `${value} AS "${column}"`).join(', ');
  try {
    // Any other column is unknown here, and the statement fails to prepare: such an index is judged elsewhere.
    return sqlite.prepare(`SELECT (${predicate}) FROM (SELECT ${row}) AS job_runs`).pluck().get() === 0;
  } catch {
    return false;
  }
}

/** Index columns that the copy, sorted by created_at, fills in key order (ascending, as SQLite's default). */
const FILLED_IN_ORDER: readonly (readonly string[])[] = [['created_at'], ['business_id', 'created_at']];

function filledInOrder(sqlite: Database.Database, index: string, columns: (string | null)[]): boolean {
  const descending = sqlite.prepare('SELECT count(*) FROM pragma_index_xinfo(?) WHERE key AND desc').pluck().get(index) as number;
  return descending === 0 && FILLED_IN_ORDER.some((order) => order.join() === columns.join());
}

const COPY_PROGRESS_FUNCTION = 'adoption_copy_progress';

/**
 * Copies the runs in one statement (copyRunsSql), reporting progress while the legacy rows are read: every
 * RUN_CHUNK_SIZE-th rowid, done = the share of the rowid range read so far (exact when rowids are dense). Writing
 * the sorted rows follows the read; the last report comes after it. Returns the rows copied. A listener that
 * throws aborts the statement, and the caller's transaction rolls back.
 * CHECK constraints are not evaluated per row (the schema's `IN (…)` lists alone cost more than a second per
 * million runs): the caller verifies them once over the whole table afterwards (runCheckPass).
 */
export function copyRuns(
  sqlite: Database.Database,
  shape: LegacyShape,
  datetimes: DatetimeConversion,
  adoptedAt: number,
  total: number,
  onProgress?: ProgressListener,
): number {
  const maxRowid = (sqlite.prepare(`SELECT max(rowid) FROM ${LEGACY_SCHEMA}.job_runs`).pluck().get() as number | null) ?? 0;
  let report: ((rowid: number) => void) | null = (rowid) =>
    onProgress?.({ phase: 'Copying runs', done: Math.min(total, Math.round((total * rowid) / maxRowid)), total });
  // Registered on the connection for good (better-sqlite3 cannot unregister); it reports nothing once the copy is over.
  sqlite.function(COPY_PROGRESS_FUNCTION, { deterministic: false }, (rowid: unknown) => {
    report?.(Number(rowid));
    return 1;
  });
  onProgress?.({ phase: 'Copying runs', done: 0, total });
  sqlite.pragma('ignore_check_constraints = ON');
  let copied: number;
  try {
    copied = sqlite.prepare(copyRunsSql(shape, datetimes)).run({ adoptedAt, every: RUN_CHUNK_SIZE }).changes;
  } finally {
    report = null;
    sqlite.pragma('ignore_check_constraints = OFF');
  }
  onProgress?.({ phase: 'Copying runs', done: Math.min(copied, total), total });
  return copied;
}

/**
 * The CHECK pass over the copied runs: only the constraints over a column whose value varies by run; the others hold
 * for the copy's literals and the columns' defaults alike, on every row (1M runs: 0.50-0.58 s against 0.88-0.90 s
 * for all seven; the adoption tests' integrity_check verifies all seven).
 */
export function runCheckPass(sqlite: Database.Database, shape: LegacyShape): CheckPass | null {
  return checkPass(sqlite, 'job_runs', columnsVaryingByRun(shape));
}

/** The CHECK constraints of a table, as written in its CREATE TABLE statement. */
export function checkConstraintsOf(sqlite: Database.Database, table: string): { name: string; expression: string }[] {
  const sql = sqlite.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(table) as string;
  const found: { name: string; expression: string }[] = [];
  const start = /(?:CONSTRAINT\s+[`"]?(\w+)[`"]?\s+)?CHECK\s*\(/gi;
  for (let match = start.exec(sql); match; match = start.exec(sql)) {
    const end = closingParenthesis(sql, start.lastIndex);
    found.push({ name: match[1] ?? `check ${found.length + 1}`, expression: sql.slice(start.lastIndex, end) });
    start.lastIndex = end;
  }
  return found;
}

function closingParenthesis(sql: string, from: number): number {
  let depth = 1;
  let quote: string | null = null;
  for (let i = from; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  throw new Error(`Unbalanced CHECK constraint in: ${sql.slice(from, from + 100)}`);
}

/** The job_runs columns the copy writes with a value computed per run: not a literal, not NULL. */
function columnsVaryingByRun(shape: LegacyShape): ReadonlySet<string> {
  return new Set(runColumns(shape).filter(([, value]) => !/^(?:'[^']*'|NULL)$/.test(value)).map(([column]) => column));
}

/** One SELECT counting, for each CHECK constraint of a table, the rows that break it (NULL passes, as in SQLite). */
export interface CheckPass {
  table: string;
  checks: { name: string; expression: string }[];
  /** One row: the count for each check, in order. */
  sql: string;
}

/** The table's CHECK pass (with `over`, only the constraints that name one of those columns); null when there is none. */
export function checkPass(sqlite: Database.Database, table: string, over?: ReadonlySet<string>): CheckPass | null {
  const checks = checkConstraintsOf(sqlite, table).filter(
    (check) => !over || [...check.expression.matchAll(/"(\w+)"/g)].some((word) => over.has(word[1]!)),
  );
  if (checks.length === 0) return null;
  const sql = `SELECT ${checks.map((c, i) => `coalesce(sum(NOT (${c.expression})), 0) AS c${i}`).join(', ')} FROM "${table}"`;
  return { table, checks, sql };
}

/** Throws, naming each constraint and how many rows break it, when the pass counted any. */
export function assertChecksHold(pass: CheckPass, counts: readonly number[]): void {
  const broken = pass.checks.map((c, i) => ({ ...c, rows: counts[i]! })).filter((c) => c.rows > 0);
  if (broken.length > 0) {
    throw new Error(`CHECK constraint failed after copying ${pass.table}: ${broken.map((c) => `${c.name} (${c.rows} rows)`).join(', ')}`);
  }
}

export interface IndexDefinition {
  name: string;
  sql: string;
}

/**
 * Runs `work` with the secondary indexes of `table` (but those `keep` selects) and its triggers dropped, then
 * re-creates the triggers and returns the dropped indexes, for the caller to build once it has committed
 * (deferIndexes): one sort per index beats a million updates. The caller recomputes what the triggers would
 * have kept (the rollups) in the same transaction.
 */
export function withIndexesDropped<T>(
  sqlite: Database.Database,
  table: string,
  work: () => T,
  keep: (index: IndexDefinition) => boolean,
): { result: T; dropped: IndexDefinition[] } {
  const dropped = (
    sqlite
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY rowid")
      .all(table) as IndexDefinition[]
  ).filter((index) => !keep(index));
  for (const index of dropped) sqlite.exec(`DROP INDEX "${index.name}"`);
  return { result: withTriggersDropped(sqlite, table, work), dropped };
}

/** Rows of `table`, which may be schema-qualified (`legacy.job_runs`). */
export function countRows(sqlite: Database.Database, table: string): number {
  const name = table.split('.').map((part) => `"${part}"`).join('.');
  return sqlite.prepare(`SELECT count(*) FROM ${name}`).pluck().get() as number;
}

/** Every legacy row must have arrived; throwing here rolls the whole adoption back. */
export function assertEveryRowCopied(sqlite: Database.Database): void {
  const lost = LEGACY_TABLES.map((table) => ({ table, legacy: countRows(sqlite, `${LEGACY_SCHEMA}.${table}`), adopted: countRows(sqlite, table) }))
    .filter((c) => c.legacy !== c.adopted)
    .map((c) => `${c.table}: ${c.legacy} in the server edition, ${c.adopted} adopted`);
  if (lost.length > 0) throw new Error(`Adoption did not copy every row (${lost.join('; ')}); nothing was changed.`);
}
