// The admin screens: businesses and users, schedules with the cron helper, the audit log, usage and its CSV.
import fs from 'node:fs';
import path from 'node:path';
import { type Page } from '@playwright/test';
import { insertUser, type TestUser } from '../helpers/contract-data';
import { buildTenantWorld, TEST_PASSWORD, WORLD_COUNTS } from './data';
import { type ExpectedFailures } from './failures';
import { expect, test } from './fixtures';
import { chooseOption, expectAppLoaded, saveScreenshot, signIn } from './ui';

const NEW_BUSINESS = 'Initech Labs';
const NEW_USER = 'peter@initech.example';
const SCHEDULE = 'Nightly probe';

/** Opens #/admin/<section> through the header link and the section's tab. */
async function openAdmin(page: Page, section: string): Promise<void> {
  await page.getByTestId('nav-admin').click();
  await expect(page.getByTestId('admin-view')).toBeVisible();
  await page.getByTestId(`admin-tab-${section}`).click();
  await expect(page.getByTestId('admin-view')).toHaveAttribute('data-section', section);
  await expectAppLoaded(page);
}

async function signOutThenIn(page: Page, email: string): Promise<void> {
  await page.getByTestId('signout').click();
  await signIn(page, email);
}

/** A system admin creates a business on the businesses screen; returns its row id. */
async function createBusinessInUi(page: Page, name: string): Promise<number> {
  await openAdmin(page, 'businesses');
  await page.getByTestId('business-create-name').fill(name);
  await page.getByTestId('business-create-submit').click();
  const row = page.getByTestId('businesses-table').locator('[data-testid^="business-row-"]', { hasText: name });
  await expect(row).toHaveCount(1);
  return Number((await row.getAttribute('data-testid'))?.replace('business-row-', ''));
}

async function createUserInUi(page: Page, user: { email: string; role: string; business: string }): Promise<void> {
  await openAdmin(page, 'users');
  await page.getByTestId('user-create-email').fill(user.email);
  await page.getByTestId('user-create-password').fill(TEST_PASSWORD);
  await chooseOption(page, page.getByTestId('user-create-role'), user.role);
  await chooseOption(page, page.getByTestId('user-create-business'), user.business);
  await page.getByTestId('user-create-submit').click();
  await expect(page.getByTestId('users-table').locator('[data-testid^="user-row-"]', { hasText: user.email })).toHaveCount(1);
}

/** A business admin creates a nightly diagnostics probe in Berlin time, checking the cron helper on the way. */
async function createScheduleInUi(page: Page, failures: ExpectedFailures): Promise<void> {
  failures.allow(/^400 \/api\/schedules\.previewCron\b/, 'main refuses the four-field cron expression the helper is given first');
  await openAdmin(page, 'schedules');
  await page.getByTestId('schedule-create').click();
  await page.getByTestId('schedule-name').fill(SCHEDULE);
  await chooseOption(page, page.getByTestId('schedule-jobtype'), /diagnostics\.probe/);
  await page.getByTestId('schedule-cron').fill('0 3 * *');
  await page.getByTestId('schedule-timezone').fill('Europe/Berlin');
  await expect(page.getByTestId('cron-error'), 'a four-field expression is refused by main').toBeVisible();
  await page.getByTestId('schedule-cron').fill('0 3 * * *');
  const preview = page.getByTestId('cron-preview');
  await expect(preview.getByRole('listitem')).toHaveCount(5);
  // 03:00 in Berlin, shown in Berlin's zone whatever the browser's.
  for (const item of await preview.getByRole('listitem').all()) await expect(item).toContainText(/\b3:00\b|\b03:00\b/);
  await expect(page.getByTestId('cron-error')).toHaveCount(0);
  await saveScreenshot(page, 'admin-schedules-form');
  await page.getByTestId('schedule-submit').click();
  await expect(page.getByTestId('schedule-form')).toHaveCount(0);
  const row = page.getByTestId('schedules-table').locator('[data-testid^="schedule-row-"]', { hasText: SCHEDULE });
  await expect(row).toContainText('0 3 * * *');
  await expect(row).toContainText('Europe/Berlin');
}

/** Filters the audit log by action and waits for the table to settle. */
async function filterAudit(page: Page, action: string): Promise<void> {
  await page.getByTestId('audit-filter-action').fill(action);
  await expect(page.getByTestId('audit-table')).toHaveAttribute('data-state', 'loaded');
}

const auditActions = (page: Page) =>
  page.locator('[data-testid^="audit-row-"]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action') ?? ''));

