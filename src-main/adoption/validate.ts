// Read-only checks of a server-edition database: everything that would stop adoption is found here, before
// the backup and before anything is written.
import type Database from 'better-sqlite3';
import { MIGRATIONS_TABLE, tableExists, type Migration } from '../db/migrations';
import { exactMsNeededSql, knownSpellingSql, LEGACY_ROLES, LEGACY_STATUSES, legacyMsSql, unparseableDatetimeSql } from './mapping';
import { JOB_CATALOG } from '../jobs/catalog';

export type LegacyShape = 'pre_tenant' | 'tenant';

/** Names every reason a server-edition database cannot be adopted. Nothing was written when it is thrown. */
export class LegacyAdoptionError extends Error {
  constructor(readonly problems: string[]) {
    super(`This server-edition database cannot be adopted, and it was left untouched: ${problems.join(' ')}`);
    this.name = 'LegacyAdoptionError';
  }
}

export const LEGACY_TABLES = ['businesses', 'users', 'job_runs'] as const;
export type LegacyTable = (typeof LEGACY_TABLES)[number];

const REQUIRED_COLUMNS: Record<LegacyTable, string[]> = {
  businesses: ['id', 'name', 'created_at'],
  users: ['id', 'email', 'role', 'business_id'],
  job_runs: [
    'id',
    'job_type',
    'status',
    'started_at',
    'completed_at',
    'duration_seconds',
    'error_message',
    'result',
    'triggered_by',
    'created_at',
  ],
};

export const KNOWN_REVISIONS = ['1042e3384203', '41bb836dfc6f', '42_cleanup_orphaned'];

export interface LegacyStructure {
  revision: string | null;
  /** Decided by the columns: `job_runs.business_id` exists or not. */
  shape: LegacyShape;
}

/** Reads the revision and shape; throws LegacyAdoptionError when a table or column the adoption reads is missing. */
export function readLegacyStructure(sqlite: Database.Database): LegacyStructure {
  const problems: string[] = [];
  for (const table of LEGACY_TABLES) {
    if (!tableExists(sqlite, table)) {
      problems.push(`The table ${table} is missing.`);
      continue;
    }
    const columns = new Set(columnsOf(sqlite, table));
    const missing = REQUIRED_COLUMNS[table].filter((c) => !columns.has(c));
    if (missing.length > 0) problems.push(`The table ${table} lacks the column(s) ${missing.join(', ')}.`);
  }
  if (problems.length > 0) throw new LegacyAdoptionError(problems);
  const versions = sqlite.prepare('SELECT version_num FROM alembic_version ORDER BY version_num').pluck().all() as string[];
  return {
    revision: versions.length > 0 ? versions.join(',') : null,
    shape: columnsOf(sqlite, 'job_runs').includes('business_id') ? 'tenant' : 'pre_tenant',
  };
}

function columnsOf(sqlite: Database.Database, table: string): string[] {
  return (sqlite.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]);
}

export interface PlannedBusiness {
  legacyId: string;
  name: string;
  createdAt: number;
}

export interface LegacyPlan extends LegacyStructure {
  counts: { businesses: number; users: number };
  /** In legacy rowid order, with the names they will have. */
  businesses: PlannedBusiness[];
  /** Tables of the file besides the server edition's, carried into the adopted file as they are. */
  otherTables: string[];
  notes: string[];
}

/** What one pass over the legacy runs finds (scanRunsSql): the runs' problems and notes. */
export interface RunScan {
  runs: number;
  unknownStatus: number;
  badStarted: number;
  badCompleted: number;
  badCreated: number;
  badDuration: number;
  blobResult: number;
  nonJsonResult: number;
  createdFromStarted: number;
  createdFromCompleted: number;
  createdFromAdoption: number;
  /** Datetimes (started, completed, created) that fastLegacyMsSql may not convert as legacyMsSql does. */
  datetimesNeedingExactMs: number;
  /** Tenant shape only (0 otherwise): runs whose business id is NULL, and runs whose business does not exist. */
  withoutBusiness: number;
  withMissingBusiness: number;
  /** Runs not finished in the server edition (adopted as 'unfinished'), and how many of them had started. */
  unfinished: number;
  unfinishedStarted: number;
  /** Runs of job types this app has no handler for. */
  unknownJobTypes: number;
}

