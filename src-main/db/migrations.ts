// The migration runner. It reads drizzle-kit's journal and SQL files and keeps drizzle's own bookkeeping
// table, but applies pending migrations itself, because drizzle's migrator runs them inside one
// transaction where `PRAGMA foreign_keys=OFF` is ignored, so a table rebuild (DROP TABLE) would fire
// ON DELETE CASCADE and silently delete child rows. Here foreign keys are switched off *outside* the
// transaction, `foreign_key_check` must come back empty before COMMIT, and they are switched on again.
import type Database from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { enableForeignKeys } from './connection';

export const MIGRATIONS_TABLE = '__drizzle_migrations';

export interface Migration {
  /** 1-based: the schema version a database has once this migration is applied. */
  version: number;
  hash: string;
  createdAt: number;
  statements: string[];
}

export function loadMigrations(folder: string): Migration[] {
  return readMigrationFiles({ migrationsFolder: folder }).map((m, i) => ({
    version: i + 1,
    hash: m.hash,
    createdAt: m.folderMillis,
    statements: m.sql.map((s) => s.trim()).filter((s) => s.length > 0),
  }));
}

export type MigrationState =
  | { kind: 'current'; version: number }
  | { kind: 'pending'; version: number; target: number; pending: Migration[] }
  /** The database knows migrations this app does not: written by a newer app, or by another branch. */
  | { kind: 'unknown'; version: number; known: number; reason: string };

export function tableExists(sqlite: Database.Database, name: string): boolean {
  return sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

export function readAppliedHashes(sqlite: Database.Database): string[] {
  if (!tableExists(sqlite, MIGRATIONS_TABLE)) return [];
  return sqlite
    .prepare(`SELECT hash FROM "${MIGRATIONS_TABLE}" ORDER BY created_at, id`)
    .pluck()
    .all() as string[];
}

export function planMigrations(sqlite: Database.Database, known: Migration[]): MigrationState {
  const applied = readAppliedHashes(sqlite);
  if (applied.length > known.length) {
    return {
      kind: 'unknown',
      version: applied.length,
      known: known.length,
      reason: `it is at schema version ${applied.length}, and this app knows versions up to ${known.length}`,
    };
  }
  const divergence = applied.findIndex((hash, i) => hash !== known[i]!.hash);
  if (divergence >= 0) {
    return {
      kind: 'unknown',
      version: applied.length,
      known: known.length,
      reason: `its migration ${divergence + 1} is not the one this app ships (different content)`,
    };
  }
  if (applied.length === known.length) return { kind: 'current', version: applied.length };
  return { kind: 'pending', version: applied.length, target: known.length, pending: known.slice(applied.length) };
}

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly version: number,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

/**
 * Runs the statements of `pending` and records them, without transaction or pragma handling: for callers
 * that already hold a transaction with foreign keys off (applyMigrations, legacy adoption).
 */
export function runMigrationStatements(sqlite: Database.Database, pending: Migration[]): void {
  sqlite.exec(`CREATE TABLE IF NOT EXISTS "${MIGRATIONS_TABLE}" (id INTEGER PRIMARY KEY, hash text NOT NULL, created_at numeric)`);
  const record = sqlite.prepare(`INSERT INTO "${MIGRATIONS_TABLE}" (hash, created_at) VALUES (?, ?)`);
  for (const migration of pending) {
    for (const statement of migration.statements) {
      try {
        sqlite.exec(statement);
      } catch (error) {
        throw new MigrationError(
          `Migration ${migration.version} failed: ${(error as Error).message}\n  in: ${statement.slice(0, 300)}`,
          migration.version,
        );
      }
    }
    record.run(migration.hash, migration.createdAt);
    sqlite.pragma(`user_version = ${migration.version}`);
  }
}

/** Lists foreign-key violations as readable lines (empty when the database is consistent): the main schema's, or one table's. */
export function foreignKeyViolations(sqlite: Database.Database, table?: string): string[] {
  const rows = sqlite.pragma(table === undefined ? 'foreign_key_check' : `main.foreign_key_check("${table}")`) as ForeignKeyViolation[];
  return describeForeignKeyViolations(rows);
}

/** A row of `PRAGMA foreign_key_check`. */
export interface ForeignKeyViolation {
  table: string;
  rowid: number;
  parent: string;
  fkid: number;
}

/** One readable line per violation. */
export function describeForeignKeyViolations(rows: readonly ForeignKeyViolation[]): string[] {
  return rows.map((r) => `${r.table} row ${r.rowid} references a missing ${r.parent} row`);
}

/**
 * Within the caller's transaction (foreign keys off): throws, so the caller rolls back, on any violation (by default
 * those of the whole file; a caller that checked parts of it elsewhere passes what it found).
 */
export function assertNoForeignKeyViolations(sqlite: Database.Database, version: number, violations = foreignKeyViolations(sqlite)): void {
  if (violations.length > 0) {
    const shown = violations.slice(0, 10).join('; ');
    throw new MigrationError(
      `Foreign key check failed after migrating (${violations.length} violations): ${shown}`,
      version,
    );
  }
}

/**
 * Applies all pending migrations in one transaction with foreign keys off, so either every one applies
 * or the file is left as it was.
 */
export function applyMigrations(sqlite: Database.Database, pending: Migration[]): void {
  if (pending.length === 0) return;
  const target = pending[pending.length - 1]!.version;
  withForeignKeysOff(sqlite, () => {
    runMigrationStatements(sqlite, pending);
    assertNoForeignKeyViolations(sqlite, target);
  });
}

/** Runs `work` in an immediate transaction with foreign-key enforcement off, and proves it is back on after. */
export function withForeignKeysOff<T>(sqlite: Database.Database, work: () => T): T {
  if (sqlite.inTransaction) throw new Error('withForeignKeysOff must not run inside a transaction (the pragma would be ignored)');
  sqlite.pragma('foreign_keys = OFF');
  try {
    return sqlite.transaction(work).immediate();
  } finally {
    enableForeignKeys(sqlite);
  }
}
