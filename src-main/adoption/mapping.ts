// How server-edition values become this app's values. adopt.ts documents the whole mapping.
import type { RunStatus, UserRole } from '../../src-shared/domain';

/** Legacy role spellings (lower case) → role. An ambiguous 'admin' gets the lesser role. NULL is a member. */
export const LEGACY_ROLES: Readonly<Record<string, UserRole>> = {
  system_admin: 'system_admin',
  sysadmin: 'system_admin',
  superuser: 'system_admin',
  super_admin: 'system_admin',
  business_admin: 'business_admin',
  admin: 'business_admin',
  owner: 'business_admin',
  member: 'member',
  user: 'member',
  viewer: 'member',
  staff: 'member',
};

/**
 * Legacy status spellings (lower case) → status. A run still pending or running in the server edition becomes
 * 'unfinished': its workers never recorded an end, and this app does not run another program's queue.
 */
export const LEGACY_STATUSES: Readonly<Record<string, RunStatus>> = {
  pending: 'unfinished',
  queued: 'unfinished',
  scheduled: 'unfinished',
  running: 'unfinished',
  in_progress: 'unfinished',
  started: 'unfinished',
  completed: 'completed',
  success: 'completed',
  succeeded: 'completed',
  done: 'completed',
  ok: 'completed',
  failed: 'failed',
  error: 'failed',
  errored: 'failed',
  failure: 'failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  aborted: 'cancelled',
};

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** `lower(column) IN (...)` for the known spellings of a mapping. */
export function knownSpellingSql(column: string, mapping: Readonly<Record<string, string>>): string {
  return `lower(${column}) IN (${Object.keys(mapping).map(quote).join(', ')})`;
}

/** A CASE expression mapping `lower(column)` through `mapping`; unknown spellings are refused before copying. */
export function mappedSql(column: string, mapping: Readonly<Record<string, string>>): string {
  const arms = Object.entries(mapping).map(([from, to]) => `WHEN ${quote(from)} THEN ${quote(to)}`);
  return `CASE lower(${column}) ${arms.join(' ')} END`;
}

/**
 * Legacy datetime text → integer ms since the epoch (UTC), rounding sub-milliseconds half up, NULL for NULL.
 * `unixepoch(x, 'subsec')` alone is not exact: SQLite clamps fractions of .9995 and more to .999 and some
 * exact halves round down in floating point, so for SQLAlchemy's `YYYY-MM-DD HH:MM:SS.ffffff` the fraction is
 * rounded from its digits. Any other form SQLite understands (time zone suffix, no seconds) uses SQLite's own.
 */
export function legacyMsSql(column: string): string {
  const x = column;
  return (
    `(CASE WHEN substr(${x}, 20, 1) <> '.' THEN unixepoch(${x}) * 1000 ` +
    `WHEN substr(${x}, 21) GLOB '*[^0-9]*' THEN CAST(round(unixepoch(${x}, 'subsec') * 1000) AS INTEGER) ` +
    `ELSE unixepoch(${x}) * 1000 + (CAST(substr(${x} || '000', 21, 4) AS INTEGER) + 5) / 10 END)`
  );
}

/**
 * legacyMsSql without its two tests of the text: SQLite's whole seconds plus the fraction's first four digits, rounded.
 * The same value as legacyMsSql wherever exactMsNeededSql is 0 or NULL (SQLAlchemy's forms, with or without a
 * fraction, always), for less than half its cost: 1M runs convert 3.7 datetimes each, 0.5-0.8 s saved.
 */
export function fastLegacyMsSql(column: string): string {
  const x = column;
  return `(unixepoch(${x}) * 1000 + (CAST(substr(${x} || '000', 21, 4) AS INTEGER) + 5) / 10)`;
}

/**
 * 1 where fastLegacyMsSql may differ from legacyMsSql: a fraction followed by anything but digits (a time zone),
 * or something after the seconds that is not a fraction and from which the fast form would read one.
 */
export function exactMsNeededSql(column: string): string {
  const x = column;
  return `(CASE WHEN substr(${x}, 20, 1) = '.' THEN substr(${x}, 21) GLOB '*[^0-9]*' ELSE (CAST(substr(${x} || '000', 21, 4) AS INTEGER) + 5) / 10 <> 0 END)`;
}

/** True (1) for a non-NULL value SQLite cannot read as a date and time. */
export function unparseableDatetimeSql(column: string): string {
  return `(${column} IS NOT NULL AND unixepoch(${column}) IS NULL)`;
}
