import { describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../src-main/db/connection';
import {
  LOCKOUT_MS,
  MAX_FAILED_LOGINS,
  getUserView,
  loadActor,
  login,
  needsSetup,
  setupFirstAdmin,
} from '../../src-main/accounts/accounts';
import { TEST_PASSWORD, countAuditEvents, readUser, seedUser } from '../helpers/accounts';
import { createTestDatabase, readAuditEvents, seedBusiness } from '../helpers/seed';

const T0 = Date.UTC(2026, 2, 14, 9, 0, 0);
const WRONG = 'The email or password is not right.';

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e as { code: string; message: string },
  );
  if (!error) throw new Error('expected a refusal');
  return { code: error.code, message: error.message };
}

describe('setting up the first system administrator', () => {
  it('is asked for until an enabled system administrator with a password exists, and happens only once', async () => {
    const db = await createTestDatabase();
    await seedUser(db, { role: 'system_admin', disabled: true });
    await seedUser(db, { role: 'business_admin', businessId: seedBusiness(db).id });
    expect(needsSetup(db)).toBe(true);

    const before = Date.now();
    const admin = await setupFirstAdmin(db, { email: ' Root@Example.TEST ', password: 'a long enough secret', displayName: 'Root' });
    // Setup signs the new admin in: it counts as their first sign-in.
    expect(admin.lastLoginAt).toBeGreaterThanOrEqual(before);
    expect(admin).toMatchObject({
      email: 'root@example.test',
      role: 'system_admin',
      businessId: null,
      hasPassword: true,
      displayName: 'Root',
    });
    expect(needsSetup(db)).toBe(false);
    expect(readAuditEvents(db).map((e) => e.action)).toEqual(['auth.setup']);

    expect(await refusal(setupFirstAdmin(db, { email: 'second@example.test', password: 'another long secret' }))).toEqual({
      code: 'CONFLICT',
      message: 'The first system administrator already exists; sign in instead.',
    });
    expect(countAuditEvents(db)).toBe(1);
    expect((await login(db, { email: 'root@example.test', password: 'a long enough secret' })).id).toBe(admin.id);
  });

  it('gives a password to a system administrator adopted without one, keeping the account', async () => {
    const db = await createTestDatabase();
    const adopted = await seedUser(db, { email: 'ops@example.test', role: 'system_admin', withPassword: false });
    expect(needsSetup(db)).toBe(true);
    const admin = await setupFirstAdmin(db, { email: 'OPS@example.test', password: 'a long enough secret' });
    expect(admin.id).toBe(adopted.id);
    expect(admin.hasPassword).toBe(true);
    expect(needsSetup(db)).toBe(false);
  });

  it('refuses an email that belongs to someone other than a password-less system administrator, naming it', async () => {
    const db = await createTestDatabase();
    await seedUser(db, { email: 'member@example.test', role: 'member', withPassword: false });
    const error = await refusal(setupFirstAdmin(db, { email: 'member@example.test', password: 'a long enough secret' }));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain('member@example.test');
    expect(readUser(db, 1)?.role).toBe('member');
    expect(needsSetup(db)).toBe(true);
    expect(countAuditEvents(db)).toBe(0);
  });

  it('refuses a short password, with no default password anywhere', async () => {
    const db = await createTestDatabase();
    expect(await refusal(setupFirstAdmin(db, { email: 'root@example.test', password: 'short' }))).toMatchObject({ code: 'VALIDATION' });
    expect(needsSetup(db)).toBe(true);
    expect(countAuditEvents(db)).toBe(0);
  });
});