/**
 * Checks everything adoption needs but the runs, reading only: the runs are checked by one pass (scanRunsSql, which
 * adoption runs on a worker thread while it copies) and checkRuns. Throws LegacyAdoptionError naming every problem,
 * the runs' included (scanned here, then).
 */
export function planAdoption(sqlite: Database.Database, migrations: Migration[], adoptedAt: number): LegacyPlan {
  const structure = readLegacyStructure(sqlite);
  const otherTables = otherTablesIn(sqlite);
  const problems: string[] = [...nameClashes(sqlite, migrations, otherTables)];
  const notes: string[] = [];
  if (structure.revision === null) notes.push('The alembic_version table was empty; the shape was read from the columns.');
  else if (!structure.revision.split(',').every((r) => KNOWN_REVISIONS.includes(r))) {
    notes.push(`Revision ${structure.revision} is not one this app knows; the shape (${structure.shape}) was read from the columns.`);
  }

  problems.push(...checkBusinesses(sqlite));
  problems.push(...checkUsers(sqlite));
  const businesses = problems.length === 0 ? planBusinesses(sqlite, adoptedAt, problems, notes) : [];
  if (problems.length > 0) throw new LegacyAdoptionError([...problems, ...checkRuns(sqlite, structure.shape, scanRuns(sqlite, structure.shape)).problems]);

  notes.push(...userNotes(sqlite));
  if (otherTables.length > 0) notes.push(`The table(s) ${otherTables.join(', ')} are not part of the server edition's data; they were carried over as they were.`);
  const users = sqlite.prepare('SELECT count(*) FROM users').pluck().get() as number;
  return { ...structure, counts: { businesses: businesses.length, users }, businesses, otherTables, notes };
}

/**
 * Objects the migrations create must not be among what adoption carries over (the tables besides the server
 * edition's, with their indexes and triggers): the server edition's own three tables become new tables of the same
 * names in a new file.
 */
