// A change to someone's access reaches the windows they have open, without a reload or a click of theirs
// (account.changed): moved to another business, their window shows that business's runs; disabled, it signs out.
// A business disabled, enabled or renamed is in admin-actions.e2e.ts.
import { buildTenantWorld } from './data';
import { expect, test } from './fixtures';
import { chooseOption, expectHistoryLoaded, openAdminSection, saveScreenshot, signIn } from './ui';

test('a member’s open window follows their account: moved to another business, then disabled', async ({ dataDir, launchApp, page, browser }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  const ann = world.acmeMember;

  const memberContext = await browser.newContext({ timezoneId: 'UTC', locale: 'en-US' });
  const memberPage = await memberContext.newPage();
  await memberPage.goto(app.url);
  await signIn(memberPage, ann.email);
  await expect(memberPage.getByTestId('current-business')).toHaveText(world.acme.name);
  await expectHistoryLoaded(memberPage);
  await expect(memberPage.getByTestId(`history-row-${world.acme.runIds[0]}`)).toBeVisible();

  await page.goto(app.url);
  await signIn(page, world.systemAdmin.email);
  await openAdminSection(page, 'users');
  await page.getByTestId(`user-edit-${ann.id}`).click();
  await chooseOption(page, page.getByTestId('user-edit-business'), world.globex.name);
  await page.getByTestId('user-edit-submit').click();
  await expect(page.getByTestId(`user-business-${ann.id}`)).toHaveText(world.globex.name);

  // Her window now works in Globex: its name, its runs, none of Acme's.
  await expect(memberPage.getByTestId('current-business')).toHaveText(world.globex.name);
  await expectHistoryLoaded(memberPage);
  await expect(memberPage.getByTestId(`history-row-${world.globex.runIds[0]}`)).toBeVisible();
  await expect(memberPage.getByTestId(`history-row-${world.acme.runIds[0]}`)).toHaveCount(0);
  await saveScreenshot(memberPage, 'access-moved-member');

  // Disabled: her window is signed out at once.
  await page.getByTestId(`user-toggle-${ann.id}`).click();
  await page.getByTestId('user-disable-confirm').click();
  await expect(page.getByTestId(`user-status-${ann.id}`)).toContainText('Disabled');
  await expect(memberPage.getByTestId('signin-form')).toBeVisible();
  await expect(memberPage.getByTestId('app-shell')).toHaveCount(0);
  await memberContext.close();
});
