// Businesses (tenants): the lookups and creation the orphan tools and their tests need.
import { asc, eq, sql } from 'drizzle-orm';
import { AppError } from '../../src-shared/errors';
import type { Orm } from '../db/connection';
import { businesses, type BusinessRow } from '../db/schema';

export function getBusiness(orm: Orm, id: number): BusinessRow | null {
  return orm.select().from(businesses).where(eq(businesses.id, id)).get() ?? null;
}

export function listBusinesses(orm: Orm): BusinessRow[] {
  return orm.select().from(businesses).orderBy(asc(sql`${businesses.name} COLLATE NOCASE`), asc(businesses.id)).all();
}

/**
 * Finds a business as an operator names it: its id, its server-edition UUID, or its name (any case),
 * tried in that order. Null when nothing matches.
 */
export function findBusiness(orm: Orm, reference: string): BusinessRow | null {
  const ref = reference.trim();
  if (ref.length === 0) return null;
  if (/^\d+$/.test(ref)) {
    const byId = getBusiness(orm, Number(ref));
    if (byId) return byId;
  }
  return (
    orm.select().from(businesses).where(eq(businesses.legacyId, ref)).get() ??
    orm.select().from(businesses).where(sql`${businesses.name} = ${ref} COLLATE NOCASE`).get() ??
    null
  );
}

export interface CreateBusinessInput {
  name: string;
  legacyId?: string | null;
  createdAt?: number;
}

export function createBusiness(orm: Orm, input: CreateBusinessInput): BusinessRow {
  const name = input.name.trim();
  if (name.length === 0) throw new AppError('VALIDATION', 'name must not be blank');
  if (orm.select({ id: businesses.id }).from(businesses).where(sql`${businesses.name} = ${name} COLLATE NOCASE`).get()) {
    throw new AppError('CONFLICT', `A business named "${name}" already exists`);
  }
  return orm
    .insert(businesses)
    .values({ name, legacyId: input.legacyId ?? null, createdAt: input.createdAt ?? Date.now() })
    .returning()
    .get();
}
