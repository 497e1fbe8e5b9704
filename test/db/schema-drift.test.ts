// The schema in code and the generated migrations must never disagree.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { generateSQLiteDrizzleJson, generateSQLiteMigration } from 'drizzle-kit/api';
import { describe, expect, it } from 'vitest';
import * as schema from '../../src-main/db/schema';
import { loadMigrations, runMigrationStatements } from '../../src-main/db/migrations';
import { MIGRATIONS_FOLDER } from '../helpers/temp';

type Snapshot = Parameters<typeof generateSQLiteMigration>[0];

function latestSnapshot(): Snapshot {
  const meta = path.join(MIGRATIONS_FOLDER, 'meta');
  const files = fs.readdirSync(meta).filter((f) => f.endsWith('_snapshot.json')).sort();
  return JSON.parse(fs.readFileSync(path.join(meta, files[files.length - 1]!), 'utf8')) as Snapshot;
}

/** Tables, columns, indexes and constraints as SQLite stores them, in a stable order. */
function schemaOf(sqlite: Database.Database): string[] {
  return (
    sqlite
      .prepare(
        "SELECT type || ' ' || name || ': ' || sql AS entry FROM sqlite_master " +
          "WHERE sql IS NOT NULL AND type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations' ORDER BY type, name",
      )
      .pluck()
      .all() as string[]
  ).map((s) => s.replace(/\s+/g, ' '));
}

describe('schema and migrations', () => {
  it('the latest drizzle snapshot matches src-main/db/schema.ts (run `npm run db:generate` after changing the schema)', async () => {
    const current = await generateSQLiteDrizzleJson(schema);
    const missing = await generateSQLiteMigration(latestSnapshot(), current);
    expect(missing).toEqual([]);
  });

  it('applying every migration file builds exactly the schema the code describes', async () => {
    const fromFiles = new Database(':memory:');
    runMigrationStatements(fromFiles, loadMigrations(MIGRATIONS_FOLDER));

    const fromCode = new Database(':memory:');
    const empty = await generateSQLiteDrizzleJson({});
    for (const statement of await generateSQLiteMigration(empty, await generateSQLiteDrizzleJson(schema))) {
      fromCode.exec(statement);
    }
    expect(schemaOf(fromFiles)).toEqual(schemaOf(fromCode));
  });

  it('the audit log triggers exist after migrating (they live in a hand-written migration)', () => {
    const sqlite = new Database(':memory:');
    runMigrationStatements(sqlite, loadMigrations(MIGRATIONS_FOLDER));
    const triggers = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").pluck().all();
    expect(triggers).toEqual(['audit_events_no_delete', 'audit_events_no_update']);
  });
});
