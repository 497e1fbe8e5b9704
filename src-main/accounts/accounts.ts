// Local accounts: the first system administrator, signing in (with lockout), and the signed-in user as an Actor.
// Sessions themselves live with the IPC layer; this module only answers "who is this, and may they sign in".
import { and, asc, eq, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { TimeDisplay } from '../../src-shared/domain';
import { AppError } from '../../src-shared/errors';
import { passwordSchema } from '../../src-shared/schemas/common';
import type { UserView } from '../../src-shared/schemas/accounts';
import type { Actor, Identity } from '../access/policy';
import { inImmediateTransaction, type AppDatabase } from '../db/connection';
import { admittedWrite, inAdmittedTransaction } from '../db/background-work';
import { preparedOnce } from '../db/prepared';
import { businesses, users, type UserRow } from '../db/schema';
import { recordAuditEvent, userAuditActor, type AuditActor } from '../audit/record';
import { hashPassword, unmatchableHash, verifyPassword } from './passwords';
import { z } from 'zod';
import { parseOrRefuse } from '../../src-shared/field-issues';
import { log } from '../log';

/** Consecutive failed sign-ins that lock an account. */
export const MAX_FAILED_LOGINS = 5;
/** How long a locked account stays locked. */
export const LOCKOUT_MS = 15 * 60 * 1000;

const WRONG_CREDENTIALS = 'The email or password is not right.';

// ---- Views ------------------------------------------------------------------------------------------

/** A user row with its business's name, as every user query here selects it. */
export interface UserWithBusiness {
  user: UserRow;
  businessName: string | null;
}

/** The one mapping from a user row to what crosses the IPC boundary (never the password hash). */
export function toUserView({ user, businessName }: UserWithBusiness): UserView {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    businessId: user.businessId,
    businessName,
    disabled: user.disabledAt !== null,
    lockedUntil: user.lockedUntil,
    hasPassword: user.passwordHash !== null,
    createdAt: user.createdAt,
    lastLoginAt: user.lastLoginAt,
  };
}

/** A user's email as users are ordered and told apart: without case (the unique index is on it). */
export const userEmailKey = sql`${users.email} COLLATE NOCASE`;

/** Users with their business's name, by email without case, then id; `limit` of them when given. */
export function selectUsersWithBusiness(db: AppDatabase, where?: SQL, limit?: number): UserWithBusiness[] {
  const query = db.orm
    .select({ user: users, businessName: businesses.name })
    .from(users)
    .leftJoin(businesses, eq(businesses.id, users.businessId))
    .where(where)
    .orderBy(asc(userEmailKey), asc(users.id));
  return (limit === undefined ? query : query.limit(limit)).all();
}

export function findUserWithBusiness(db: AppDatabase, userId: number): UserWithBusiness | null {
  return selectUsersWithBusiness(db, eq(users.id, userId))[0] ?? null;
}

/** How the user has chosen to see times. */
export function timeDisplayOf(db: AppDatabase, userId: number): TimeDisplay {
  return db.orm.select({ timeDisplay: users.timeDisplay }).from(users).where(eq(users.id, userId)).get()?.timeDisplay ?? 'local';
}

/** The signed-in user's own choice; nobody sets it for someone else. */
export function setTimeDisplay(db: AppDatabase, userId: number, timeDisplay: TimeDisplay): void {
  db.orm.update(users).set({ timeDisplay }).where(eq(users.id, userId)).run();
}

export function getUserView(db: AppDatabase, userId: number): UserView {
  const found = findUserWithBusiness(db, userId);
  if (!found) throw new AppError('NOT_FOUND', `There is no user with id ${userId}.`);
  return toUserView(found);
}

export function findUserByEmail(db: AppDatabase, email: string): UserRow | null {
  return db.orm.select().from(users).where(sql`${users.email} = ${normalizeEmail(email)} COLLATE NOCASE`).get() ?? null;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The service-side check of a new password (the IPC contract checks it too; the CLI and tests call services directly). */
export function requireValidPassword(password: string): void {
  parseOrRefuse(z.strictObject({ password: passwordSchema }), { password });
}


// ---- The first system administrator ------------------------------------------------------------------

/** True while no enabled system administrator can sign in: the app then asks for the first one. */
export function needsSetup(db: AppDatabase): boolean {
  const admin = db.orm
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'system_admin'), isNull(users.disabledAt), isNotNull(users.passwordHash)))
    .limit(1)
    .get();
  return admin === undefined;
}

