// Facts about the database file itself, kept in app_meta.
import { eq } from 'drizzle-orm';
import type { AppDatabase } from './connection';
import { appMeta } from './schema';

export const META_LEGACY_ADOPTION = 'legacy_adoption';

export function readMeta<T>(db: AppDatabase, key: string): T | undefined {
  const row = db.orm.select({ value: appMeta.value }).from(appMeta).where(eq(appMeta.key, key)).get();
  return row?.value as T | undefined;
}

export function writeMeta(db: AppDatabase, key: string, value: unknown, now: number = Date.now()): void {
  db.orm
    .insert(appMeta)
    .values({ key, value, updatedAt: now })
    .onConflictDoUpdate({ target: appMeta.key, set: { value, updatedAt: now } })
    .run();
}
