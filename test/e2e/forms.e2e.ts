// Forms an operator trusts: a wrong field is named under it in people's words before anything is sent, main's refusal
// lands under the field it names, no select clears itself, and nobody is created without a business by accident.
import { type Page } from '@playwright/test';
import { buildTenantWorld, TEST_PASSWORD } from './data';
import { expect, test } from './fixtures';
import { chooseOption, openAdminSection, optionLabels, saveScreenshot, signIn, signOut, switchBusiness, triggerRun } from './ui';

/** Counts the calls of `channel` the page makes from now on. */
function countCalls(page: Page, channel: string): () => number {
  let calls = 0;
  page.on('request', (request) => {
    if (request.url().endsWith(`/api/${channel}`)) calls++;
  });
  return () => calls;
}

const fieldError = (page: Page, testId: string) =>
  page.getByTestId(testId).locator('xpath=ancestor::div[contains(@class, "mantine-InputWrapper-root")][1]').locator('.mantine-InputWrapper-error');

test('the new-user form names each wrong field before sending, asks before a user without a business, and starts over after a create', async ({
  dataDir,
  launchApp,
  page,
  failures,
}) => {
  failures.allow(/^409 \/api\/users\.create\b/, 'main refuses an email that is taken');
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  await page.goto(app.url);
  await signIn(page, world.systemAdmin.email);
  await openAdminSection(page, 'users');
  const creates = countCalls(page, 'users.create');

  await page.getByTestId('user-create-email').fill('not an email');
  await page.getByTestId('user-create-password').fill('short');
  await page.getByTestId('user-create-submit').click();
  await expect(fieldError(page, 'user-create-email')).toHaveText('Email must be an email address, such as name@example.com.');
  await expect(fieldError(page, 'user-create-password')).toHaveText('Password must be at least 10 characters.');
  await expect(fieldError(page, 'user-create-business')).toHaveText('Choose a business, or “No business”.');
  await saveScreenshot(page, 'forms-user-create-refused');
  expect(creates(), 'nothing is sent while a field is wrong').toBe(0);

  // Picking the chosen business again keeps it: a required select never clears itself.
  await page.getByTestId('user-create-email').fill('new.member@acme.example');
  await page.getByTestId('user-create-password').fill(TEST_PASSWORD);
  await chooseOption(page, page.getByTestId('user-create-business'), world.acme.name);
  await chooseOption(page, page.getByTestId('user-create-business'), world.acme.name);
  await expect(page.getByTestId('user-create-business')).toHaveValue(world.acme.name);

  // "No business" for a member must be confirmed.
  await chooseOption(page, page.getByTestId('user-create-business'), 'No business');
  await page.getByTestId('user-create-submit').click();
  await expect(page.getByTestId('user-create-without-business')).toBeVisible();
  expect(creates()).toBe(0);
  await chooseOption(page, page.getByTestId('user-create-business'), world.acme.name);
  await page.getByTestId('user-create-submit').click();
  await expect(page.getByTestId('users-table').locator('[data-testid^="user-row-"]', { hasText: 'new.member@acme.example' })).toContainText(world.acme.name);
  expect(creates()).toBe(1);
  // The form starts over: nothing left from the user just created.
  await expect(page.getByTestId('user-create-email')).toHaveValue('');
  await expect(page.getByTestId('user-create-password')).toHaveValue('');
  await expect(page.getByTestId('user-create-business')).toHaveValue('');

  // Main's refusal goes under the field it names: the email is taken.
  await page.getByTestId('user-create-email').fill('new.member@acme.example');
  await page.getByTestId('user-create-password').fill(TEST_PASSWORD);
  await chooseOption(page, page.getByTestId('user-create-business'), world.acme.name);
  await page.getByTestId('user-create-submit').click();
  await expect(page.getByTestId('user-create-error').or(fieldError(page, 'user-create-email'))).toContainText('new.member@acme.example');
});

test('the trigger dialog shows each param by its title and unit, and main’s refusal under the param it names', async ({ dataDir, launchApp, page, failures }) => {
  failures.allow(/^400 \/api\/jobs\.create\b/, 'main refuses a duration over its maximum');
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  await page.goto(app.url);
  await signIn(page, world.acmeMember.email);
  await page.getByTestId('trigger-button').click();
  await chooseOption(page, page.getByTestId('trigger-jobtype'), /diagnostics\.probe/);
  const duration = page.getByTestId('trigger-param-durationMs');
  await expect(page.getByLabel('Duration (ms)')).toBeVisible();
  await duration.fill('700000');
  await page.getByTestId('trigger-submit').click();
  await expect(fieldError(page, 'trigger-param-durationMs')).toHaveText('Duration can be at most 600,000 ms.');
  await expect(page.getByTestId('trigger-error')).toHaveCount(0);
  await saveScreenshot(page, 'forms-trigger-refused');
  await page.keyboard.press('Escape');
  await triggerRun(page, { jobType: /diagnostics\.probe/, params: { durationMs: '10' } });
});