/**
 * Creates the first system administrator, or sets the password of a system administrator adopted from the
 * server edition without one. Refused once any system administrator can sign in.
 */
export async function setupFirstAdmin(
  db: AppDatabase,
  input: { email: string; password: string; displayName?: string },
): Promise<UserView> {
  const email = normalizeEmail(input.email);
  requireValidPassword(input.password);
  const displayName = input.displayName?.trim() || null;
  requireSetupPending(db);
  const passwordHash = await hashPassword(input.password);
  const now = Date.now();
  const userId = await inAdmittedTransaction(db, (tx) => {
    requireSetupPending(tx);
    const existing = findUserByEmail(tx, email);
    let id: number;
    if (existing) {
      if (existing.role !== 'system_admin' || existing.passwordHash !== null || existing.disabledAt !== null) {
        throw new AppError(
          'CONFLICT',
          `A user with the email ${existing.email} already exists and is not a system administrator waiting for a ` +
            'password; choose another email.',
        );
      }
      tx.orm
        .update(users)
        .set({ passwordHash, failedLoginCount: 0, lockedUntil: null, lastLoginAt: now, ...(displayName ? { displayName } : {}) })
        .where(eq(users.id, existing.id))
        .run();
      id = existing.id;
    } else {
      id = tx.orm
        .insert(users)
        .values({ email, displayName, role: 'system_admin', businessId: null, passwordHash, createdAt: now, lastLoginAt: now })
        .returning({ id: users.id })
        .get().id;
    }
    const admin = userRowById(tx, id);
    recordAuditEvent(tx, {
      actor: userAuditActor(identityOf(admin)),
      action: 'auth.setup',
      target: { type: 'user', id },
      businessId: admin.businessId,
      details: { email: admin.email, existingUser: existing !== null },
      at: now,
    });
    return id;
  }, 'accounts');
  return getUserView(db, userId);
}

function requireSetupPending(db: AppDatabase): void {
  if (!needsSetup(db)) throw new AppError('CONFLICT', 'The first system administrator already exists; sign in instead.');
}

// ---- Signing in -------------------------------------------------------------------------------------

/**
 * Checks an email and password and returns the user. Every refusal is UNAUTHENTICATED. An unknown email
 * costs the same scrypt work as a wrong password, and both get the same message.
 */
export async function login(db: AppDatabase, input: { email: string; password: string }, now: number = Date.now()): Promise<UserView> {
  const email = normalizeEmail(input.email);
  const user = findUserByEmail(db, email);
  const matches = await verifyPassword(input.password, user?.passwordHash ?? unmatchableHash());
  return admittedWrite(db.path, async () => recordLogin(db, email, user, matches, now), 'accounts');
}