describe('signing in', () => {
  it('returns the user, records the time and one audit event', async () => {
    const db = await createTestDatabase();
    const business = seedBusiness(db, { name: 'Acme' });
    const user = await seedUser(db, { email: 'ann@acme.test', businessId: business.id });
    const view = await login(db, { email: 'Ann@Acme.test', password: TEST_PASSWORD }, T0);
    expect(view).toMatchObject({ id: user.id, businessName: 'Acme', lastLoginAt: T0, lockedUntil: null, hasPassword: true });
    expect(view).not.toHaveProperty('passwordHash');
    expect(readAuditEvents(db)).toEqual([{ action: 'auth.login', actorLabel: 'ann@acme.test', businessId: business.id, details: {} }]);
  });

  it('says the same thing for an unknown email and a wrong password, and does the same scrypt work for both', async () => {
    const db = await createTestDatabase();
    await seedUser(db, { email: 'ann@acme.test' });
    const wrongPassword = await refusal(login(db, { email: 'ann@acme.test', password: 'not the password' }, T0));
    const started = performance.now();
    const unknownEmail = await refusal(login(db, { email: 'nobody@acme.test', password: 'not the password' }, T0));
    // One scrypt check at N=2^15 takes tens of milliseconds on any machine; a lookup alone takes about one.
    expect(performance.now() - started).toBeGreaterThan(10);
    expect(wrongPassword).toEqual({ code: 'UNAUTHENTICATED', message: WRONG });
    expect(unknownEmail).toEqual(wrongPassword);

    const events = readAuditEvents(db);
    expect(events.map((e) => [e.action, e.details.reason])).toEqual([
      ['auth.login_failed', 'wrong_password'],
      ['auth.login_failed', 'unknown_email'],
    ]);
    expect(JSON.stringify(events)).not.toContain('not the password');
  });

  it(`locks the account for 15 minutes after ${MAX_FAILED_LOGINS} failures in a row, even against the right password`, async () => {
    const db = await createTestDatabase();
    const user = await seedUser(db, { email: 'ann@acme.test' });
    for (let i = 1; i < MAX_FAILED_LOGINS; i++) {
      const guess = await refusal(login(db, { email: 'ann@acme.test', password: `guess ${i}` }, T0 + i));
      expect(guess).toEqual({ code: 'UNAUTHENTICATED', message: WRONG });
    }
    const lockedAt = T0 + MAX_FAILED_LOGINS;
    const locking = await refusal(login(db, { email: 'ann@acme.test', password: 'last guess' }, lockedAt));
    expect(locking).toEqual({ code: 'UNAUTHENTICATED', message: 'Too many failed sign-ins; try again after 09:15 UTC.' });
    expect(readUser(db, user.id)).toMatchObject({ failedLoginCount: MAX_FAILED_LOGINS, lockedUntil: lockedAt + LOCKOUT_MS });
    expect(getUserView(db, user.id).lockedUntil).toBe(lockedAt + LOCKOUT_MS);

    const duringLock = await refusal(login(db, { email: 'ann@acme.test', password: TEST_PASSWORD }, lockedAt + LOCKOUT_MS - 1));
    expect(duringLock).toEqual(locking);

    const after = await login(db, { email: 'ann@acme.test', password: TEST_PASSWORD }, lockedAt + LOCKOUT_MS);
    expect(after).toMatchObject({ lockedUntil: null, lastLoginAt: lockedAt + LOCKOUT_MS });
    expect(readUser(db, user.id)?.failedLoginCount).toBe(0);

    const actions = readAuditEvents(db).map((e) => [e.action, e.details.reason ?? null]);
    expect(actions).toEqual([
      ...Array.from({ length: MAX_FAILED_LOGINS }, () => ['auth.login_failed', 'wrong_password']),
      ['auth.locked', null],
      ['auth.login_failed', 'locked'],
      ['auth.login', null],
    ]);
  });

  it('a success resets the count of failures, and so does a lock running out', async () => {
    const db = await createTestDatabase();
    const user = await seedUser(db, { email: 'ann@acme.test' });
    const fail = (at: number) => refusal(login(db, { email: 'ann@acme.test', password: 'wrong' }, at));
    for (let i = 0; i < MAX_FAILED_LOGINS - 1; i++) await fail(T0);
    await login(db, { email: 'ann@acme.test', password: TEST_PASSWORD }, T0);
    expect(readUser(db, user.id)?.failedLoginCount).toBe(0);
    await fail(T0);
    expect(readUser(db, user.id)).toMatchObject({ failedLoginCount: 1, lockedUntil: null });

    // A lock that ran out: the next failure starts again at one instead of locking straight away.
    db.sqlite.prepare('UPDATE users SET failed_login_count = ?, locked_until = ? WHERE id = ?').run(MAX_FAILED_LOGINS, T0 - 1, user.id);
    expect((await fail(T0)).message).toBe(WRONG);
    expect(readUser(db, user.id)).toMatchObject({ failedLoginCount: 1, lockedUntil: null });
  });

  it('a disabled account is refused as disabled only to someone who knows its password', async () => {
    const db = await createTestDatabase();
    await seedUser(db, { email: 'gone@acme.test', disabled: true });
    expect(await refusal(login(db, { email: 'gone@acme.test', password: TEST_PASSWORD }))).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'This account is disabled.',
    });
    const wrong = await refusal(login(db, { email: 'gone@acme.test', password: 'wrong password' }));
    expect(wrong).toEqual({ code: 'UNAUTHENTICATED', message: WRONG });
  });

  it('an account without a password is refused like a wrong password (a stranger learns nothing), and the audit log says why', async () => {
    const db = await createTestDatabase();
    await seedUser(db, { email: 'adopted@acme.test', withPassword: false });
    const error = await refusal(login(db, { email: 'adopted@acme.test', password: 'anything at all' }));
    expect(error).toEqual(await refusal(login(db, { email: 'nobody@acme.test', password: 'anything at all' })));
    expect(error).toEqual({ code: 'UNAUTHENTICATED', message: WRONG });
    expect(readAuditEvents(db).map((e) => e.details.reason)).toEqual(['no_password', 'unknown_email']);
  });
});

describe('the signed-in user', () => {
  async function withUsers(): Promise<{ db: AppDatabase; businessId: number }> {
    const db = await createTestDatabase();
    return { db, businessId: seedBusiness(db, { name: 'Acme' }).id };
  }

  it('is loaded fresh as an Actor, and is gone once disabled or deleted', async () => {
    const { db, businessId } = await withUsers();
    const user = await seedUser(db, { email: 'ann@acme.test', role: 'business_admin', businessId });
    expect(loadActor(db, user.id)).toEqual({ userId: user.id, email: 'ann@acme.test', role: 'business_admin', businessId, businessDisabled: false });
    db.sqlite.prepare('UPDATE users SET disabled_at = 1 WHERE id = ?').run(user.id);
    expect(loadActor(db, user.id)).toBeNull();
    expect(loadActor(db, user.id + 1000)).toBeNull();
  });

  it('knows, on every load, whether the user’s business has been disabled', async () => {
    const { db, businessId } = await withUsers();
    const user = await seedUser(db, { email: 'bob@acme.test', role: 'member', businessId });
    db.sqlite.prepare('UPDATE businesses SET disabled_at = 1 WHERE id = ?').run(businessId);
    expect(loadActor(db, user.id)).toMatchObject({ businessId, businessDisabled: true });
    db.sqlite.prepare('UPDATE businesses SET disabled_at = NULL WHERE id = ?').run(businessId);
    expect(loadActor(db, user.id)).toMatchObject({ businessId, businessDisabled: false });
  });

  it('a missing user is NOT_FOUND as a view', async () => {
    const { db } = await withUsers();
    expect(() => getUserView(db, 4242)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});
