// The admin screens' row actions, driven from the real UI: rename, disable, enable and delete a business;
// edit, re-password, disable and delete a user; edit, pause, resume and delete a schedule and pick where it
// runs; narrow and page the audit log; open a usage row's job types. admin.e2e.ts covers the creates.
import fs from 'node:fs';
import { type Page } from '@playwright/test';
import { type AppDatabase } from '../../src-main/db/connection';
import { openAppDatabase } from '../../src-main/startup';
import { recordAuditEvent } from '../../src-main/audit/record';
import { loadActor } from '../../src-main/accounts/accounts';
import { createSchedule } from '../../src-main/schedules/schedules';
import { createScheduleInput } from '../../src-shared/schemas/schedules';
import { type RunStatus } from '../../src-shared/domain';
import { insertUser } from '../helpers/contract-data';
import { buildTenantWorld, MIGRATIONS_FOLDER, TEST_PASSWORD, WORLD_COUNTS } from './data';
import { expect, test } from './fixtures';
import { chooseOption, expectAppLoaded, expectHistoryLoaded, openAdminSection, optionLabels, saveScreenshot, signIn, signOut, submitSignIn, switchBusiness } from './ui';

// Times are read and typed in UTC (the audit log's datetime-local filters are the browser's local time);
// en-US so weekday names in the cron preview are English.
test.use({ timezoneId: 'UTC', locale: 'en-US' });

const DAY = 86_400_000;
const WRONG_CREDENTIALS = 'The email or password is not right.';

/** Changes the file a test prepared before its app opens it, through the app's own services where they exist. */
async function withDatabase<T>(dbPath: string, change: (db: AppDatabase) => T): Promise<T> {
  const { db } = await openAppDatabase(dbPath, { migrationsFolder: MIGRATIONS_FOLDER });
  try {
    return change(db);
  } finally {
    db.close();
  }
}

const businessRow = (page: Page, id: number) => page.getByTestId(`business-row-${id}`);
const rowCount = (page: Page, prefix: string) => page.locator(`[data-testid^="${prefix}"]`).count();

// ---- Businesses ---------------------------------------------------------------------------------------

