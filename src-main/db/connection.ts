// Opens the one SQLite file. Main process only.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { createMissingFolders, createPrivateFile } from './private-files';
import * as schema from './schema';

/** Drizzle over the connection, which stays reachable as `$client` (for what only the connection can do). */
export type Orm = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export interface AppDatabase {
  readonly path: string;
  readonly sqlite: Database.Database;
  readonly orm: Orm;
  close(): void;
}

export const BUSY_TIMEOUT_MS = 5000;

export class DatabaseOpenError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'DatabaseOpenError';
  }
}

/**
 * Opens (creating if needed) the database file: busy timeout, foreign keys on and asserted. It writes
 * nothing to the file: WAL is switched on by `enableWal` once startup has decided the file is ours.
 */
export interface OpenDatabaseOptions {
  mustExist?: boolean;
  /** A better-sqlite3 addon built for another ABI (the Electron shell's); default: the one in node_modules. */
  nativeBinding?: string;
  /** Opens an existing file read-only (the read workers' connections): nothing run on it can change the file. */
  readonly?: boolean;
}

let threadNativeBinding: string | undefined;

/**
 * The better-sqlite3 addon every connection of this thread loads unless told otherwise: set once by a shell whose
 * process needs another build than node_modules' (the Electron app and its CLI) and by the read workers it starts, so
 * a file opened deep in a domain (a backup being checked or recorded) loads the same addon as the database.
 */
export function useNativeBinding(addon: string | undefined): void {
  threadNativeBinding = addon;
}

/** The addon a connection loads: the one it is given, else this thread's (above), else node_modules'. */
export function nativeBindingFor(given?: string): string | undefined {
  return given ?? threadNativeBinding;
}

