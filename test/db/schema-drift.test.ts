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

/**
 * Tables, columns, foreign keys, CHECK constraints and indexes, in a stable order. Structural, not textual:
 * a column added by ALTER TABLE sits at the end of the stored CREATE TABLE, where the code may declare it earlier.
 */
function schemaOf(sqlite: Database.Database): Record<string, unknown> {
  const tables = sqlite
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations' ORDER BY name")
    .all() as { name: string; sql: string }[];
  const byName = <T extends { name: string }>(rows: T[]) => [...rows].sort((a, b) => a.name.localeCompare(b.name));
  return Object.fromEntries(
    tables.map(({ name, sql }) => [
      name,
      {
        columns: byName(sqlite.pragma(`table_xinfo(${name})`) as { name: string }[]).map(({ cid: _cid, ...column }: { name: string; cid?: number }) => column),
        foreignKeys: (sqlite.pragma(`foreign_key_list(${name})`) as { from: string; table: string; to: string; on_delete: string }[])
          .map((fk) => `${fk.from} -> ${fk.table}.${fk.to} on delete ${fk.on_delete}`)
          .sort(),
        checks: [...sql.matchAll(/CONSTRAINT "([^"]+)" CHECK\((.*?)\)(?=,\s*(?:CONSTRAINT|FOREIGN|`)|\s*\)\s*(?:WITHOUT ROWID\s*)?$)/gs)].map((m) => `${m[1]}: ${m[2]}`).sort(),
        indexes: (
          sqlite.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name").pluck().all(name) as string[]
        ).map((index) => index.replace(/\s+/g, ' ')),
      },
    ]),
  );
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
    const built = schemaOf(fromFiles);
    expect(built).toEqual(schemaOf(fromCode));
    // The comparison covers constraints too: every CHECK of job_runs was found.
    expect((built.job_runs as { checks: string[] }).checks).toHaveLength(7);
    // drizzle cannot declare WITHOUT ROWID: the rollups and the kept stats windows are made so in hand-written SQL.
    const withoutRowid = fromFiles.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%WITHOUT ROWID' ORDER BY name").pluck().all();
    expect(withoutRowid).toEqual(['job_run_active', 'job_run_daily', 'job_run_daily_histograms', 'job_run_sort_bounds', 'job_run_sort_extremes', 'job_run_stats_windows', 'job_run_tags', 'job_run_weekly_histograms']);
  });

  it('the audit log and rollup triggers exist after migrating (they live in hand-written migrations)', () => {
    const sqlite = new Database(':memory:');
    runMigrationStatements(sqlite, loadMigrations(MIGRATIONS_FOLDER));
    const triggers = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").pluck().all();
    expect(triggers).toEqual([
      'audit_events_no_delete',
      'audit_events_no_update',
      'job_run_active_delete',
      'job_run_active_in',
      'job_run_active_insert',
      'job_run_active_out',
      'job_run_counts_delete',
      'job_run_counts_insert',
      'job_run_counts_update',
      'job_run_daily_delete',
      'job_run_daily_in',
      'job_run_daily_insert',
      'job_run_daily_out',
      'job_run_day_versions_delete',
      'job_run_day_versions_insert',
      'job_run_day_versions_update',
      'job_run_fastest_in',
      'job_run_fastest_insert',
      'job_run_histograms_delete',
      'job_run_histograms_in',
      'job_run_histograms_insert',
      'job_run_histograms_out',
      'job_run_late_start_delete',
      'job_run_late_start_in',
      'job_run_late_start_insert',
      'job_run_late_start_out',
      'job_run_slowest_in',
      'job_run_slowest_insert',
      'job_run_sort_delete',
      'job_run_sort_out',
      'job_run_sort_trim_fastest',
      'job_run_sort_trim_slowest',
      'job_run_tags_delete',
      'job_run_tags_insert',
      'job_run_tags_update',
    ]);
  });
});