test('a system admin renames a business, disables it and enables it again; the member’s open window follows each step by itself', async ({ dataDir, launchApp, page, browser, failures }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  const acmeId = world.acme.id;
  const renamed = 'Acme Freight';

  // The member is already signed in, in a window of their own.
  const memberContext = await browser.newContext({ timezoneId: 'UTC', locale: 'en-US' });
  const memberPage = await memberContext.newPage();
  failures.watch(memberPage);
  await memberPage.goto(app.url);
  await signIn(memberPage, world.acmeMember.email);
  await expect(memberPage.getByTestId('current-business')).toHaveText(world.acme.name);

  await page.goto(app.url);
  await signIn(page, world.systemAdmin.email);
  await switchBusiness(page, world.acme.name);
  await openAdminSection(page, 'businesses');

  // Rename: the table, the switcher (which is on it) and the file all say the new name.
  await page.getByTestId(`business-rename-${acmeId}`).click();
  const renameInput = page.getByTestId('business-rename-input');
  await expect(renameInput).toHaveValue(world.acme.name);
  await renameInput.fill(renamed);
  await page.getByTestId('business-rename-submit').click();
  await expect(renameInput).toHaveCount(0);
  await expect(businessRow(page, acmeId)).toContainText(renamed);
  await expect(businessRow(page, acmeId)).not.toContainText(world.acme.name);
  const switcherLabels = await optionLabels(page, page.getByTestId('business-switcher'));
  expect(switcherLabels).toContain(renamed);
  expect(switcherLabels).not.toContain(world.acme.name);
  await expect(page.getByTestId('business-switcher')).toHaveValue(renamed);
  expect(app.db.sqlite.prepare('SELECT name FROM businesses WHERE id = ?').get(acmeId)).toEqual({ name: renamed });
  // The member's window, untouched, says the new name.
  await expect(memberPage.getByTestId('current-business')).toHaveText(renamed);

  // Disable: it asks first, saying who loses access; nothing changes until confirmed. Then the row and the switcher say so.
  await page.getByTestId(`business-toggle-${acmeId}`).click();
  await expect(page.getByTestId('business-disable-preview')).toHaveText(
    `1 user of ${renamed} will lose access at once (their open windows say so) until it is enabled again, and 0 schedules will stop firing. Its runs stay as they are.`,
  );
  await saveScreenshot(page, 'admin-business-disable-confirm');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId(`business-status-${acmeId}`)).toHaveText('Active');
  await page.getByTestId(`business-toggle-${acmeId}`).click();
  await page.getByTestId('business-disable-confirm').click();
  await expect(page.getByTestId(`business-status-${acmeId}`)).toHaveText('Disabled');
  await expect(page.getByTestId(`business-toggle-${acmeId}`)).toHaveText('Enable');
  await expect(page.getByTestId('business-switcher')).toHaveValue(`${renamed} (disabled)`);
  await saveScreenshot(page, 'admin-business-disabled');

  // The member's window says so at once, with no click and no reload.
  const refusal = memberPage.getByTestId('business-disabled-screen');
  await expect(refusal).toBeVisible();
  await expect(refusal).toContainText('Your business has been disabled');
  await expect(memberPage.getByTestId('automation-view')).toHaveCount(0);
  await saveScreenshot(memberPage, 'business-disabled-refusal');
  // Signing in again lands on the same refusal screen, with the same reason.
  await refusal.getByTestId('signout').click();
  await submitSignIn(memberPage, world.acmeMember.email);
  await expect(memberPage.getByTestId('business-disabled-screen')).toContainText('Your business has been disabled');
  await expect(memberPage.getByTestId('automation-view')).toHaveCount(0);

  // Enable: the member's refusal screen gives way to their work by itself, under the new name.
  await page.getByTestId(`business-toggle-${acmeId}`).click();
  await expect(page.getByTestId(`business-status-${acmeId}`)).toHaveText('Active');
  await expect(page.getByTestId('business-switcher')).toHaveValue(renamed);
  await expect(memberPage.getByTestId('business-disabled-screen')).toHaveCount(0);
  await expect(memberPage.getByTestId('current-business')).toHaveText(renamed);
  await expectHistoryLoaded(memberPage);
  // Signing out and in again lands on the same work.
  await signOut(memberPage);
  await signIn(memberPage, world.acmeMember.email);
  await expectHistoryLoaded(memberPage);

  const actions = app.db.sqlite
    .prepare("SELECT action FROM audit_events WHERE action LIKE 'business.%' AND target_id = ? ORDER BY id")
    .all(String(acmeId))
    .map((row) => (row as { action: string }).action);
  expect(actions).toEqual(['business.rename', 'business.disable', 'business.enable']);
  await memberContext.close();
});

