// Businesses (tenants): the lookups and creation the orphan tools and the CLI use, and the operations behind
// the businesses screen (system admins only), each with its audit event in the same transaction.
import { and, asc, count, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { reachOf } from '../../src-shared/access';
import { AppError, invalidField } from '../../src-shared/errors';
import type { BusinessView } from '../../src-shared/schemas/accounts';
import { ownBusiness, requireReach, type Actor } from '../access/policy';
import { backUpBefore } from '../db/backup';
import { pruneAfterBackup } from '../backups/prune';
import { backupPathFor } from '../db/backup-files';
import { inImmediateTransaction, type AppDatabase } from '../db/connection';
import { preparedOnce } from '../db/prepared';
import { businesses, jobRuns, jobSchedules, users, type BusinessRow } from '../db/schema';
import { recordAuditEvent, userAuditActor } from '../audit/record';

export function getBusiness(db: AppDatabase, id: number): BusinessRow | null {
  const byId = preparedOnce(db, 'businesses.byId', () =>
    db.orm
      .select()
      .from(businesses)
      .where(eq(businesses.id, sql.placeholder('id')))
      .prepare(),
  );
  return byId.get({ id }) ?? null;
}

export function listBusinesses(db: AppDatabase): BusinessRow[] {
  return db.orm.select().from(businesses).orderBy(asc(sql`${businesses.name} COLLATE NOCASE`), asc(businesses.id)).all();
}

/**
 * Finds a business as an operator names it: its id, its server-edition UUID, or its name (any case),
 * tried in that order. Null when nothing matches.
 */
export function findBusiness(db: AppDatabase, reference: string): BusinessRow | null {
  const ref = reference.trim();
  if (ref.length === 0) return null;
  if (/^\d+$/.test(ref)) {
    const byId = getBusiness(db, Number(ref));
    if (byId) return byId;
  }
  return db.orm.select().from(businesses).where(eq(businesses.legacyId, ref)).get() ?? findBusinessByName(db, ref);
}

export interface CreateBusinessInput {
  name: string;
  legacyId?: string | null;
  createdAt?: number;
}

export function createBusiness(db: AppDatabase, input: CreateBusinessInput): BusinessRow {
  const name = requireBusinessName(input.name);
  const clash = findBusinessByName(db, name);
  if (clash) throw new AppError('CONFLICT', `A business named "${clash.name}" already exists`);
  return db.orm
    .insert(businesses)
    .values({ name, legacyId: input.legacyId ?? null, createdAt: input.createdAt ?? Date.now() })
    .returning()
    .get();
}

/** A business that users or runs may be placed in: it exists and is not disabled. */
export function requireEnabledBusiness(db: AppDatabase, id: number, field = 'businessId'): BusinessRow {
  const business = requireBusiness(db, id);
  if (business.disabledAt !== null) throw invalidField(field, `Business "${business.name}" is disabled; enable it first.`);
  return business;
}

function requireBusiness(db: AppDatabase, id: number): BusinessRow {
  const business = getBusiness(db, id);
  if (!business) throw new AppError('NOT_FOUND', `There is no business with id ${id}.`);
  return business;
}

// ---- Managing businesses (the signed-in operator's channels) ----------------------------------------------

export function toBusinessView(business: BusinessRow): BusinessView {
  return {
    id: business.id,
    name: business.name,
    legacyId: business.legacyId,
    disabled: business.disabledAt !== null,
    createdAt: business.createdAt,
  };
}

/** System admins: every business, by name. Business admins: their own. Members: FORBIDDEN. */
export function listBusinessViews(db: AppDatabase, actor: Actor): BusinessView[] {
  if (reachOf(actor.role, 'businesses.manage') === 'any') return listBusinesses(db).map(toBusinessView);
  if (reachOf(actor.role, 'users.manage') !== 'own_business') requireReach(actor, 'businesses.manage');
  const own = getBusiness(db, ownBusiness(actor));
  return own ? [toBusinessView(own)] : [];
}

export function createBusinessAs(db: AppDatabase, actor: Actor, input: { name: string }): BusinessView {
  requireReach(actor, 'businesses.manage');
  return inImmediateTransaction(db, (tx) => {
    const business = createBusiness(tx, { name: input.name });
    recordBusinessEvent(tx, actor, 'business.create', business, { name: business.name });
    return toBusinessView(business);
  });
}

export function renameBusiness(db: AppDatabase, actor: Actor, input: { id: number; name: string }): BusinessView {
  requireReach(actor, 'businesses.manage');
  const name = requireBusinessName(input.name);
  return inImmediateTransaction(db, (tx) => {
    const business = requireBusiness(tx, input.id);
    if (business.name === name) return toBusinessView(business);
    const clash = findBusinessByName(tx, name);
    if (clash && clash.id !== business.id) throw new AppError('CONFLICT', `A business named "${clash.name}" already exists.`);
    const renamed = tx.orm.update(businesses).set({ name }).where(eq(businesses.id, business.id)).returning().get();
    recordBusinessEvent(tx, actor, 'business.rename', renamed, { from: business.name, to: renamed.name });
    return toBusinessView(renamed);
  });
}

/** A disabled business keeps its runs, schedules and users; nothing new can be placed in it. */
export function setBusinessDisabled(db: AppDatabase, actor: Actor, input: { id: number; disabled: boolean }): BusinessView {
  requireReach(actor, 'businesses.manage');
  return inImmediateTransaction(db, (tx) => {
    const business = requireBusiness(tx, input.id);
    if ((business.disabledAt !== null) === input.disabled) return toBusinessView(business);
    const updated = tx.orm
      .update(businesses)
      .set({ disabledAt: input.disabled ? Date.now() : null })
      .where(eq(businesses.id, business.id))
      .returning()
      .get();
    recordBusinessEvent(tx, actor, input.disabled ? 'business.disable' : 'business.enable', updated, { name: updated.name });
    return toBusinessView(updated);
  });
}

export interface BusinessDeletionPreview {
  business: BusinessView;
  runs: number;
  schedules: number;
  users: number;
}

/** What disabling a business locks until it is enabled again: its enabled users (refused from their next request) and enabled schedules (skipped). */
export function previewBusinessDisable(db: AppDatabase, actor: Actor, input: { id: number }): { business: BusinessView; users: number; schedules: number } {
  requireReach(actor, 'businesses.manage');
  const business = requireBusiness(db, input.id);
  const countOf = (table: typeof users | typeof jobSchedules, live: SQL) => db.orm.select({ n: count() }).from(table).where(and(eq(table.businessId, business.id), live)).get()?.n ?? 0;
  return { business: toBusinessView(business), users: countOf(users, isNull(users.disabledAt)), schedules: countOf(jobSchedules, eq(jobSchedules.enabled, true)) };
}

/** What deleting a business takes with it: its runs and schedules (deleted), its users (left without a business). */
export function previewBusinessDeletion(db: AppDatabase, actor: Actor, input: { id: number }): BusinessDeletionPreview {
  requireReach(actor, 'businesses.manage');
  return deletionPreview(db, requireBusiness(db, input.id));
}

export interface BusinessDeletionInput {
  id: number;
  /** The business's name exactly as it is, typed by the operator. */
  confirmName: string;
  /** The run count from the preview; the delete is refused when it no longer holds. */
  expectedRuns: number;
}

/**
 * Backs the database up, then deletes the business in one transaction: its runs and schedules cascade, its
 * users stay without a business, and one audit event records the counts and the backup.
 */
export async function deleteBusiness(
  db: AppDatabase,
  actor: Actor,
  input: BusinessDeletionInput,
  now: () => Date = () => new Date(),
): Promise<{ deleted: BusinessDeletionPreview; backupPath: string }> {
  requireReach(actor, 'businesses.manage');
  // Checked before the backup too, so a refused delete makes no backup (one refused inside the transaction is removed).
  requireDeletionConfirmed(db, input);
  const destination = backupPathFor(db.path, `before-delete-business-${input.id}`, now());
  const { backup, result: deleted } = await backUpBefore(db.sqlite, destination, (made) =>
    inImmediateTransaction(db, (tx) => {
      const preview = requireDeletionConfirmed(tx, input);
      // ON DELETE CASCADE (runs, schedules) and SET NULL (users) follow the business_id indexes.
      tx.orm.delete(businesses).where(eq(businesses.id, input.id)).run();
      recordBusinessEvent(tx, actor, 'business.delete', preview.business, {
        name: preview.business.name,
        runs: preview.runs,
        schedules: preview.schedules,
        users: preview.users,
        backupPath: made.path,
      });
      return preview;
    }),
  );
  pruneAfterBackup(db, backup.path);
  return { deleted, backupPath: backup.path };
}

function requireDeletionConfirmed(db: AppDatabase, input: BusinessDeletionInput): BusinessDeletionPreview {
  const business = requireBusiness(db, input.id);
  if (input.confirmName !== business.name) {
    throw invalidField('confirmName', `Confirmation must be the business's name exactly, "${business.name}". Nothing was deleted.`);
  }
  const preview = deletionPreview(db, business);
  if (preview.runs !== input.expectedRuns) {
    throw new AppError(
      'CONFLICT',
      `Business "${business.name}" changed since the preview: expected ${input.expectedRuns} runs, ` +
        `found ${preview.runs}. Nothing was deleted.`,
    );
  }
  return preview;
}

function deletionPreview(db: AppDatabase, business: BusinessRow): BusinessDeletionPreview {
  const countOf = (table: typeof jobRuns | typeof jobSchedules | typeof users) =>
    db.orm.select({ n: count() }).from(table).where(eq(table.businessId, business.id)).get()?.n ?? 0;
  return { business: toBusinessView(business), runs: countOf(jobRuns), schedules: countOf(jobSchedules), users: countOf(users) };
}

function requireBusinessName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0) throw invalidField('name', 'Name is required.');
  if (trimmed.length > 100) throw invalidField('name', 'Name can be at most 100 characters.');
  return trimmed;
}

function findBusinessByName(db: AppDatabase, name: string): BusinessRow | null {
  return db.orm.select().from(businesses).where(sql`${businesses.name} = ${name} COLLATE NOCASE`).get() ?? null;
}

function recordBusinessEvent(
  db: AppDatabase,
  actor: Actor,
  action: string,
  business: BusinessRow | BusinessView,
  details: Record<string, unknown>,
): void {
  recordAuditEvent(db, {
    actor: userAuditActor(actor),
    action,
    target: { type: 'business', id: business.id },
    businessId: business.id,
    details,
  });
}
