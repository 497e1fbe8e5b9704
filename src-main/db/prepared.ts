// Statements built once per connection. drizzle rebuilds a query's SQL text on every call (the statement
// cache in connection.ts only saves the compile); a hot statement built here once is run again with new
// placeholder values, which skips the building too.
import type { Orm, AppDatabase } from './connection';

const preparedByOrm = new WeakMap<Orm, Map<string, unknown>>();

/**
 * The statement `build` returns, built the first time `key` is asked for on this connection. The key must
 * name everything the built SQL depends on (e.g. the kind of tenant scope); values go in as placeholders.
 */
export function preparedOnce<T>(db: AppDatabase, key: string, build: () => T): T {
  let statements = preparedByOrm.get(db.orm);
  if (!statements) {
    statements = new Map();
    preparedByOrm.set(db.orm, statements);
  }
  if (statements.has(key)) return statements.get(key) as T;
  const statement = build();
  statements.set(key, statement);
  return statement;
}