test('deleting a business shows what goes with it, asks for its exact name, backs up, and removes it', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  await withDatabase(dataDir.dbPath, (db) => {
    insertUser(db, { role: 'business_admin', businessId: world.globex.id, email: 'gina@globex.example' });
    const admin = loadActor(db, world.systemAdmin.id);
    if (!admin) throw new Error('the system admin cannot act');
    createSchedule(
      db,
      admin,
      { kind: 'all' },
      createScheduleInput.parse({ name: 'Globex nightly', jobType: 'diagnostics.probe', cron: '0 2 * * *', target: { kind: 'business', businessId: world.globex.id } }),
    );
  });
  const app = await launchApp();
  const globexId = world.globex.id;

  await page.goto(app.url);
  await signIn(page, world.systemAdmin.email);
  await openAdminSection(page, 'businesses');
  await page.getByTestId(`business-delete-${globexId}`).click();

  // Step 1: the preview.
  await expect(page.getByTestId('business-delete-preview')).toBeVisible();
  await expect(page.getByTestId('business-delete-runs')).toHaveText(String(WORLD_COUNTS.globex));
  await expect(page.getByTestId('business-delete-schedules')).toHaveText('1');
  await expect(page.getByTestId('business-delete-users')).toHaveText('2');

  // Step 2: only the exact name enables the button.
  const confirm = page.getByTestId('business-delete-confirm');
  const typed = page.getByTestId('business-delete-confirm-input');
  await expect(confirm).toBeDisabled();
  for (const almost of ['Globex', 'globex retail', `${world.globex.name} `, 'Globex  Retail']) {
    await typed.fill(almost);
    await expect(confirm, `“${almost}” is not the name`).toBeDisabled();
  }
  await typed.fill(world.globex.name);
  await expect(confirm).toBeEnabled();
  await saveScreenshot(page, 'admin-business-delete-confirm');

  // Step 3: backed up and deleted; the result says what went.
  await confirm.click();
  const done = page.getByTestId('business-delete-done');
  await expect(done).toBeVisible();
  await expect(done).toContainText(`“${world.globex.name}” was deleted`);
  await expect(done).toContainText(`${WORLD_COUNTS.globex} runs, 1 schedules removed; 2 users`);
  const backupPath = (await page.getByTestId('business-delete-backup').innerText()).trim();
  expect(fs.existsSync(backupPath), `${backupPath} exists`).toBe(true);
  await saveScreenshot(page, 'admin-business-deleted');
  await done.getByRole('button', { name: 'Close' }).click();
  await expect(done).toHaveCount(0);

  // Gone from the list and the switcher; Acme untouched.
  await expect(businessRow(page, globexId)).toHaveCount(0);
  await expect(businessRow(page, world.acme.id)).toBeVisible();
  expect(await optionLabels(page, page.getByTestId('business-switcher'))).not.toContain(world.globex.name);
  const db = app.db.sqlite;
  expect(db.prepare('SELECT count(*) AS n FROM businesses WHERE id = ?').get(globexId)).toEqual({ n: 0 });
  expect(db.prepare('SELECT count(*) AS n FROM job_runs WHERE business_id = ?').get(globexId)).toEqual({ n: 0 });
  expect(db.prepare('SELECT count(*) AS n FROM job_schedules').get()).toEqual({ n: 0 });
  expect(db.prepare('SELECT business_id FROM users WHERE id = ?').get(world.globexMember.id)).toEqual({ business_id: null });
  expect(db.prepare('SELECT count(*) AS n FROM job_runs WHERE business_id = ?').get(world.acme.id)).toEqual({ n: WORLD_COUNTS.acme });
  // The failure guard (fixtures.ts) fails this test if the deleted business's preview is asked for again.
});

// ---- Users --------------------------------------------------------------------------------------------