/** What a sign-in writes once its password is checked: the failure or the sign-in, audited; the user, or UNAUTHENTICATED. */
function recordLogin(db: AppDatabase, email: string, user: UserRow | null, matches: boolean, now: number): UserView {
  if (!user) {
    recordLoginFailure(db, { kind: 'app', label: 'anonymous' }, null, { email, reason: 'unknown_email' }, now);
    // Not the email typed: people type their password into the wrong field.
    log.warn('[auth] a sign-in was refused: unknown_email');
    throw new AppError('UNAUTHENTICATED', WRONG_CREDENTIALS);
  }

  const outcome = inImmediateTransaction(db, (tx) => {
    // Re-read inside the write lock: another sign-in may have counted a failure while scrypt ran.
    const current = tx.orm.select().from(users).where(eq(users.id, user.id)).get();
    if (!current) return { refused: WRONG_CREDENTIALS, reason: 'unknown_email' } as const;
    const audit = userAuditActor(identityOf(current));
    const fail = (reason: string, message: string, details: Record<string, unknown> = {}) => {
      recordLoginFailure(tx, audit, current, { reason, ...details }, now);
      return { refused: message, reason } as const;
    };

    if (current.lockedUntil !== null && current.lockedUntil > now) {
      return fail('locked', lockedMessage(current.lockedUntil), { lockedUntil: current.lockedUntil });
    }
    // Told like a wrong password: the sign-in screen must not say that an account exists. The audit log keeps the reason.
    if (current.passwordHash === null) return fail('no_password', WRONG_CREDENTIALS);
    if (!matches || current.passwordHash !== user.passwordHash) {
      // A lock that has run out starts a fresh count.
      const previous = current.lockedUntil !== null ? 0 : current.failedLoginCount;
      const failures = previous + 1;
      const lockedUntil = failures >= MAX_FAILED_LOGINS ? now + LOCKOUT_MS : null;
      tx.orm.update(users).set({ failedLoginCount: failures, lockedUntil }).where(eq(users.id, current.id)).run();
      const refusal = fail('wrong_password', lockedUntil ? lockedMessage(lockedUntil) : WRONG_CREDENTIALS, {
        failedLoginCount: failures,
      });
      if (lockedUntil) {
        recordAuditEvent(tx, {
          actor: audit,
          action: 'auth.locked',
          target: { type: 'user', id: current.id },
          businessId: current.businessId,
          details: { failedLoginCount: failures, lockedUntil },
          at: now,
        });
      }
      return refusal;
    }
    // The password is only checked before saying "disabled", so that status is told only to its owner.
    if (current.disabledAt !== null) return fail('disabled', 'This account is disabled.');

    tx.orm.update(users).set({ failedLoginCount: 0, lockedUntil: null, lastLoginAt: now }).where(eq(users.id, current.id)).run();
    recordAuditEvent(tx, {
      actor: audit,
      action: 'auth.login',
      target: { type: 'user', id: current.id },
      businessId: current.businessId,
      at: now,
    });
    return { refused: null } as const;
  });
  if (outcome.refused !== null) {
    log.warn(`[auth] a sign-in of user ${user.id} was refused: ${outcome.reason}`);
    throw new AppError('UNAUTHENTICATED', outcome.refused);
  }
  log.info(`[auth] user ${user.id} signed in`);
  return getUserView(db, user.id);
}

function recordLoginFailure(
  db: AppDatabase,
  actor: AuditActor,
  user: UserRow | null,
  details: { reason: string } & Record<string, unknown>,
  now: number,
): void {
  recordAuditEvent(db, {
    actor,
    action: 'auth.login_failed',
    target: { type: 'user', id: user?.id ?? null },
    businessId: user?.businessId ?? null,
    details,
    at: now,
  });
}

function lockedMessage(lockedUntil: number): string {
  return `Too many failed sign-ins; try again after ${new Date(lockedUntil).toISOString().slice(11, 16)} UTC.`;
}

// ---- The signed-in user -----------------------------------------------------------------------------

/**
 * The Actor for a session's user, read fresh for each request; null when the user is gone or disabled,
 * which ends the session. A lock only stops new sign-ins, so `now` does not end a session. Its query is built once per
 * connection: every request on the main thread runs it, and building it took about ten to thirty times as long as running it.
 */
export function loadActor(db: AppDatabase, userId: number): Actor | null {
  const actorRow = preparedOnce(db, 'users.actor', () =>
    db.orm
      .select({ user: users, businessDisabledAt: businesses.disabledAt })
      .from(users)
      .leftJoin(businesses, eq(businesses.id, users.businessId))
      .where(eq(users.id, sql.placeholder('id')))
      .prepare(),
  );
  const row = actorRow.get({ id: userId });
  if (!row || row.user.disabledAt !== null) return null;
  return { ...identityOf(row.user), businessDisabled: row.businessDisabledAt != null };
}

/** Who a user row is, for the audit log (never for access decisions: see loadActor). */
export function identityOf(user: UserRow): Identity {
  return { userId: user.id, email: user.email, role: user.role, businessId: user.businessId };
}

export function userRowById(db: AppDatabase, userId: number): UserRow {
  const user = db.orm.select().from(users).where(eq(users.id, userId)).get();
  if (!user) throw new AppError('NOT_FOUND', `There is no user with id ${userId}.`);
  return user;
}
