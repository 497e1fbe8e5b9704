// Statements built once per connection. drizzle rebuilds a query's SQL text on every call (the statement
// cache in connection.ts only saves the compile); a hot statement built here once is run again with new
// placeholder values, which skips the building too. And what else is kept per connection (perConnection).
import type { Orm, AppDatabase } from './connection';

/** A value kept per connection, made on first use; `forget` drops it, and the connection's next use makes a new one. */
export function perConnection<T>(make: () => T): { of(db: AppDatabase): T; forget(db: AppDatabase): void } {
  const values = new WeakMap<Orm, T>();
  return {
    of(db) {
      let value = values.get(db.orm);
      if (value === undefined) {
        value = make();
        values.set(db.orm, value);
      }
      return value;
    },
    forget(db) {
      values.delete(db.orm);
    },
  };
}

const preparedByConnection = perConnection(() => new Map<string, unknown>());

/**
 * The statement `build` returns, built the first time `key` is asked for on this connection. The key must
 * name everything the built SQL depends on (e.g. the kind of tenant scope); values go in as placeholders.
 */
export function preparedOnce<T>(db: AppDatabase, key: string, build: () => T): T {
  const statements = preparedByConnection.of(db);
  if (statements.has(key)) return statements.get(key) as T;
  const statement = build();
  statements.set(key, statement);
  return statement;
}
