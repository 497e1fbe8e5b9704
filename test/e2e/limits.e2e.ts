// Admin › Limits: a system admin sees the limits with their defaults, is told in place when a value cannot be a
// limit, saves new ones (audited), and a member then meets them: a run beyond the pending limit is refused in the
// trigger dialog with the limit and its value.
import { expect, test } from './fixtures';
import { buildTenantWorld } from './data';
import { chooseOption, closeRunDetail, expectAppLoaded, openAdminSection, saveScreenshot, signIn, signOut, triggerRun } from './ui';

test.use({ timezoneId: 'UTC', locale: 'en-US' });

test('a system admin sets the limits per business, and a member’s trigger beyond them is refused with the limit named', async ({ dataDir, launchApp, page, failures }) => {
  failures.allow(/^409 \/api\/jobs\.create\b/, 'the third probe is beyond Acme’s pending limit');
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  await page.goto(app.url);
  await signIn(page, world.systemAdmin.email);
  await openAdminSection(page, 'limits');

  const pending = page.getByTestId('limits-pendingPerBusiness');
  const atOnce = page.getByTestId('limits-runningPerBusiness');
  const triggers = page.getByTestId('limits-triggersPerMinutePerUser');
  await expect(pending).toHaveValue('500');
  await expect(atOnce).toHaveValue('16');
  await expect(triggers).toHaveValue('60');
  await expect(page.getByTestId('limits-panel')).toContainText('Default 500.');
  await saveScreenshot(page, 'admin-limits');

  // A value that cannot be a limit is named under its field, and nothing is sent.
  await pending.fill('0');
  await page.getByTestId('limits-save').click();
  await expect(page.getByTestId('limits-panel')).toContainText('Pending runs per business must be at least 1.');
  await expect(page.getByTestId('limits-saved')).toHaveCount(0);
  await saveScreenshot(page, 'admin-limits-invalid');

  await pending.fill('1');
  await atOnce.fill('1');
  await page.getByTestId('limits-save').click();
  await expect(page.getByTestId('limits-saved')).toBeVisible();
  await page.reload();
  await expectAppLoaded(page);
  await expect(page.getByTestId('limits-pendingPerBusiness')).toHaveValue('1');
  await expect(page.getByTestId('limits-runningPerBusiness')).toHaveValue('1');
  await openAdminSection(page, 'audit');
  await expect(page.getByTestId('admin-view')).toContainText('limits.set');
  await signOut(page);

  // Acme's member: one probe runs (one at once), one waits (one pending), the third is refused.
  await signIn(page, world.acmeMember.email);
  await page.getByTestId('nav-automation').click();
  await expectAppLoaded(page);
  for (let i = 0; i < 2; i++) {
    await triggerRun(page, { jobType: /Diagnostic probe/, params: { durationMs: '120000' } });
    await closeRunDetail(page);
  }
  // The second waits though a slot is free: Acme is at its one run at once.
  await expect(page.getByTestId('active-runs')).toContainText('Waiting for its turn');
  await page.getByTestId('trigger-button').click();
  await chooseOption(page, page.getByTestId('trigger-jobtype'), /Diagnostic probe/);
  await page.getByTestId('trigger-param-durationMs').fill('120000');
  await page.getByTestId('trigger-submit').click();
  await expect(page.getByTestId('trigger-error')).toHaveText(
    'Business Acme Logistics already has 1 pending run and may have at most 1; wait for some to finish or ask a system admin to raise the limit.',
  );
  await saveScreenshot(page, 'trigger-refused-pending-limit');
});
