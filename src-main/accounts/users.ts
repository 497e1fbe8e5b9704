// Managing user accounts (listing them is user-list.ts). Who may manage whom is src-main/access/policy.ts
// (requireUserManagement); this module adds the rules about the accounts themselves: unique emails, usable
// businesses, and that someone can always still sign in as a system administrator.
import { and, count, eq, isNotNull, isNull, ne } from 'drizzle-orm';
import type { UserRole } from '../../src-shared/domain';
import { AppError } from '../../src-shared/errors';
import { emailSchema } from '../../src-shared/schemas/common';
import type { UserView } from '../../src-shared/schemas/accounts';
import { requireUserManagement, type Actor } from '../access/policy';
import { inImmediateTransaction, type AppDatabase, type InTransaction } from '../db/connection';
import { inAdmittedTransaction } from '../db/background-work';
import { users, type UserRow } from '../db/schema';
import {
  findUserByEmail,
  getUserView,
  normalizeEmail,
  requireValidPassword,
  userRowById,
} from './accounts';
import { recordAuditEvent, userAuditActor } from '../audit/record';
import { requireEnabledBusiness } from './businesses';
import { hashPassword } from './passwords';
import { z } from 'zod';
import { parseOrRefuse } from '../../src-shared/field-issues';

export interface CreateUserInput {
  email: string;
  password: string;
  role: UserRole;
  /** Null: no business. Fine for a system admin; a member or business admin without one is refused on tenant channels. */
  businessId: number | null;
  displayName?: string;
}

export async function createUser(db: AppDatabase, actor: Actor, input: CreateUserInput): Promise<UserView> {
  const email = requireValidEmail(input.email);
  requireValidPassword(input.password);
  const change = { businessId: input.businessId, role: input.role };
  requireUserManagement(actor, null, change);
  const requireCreatable = () => {
    requireEmailFree(db, email);
    if (input.businessId !== null) requireEnabledBusiness(db, input.businessId);
  };
  // Checked before hashing too, so a refused request costs no scrypt work; and again under the write lock.
  requireCreatable();
  const passwordHash = await hashPassword(input.password);
  const userId = await inAdmittedTransaction(db, (tx) => {
    requireCreatable();
    const created = tx.orm
      .insert(users)
      .values({
        email,
        displayName: input.displayName?.trim() || null,
        role: input.role,
        businessId: input.businessId,
        passwordHash,
        createdAt: Date.now(),
      })
      .returning()
      .get();
    recordUserEvent(tx, actor, 'user.create', created, { email, role: created.role, businessId: created.businessId });
    return created.id;
  }, 'accounts');
  return getUserView(db, userId);
}

export interface UpdateUserInput {
  id: number;
  /** Null clears it; absent leaves it. */
  displayName?: string | null;
  role?: UserRole;
  businessId?: number | null;
}

export function updateUser(db: AppDatabase, actor: Actor, input: UpdateUserInput): UserView {
  inImmediateTransaction(db, (tx) => {
    const target = userRowById(tx, input.id);
    requireUserManagement(actor, target, { businessId: input.businessId, role: input.role });
    const next = {
      displayName: input.displayName === undefined ? target.displayName : input.displayName?.trim() || null,
      role: input.role ?? target.role,
      businessId: input.businessId === undefined ? target.businessId : input.businessId,
    };
    const changes = Object.fromEntries(
      (Object.keys(next) as (keyof typeof next)[])
        .filter((field) => next[field] !== target[field])
        .map((field) => [field, { from: target[field], to: next[field] }]),
    );
    if (Object.keys(changes).length === 0) return;
    if (next.businessId !== null && next.businessId !== target.businessId) requireEnabledBusiness(tx, next.businessId);
    if (next.role !== 'system_admin') requireNotLastAdmin(tx, target, `making ${target.email} a ${next.role.replace('_', ' ')}`);
    const updated = tx.orm.update(users).set(next).where(eq(users.id, target.id)).returning().get();
    recordUserEvent(tx, actor, 'user.update', updated, { email: updated.email, changes });
  });
  return getUserView(db, input.id);
}