test('a system admin moves a user, sets their password, disables and deletes them; sign-in follows each step', async ({ dataDir, launchApp, page, failures }) => {
  failures.allow(/^401 \/api\/auth\.login\b/, 'sign-in is refused with the old password, to the disabled user and to the deleted one');
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  const ann = world.acmeMember;
  const newPassword = 'a brand new passphrase';

  await page.goto(app.url);
  await signIn(page, world.systemAdmin.email);
  await openAdminSection(page, 'users');
  await expect(page.getByTestId(`user-delete-${world.systemAdmin.id}`), 'no one deletes themselves').toBeDisabled();

  // Edit: role and business.
  await page.getByTestId(`user-edit-${ann.id}`).click();
  await chooseOption(page, page.getByTestId('user-edit-role'), 'Business admin');
  await chooseOption(page, page.getByTestId('user-edit-business'), world.globex.name);
  await page.getByTestId('user-edit-submit').click();
  await expect(page.getByTestId('user-edit-submit')).toHaveCount(0);
  await expect(page.getByTestId(`user-role-${ann.id}`)).toHaveText('Business admin');
  await expect(page.getByTestId(`user-business-${ann.id}`)).toHaveText(world.globex.name);
  expect(app.db.sqlite.prepare('SELECT role, business_id FROM users WHERE id = ?').get(ann.id)).toEqual({ role: 'business_admin', business_id: world.globex.id });

  // A new password.
  await page.getByTestId(`user-edit-${ann.id}`).click();
  await page.getByTestId('user-password-input').fill(newPassword);
  await page.getByTestId('user-password-submit').click();
  await expect(page.getByTestId('user-password-done')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('user-password-input')).toHaveCount(0);

  // The user signs in with it, as a business admin of their new business; the old password no longer works.
  await signOut(page);
  await submitSignIn(page, ann.email, TEST_PASSWORD);
  await expect(page.getByTestId('signin-error')).toHaveText(WRONG_CREDENTIALS);
  await signIn(page, ann.email, newPassword);
  await expect(page.getByTestId('current-business')).toHaveText(world.globex.name);
  await openAdminSection(page, 'users');
  await expect(page.getByTestId(`user-row-${world.globexMember.id}`), 'their new business’s member').toBeVisible();
  await expect(page.getByTestId(`user-row-${world.systemAdmin.id}`), 'no one outside their business').toHaveCount(0);
  await expect(page.getByTestId('admin-tab-businesses'), 'a business admin manages no businesses').toHaveCount(0);
  await signOut(page);

  // Disabled: sign-in is refused, saying why.
  await signIn(page, world.systemAdmin.email);
  await openAdminSection(page, 'users');
  await page.getByTestId(`user-toggle-${ann.id}`).click();
  await page.getByTestId('user-disable-confirm').click();
  await expect(page.getByTestId(`user-status-${ann.id}`)).toContainText('Disabled');
  await expect(page.getByTestId(`user-toggle-${ann.id}`)).toHaveText('Enable');
  await signOut(page);
  await submitSignIn(page, ann.email, newPassword);
  await expect(page.getByTestId('signin-error')).toHaveText('This account is disabled.');
  await saveScreenshot(page, 'signin-disabled-user');

  // Deleted, after a confirmation: gone from the list and the file; sign-in says what it says to strangers.
  await signIn(page, world.systemAdmin.email);
  await openAdminSection(page, 'users');
  await page.getByTestId(`user-delete-${ann.id}`).click();
  const confirm = page.getByTestId('user-delete-confirm');
  await expect(page.getByRole('dialog')).toContainText(`Delete ${ann.email}?`);
  await saveScreenshot(page, 'admin-user-delete-confirm');
  await confirm.click();
  await expect(confirm).toHaveCount(0);
  await expect(page.getByTestId(`user-row-${ann.id}`)).toHaveCount(0);
  await expect(page.getByTestId(`user-row-${world.globexMember.id}`)).toBeVisible();
  expect(app.db.sqlite.prepare('SELECT count(*) AS n FROM users WHERE id = ?').get(ann.id)).toEqual({ n: 0 });
  await signOut(page);
  await submitSignIn(page, ann.email, newPassword);
  await expect(page.getByTestId('signin-error')).toHaveText(WRONG_CREDENTIALS);
});

// ---- Schedules ----------------------------------------------------------------------------------------

/** Opens the new-schedule form and fills what every schedule needs; the caller picks the target and submits. */
async function startSchedule(page: Page, schedule: { name: string; jobType: RegExp; cron: string; timeZone: string }): Promise<void> {
  await page.getByTestId('schedule-create').click();
  await page.getByTestId('schedule-name').fill(schedule.name);
  await chooseOption(page, page.getByTestId('schedule-jobtype'), schedule.jobType);
  await page.getByTestId('schedule-timezone').fill(schedule.timeZone);
  await page.getByTestId('schedule-cron').fill(schedule.cron);
  await expect(page.getByTestId('cron-preview').getByRole('listitem')).toHaveCount(5);
}

async function submitScheduleForm(page: Page): Promise<void> {
  await page.getByTestId('schedule-submit').click();
  await expect(page.getByTestId('schedule-form')).toHaveCount(0);
}

async function scheduleIdByName(page: Page, name: string): Promise<number> {
  const row = page.getByTestId('schedules-table').locator('[data-testid^="schedule-row-"]', { hasText: name });
  await expect(row).toHaveCount(1);
  return Number((await row.getAttribute('data-testid'))?.replace('schedule-row-', ''));
}

/** Every next run in the preview is this weekday and time (in the schedule's zone). */
async function expectPreviewAt(page: Page, pattern: RegExp): Promise<void> {
  const items = page.getByTestId('cron-preview').getByRole('listitem');
  await expect(items).toHaveCount(5);
  for (const item of await items.all()) await expect(item).toContainText(pattern);
}

