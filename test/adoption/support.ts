// Helpers shared by the legacy-adoption tests: file fingerprints, dumps and backups.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { storedOrderOf } from '../helpers/table-order';

export const ADOPTED_AT = new Date('2026-11-26T15:05:00.123Z');

export function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Every row of every table plus the schema, read-only, as one comparable value. */
export function dumpDatabase(file: string): Record<string, unknown[]> {
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const schema = sqlite
      .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name")
      .all() as { type: string; name: string }[];
    const dump: Record<string, unknown[]> = { schema };
    for (const table of schema.filter((o) => o.type === 'table' && !o.name.startsWith('sqlite_'))) {
      const { orderBy, hasRowid } = storedOrderOf(sqlite, table.name);
      dump[table.name] = sqlite.prepare(`SELECT ${hasRowid ? 'rowid AS _rowid, ' : ''}* FROM "${table.name}" ORDER BY ${orderBy}`).all();
    }
    return dump;
  } finally {
    sqlite.close();
  }
}

/** The backups in the backups/ folder of the database folder `dir`. */
export function backupsIn(dir: string): string[] {
  const folder = path.join(dir, 'backups');
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder)
    .filter((name) => name.endsWith('.db'))
    .map((name) => path.join(folder, name));
}

export function tableCounts(file: string, tables: string[]): Record<string, number> {
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return Object.fromEntries(tables.map((t) => [t, sqlite.prepare(`SELECT count(*) FROM "${t}"`).pluck().get() as number]));
  } finally {
    sqlite.close();
  }
}

/** Opens a fixture for a test to plant bad data in, the way the server edition's users could have. */
export function editLegacy(file: string, sql: string): void {
  const sqlite = new Database(file);
  try {
    sqlite.pragma('foreign_keys = OFF');
    sqlite.exec(sql);
  } finally {
    sqlite.close();
  }
}
