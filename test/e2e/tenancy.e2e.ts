// Members and business admins see only their own business's runs; a system admin chooses what to see.
import { type Page } from '@playwright/test';
import { buildTenantWorld, WORLD_COUNTS } from './data';
import { expect, test } from './fixtures';
import { expectHistoryLoaded, expectNumber, runIds, saveScreenshot, signIn, submitSignIn, switchBusiness } from './ui';

const sorted = (ids: readonly number[]) => [...ids].sort((a, b) => a - b);

/** The history shows exactly these runs, and the total counts them. */
async function expectRunsShown(page: Page, ids: readonly number[]): Promise<void> {
  await expectHistoryLoaded(page);
  await expect.poll(async () => sorted(await runIds(page, 'history-row-'))).toEqual(sorted(ids));
  await expectNumber(page.getByTestId('stat-total'), ids.length);
}

test('a member sees only their own business', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();

  await page.goto(app.url);
  await signIn(page, world.acmeMember.email);
  await expect(page.getByTestId('current-business')).toContainText(world.acme.name);
  await expectRunsShown(page, world.acme.runIds);
  await expect(page.getByTestId('business-switcher'), 'only a system admin switches businesses').toHaveCount(0);
  await saveScreenshot(page, 'app-member');
});

test('a user without a business sees the no-business screen and no runs', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();

  await page.goto(app.url);
  await submitSignIn(page, world.unlinkedMember.email);
  await expect(page.getByTestId('no-business-screen')).toBeVisible();
  await expect(page.getByTestId('history-table')).toHaveCount(0);
  await expect(page.getByTestId('stat-total')).toHaveCount(0);
  await saveScreenshot(page, 'no-business');
});

test('a system admin switches businesses and every view counts only its runs', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  const everything = [...world.acme.runIds, ...world.globex.runIds, ...world.systemRunIds, ...world.orphanRunIds];
  expect(everything).toHaveLength(WORLD_COUNTS.acme + WORLD_COUNTS.globex + WORLD_COUNTS.system + WORLD_COUNTS.orphans);

  await page.goto(app.url);
  await signIn(page, world.systemAdmin.email);
  await expectRunsShown(page, everything);
  await saveScreenshot(page, 'app-system-admin-all');

  await switchBusiness(page, world.acme.name);
  await expectRunsShown(page, world.acme.runIds);
  await saveScreenshot(page, 'app-system-admin-one-business');
  await switchBusiness(page, world.globex.name);
  await expectRunsShown(page, world.globex.runIds);
  await switchBusiness(page, 'System-wide');
  await expectRunsShown(page, world.systemRunIds);
  await switchBusiness(page, 'Orphaned runs');
  await expectRunsShown(page, world.orphanRunIds);
  await switchBusiness(page, 'All businesses');
  await expectRunsShown(page, everything);
});