function nameClashes(sqlite: Database.Database, migrations: Migration[], otherTables: string[]): string[] {
  const created = new Set<string>([MIGRATIONS_TABLE]);
  for (const statement of migrations.flatMap((m) => m.statements)) {
    const match = /^CREATE\s+(?:UNIQUE\s+)?(?:TABLE|INDEX|TRIGGER|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?[`"[]?(\w+)/i.exec(statement);
    if (match) created.add(match[1]!.toLowerCase());
  }
  const carried = otherTables.flatMap((table) => carriedObjects(sqlite, table));
  const clashes = carried.filter((o) => created.has(o.name.toLowerCase()));
  return clashes.length === 0
    ? []
    : [`It has ${clashes.map((o) => `the ${o.type} ${o.name}`).join(', ')}, which this app would create. Rename or drop it in the server edition first.`];
}

/** A table besides the server edition's, with its indexes and triggers, as adoption carries it over (their SQL). */
export function carriedObjects(sqlite: Database.Database, table: string, schema = 'main'): { type: string; name: string; sql: string }[] {
  return sqlite
    .prepare(`SELECT type, name, sql FROM ${schema}.sqlite_master WHERE tbl_name = ? AND type IN ('table', 'index', 'trigger') AND sql IS NOT NULL ORDER BY type = 'table' DESC, rowid`)
    .all(table) as { type: string; name: string; sql: string }[];
}

function otherTablesIn(sqlite: Database.Database): string[] {
  return (
    sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[]
  ).filter((name) => name !== 'alembic_version' && !(LEGACY_TABLES as readonly string[]).includes(name));
}

function checkBusinesses(sqlite: Database.Database): string[] {
  return [
    describeRows(sqlite, 'businesses', 'name', 'length(trim(name)) = 0', 'is blank (a business needs a name)'),
    describeRows(sqlite, 'businesses', 'created_at', unparseableDatetimeSql('created_at'), 'is not a date and time'),
  ].filter((p): p is string => p !== null);
}

function checkUsers(sqlite: Database.Database): string[] {
  const problems = [
    describeValues(sqlite, 'users', 'role', `role IS NOT NULL AND NOT ${knownSpellingSql('role', LEGACY_ROLES)}`, 'role'),
  ].filter((p): p is string => p !== null);
  const duplicates = sqlite
    .prepare(
      `SELECT min(email) AS email, count(*) AS n, group_concat(id, ', ') AS ids FROM users
       GROUP BY email COLLATE NOCASE HAVING count(*) > 1 ORDER BY min(rowid) LIMIT 10`,
    )
    .all() as { email: string; n: number; ids: string }[];
  if (duplicates.length > 0) {
    const shown = duplicates.map((d) => `${JSON.stringify(d.email)} (${d.n} users: ${d.ids})`).join(', ');
    problems.push(
      `users.email: ${duplicates.length === 10 ? 'at least 10' : duplicates.length} address(es) belong to more than one user ` +
        `when case is ignored, and this app keeps one user per address: ${shown}. Merge or rename them in the server edition first.`,
    );
  }
  return problems;
}

/** Runs with no business, and runs whose business does not exist (tenant shape: pre-tenant runs have no column). */
function runsWithoutBusinessSql(shape: LegacyShape): string {
  return shape === 'tenant'
    ? `coalesce(sum(r.business_id IS NULL), 0) AS withoutBusiness,
        coalesce(sum(r.business_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM businesses b WHERE b.id = r.business_id)), 0) AS withMissingBusiness`
    : '0 AS withoutBusiness, 0 AS withMissingBusiness';
}

/** The legacy runs' datetime columns. */
const DATETIME_COLUMNS = ['started_at', 'completed_at', 'created_at'] as const;

/** One pass over the legacy runs: a RunScan. Adoption runs it on a worker thread while it copies. */
/** A legacy run still queued or running in the server edition: the spellings adoption maps to 'unfinished'. */
const UNFINISHED_SQL = knownSpellingSql(
  'status',
  Object.fromEntries(Object.entries(LEGACY_STATUSES).filter(([, status]) => status === 'unfinished')),
);

export function scanRunsSql(shape: LegacyShape): string {
  return `SELECT count(*) AS runs,
        coalesce(sum(NOT ${knownSpellingSql('status', LEGACY_STATUSES)}), 0) AS unknownStatus,
        coalesce(sum(${unparseableDatetimeSql('started_at')}), 0) AS badStarted,
        coalesce(sum(${unparseableDatetimeSql('completed_at')}), 0) AS badCompleted,
        coalesce(sum(${unparseableDatetimeSql('created_at')}), 0) AS badCreated,
        coalesce(sum(typeof(duration_seconds) NOT IN ('real', 'integer', 'null')), 0) AS badDuration,
        coalesce(sum(typeof(result) = 'blob'), 0) AS blobResult,
        coalesce(sum(result IS NOT NULL AND typeof(result) <> 'blob' AND NOT json_valid(result)), 0) AS nonJsonResult,
        coalesce(sum(created_at IS NULL AND started_at IS NOT NULL), 0) AS createdFromStarted,
        coalesce(sum(created_at IS NULL AND started_at IS NULL AND completed_at IS NOT NULL), 0) AS createdFromCompleted,
        coalesce(sum(coalesce(created_at, started_at, completed_at) IS NULL), 0) AS createdFromAdoption,
        coalesce(sum(${DATETIME_COLUMNS.map((column) => `coalesce(${exactMsNeededSql(column)}, 0)`).join(' + ')}), 0) AS datetimesNeedingExactMs,
        coalesce(sum(${UNFINISHED_SQL}), 0) AS unfinished,
        coalesce(sum(${UNFINISHED_SQL} AND started_at IS NOT NULL), 0) AS unfinishedStarted,
        coalesce(sum(job_type NOT IN (${JOB_CATALOG.map((type) => `'${type.key}'`).join(', ')})), 0) AS unknownJobTypes,
        ${runsWithoutBusinessSql(shape)}
       FROM job_runs r`;
}

function scanRuns(sqlite: Database.Database, shape: LegacyShape): RunScan {
  return sqlite.prepare(scanRunsSql(shape)).get() as RunScan;
}

/** The runs' problems (each refuses adoption) and notes, from a scan of them. */
export function checkRuns(sqlite: Database.Database, shape: LegacyShape, scan: RunScan): { problems: string[]; notes: string[] } {
  return { problems: runProblems(sqlite, scan), notes: runNotes(shape, scan) };
}

function runProblems(sqlite: Database.Database, scan: RunScan): string[] {
  const found: (string | null)[] = [];
  if (scan.unknownStatus > 0) {
    found.push(describeValues(sqlite, 'job_runs', 'status', `NOT ${knownSpellingSql('status', LEGACY_STATUSES)}`, 'status'));
  }
  const datetimes = [
    ['started_at', scan.badStarted],
    ['completed_at', scan.badCompleted],
    ['created_at', scan.badCreated],
  ] as const;
  for (const [column, count] of datetimes) {
    if (count > 0) found.push(describeRows(sqlite, 'job_runs', column, unparseableDatetimeSql(column), 'is not a date and time'));
  }
  if (scan.badDuration > 0) {
    const condition = "typeof(duration_seconds) NOT IN ('real', 'integer', 'null')";
    found.push(describeRows(sqlite, 'job_runs', 'duration_seconds', condition, 'is not a number'));
  }
  if (scan.blobResult > 0) {
    found.push(describeRows(sqlite, 'job_runs', 'result', "typeof(result) = 'blob'", 'is binary, not text'));
  }
  return found.filter((p): p is string => p !== null);
}

/** `table.column: N rows <what>, e.g. id …: "value", …` for up to five rows, or null when none match. */
function describeRows(sqlite: Database.Database, table: string, column: string, condition: string, what: string): string | null {
  const count = sqlite.prepare(`SELECT count(*) FROM ${table} WHERE ${condition}`).pluck().get() as number;
  if (count === 0) return null;
  const examples = sqlite
    .prepare(`SELECT id, ${column} AS value FROM ${table} WHERE ${condition} ORDER BY rowid LIMIT 5`)
    .all() as { id: string; value: unknown }[];
  const shown = examples.map((e) => `id ${e.id}: ${showValue(e.value)}`).join(', ');
  return `${table}.${column}: ${count} row(s) where the value ${what}, e.g. ${shown}.`;
}

/** For enumerations: each unknown value with its row count and up to five example ids. */
function describeValues(sqlite: Database.Database, table: string, column: string, condition: string, what: string): string | null {
  const values = sqlite
    .prepare(`SELECT ${column} AS value, count(*) AS n FROM ${table} WHERE ${condition} GROUP BY ${column} ORDER BY n DESC LIMIT 20`)
    .all() as { value: unknown; n: number }[];
  if (values.length === 0) return null;
  const examples = sqlite.prepare(`SELECT id FROM ${table} WHERE ${column} IS ? ORDER BY rowid LIMIT 5`).pluck();
  const shown = values.map((v) => {
    const ids = (examples.all(v.value) as string[]).join(', ');
    return `${showValue(v.value)} in ${v.n} row(s) (e.g. id ${ids})`;
  });
  return `${table}.${column}: unknown ${what} value(s) this app cannot map: ${shown.join('; ')}.`;
}

function showValue(value: unknown): string {
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  return JSON.stringify(value);
}

/** Names are unique without case in the new schema: the first (by creation time, then rowid) keeps its name. */
function planBusinesses(sqlite: Database.Database, adoptedAt: number, problems: string[], notes: string[]): PlannedBusiness[] {
  const rows = sqlite
    .prepare(`SELECT rowid, id, name, ${legacyMsSql('created_at')} AS createdMs FROM businesses ORDER BY rowid`)
    .all() as { rowid: number; id: string; name: string; createdMs: number | null }[];
  const planned = rows.map((r) => ({ legacyId: r.id, name: r.name, createdAt: r.createdMs ?? adoptedAt, rowid: r.rowid }));
  const withoutTime = rows.filter((r) => r.createdMs === null).length;
  if (withoutTime > 0) notes.push(`${withoutTime} business(es) had no creation time; they were given the adoption time.`);

  const taken = new Map<string, string>();
  const byAge = [...planned].sort((a, b) => a.createdAt - b.createdAt || a.rowid - b.rowid);
  for (const business of byAge) {
    const first = taken.get(foldCase(business.name));
    if (first === undefined) {
      taken.set(foldCase(business.name), business.name);
      continue;
    }
    const renamed = `${business.name} (${business.legacyId.slice(0, 8)})`;
    if (taken.has(foldCase(renamed))) {
      problems.push(`businesses.name: ${JSON.stringify(business.name)} (id ${business.legacyId}) duplicates ${JSON.stringify(first)}, and ${JSON.stringify(renamed)} is taken too.`);
      continue;
    }
    notes.push(
      `Business ${JSON.stringify(business.name)} (id ${business.legacyId}) was renamed ${JSON.stringify(renamed)}: ` +
        `${JSON.stringify(first)} is older, and names are unique regardless of case.`,
    );
    taken.set(foldCase(renamed), renamed);
    business.name = renamed;
  }
  return planned.map(({ legacyId, name, createdAt }) => ({ legacyId, name, createdAt }));
}

/** SQLite's NOCASE folds ASCII letters only; so does this, so both agree on what collides. */
function foldCase(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function userNotes(sqlite: Database.Database): string[] {
  const dangling = sqlite
    .prepare(
      `SELECT count(*) FROM users u WHERE u.business_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM businesses b WHERE b.id = u.business_id)`,
    )
    .pluck()
    .get() as number;
  return dangling === 0 ? [] : [`${dangling} user(s) belonged to a business that no longer exists; they now have no business.`];
}

function runNotes(shape: LegacyShape, scan: RunScan): string[] {
  const notes: string[] = [];
  const fallbacks = scan.createdFromStarted + scan.createdFromCompleted + scan.createdFromAdoption;
  if (fallbacks > 0) {
    notes.push(
      `${fallbacks} run(s) had no created_at: ${scan.createdFromStarted} took started_at, ` +
        `${scan.createdFromCompleted} took completed_at, ${scan.createdFromAdoption} took the adoption time.`,
    );
  }
  if (scan.nonJsonResult > 0) {
    notes.push(`${scan.nonJsonResult} run result(s) were not JSON; each is kept, verbatim, as a JSON string.`);
  }
  const withoutBusiness = shape === 'pre_tenant' ? scan.runs : scan.withoutBusiness;
  if (withoutBusiness > 0) {
    notes.push(
      shape === 'pre_tenant'
        ? `The server edition did not yet record businesses for runs: all ${withoutBusiness} run(s) are orphans until assigned.`
        : `${withoutBusiness} run(s) had no business; they are orphans.`,
    );
  }
  if (scan.withMissingBusiness > 0) {
    notes.push(
      `${scan.withMissingBusiness} run(s) referred to a business that does not exist; they are orphans and keep that id in orphaned_from.`,
    );
  }
  return notes;
}

export function countRunsWithoutBusiness(
  sqlite: Database.Database,
  shape: LegacyShape,
  runs: number,
): { withoutBusiness: number; withMissingBusiness: number } {
  if (shape === 'pre_tenant') return { withoutBusiness: runs, withMissingBusiness: 0 };
  return sqlite.prepare(`SELECT ${runsWithoutBusinessSql(shape)} FROM job_runs r`).get() as { withoutBusiness: number; withMissingBusiness: number };
}