export function setUserDisabled(db: AppDatabase, actor: Actor, input: { id: number; disabled: boolean }): UserView {
  inImmediateTransaction(db, (tx) => {
    const target = userRowById(tx, input.id);
    requireUserManagement(actor, target);
    if ((target.disabledAt !== null) === input.disabled) return;
    if (input.disabled) {
      if (target.id === actor.userId) throw new AppError('CONFLICT', 'You cannot disable your own account.');
      requireNotLastAdmin(tx, target, `disabling ${target.email}`);
    }
    const updated = tx.orm
      .update(users)
      .set({ disabledAt: input.disabled ? Date.now() : null })
      .where(eq(users.id, target.id))
      .returning()
      .get();
    recordUserEvent(tx, actor, input.disabled ? 'user.disable' : 'user.enable', updated, { email: updated.email });
  });
  return getUserView(db, input.id);
}

/** Sets a new password and lifts any sign-in lock. */
export async function setUserPassword(db: AppDatabase, actor: Actor, input: { id: number; password: string }): Promise<UserView> {
  requireValidPassword(input.password);
  requireUserManagement(actor, userRowById(db, input.id));
  const passwordHash = await hashPassword(input.password);
  await inAdmittedTransaction(db, (tx) => {
    // Checked again: the user may have been moved or promoted while scrypt ran.
    const target = userRowById(tx, input.id);
    requireUserManagement(actor, target);
    const updated = tx.orm
      .update(users)
      .set({ passwordHash, failedLoginCount: 0, lockedUntil: null })
      .where(eq(users.id, target.id))
      .returning()
      .get();
    recordUserEvent(tx, actor, 'user.set_password', updated, { email: updated.email, wasLocked: target.lockedUntil !== null });
  }, 'accounts');
  return getUserView(db, input.id);
}

/** Deletes an account. Runs it triggered keep `triggered_by` (the email at the time); the user link becomes NULL. */
export function deleteUser(db: AppDatabase, actor: Actor, input: { id: number }): { id: number } {
  return inImmediateTransaction(db, (tx) => {
    const target = userRowById(tx, input.id);
    requireUserManagement(actor, target);
    if (target.id === actor.userId) throw new AppError('CONFLICT', 'You cannot delete your own account.');
    requireNotLastAdmin(tx, target, `deleting ${target.email}`);
    tx.orm.delete(users).where(eq(users.id, target.id)).run();
    recordUserEvent(tx, actor, 'user.delete', target, { email: target.email, role: target.role, businessId: target.businessId });
    return { id: target.id };
  });
}

// ---- Rules ------------------------------------------------------------------------------------------

function requireValidEmail(email: string): string {
  return normalizeEmail(parseOrRefuse(z.strictObject({ email: emailSchema }), { email }).email);
}

function requireEmailFree(db: AppDatabase, email: string): void {
  const existing = findUserByEmail(db, email);
  if (existing) throw new AppError('CONFLICT', `A user with the email ${existing.email} already exists.`);
}

/** Someone must always be able to sign in as a system administrator; `change` says what would break that. */
function requireNotLastAdmin(db: InTransaction, target: UserRow, change: string): void {
  const canSignInAsAdmin = target.role === 'system_admin' && target.disabledAt === null && target.passwordHash !== null;
  if (!canSignInAsAdmin) return;
  const others =
    db.orm
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.role, 'system_admin'), isNull(users.disabledAt), isNotNull(users.passwordHash), ne(users.id, target.id)))
      .get()?.n ?? 0;
  if (others === 0) {
    throw new AppError(
      'CONFLICT',
      `${target.email} is the last system administrator who can sign in; ${change} would leave nobody to manage ` +
        'the app. Make another system administrator first.',
    );
  }
}

function recordUserEvent(db: AppDatabase, actor: Actor, action: string, user: UserRow, details: Record<string, unknown>): void {
  recordAuditEvent(db, {
    actor: userAuditActor(actor),
    action,
    target: { type: 'user', id: user.id },
    businessId: user.businessId,
    details,
  });
}

/** The users linked to a business, disabled ones included. */
export function userIdsInBusiness(db: AppDatabase, businessId: number): number[] {
  return db.orm.select({ id: users.id }).from(users).where(eq(users.businessId, businessId)).all().map((row) => row.id);
}
