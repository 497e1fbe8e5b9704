// Facts about the database file itself, kept in app_meta.
import { eq } from 'drizzle-orm';
import type { Orm } from './connection';
import { appMeta } from './schema';

export const META_LEGACY_ADOPTION = 'legacy_adoption';

export function readMeta<T>(orm: Orm, key: string): T | undefined {
  const row = orm.select({ value: appMeta.value }).from(appMeta).where(eq(appMeta.key, key)).get();
  return row?.value as T | undefined;
}

export function writeMeta(orm: Orm, key: string, value: unknown, now: number = Date.now()): void {
  orm
    .insert(appMeta)
    .values({ key, value, updatedAt: now })
    .onConflictDoUpdate({ target: appMeta.key, set: { value, updatedAt: now } })
    .run();
}