test('the trigger dialog offers only what the caller may run, and never picks system-wide for them', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  await page.goto(app.url);

  await signIn(page, world.acmeMember.email);
  await page.getByTestId('trigger-button').click();
  const memberTypes = await optionLabels(page, page.getByTestId('trigger-jobtype'));
  expect(memberTypes.some((label) => label.includes('diagnostics.probe'))).toBe(true);
  expect(memberTypes.filter((label) => label.includes('maintenance.')), 'system-only types are for system admins').toEqual([]);
  await expect(page.getByTestId('trigger-target'), 'a member runs in their own business').toHaveCount(0);
  await page.keyboard.press('Escape');
  await signOut(page);

  await signIn(page, world.systemAdmin.email);
  await page.getByTestId('trigger-button').click();
  await chooseOption(page, page.getByTestId('trigger-jobtype'), /diagnostics\.probe/);
  await expect(page.getByTestId('trigger-target'), 'in the all-businesses view the admin is asked').toHaveValue('');
  const creates = countCalls(page, 'jobs.create');
  await page.getByTestId('trigger-submit').click();
  await expect(fieldError(page, 'trigger-target')).toHaveText('Choose where it runs: a business, or system-wide.');
  expect(creates(), 'nothing is sent without a place').toBe(0);
  await chooseOption(page, page.getByTestId('trigger-jobtype'), /maintenance\.backup/);
  await expect(page.getByTestId('trigger-target'), 'a system-only type has one place to run').toHaveValue('System-wide');
  await page.keyboard.press('Escape');

  await switchBusiness(page, world.acme.name);
  await page.getByTestId('trigger-button').click();
  await chooseOption(page, page.getByTestId('trigger-jobtype'), /diagnostics\.probe/);
  await expect(page.getByTestId('trigger-target'), 'the switcher’s business').toHaveValue(world.acme.name);
  await saveScreenshot(page, 'forms-trigger-target');
});

test('purging old runs shows how many runs of which business it deletes, and runs only once that is ticked', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  const longAgo = Date.now() - 120 * 86_400_000;
  const insert = app.db.sqlite.prepare(
    "INSERT INTO job_runs (scope, business_id, job_type, status, trigger, created_at, duration_ms) VALUES ('business', ?, 'diagnostics.probe', 'completed', 'manual', ?, 5)",
  );
  for (let i = 0; i < 4; i++) insert.run(world.acme.id, longAgo + i);
  insert.run(world.globex.id, longAgo);
  const oldRuns = (businessId: number) =>
    app.db.sqlite.prepare('SELECT count(*) FROM job_runs WHERE business_id = ? AND created_at < ?').pluck().get(businessId, longAgo + 1000) as number;

  await page.goto(app.url);
  await signIn(page, world.acmeMember.email);
  await page.getByTestId('trigger-button').click();
  await chooseOption(page, page.getByTestId('trigger-jobtype'), /runs\.retention/);
  await expect(page.getByTestId('retention-preview')).toContainText(`4 completed runs of ${world.acme.name} created before`);
  await expect(page.getByTestId('trigger-submit'), 'not before the preview is ticked').toBeDisabled();
  await saveScreenshot(page, 'forms-retention-preview');
  await page.getByTestId('retention-confirm').check();
  await page.getByTestId('trigger-submit').click();
  await expect(page.getByTestId('trigger-dialog')).toBeHidden();
  await expect.poll(() => oldRuns(world.acme.id), { timeout: 15_000 }).toBe(0);
  expect(oldRuns(world.globex.id), 'another business’s runs stay').toBe(1);
});

test('sign-in, a new business and a custom range each name what is wrong, and send nothing wrong', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  await page.goto(app.url);
  const logins = countCalls(page, 'auth.login');
  await page.getByTestId('signin-email').fill('root at example');
  await page.getByTestId('signin-submit').click();
  await expect(fieldError(page, 'signin-email')).toHaveText('Email must be an email address, such as name@example.com.');
  await expect(fieldError(page, 'signin-password')).toHaveText('Password is required.');
  expect(logins()).toBe(0);
  await signIn(page, world.systemAdmin.email);

  await openAdminSection(page, 'businesses');
  const creates = countCalls(page, 'businesses.create');
  await page.getByTestId('business-create-name').fill('   ');
  await page.getByTestId('business-create-submit').click();
  await expect(fieldError(page, 'business-create-name')).toHaveText('Name is required.');
  expect(creates()).toBe(0);

  await page.getByTestId('nav-automation').click();
  await page.getByTestId('time-range').getByText('Custom', { exact: true }).click();
  await page.getByTestId('range-from').fill('2026-03-10');
  await page.getByTestId('range-to').fill('2026-03-01');
  await expect(fieldError(page, 'range-to')).toHaveText('To must be on or after From.');
});
