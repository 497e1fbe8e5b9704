import { describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../src-main/db/connection';
import { login } from '../../src-main/accounts/accounts';
import { listUsers } from '../../src-main/accounts/user-list';
import { listUsersInput } from '../../src-shared/schemas/accounts';
import { createUser, deleteUser, setUserDisabled, setUserPassword, updateUser } from '../../src-main/accounts/users';
import { TEST_PASSWORD, actorFor, countAuditEvents, readUser, seedUser } from '../helpers/accounts';
import { createTestDatabase, readAuditEvents, seedBusiness } from '../helpers/seed';

const NEW_PASSWORD = 'a brand new password';
/** The first page of users.list without filters. */
const everyone = listUsersInput.parse({});

/** Two businesses, each with a business admin and a member, and one system admin. */
async function organisation() {
  const db = await createTestDatabase();
  const acme = seedBusiness(db, { name: 'Acme' });
  const globex = seedBusiness(db, { name: 'Globex' });
  const root = await seedUser(db, { email: 'root@example.test', role: 'system_admin' });
  const acmeAdmin = await seedUser(db, { email: 'boss@acme.test', role: 'business_admin', businessId: acme.id });
  const acmeMember = await seedUser(db, { email: 'ann@acme.test', role: 'member', businessId: acme.id });
  const globexAdmin = await seedUser(db, { email: 'boss@globex.test', role: 'business_admin', businessId: globex.id });
  const globexMember = await seedUser(db, { email: 'bob@globex.test', role: 'member', businessId: globex.id });
  return { db, acme, globex, root, acmeAdmin, acmeMember, globexAdmin, globexMember };
}

/** Runs a change that must be refused with `code`, and proves it wrote no audit event and changed no user. */
async function expectRefused(db: AppDatabase, code: string, change: () => unknown): Promise<string> {
  const usersBefore = db.sqlite.prepare('SELECT * FROM users ORDER BY id').all();
  const eventsBefore = countAuditEvents(db);
  let caught: { code?: string; message?: string } | null = null;
  try {
    await change();
  } catch (error) {
    caught = error as { code?: string; message?: string };
  }
  expect(caught, 'the change was not refused').not.toBeNull();
  expect(caught?.code, caught?.message).toBe(code);
  expect(db.sqlite.prepare('SELECT * FROM users ORDER BY id').all()).toEqual(usersBefore);
  expect(countAuditEvents(db)).toBe(eventsBefore);
  return caught?.message ?? '';
}

describe('who may manage users', () => {
  it('a member may not list or change anyone, not even themselves', async () => {
    const { db, acme, acmeMember, acmeAdmin } = await organisation();
    const member = actorFor(acmeMember);
    await expectRefused(db, 'FORBIDDEN', () => listUsers(db, member, everyone));
    await expectRefused(db, 'FORBIDDEN', () =>
      createUser(db, member, { email: 'new@acme.test', password: NEW_PASSWORD, role: 'member', businessId: acme.id }),
    );
    await expectRefused(db, 'FORBIDDEN', () => updateUser(db, member, { id: acmeMember.id, displayName: 'Me' }));
    await expectRefused(db, 'FORBIDDEN', () => setUserDisabled(db, member, { id: acmeAdmin.id, disabled: true }));
    await expectRefused(db, 'FORBIDDEN', () => setUserPassword(db, member, { id: acmeMember.id, password: NEW_PASSWORD }));
    await expectRefused(db, 'FORBIDDEN', () => deleteUser(db, member, { id: acmeAdmin.id }));
  });

  it('a business admin sees only the members and admins of their own business', async () => {
    const { db, acme, acmeAdmin } = await organisation();
    await seedUser(db, { email: 'linked-root@example.test', role: 'system_admin', businessId: acme.id });
    expect(listUsers(db, actorFor(acmeAdmin), everyone).users.map((u) => u.email)).toEqual(['ann@acme.test', 'boss@acme.test']);
  });

  it('a system admin sees everyone, by email, with their business names', async () => {
    const { db, root } = await organisation();
    const all = listUsers(db, actorFor(root), everyone).users;
    expect(all.map((u) => [u.email, u.businessName])).toEqual([
      ['ann@acme.test', 'Acme'],
      ['bob@globex.test', 'Globex'],
      ['boss@acme.test', 'Acme'],
      ['boss@globex.test', 'Globex'],
      ['root@example.test', null],
    ]);
  });

  it('a business admin manages their own business and can never reach out of it', async () => {
    const { db, acme, globex, root, acmeAdmin, acmeMember, globexMember } = await organisation();
    const admin = actorFor(acmeAdmin);
    const newUser = (role: 'member' | 'system_admin', businessId: number | null) =>
      createUser(db, admin, { email: 'new@acme.test', password: NEW_PASSWORD, role, businessId });
    await expectRefused(db, 'FORBIDDEN', () => newUser('member', globex.id));
    await expectRefused(db, 'FORBIDDEN', () => newUser('member', null));
    await expectRefused(db, 'FORBIDDEN', () => newUser('system_admin', acme.id));
    await expectRefused(db, 'FORBIDDEN', () => updateUser(db, admin, { id: globexMember.id, displayName: 'Hi' }));
    await expectRefused(db, 'FORBIDDEN', () => updateUser(db, admin, { id: acmeMember.id, businessId: globex.id }));
    await expectRefused(db, 'FORBIDDEN', () => updateUser(db, admin, { id: acmeMember.id, businessId: null }));
    await expectRefused(db, 'FORBIDDEN', () => updateUser(db, admin, { id: acmeMember.id, role: 'system_admin' }));
    await expectRefused(db, 'FORBIDDEN', () => setUserDisabled(db, admin, { id: globexMember.id, disabled: true }));
    await expectRefused(db, 'FORBIDDEN', () => setUserPassword(db, admin, { id: root.id, password: NEW_PASSWORD }));
    await expectRefused(db, 'FORBIDDEN', () => deleteUser(db, admin, { id: root.id }));

    const created = await newUser('member', acme.id);
    expect(created).toMatchObject({ email: 'new@acme.test', role: 'member', businessId: acme.id, businessName: 'Acme', hasPassword: true });
    expect(updateUser(db, admin, { id: created.id, role: 'business_admin', displayName: ' New ' })).toMatchObject({
      role: 'business_admin',
      displayName: 'New',
    });
    expect(setUserDisabled(db, admin, { id: acmeMember.id, disabled: true }).disabled).toBe(true);
    expect(deleteUser(db, admin, { id: created.id })).toEqual({ id: created.id });
    expect(readAuditEvents(db).map((e) => [e.action, e.actorLabel, e.businessId])).toEqual([
      ['user.create', 'boss@acme.test', acme.id],
      ['user.update', 'boss@acme.test', acme.id],
      ['user.disable', 'boss@acme.test', acme.id],
      ['user.delete', 'boss@acme.test', acme.id],
    ]);
  });

  it('a business admin without a business manages nobody', async () => {
    const { db } = await organisation();
    const stray = await seedUser(db, { role: 'business_admin', businessId: null });
    await expectRefused(db, 'FORBIDDEN', () => listUsers(db, actorFor(stray), everyone));
  });
});

describe('creating and changing users', () => {
  it('an email is taken whatever its case, and the refusal names it', async () => {
    const { db, root, acme } = await organisation();
    const message = await expectRefused(db, 'CONFLICT', () =>
      createUser(db, actorFor(root), { email: 'ANN@acme.test', password: NEW_PASSWORD, role: 'member', businessId: acme.id }),
    );
    expect(message).toContain('ann@acme.test');
  });

  it('a user is placed only in a business that exists and is enabled', async () => {
    const { db, root } = await organisation();
    const closed = seedBusiness(db, { name: 'Closed', disabled: true });
    const make = (businessId: number) =>
      createUser(db, actorFor(root), { email: 'new@example.test', password: NEW_PASSWORD, role: 'member', businessId });
    await expectRefused(db, 'NOT_FOUND', () => make(9999));
    expect(await expectRefused(db, 'VALIDATION', () => make(closed.id))).toContain('Closed');
    await expectRefused(db, 'VALIDATION', () =>
      createUser(db, actorFor(root), { email: 'new@example.test', password: 'short', role: 'member', businessId: null }),
    );
  });

  it('a system admin may create a user without a business, who can then sign in', async () => {
    const { db, root } = await organisation();
    const created = await createUser(db, actorFor(root), {
      email: 'Floating@Example.test',
      password: NEW_PASSWORD,
      role: 'member',
      businessId: null,
      displayName: 'Floating',
    });
    expect(created).toMatchObject({ email: 'floating@example.test', businessId: null, businessName: null, displayName: 'Floating' });
    expect((await login(db, { email: 'floating@example.test', password: NEW_PASSWORD })).id).toBe(created.id);
    expect(readAuditEvents(db).filter((e) => e.action === 'user.create')).toHaveLength(1);
  });

  it('a system admin moves users between businesses; an unchanged update records nothing', async () => {
    const { db, root, globex, acmeMember } = await organisation();
    const moved = updateUser(db, actorFor(root), { id: acmeMember.id, businessId: globex.id });
    expect(moved).toMatchObject({ businessId: globex.id, businessName: 'Globex' });
    const [event] = readAuditEvents(db);
    expect(event).toMatchObject({ action: 'user.update', businessId: globex.id });
    expect(event?.details.changes).toEqual({ businessId: { from: acmeMember.businessId, to: globex.id } });
    updateUser(db, actorFor(root), { id: acmeMember.id, businessId: globex.id });
    setUserDisabled(db, actorFor(root), { id: acmeMember.id, disabled: false });
    expect(countAuditEvents(db)).toBe(1);
  });

  it('a new password lifts a lock and signs in; the old one stops working', async () => {
    const { db, acmeAdmin, acmeMember } = await organisation();
    db.sqlite.prepare('UPDATE users SET failed_login_count = 5, locked_until = ? WHERE id = ?').run(Date.now() + 60_000, acmeMember.id);
    const view = await setUserPassword(db, actorFor(acmeAdmin), { id: acmeMember.id, password: NEW_PASSWORD });
    expect(view.lockedUntil).toBeNull();
    expect(readUser(db, acmeMember.id)?.failedLoginCount).toBe(0);
    await expect(login(db, { email: 'ann@acme.test', password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await login(db, { email: 'ann@acme.test', password: NEW_PASSWORD })).id).toBe(acmeMember.id);
    expect(readAuditEvents(db).map((e) => e.action)).toEqual(['user.set_password', 'auth.login_failed', 'auth.login']);
  });
});

describe('the app always keeps a way in', () => {
  it('the last system admin who can sign in cannot be disabled, demoted or deleted', async () => {
    const { db, root, acme } = await organisation();
    // Neither a disabled admin nor one without a password is a way in.
    const disabledAdmin = await seedUser(db, { role: 'system_admin', disabled: true });
    await seedUser(db, { role: 'system_admin', withPassword: false });
    const other = actorFor(disabledAdmin);
    for (const change of [
      () => setUserDisabled(db, other, { id: root.id, disabled: true }),
      () => updateUser(db, other, { id: root.id, role: 'business_admin', businessId: acme.id }),
      () => deleteUser(db, other, { id: root.id }),
    ]) {
      expect(await expectRefused(db, 'CONFLICT', change)).toContain('last system administrator');
    }
  });

  it('with a second system admin, the first may be demoted and then deleted', async () => {
    const { db, root, acme } = await organisation();
    const second = await seedUser(db, { role: 'system_admin' });
    expect(updateUser(db, actorFor(second), { id: root.id, role: 'business_admin', businessId: acme.id }).role).toBe('business_admin');
    expect(deleteUser(db, actorFor(second), { id: root.id })).toEqual({ id: root.id });
    expect(readAuditEvents(db).map((e) => e.action)).toEqual(['user.update', 'user.delete']);
    // Now `second` is the last one.
    const helper = await seedUser(db, { role: 'system_admin', withPassword: false });
    await expectRefused(db, 'CONFLICT', () => updateUser(db, actorFor(helper), { id: second.id, role: 'member', businessId: acme.id }));
  });

  it('nobody can disable or delete themselves', async () => {
    const { db, root, acmeAdmin } = await organisation();
    await seedUser(db, { role: 'system_admin' });
    const disablingSelf = () => setUserDisabled(db, actorFor(root), { id: root.id, disabled: true });
    expect(await expectRefused(db, 'CONFLICT', disablingSelf)).toMatch(/your own/);
    expect(await expectRefused(db, 'CONFLICT', () => deleteUser(db, actorFor(root), { id: root.id }))).toMatch(/your own/);
    await expectRefused(db, 'CONFLICT', () => deleteUser(db, actorFor(acmeAdmin), { id: acmeAdmin.id }));
  });
});

describe('deleting a user', () => {
  it('their runs keep who triggered them, without the link', async () => {
    const { db, root, acme, acmeMember } = await organisation();
    const run = db.sqlite
      .prepare(
        `INSERT INTO job_runs (scope, business_id, job_type, status, trigger, triggered_by_user_id, triggered_by, created_at)
         VALUES ('business', ?, 'diagnostics', 'completed', 'manual', ?, 'ann@acme.test', 1)`,
      )
      .run(acme.id, acmeMember.id).lastInsertRowid;
    deleteUser(db, actorFor(root), { id: acmeMember.id });
    expect(readUser(db, acmeMember.id)).toBeUndefined();
    expect(db.sqlite.prepare('SELECT triggered_by_user_id AS userId, triggered_by AS who FROM job_runs WHERE id = ?').get(run)).toEqual({
      userId: null,
      who: 'ann@acme.test',
    });
    expect(readAuditEvents(db)).toEqual([
      {
        action: 'user.delete',
        actorLabel: 'root@example.test',
        businessId: acme.id,
        details: { email: 'ann@acme.test', role: 'member', businessId: acme.id },
      },
    ]);
  });

  it('a missing user is NOT_FOUND', async () => {
    const { db, root } = await organisation();
    await expectRefused(db, 'NOT_FOUND', () => deleteUser(db, actorFor(root), { id: 9999 }));
  });
});