export function openDatabaseFile(file: string, options: OpenDatabaseOptions = {}): AppDatabase {
  if ((options.mustExist || options.readonly) && !fs.existsSync(file)) throw new DatabaseOpenError(`No database file at ${file}`, file);
  if (!options.readonly) {
    createMissingFolders(path.dirname(file));
    // A new database is created private (0600); SQLite gives its -wal and -shm the file's mode.
    if (!fs.existsSync(file)) createPrivateFileUnlessRaced(file);
  }
  let sqlite: Database.Database;
  try {
    sqlite = new Database(file, { timeout: BUSY_TIMEOUT_MS, nativeBinding: nativeBindingFor(options.nativeBinding), readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (error) {
    throw new DatabaseOpenError(`Cannot open ${file}: ${(error as Error).message}`, file);
  }
  try {
    sqlite.pragma('schema_version', { simple: true });
  } catch (error) {
    sqlite.close();
    const code = (error as { code?: string }).code;
    const why = code === 'SQLITE_NOTADB' ? 'it is not a SQLite database' : (error as Error).message;
    throw new DatabaseOpenError(`Cannot open ${file}: ${why}`, file);
  }
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  enableForeignKeys(sqlite);
  cacheStatements(sqlite);
  return {
    path: file,
    sqlite,
    orm: drizzle(sqlite, { schema }),
    close: () => {
      if (sqlite.open) sqlite.close();
    },
  };
}

function createPrivateFileUnlessRaced(file: string): void {
  try {
    createPrivateFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** How many compiled statements a connection keeps; the app runs far fewer distinct SQL texts than this. */
export const STATEMENT_CACHE_SIZE = 500;

/**
 * Keeps compiled statements by SQL text (least recently used out first). drizzle prepares every query it
 * runs, and compiling costs more than running a keyset page; a cached statement is handed out again with
 * its output modes reset (pluck, raw, expand), so a caller never inherits another's. A statement still
 * iterating is busy and never shared: that caller gets a fresh one.
 */
export function cacheStatements(sqlite: Database.Database, capacity: number = STATEMENT_CACHE_SIZE): void {
  const compile = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  const prepare = (source: string): Database.Statement => {
    const cached = cache.get(source);
    if (cached && !cached.busy) {
      cache.delete(source);
      cache.set(source, cached);
      if (cached.reader) cached.pluck(false).expand(false).raw(false);
      return cached;
    }
    const statement = compile(source);
    if (cached) return statement;
    cache.set(source, statement);
    if (cache.size > capacity) cache.delete(cache.keys().next().value as string);
    return statement;
  };
  sqlite.prepare = prepare as typeof sqlite.prepare;
}

declare const writeTransaction: unique symbol;

/**
 * The database while a write transaction is open on it. Only inImmediateTransaction and openTransactionOf hand one
 * out, so a function that takes an InTransaction (a check and the write it guards, a count re-read under the lock)
 * cannot be called outside a transaction: the signature says so, and the compiler holds every caller to it.
 */
export type InTransaction = AppDatabase & { readonly [writeTransaction]: true };

/**
 * How a write transaction's statements keep their journals. SQLite copies each page a statement changes into a
 * statement journal first, to undo that statement alone if it fails; by default the journal moves to a temporary file
 * once it passes 64 KiB (16 pages), and a run's creation or end passes it (its row, a dozen index entries, the
 * rollups' rows), so every page after that is written to the file (a system call and a copy each), a third of a run's
 * lifecycle. `'memory'` keeps them in memory (`temp_store = MEMORY` for the transaction): only for statements that
 * each change a few runs, since a statement's journal holds every page it changes, all of the file's runs for a bulk
 * update. The default suits any.
 * Changing the setting closes the connection's temporary database (SQLite's rule), so a TEMP table lives within one
 * transaction (the bulk paths' temp.rollup_delta does), and the first change after one drops every compiled
 * statement's plan.
 */
export type StatementJournals = 'memory' | 'default';

/**
 * BEGIN IMMEDIATE takes the write lock first, so a recount and the change it guards see the same rows. Inside a
 * transaction already open it is a savepoint of it, whose journals are the open transaction's.
 */
export function inImmediateTransaction<T>(db: AppDatabase, work: (tx: InTransaction) => T, journals: StatementJournals = 'default'): T {
  const transaction = db.sqlite.transaction(() => work(db as InTransaction));
  if (journals === 'default' || db.sqlite.inTransaction) return transaction.immediate();
  // The setting is read when the transaction begins, and may change only outside one.
  db.sqlite.prepare('PRAGMA temp_store = MEMORY').run();
  try {
    return transaction.immediate();
  } finally {
    db.sqlite.prepare('PRAGMA temp_store = DEFAULT').run();
  }
}

/** The database as an InTransaction, for code that runs inside a transaction another function opened; throws outside one. */
export function openTransactionOf(db: AppDatabase): InTransaction {
  if (!db.sqlite.inTransaction) throw new Error('This change must run inside a transaction');
  return db as InTransaction;
}

/**
 * How many pages the WAL may hold before a commit checkpoints it into the file (SQLite's default is 1,000).
 * A checkpoint fsyncs the WAL and the file, and the commit that crosses the mark pays for it: at 1,000 pages
 * the runner's commits (about 13 pages each) paid one every 75 commits, a third of their commit time on a
 * busy disk. At 10,000 (about 40 MB of WAL) those fsyncs come ten times less often and the hot pages (the
 * status indexes, the rollups) are copied into the file once instead of ten times. The runner also
 * checkpoints once it has been idle for a moment (IDLE_CHECKPOINT_MS), so the WAL seldom stays large.
 */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;

/** WAL with synchronous=NORMAL: readers never block the writer, and commits stay durable across app crashes. */
export function enableWal(sqlite: Database.Database): void {
  const journalMode = sqlite.pragma('journal_mode = WAL', { simple: true });
  if (journalMode !== 'wal') {
    throw new DatabaseOpenError(`Cannot switch ${sqlite.name} to WAL mode (journal_mode is ${String(journalMode)})`, sqlite.name);
  }
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
}

/** Turns foreign keys on and proves it: a connection that silently ignores them must never serve data. */
export function enableForeignKeys(sqlite: Database.Database): void {
  sqlite.pragma('foreign_keys = ON');
  if (sqlite.pragma('foreign_keys', { simple: true }) !== 1) {
    throw new DatabaseOpenError('SQLite refused to enable foreign keys on this connection', sqlite.name);
  }
}
