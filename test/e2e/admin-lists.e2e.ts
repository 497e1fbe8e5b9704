// The admin lists at the size of a real organisation: hundreds of users searched, filtered and paged; the audit
// log narrowed to one actor (found by searching, never from a full list) and to one target; the orphan check
// listing only the businesses that have runs. Every figure is checked against the database the app serves.
import { type Page } from '@playwright/test';
import { recordAuditEvent, type AuditActor } from '../../src-main/audit/record';
import { type AppDatabase } from '../../src-main/db/connection';
import { type TestUser } from '../helpers/contract-data';
import { addIdleBusinessesAndOrphans, addUserCrowd, buildTenantWorld, CROWD, type TenantWorld } from './data';
import { expect, test } from './fixtures';
import { chooseOption, expectHistoryLoaded, openAdminSection, runIds, saveScreenshot, signIn, signOut } from './ui';

const USER_ORDER = 'ORDER BY email COLLATE NOCASE, id';

function userIds(db: AppDatabase, where = '1 = 1', ...params: unknown[]): number[] {
  return db.sqlite.prepare(`SELECT id FROM users WHERE ${where} ${USER_ORDER}`).pluck().all(...params) as number[];
}

async function expectUsersLoaded(page: Page): Promise<void> {
  await expect(page.getByTestId('users-list')).toHaveAttribute('data-state', 'loaded');
}

/** Scrolls so the element's top sits just under the fixed header: what a screenshot of it should show. */
async function scrollToTop(page: Page, testId: string): Promise<void> {
  const box = await page.getByTestId(testId).boundingBox();
  await page.evaluate(`window.scrollBy(0, ${Math.round((box?.y ?? 0) - 70)})`);
}

/** The same screen 900 px wide, where the filters wrap. */
async function narrowScreenshot(page: Page, name: string): Promise<void> {
  const wide = page.viewportSize()!;
  await page.setViewportSize({ width: 900, height: wide.height });
  await saveScreenshot(page, name);
  await page.setViewportSize(wide);
}

/** The user rows shown, in order, once the list has settled. */
async function shownUsers(page: Page): Promise<number[]> {
  await expectUsersLoaded(page);
  return runIds(page, 'user-row-');
}

test('a system admin pages through hundreds of users, searches them and filters by role and business', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  await addUserCrowd(dataDir.dbPath, world);
  const app = await launchApp();
  const everyone = userIds(app.db);
  expect(everyone.length).toBe(4 + CROWD.acme + CROWD.globex + CROWD.unlinked);

  await page.goto(app.url);
  await signIn(page, world.systemAdmin.email);
  await openAdminSection(page, 'users');
  expect(await shownUsers(page)).toEqual(everyone.slice(0, 50));
  await expect(page.getByTestId('users-count')).toHaveText(`Showing 50 of ${everyone.length} users`);
  await page.getByTestId('users-load-more').click();
  await expect.poll(() => shownUsers(page)).toEqual(everyone.slice(0, 100));
  await expect(page.getByTestId('users-count')).toHaveText(`Showing 100 of ${everyone.length} users`);
  await scrollToTop(page, 'users-list');
  await saveScreenshot(page, 'admin-users-paged');

  // A search, by a part of a display name, in any case: every match, and nothing else.
  await page.getByTestId('users-search').fill('DANA');
  const danas = userIds(app.db, "display_name LIKE '%dana%' OR email LIKE '%dana%'");
  expect(danas.length).toBeGreaterThan(20);
  await expect.poll(() => shownUsers(page)).toEqual(danas);
  await expect(page.getByTestId('users-count')).toHaveText(`${danas.length} users`);
  await expect(page.getByTestId('users-load-more')).toHaveCount(0);
  await scrollToTop(page, 'users-list');
  await saveScreenshot(page, 'admin-users-search');

  // By a part of an email, then nobody.
  await page.getByTestId('users-search').fill('-01');
  await expect.poll(() => shownUsers(page)).toEqual(userIds(app.db, "email LIKE '%-01%'"));
  await page.getByTestId('users-search').fill('nobody-has-this');
  await expectUsersLoaded(page);
  await expect(page.getByTestId('users-count')).toHaveText('No users match.');
  await expect(page.getByTestId('users-table')).toHaveCount(0);

  // Role and business.
  await page.getByTestId('users-search').fill('');
  await chooseOption(page, page.getByTestId('users-filter-role'), 'Business admin');
  await chooseOption(page, page.getByTestId('users-filter-business'), world.globex.name);
  const globexAdmins = userIds(app.db, "role = 'business_admin' AND business_id = ?", world.globex.id);
  await expect.poll(() => shownUsers(page)).toEqual(globexAdmins);
  await expect(page.getByTestId('users-count')).toHaveText(`${globexAdmins.length} users`);
  await scrollToTop(page, 'users-list');
  await saveScreenshot(page, 'admin-users-filtered');
  await narrowScreenshot(page, 'admin-users-filtered-900');
  await chooseOption(page, page.getByTestId('users-filter-role'), 'Member');
  await chooseOption(page, page.getByTestId('users-filter-business'), 'No business');
  await expect.poll(() => shownUsers(page)).toEqual(userIds(app.db, "role = 'member' AND business_id IS NULL"));
});

