// A set of ids as one SQL condition: the ids travel as one JSON parameter, however many (no variable limit, one
// statement text for any count).
import { sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';

/** `column IN (the ids)`, the ids bound as one JSON array. */
export function inIdList(column: SQLiteColumn, ids: readonly number[]): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;
}
