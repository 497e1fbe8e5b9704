// Builds users on a real database file. Passwords are hashed once per test file (scrypt is slow on purpose),
// so tests can make many users that all sign in with TEST_PASSWORD.
import { eq } from 'drizzle-orm';
import type { UserRole } from '../../src-shared/domain';
import type { Actor } from '../../src-main/access/policy';
import type { AppDatabase } from '../../src-main/db/connection';
import { users, type UserRow } from '../../src-main/db/schema';
import { identityOf } from '../../src-main/accounts/accounts';
import { hashPassword } from '../../src-main/accounts/passwords';

export const TEST_PASSWORD = 'correct horse battery staple';

let testPasswordHash: Promise<string> | undefined;

/** The hash of TEST_PASSWORD, computed on first use with the real parameters. */
export function hashOfTestPassword(): Promise<string> {
  testPasswordHash ??= hashPassword(TEST_PASSWORD);
  return testPasswordHash;
}

let userCounter = 0;

export interface SeedUserOptions {
  email?: string;
  role?: UserRole;
  businessId?: number | null;
  displayName?: string | null;
  /** False: no password, as adopted from the server edition. Default true (TEST_PASSWORD). */
  withPassword?: boolean;
  disabled?: boolean;
}

export async function seedUser(db: AppDatabase, options: SeedUserOptions = {}): Promise<UserRow> {
  const role = options.role ?? 'member';
  return db.orm
    .insert(users)
    .values({
      email: options.email ?? `${role.replace('_', '-')}-${++userCounter}@example.test`,
      displayName: options.displayName ?? null,
      role,
      businessId: options.businessId ?? null,
      passwordHash: options.withPassword === false ? null : await hashOfTestPassword(),
      createdAt: Date.now(),
      disabledAt: options.disabled ? Date.now() : null,
    })
    .returning()
    .get();
}

/** The user as a signed-in Actor, for a user whose business (if any) is enabled. */
export function actorFor(user: UserRow): Actor {
  return { ...identityOf(user), businessDisabled: false };
}

export function readUser(db: AppDatabase, id: number): UserRow | undefined {
  return db.orm.select().from(users).where(eq(users.id, id)).get();
}

export function countAuditEvents(db: AppDatabase): number {
  return (db.sqlite.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n;
}