test('a system admin creates a business and a user in it; the user signs in to that business', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();

  await page.goto(app.url);
  await signIn(page, world.systemAdmin.email);
  await createBusinessInUi(page, NEW_BUSINESS);
  await saveScreenshot(page, 'admin-businesses');
  await createUserInUi(page, { email: NEW_USER, role: 'Member', business: NEW_BUSINESS });
  await saveScreenshot(page, 'admin-users');

  await signOutThenIn(page, NEW_USER);
  await expect(page.getByTestId('current-business')).toHaveText(NEW_BUSINESS);
  await expect(page.getByTestId('admin-tab-businesses'), 'a member manages no businesses').toHaveCount(0);
});

test('a business admin schedules a probe with the cron helper; a member sees it read-only', async ({ dataDir, launchApp, page, failures }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  const admin: TestUser = insertUser(app.db, { role: 'business_admin', businessId: world.acme.id, email: 'bea@acme.example' });

  await page.goto(app.url);
  await signIn(page, admin.email);
  await createScheduleInUi(page, failures);
  await saveScreenshot(page, 'admin-schedules');

  await signOutThenIn(page, world.acmeMember.email);
  await openAdmin(page, 'schedules');
  await expect(page.getByTestId('schedules-table').locator('[data-testid^="schedule-row-"]', { hasText: SCHEDULE })).toHaveCount(1);
  await expect(page.getByTestId('schedule-create'), 'members only read schedules').toHaveCount(0);
  await expect(page.getByTestId('admin-tab-audit'), 'members have no audit log').toHaveCount(0);
});

test('the audit log shows every change to a system admin and only their business to a business admin', async ({ dataDir, launchApp, page, failures }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  const admin = insertUser(app.db, { role: 'business_admin', businessId: world.acme.id, email: 'bea@acme.example' });

  await page.goto(app.url);
  await signIn(page, world.systemAdmin.email);
  await createBusinessInUi(page, NEW_BUSINESS);
  await createUserInUi(page, { email: NEW_USER, role: 'Member', business: NEW_BUSINESS });
  await signOutThenIn(page, admin.email);
  await createScheduleInUi(page, failures);

  await signOutThenIn(page, world.systemAdmin.email);
  await openAdmin(page, 'audit');
  await expect(page.getByTestId('audit-table')).toHaveAttribute('data-state', 'loaded');
  await filterAudit(page, 'business.*');
  await expect.poll(() => auditActions(page)).toEqual(['business.create']);
  await expect(page.locator('[data-testid^="audit-row-"]').first()).toContainText(NEW_BUSINESS);
  await filterAudit(page, 'user.create, schedule.*');
  await expect.poll(async () => (await auditActions(page)).sort()).toEqual(['schedule.create', 'user.create']);
  await saveScreenshot(page, 'admin-audit');

  await signOutThenIn(page, admin.email);
  await openAdmin(page, 'audit');
  await filterAudit(page, 'business.*, user.*, schedule.*');
  await expect.poll(() => auditActions(page), 'another business’s events stay hidden').toEqual(['schedule.create']);
});

test('usage counts the seeded runs per owner and Export CSV downloads the file it wrote', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();

  await page.goto(app.url);
  await signIn(page, world.systemAdmin.email);
  await openAdmin(page, 'usage');
  const table = page.getByTestId('usage-table');
  await expect(table).toHaveAttribute('data-state', 'loaded');
  const month = new Date().toISOString().slice(0, 7);
  await expect(page.getByTestId(`usage-runs-${month}-business-${world.acme.id}`)).toHaveText(String(WORLD_COUNTS.acme));
  await expect(page.getByTestId(`usage-runs-${month}-business-${world.globex.id}`)).toHaveText(String(WORLD_COUNTS.globex));
  await expect(page.getByTestId(`usage-runs-${month}-system`)).toHaveText(String(WORLD_COUNTS.system));
  await expect(page.getByTestId(`usage-runs-${month}-orphans`)).toHaveText(String(WORLD_COUNTS.orphans));

  const download = page.waitForEvent('download');
  await page.getByTestId('usage-export').click();
  const result = page.getByTestId('usage-export-result');
  await expect(result).toHaveAttribute('data-delivery', 'downloaded');
  const written = (await result.getAttribute('data-path'))!;
  expect(fs.readFileSync(written, 'utf8')).toContain(world.globex.name);
  const downloaded = await download;
  expect(downloaded.suggestedFilename()).toBe(path.basename(written));
  expect(fs.readFileSync(await downloaded.path())).toEqual(fs.readFileSync(written));
  await expect(page.getByTestId('usage-export-result-delivery')).toHaveText(`Downloaded as ${path.basename(written)}.`);
  await saveScreenshot(page, 'admin-usage');
});