test('a business admin’s users are their business’s members and business admins, whatever they search', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const crowd = await addUserCrowd(dataDir.dbPath, world);
  const app = await launchApp();
  const admin = crowd.find((user) => user.businessId === world.acme.id && user.role === 'business_admin')!;
  const acme = userIds(app.db, "business_id = ? AND role <> 'system_admin'", world.acme.id);

  await page.goto(app.url);
  await signIn(page, admin.email);
  await openAdminSection(page, 'users');
  expect(await shownUsers(page)).toEqual(acme.slice(0, 50));
  await expect(page.getByTestId('users-count')).toHaveText(`Showing 50 of ${acme.length} users`);
  await expect(page.getByTestId('users-filter-business'), 'no business to choose but their own').toHaveCount(0);
  await page.getByTestId('users-search').fill('globex');
  await expectUsersLoaded(page);
  await expect(page.getByTestId('users-count')).toHaveText('No users match.');
  await page.getByTestId('users-search').fill('dana');
  await expect.poll(() => shownUsers(page)).toEqual(userIds(app.db, "business_id = ? AND display_name LIKE '%dana%'", world.acme.id));
});

test('the history’s triggered-by filter finds one account by its email, in any case, among hundreds', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  await addUserCrowd(dataDir.dbPath, world);
  const app = await launchApp();
  const [first, , third] = world.acme.runIds;
  app.db.sqlite.prepare('UPDATE job_runs SET triggered_by_user_id = ?, triggered_by = ? WHERE id IN (?, ?)').run(world.acmeMember.id, world.acmeMember.email, first, third);

  await page.goto(app.url);
  await signIn(page, world.systemAdmin.email);
  await page.getByTestId('filter-triggered-by').fill(world.acmeMember.email.toUpperCase());
  await expect.poll(async () => (await runIds(page, 'history-row-')).sort((a, b) => a - b)).toEqual([first!, third!].sort((a, b) => a - b));
  await expectHistoryLoaded(page);
  await page.getByTestId('filter-triggered-by').fill('nobody-at-all@acme.example');
  await expect.poll(() => runIds(page, 'history-row-')).toEqual([]);
});

// ---- The audit log ------------------------------------------------------------------------------------

const MINUTE = 60_000;

