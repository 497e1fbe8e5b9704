// The order a table's rows are stored in: rowid, or for a WITHOUT ROWID table (the packed rollups) its primary key.
import type Database from 'better-sqlite3';

/** `rowid`, or the primary key's columns of a WITHOUT ROWID table: an ORDER BY that lists every row once, in a stable order. */
export function storedOrderOf(sqlite: Database.Database, table: string): { orderBy: string; hasRowid: boolean } {
  const sql = sqlite.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(table) as string | undefined;
  if (!sql || !/WITHOUT ROWID\s*$/i.test(sql)) return { orderBy: 'rowid', hasRowid: true };
  const key = (sqlite.pragma(`table_info("${table}")`) as { name: string; pk: number }[])
    .filter((column) => column.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((column) => `"${column.name}"`);
  return { orderBy: key.join(', '), hasRowid: false };
}