test('a system admin picks where a schedule runs, edits its cron, pauses, resumes and deletes it', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();

  await page.goto(app.url);
  await signIn(page, world.systemAdmin.email);
  await openAdminSection(page, 'schedules');

  // The target picker: a type that runs either way offers system-wide and every business.
  await startSchedule(page, { name: 'Acme probe', jobType: /diagnostics\.probe/, cron: '0 3 * * *', timeZone: 'Europe/Berlin' });
  const target = page.getByTestId('schedule-target');
  expect(await optionLabels(page, target)).toEqual(['System-wide', world.acme.name, world.globex.name]);
  await chooseOption(page, target, world.acme.name);
  await expect(target).toHaveValue(world.acme.name);
  await saveScreenshot(page, 'admin-schedule-target');
  await submitScheduleForm(page);
  const acmeSchedule = await scheduleIdByName(page, 'Acme probe');
  await expect(page.getByTestId(`schedule-owner-${acmeSchedule}`)).toHaveText(world.acme.name);

  // A system-only type offers system-wide alone.
  await startSchedule(page, { name: 'Integrity check', jobType: /maintenance\.integrity_check/, cron: '15 4 * * 0', timeZone: 'UTC' });
  expect(await optionLabels(page, target)).toEqual(['System-wide']);
  await expect(target).toHaveValue('System-wide');
  await submitScheduleForm(page);
  const systemSchedule = await scheduleIdByName(page, 'Integrity check');
  await expect(page.getByTestId(`schedule-owner-${systemSchedule}`)).toHaveText('System-wide');
  expect(app.db.sqlite.prepare('SELECT id, scope, business_id FROM job_schedules ORDER BY id').all()).toEqual([
    { id: acmeSchedule, scope: 'business', business_id: world.acme.id },
    { id: systemSchedule, scope: 'system', business_id: null },
  ]);

  // Edit: the form starts from the schedule, and the preview follows the new cron.
  await page.getByTestId(`schedule-edit-${acmeSchedule}`).click();
  await expect(page.getByTestId('schedule-cron')).toHaveValue('0 3 * * *');
  await expect(page.getByTestId('schedule-jobtype')).toBeDisabled();
  await expect(page.getByTestId('schedule-target'), 'where it runs is fixed once created').toHaveCount(0);
  await expectPreviewAt(page, /\b0?3:00\b/);
  await page.getByTestId('schedule-cron').fill('30 6 * * 1');
  await expectPreviewAt(page, /Mon.*\b06:30\b/);
  await saveScreenshot(page, 'admin-schedule-edit');
  await submitScheduleForm(page);
  const row = page.getByTestId(`schedule-row-${acmeSchedule}`);
  await expect(row).toContainText('30 6 * * 1');
  await expect(page.getByTestId(`schedule-next-${acmeSchedule}`)).toContainText(/Mon.*\b06:30\b/);
  expect(app.db.sqlite.prepare('SELECT cron FROM job_schedules WHERE id = ?').get(acmeSchedule)).toEqual({ cron: '30 6 * * 1' });

  // Pause, then resume.
  const toggle = page.getByTestId(`schedule-toggle-${acmeSchedule}`);
  await expect(toggle).toHaveText('Pause');
  await toggle.click();
  await expect(page.getByTestId(`schedule-state-${acmeSchedule}`)).toHaveText('Paused');
  await expect(page.getByTestId(`schedule-next-${acmeSchedule}`)).toHaveText('—');
  await expect(toggle).toHaveText('Enable');
  expect(app.db.sqlite.prepare('SELECT enabled, next_run_at FROM job_schedules WHERE id = ?').get(acmeSchedule)).toEqual({ enabled: 0, next_run_at: null });
  await saveScreenshot(page, 'admin-schedule-paused');
  await toggle.click();
  await expect(page.getByTestId(`schedule-state-${acmeSchedule}`)).toHaveText('Enabled');
  await expect(page.getByTestId(`schedule-next-${acmeSchedule}`)).toContainText(/Mon.*\b06:30\b/);
  await expect(toggle).toHaveText('Pause');

  // Delete: Cancel keeps it; confirming removes it.
  const dialog = page.getByRole('dialog');
  await page.getByTestId(`schedule-delete-${acmeSchedule}`).click();
  await expect(dialog).toContainText('Delete the schedule “Acme probe”?');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(row).toBeVisible();
  await page.getByTestId(`schedule-delete-${acmeSchedule}`).click();
  await page.getByTestId('schedule-delete-confirm').click();
  await expect(dialog).toHaveCount(0);
  await expect(row).toHaveCount(0);
  await expect(page.getByTestId(`schedule-row-${systemSchedule}`)).toBeVisible();
  expect(app.db.sqlite.prepare('SELECT id FROM job_schedules').all()).toEqual([{ id: systemSchedule }]);
});

