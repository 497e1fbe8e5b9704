// Times name their zone: lists read "5 min ago" with the instant and zone on hover, the history's headers and the
// custom range name the zone they are in, and a user's choice of local time or UTC holds everywhere (the per-day
// series included) and stays with their account.
import { buildTenantWorld } from './data';
import { expect, test } from './fixtures';
import { expectHistoryLoaded, saveScreenshot, signIn, signOut } from './ui';

test.use({ timezoneId: 'America/New_York', locale: 'en-US' });

test('a user switches every time from their zone to UTC, and the choice stays with their account', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  const run = world.acme.runIds[0]!;
  await page.goto(app.url);
  await signIn(page, world.acmeMember.email);
  await expectHistoryLoaded(page);

  const toggle = page.getByTestId('time-display');
  await expect(toggle.getByRole('radio', { name: 'Local (America/New_York)' })).toBeChecked();
  await expect(page.getByRole('columnheader', { name: /^Created \((EST|EDT)\)/ })).toBeVisible();
  const recentTime = page.getByTestId(`recent-run-${run}`).locator('time');
  await expect(recentTime).toHaveText(/min ago|just now/);
  await expect(recentTime).toHaveAttribute('title', /(EST|EDT)$/);

  const statsAsked = page.waitForRequest((request) => request.url().endsWith('/api/jobs.stats') && request.postData()?.includes('"timeZone":"UTC"') === true);
  await toggle.getByText('UTC', { exact: true }).click();
  await statsAsked;
  await expect(page.getByRole('columnheader', { name: /^Created \(UTC\)/ })).toBeVisible();
  await expect(page.getByTestId(`recent-run-${run}`).locator('time')).toHaveAttribute('title', /UTC$/);
  await page.getByTestId('time-range').getByText('Custom', { exact: true }).click();
  await expect(page.getByTestId('range-from')).toBeVisible();
  await expect(page.getByText('From (UTC)')).toBeVisible();
  await saveScreenshot(page, 'time-display-utc');
  expect(app.db.sqlite.prepare('SELECT time_display FROM users WHERE id = ?').pluck().get(world.acmeMember.id)).toBe('utc');

  // Signed in again, still UTC; another user is untouched.
  await signOut(page);
  await signIn(page, world.acmeMember.email);
  await expect(page.getByTestId('time-display').getByRole('radio', { name: 'UTC' })).toBeChecked();
  expect(app.db.sqlite.prepare('SELECT time_display FROM users WHERE id = ?').pluck().get(world.globexMember.id)).toBe('local');
});