/** Events by three actors about users, a business and runs, a minute apart and newest last; 60 by the busiest. */
function seedAuditTrail(db: AppDatabase, world: TenantWorld, crowd: readonly TestUser[]) {
  const actorOf = (user: TestUser): AuditActor => ({ kind: 'user', userId: user.id, label: user.email, role: user.role, businessId: user.businessId });
  const bea = crowd.find((user) => user.businessId === world.acme.id && user.role === 'business_admin')!;
  const acmePeople = crowd.filter((user) => user.businessId === world.acme.id).slice(1, 21);
  let at = Date.now() - 200 * MINUTE;
  for (let i = 0; i < 60; i++) {
    const target = acmePeople[i % acmePeople.length]!;
    recordAuditEvent(db, { actor: actorOf(bea), action: 'user.update', target: { type: 'user', id: target.id }, businessId: world.acme.id, details: { email: target.email }, at: (at += MINUTE) });
  }
  for (const runId of world.globex.runIds) {
    recordAuditEvent(db, { actor: actorOf(world.globexMember), action: 'job.trigger', target: { type: 'job_run', id: runId }, businessId: world.globex.id, at: (at += MINUTE) });
  }
  recordAuditEvent(db, { actor: actorOf(world.systemAdmin), action: 'business.rename', target: { type: 'business', id: world.acme.id }, businessId: world.acme.id, at: at + MINUTE });
  return { bea, acmePeople };
}

function auditIds(db: AppDatabase, where: string, ...params: unknown[]): number[] {
  return db.sqlite.prepare(`SELECT id FROM audit_events WHERE ${where} ORDER BY at DESC, id DESC`).pluck().all(...params) as number[];
}

async function shownEvents(page: Page): Promise<number[]> {
  await expect(page.getByTestId('audit-table')).toHaveAttribute('data-state', 'loaded');
  return runIds(page, 'audit-row-');
}

/** Opens a user picker, types into it and picks the user whose option reads `label`. */
async function pickUser(page: Page, testId: string, typed: string, label: string): Promise<void> {
  const picker = page.getByTestId(testId);
  await picker.click();
  await picker.fill(typed);
  await page.getByRole('option', { name: label, exact: true }).click();
  await expect(picker).toHaveValue(label);
}

test('the audit log narrows to an actor found by searching, and to one target; a business admin finds only their own', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const crowd = await addUserCrowd(dataDir.dbPath, world);
  const app = await launchApp();
  const { bea, acmePeople } = seedAuditTrail(app.db, world, crowd);

  await page.goto(app.url);
  await signIn(page, world.systemAdmin.email);
  await openAdminSection(page, 'audit');

  // The actor picker offers the first matches of what is typed; the log shows that actor's events, page by page.
  await pickUser(page, 'audit-filter-actor', bea.email.slice(0, 12), bea.email);
  const beasEvents = auditIds(app.db, 'actor_user_id = ?', bea.id);
  await expect.poll(() => shownEvents(page)).toEqual(beasEvents.slice(0, 50));
  await page.getByTestId('audit-load-more').click();
  await expect.poll(() => shownEvents(page)).toEqual(beasEvents);
  await scrollToTop(page, 'audit-filters');
  await saveScreenshot(page, 'admin-audit-actor');

  // One user as the target, picked by searching.
  await page.getByTestId('audit-filter-clear').click();
  await chooseOption(page, page.getByTestId('audit-filter-target-type'), 'User');
  const person = acmePeople[3]!;
  await pickUser(page, 'audit-filter-target-user', person.email, person.email);
  const aboutPerson = auditIds(app.db, "target_type = 'user' AND target_id = ?", String(person.id));
  expect(aboutPerson.length).toBe(3);
  await expect.poll(() => shownEvents(page)).toEqual(aboutPerson);
  await saveScreenshot(page, 'admin-audit-target-user');
  await narrowScreenshot(page, 'admin-audit-target-user-900');

  // A run's id, from the row: its target link filters by it.
  await page.getByTestId('audit-filter-clear').click();
  const runEvent = auditIds(app.db, "target_type = 'job_run' AND target_id = ?", String(world.globex.runIds[2]))[0]!;
  await expect.poll(async () => (await shownEvents(page)).length).toBe(50);
  await page.getByTestId(`audit-target-${runEvent}`).click();
  await expect(page.getByTestId('audit-filter-target-type')).toHaveValue('Run');
  await expect(page.getByTestId('audit-filter-target-id')).toHaveValue(String(world.globex.runIds[2]));
  await expect.poll(() => shownEvents(page)).toEqual([runEvent]);
  await saveScreenshot(page, 'admin-audit-target-run');

  // A business admin's picker finds only their business's people, and their log only their business's events.
  await signOut(page);
  await signIn(page, bea.email);
  await openAdminSection(page, 'audit');
  const picker = page.getByTestId('audit-filter-actor');
  await picker.click();
  await picker.fill(world.globexMember.email);
  await expect(page.getByText('No user matches.')).toBeVisible();
  await page.keyboard.press('Escape');
  await chooseOption(page, page.getByTestId('audit-filter-target-type'), 'Run');
  await expect.poll(() => shownEvents(page), 'Globex’s runs stay hidden').toEqual([]);
  await chooseOption(page, page.getByTestId('audit-filter-target-type'), 'Business');
  await expect.poll(() => shownEvents(page)).toEqual(auditIds(app.db, "target_type = 'business' AND business_id = ?", world.acme.id));
});