// ---- Audit log ----------------------------------------------------------------------------------------

/** YYYY-MM-DDTHH:mm of an instant in UTC, as a datetime-local input takes it (the browser runs in UTC). */
const localInput = (ms: number) => new Date(ms).toISOString().slice(0, 16);

test('the audit log narrows to a time range and loads more pages', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  // A stream of failed sign-ins on two earlier days, recorded by the audit service itself.
  const today = Math.floor(Date.now() / DAY) * DAY;
  const fiveDaysAgo = today - 5 * DAY;
  const threeDaysAgo = today - 3 * DAY;
  const seeded = { [fiveDaysAgo]: 60, [threeDaysAgo]: 70 };
  await withDatabase(dataDir.dbPath, (db) =>
    db.sqlite.transaction(() => {
      for (const [day, count] of Object.entries(seeded)) {
        const tag = Number(day) === threeDaysAgo ? 'day3' : 'day5';
        for (let i = 0; i < count; i++) {
          recordAuditEvent(db, {
            actor: { kind: 'app', label: 'anonymous' },
            action: 'auth.login_failed',
            target: { type: 'user', id: null },
            details: { email: `${tag}-intruder-${i}@example.test`, reason: 'unknown_email' },
            at: Number(day) + 9 * 3_600_000 + i * 60_000,
          });
        }
      }
    })(),
  );
  const app = await launchApp();

  await page.goto(app.url);
  await signIn(page, world.systemAdmin.email);
  await openAdminSection(page, 'audit');
  const table = page.getByTestId('audit-table');
  const loadMore = page.getByTestId('audit-load-more');
  await expect(table).toHaveAttribute('data-state', 'loaded');

  // Everything, newest first, a page of 50 at a time.
  await expect.poll(() => rowCount(page, 'audit-row-')).toBe(50);
  await expect(page.locator('[data-testid^="audit-row-"]').first()).toHaveAttribute('data-action', 'auth.login');
  await loadMore.click();
  await expect.poll(() => rowCount(page, 'audit-row-')).toBe(100);
  await loadMore.click();
  const total = (app.db.sqlite.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n;
  expect(total).toBeGreaterThan(130);
  expect(total).toBeLessThanOrEqual(150);
  await expect.poll(() => rowCount(page, 'audit-row-')).toBe(total);
  await expect(loadMore, 'nothing more to load').toHaveCount(0);

  // Three days ago only: that day's 70 events, in two pages.
  await page.getByTestId('audit-filter-from').fill(localInput(threeDaysAgo));
  await page.getByTestId('audit-filter-to').fill(localInput(threeDaysAgo + DAY));
  await expect(table).toHaveAttribute('data-state', 'loaded');
  await expect.poll(() => rowCount(page, 'audit-row-')).toBe(50);
  await expect(loadMore).toBeVisible();
  await saveScreenshot(page, 'admin-audit-time-filter');
  await loadMore.click();
  await expect.poll(() => rowCount(page, 'audit-row-')).toBe(70);
  await expect(loadMore).toHaveCount(0);
  const rows = page.locator('[data-testid^="audit-row-"]');
  expect(new Set(await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-action'))))).toEqual(new Set(['auth.login_failed']));
  for (const text of await rows.allInnerTexts()) expect(text).toContain('day3-intruder-');

  // A later start narrows further: from 10:00 that day, the events of minutes 60 to 69.
  await page.getByTestId('audit-filter-from').fill(localInput(threeDaysAgo + 10 * 3_600_000));
  await expect(table).toHaveAttribute('data-state', 'loaded');
  await expect.poll(() => rowCount(page, 'audit-row-')).toBe(10);
  await expect(loadMore).toHaveCount(0);

  // Clear brings back everything (the pages loaded before) and empties the filters.
  await page.getByTestId('audit-filter-clear').click();
  await expect(page.getByTestId('audit-filter-from')).toHaveValue('');
  await expect(page.getByTestId('audit-filter-to')).toHaveValue('');
  await expect(table).toHaveAttribute('data-state', 'loaded');
  await expect.poll(() => rowCount(page, 'audit-row-')).toBe(total);
  await expect(page.locator('[data-testid^="audit-row-"]').first()).toHaveAttribute('data-action', 'auth.login');
});

// ---- Usage --------------------------------------------------------------------------------------------

test('usage: opening a business’s row shows its runs per job type', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  // Acme also ran two monthly reports (one failed) and a retention run; its probes are 2 completed, 1 failed.
  const at = Date.now() - 30_000;
  await withDatabase(dataDir.dbPath, (db) => {
    const insert = db.sqlite.prepare(
      `INSERT INTO job_runs (scope, business_id, job_type, status, trigger, created_at, started_at, finished_at, duration_ms)
       VALUES ('business', ?, ?, ?, 'manual', ?, ?, ?, 2000)`,
    );
    const runs: [string, RunStatus][] = [
      ['reports.monthly_usage', 'completed'],
      ['reports.monthly_usage', 'failed'],
      ['runs.retention', 'completed'],
    ];
    for (const [jobType, status] of runs) insert.run(world.acme.id, jobType, status, at, at + 1000, at + 3000);
  });
  const app = await launchApp();

  await page.goto(app.url);
  await signIn(page, world.systemAdmin.email);
  await openAdminSection(page, 'usage');
  await expect(page.getByTestId('usage-table')).toHaveAttribute('data-state', 'loaded');
  const key = `${new Date(at).toISOString().slice(0, 7)}-business-${world.acme.id}`;
  await expect(page.getByTestId(`usage-runs-${key}`)).toHaveText(String(WORLD_COUNTS.acme + 3));
  await expect(page.locator(`[data-testid^="usage-jobtype-${key}-"]`)).toHaveCount(0);

  const expand = page.getByTestId(`usage-expand-${key}`);
  await expect(expand).toHaveAttribute('aria-expanded', 'false');
  await expand.click();
  await expect(expand).toHaveAttribute('aria-expanded', 'true');
  const breakdown: Record<string, { runs: number; failures: number }> = {
    'diagnostics.probe': { runs: WORLD_COUNTS.acme, failures: 1 },
    'reports.monthly_usage': { runs: 2, failures: 1 },
    'runs.retention': { runs: 1, failures: 0 },
  };
  // One row per job type, in job-type order, right under the business.
  const typeRows = page.locator(`tr[data-testid^="usage-jobtype-${key}-"]`);
  await expect(typeRows).toHaveCount(3);
  expect(await typeRows.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-testid')))).toEqual(
    Object.keys(breakdown).map((jobType) => `usage-jobtype-${key}-${jobType}`),
  );
  for (const [jobType, figures] of Object.entries(breakdown)) {
    await expect(page.getByTestId(`usage-jobtype-${key}-${jobType}`)).toContainText(jobType);
    await expect(page.getByTestId(`usage-jobtype-runs-${key}-${jobType}`)).toHaveText(String(figures.runs));
    await expect(page.getByTestId(`usage-jobtype-failures-${key}-${jobType}`)).toHaveText(String(figures.failures));
  }
  await expect(page.locator(`[data-testid^="usage-jobtype-${key.replace(`business-${world.acme.id}`, `business-${world.globex.id}`)}-"]`), 'other rows stay closed').toHaveCount(0);
  await saveScreenshot(page, 'admin-usage-breakdown');

  await expand.click();
  await expect(expand).toHaveAttribute('aria-expanded', 'false');
  await expect(typeRows).toHaveCount(0);
  await expectAppLoaded(page);
});
