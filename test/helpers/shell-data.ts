// Database files for the shell tests: seeded app databases, foreign files, and one "from the future".
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { openAppDatabase } from '../../src-main/startup';
import { MIGRATIONS_FOLDER, tempDbPath } from './temp';

export interface SeedCounts {
  businesses: number;
  businessRuns: number;
  systemRuns: number;
  orphanRuns: number;
}

/** A migrated database holding exactly `counts` rows, written with plain SQL and closed again. */
export async function seededDatabase(counts: SeedCounts): Promise<string> {
  const file = tempDbPath();
  const { db } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER });
  const now = Date.now();
  const insertBusiness = db.sqlite.prepare('INSERT INTO businesses (name, created_at) VALUES (?, ?)');
  const insertRun = db.sqlite.prepare(
    "INSERT INTO job_runs (scope, business_id, job_type, status, trigger, created_at) VALUES (?, ?, 'diagnostics', 'completed', 'manual', ?)",
  );
  db.sqlite.transaction(() => {
    const ids: number[] = [];
    for (let i = 0; i < counts.businesses; i++) ids.push(Number(insertBusiness.run(`Business ${i + 1}`, now).lastInsertRowid));
    for (let i = 0; i < counts.businessRuns; i++) insertRun.run('business', ids[i % ids.length]!, now);
    for (let i = 0; i < counts.systemRuns; i++) insertRun.run('system', null, now);
    for (let i = 0; i < counts.orphanRuns; i++) insertRun.run('business', null, now);
  })();
  db.close();
  return file;
}

export function notASqliteFile(): string {
  const file = tempDbPath();
  fs.writeFileSync(file, 'This is a shopping list, not a database.\n'.repeat(200));
  return file;
}

export function someoneElsesSqliteFile(): string {
  const file = tempDbPath();
  const sqlite = new Database(file);
  sqlite.exec('CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)');
  sqlite.close();
  return file;
}

/** An app database whose migration table records one more migration than drizzle/meta/_journal.json. */
export async function databaseFromTheFuture(): Promise<string> {
  const file = await seededDatabase({ businesses: 0, businessRuns: 0, systemRuns: 0, orphanRuns: 0 });
  const sqlite = new Database(file);
  sqlite.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('f'.repeat(64), Date.now() + 86_400_000);
  sqlite.close();
  return file;
}

export function journalLength(): number {
  const journal = JSON.parse(fs.readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}