// ---- The orphan check ---------------------------------------------------------------------------------

test('the orphan check lists the businesses that have runs and counts the rest in one line, every figure grouped', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const idle = await addIdleBusinessesAndOrphans(dataDir.dbPath, { businesses: 20, orphans: 1_200 });
  const app = await launchApp();
  const count = (where: string, ...params: unknown[]) => app.db.sqlite.prepare(`SELECT count(*) FROM job_runs WHERE ${where}`).pluck().get(...params) as number;
  const orphans = count("scope = 'business' AND business_id IS NULL");
  expect(orphans).toBe(1_201);

  await page.goto(app.url);
  await signIn(page, world.systemAdmin.email);
  await page.getByTestId('nav-orphans').click();
  await expect(page.getByTestId('orphans-check')).toHaveAttribute('data-state', 'loaded');
  await expect(page.getByTestId('orphans-count')).toHaveText('1,201');
  const rows = page.getByTestId('orphans-businesses').locator('[data-testid^="orphans-business-row-"]');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText(world.acme.name);
  await expect(rows.nth(1)).toContainText(world.globex.name);
  await expect(page.getByTestId('orphans-businesses-without-runs')).toHaveText('20 other businesses have no runs.');
  await expect(page.getByTestId('orphans-list')).toHaveAttribute('data-state', 'loaded');
  await saveScreenshot(page, 'orphans-check-businesses-with-runs');

  // Every orphan to a business that had none: the re-check lists it with what it gained.
  const quiet = idle[0]!;
  await page.getByTestId('orphans-assign-start').click();
  await chooseOption(page, page.getByTestId('assign-business'), 'Quiet Shop 01');
  await page.getByTestId('orphans-scope-all').check();
  await expect(page.getByTestId('assign-preview-count')).toHaveText('1,201');
  await page.getByTestId('assign-confirm').click();
  const recheck = page.getByTestId('orphans-recheck');
  await expect(recheck).toHaveAttribute('data-state', 'loaded');
  await expect(recheck.getByTestId('orphans-count')).toHaveText('0');
  await expect(recheck.getByTestId(`orphans-business-runs-${quiet}`)).toHaveText('1,201');
  await expect(recheck.getByTestId(`orphans-business-row-${quiet}`)).toContainText('(+1,201)');
  await expect(recheck.getByTestId('orphans-businesses-without-runs')).toHaveText('19 other businesses have no runs.');
  expect(count('business_id = ?', quiet)).toBe(1_201);
  await saveScreenshot(page, 'orphans-recheck-new-business');

  // Admin › Database groups its counts too.
  await openAdminSection(page, 'database');
  await expect(page.getByTestId('count-runs')).toHaveText(count('1 = 1').toLocaleString('en-US'));
});
