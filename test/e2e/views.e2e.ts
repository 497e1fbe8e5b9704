// Saved views: save the Automation view's filters and columns under a name, open it from the Views menu or the palette, make it
// the default that opens on an empty Automation URL, delete it after confirming; a system admin's view shared with the
// system admins keeps the switcher's choice, and a member never sees it.
import { buildTenantWorld } from './data';
import { expect, test } from './fixtures';
import { expectHistoryLoaded, saveScreenshot, signIn } from './ui';

test('a member saves a filtered view as their default, it opens by itself and from the palette, is renamed and re-saved, and is deleted after a confirmation', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  await page.goto(app.url);
  await signIn(page, world.acmeMember.email);
  await expectHistoryLoaded(page);
  await page.evaluate("window.location.hash = '#/automation?status=failed'");
  await expect(page.getByTestId('history-table')).toHaveAttribute('data-rows', '1');
  // The history's columns are part of the view: Trigger hidden by choice.
  const triggerHeader = page.getByTestId('history-table').getByRole('columnheader', { name: 'Trigger', exact: true });
  await expect(triggerHeader).toBeVisible();
  await page.getByTestId('history-columns').click();
  await page.getByTestId('history-column-trigger').uncheck();
  await page.keyboard.press('Escape');
  await expect(triggerHeader).toHaveCount(0);
  await expect(page.getByTestId('history-columns')).toHaveText('Columns (1 hidden)');

  await page.getByTestId('views-menu').click();
  await page.getByTestId('views-save').click();
  await page.getByTestId('view-name').fill('My failures');
  await page.getByTestId('view-default').check();
  await saveScreenshot(page, 'view-save');
  await page.getByTestId('view-save-submit').click();
  await expect(page.getByTestId('view-save-form')).toHaveCount(0);
  const stored = app.db.sqlite.prepare("SELECT id, query, sharing, scope FROM saved_views WHERE name = 'My failures'").get() as { id: number; query: string; sharing: string; scope: string | null };
  expect(stored).toMatchObject({ query: 'status=failed&hide=trigger', sharing: 'personal', scope: null });

  // Back to an empty Automation URL in a new page load: the default view opens.
  await page.evaluate("window.location.hash = '#/automation'");
  await expect(page.getByTestId('history-table')).toHaveAttribute('data-rows', String(world.acme.runIds.length));
  await page.reload();
  await expect(page).toHaveURL(/#\/automation\?status=failed&hide=trigger$/);
  await expect(page.getByTestId('history-table')).toHaveAttribute('data-rows', '1');
  await expect(triggerHeader).toHaveCount(0);

  await page.evaluate("window.location.hash = '#/job-types'");
  await page.keyboard.press('Control+k');
  await page.getByTestId('command-palette-input').fill('my failures');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/automation\?status=failed&hide=trigger$/);

  await page.getByTestId('views-menu').click();
  await expect(page.getByTestId(`view-open-${stored.id}`)).toHaveText('My failures (default)');
  await saveScreenshot(page, 'views-menu');
  await page.keyboard.press('Escape');

  // Renamed, and brought up to the view as it is now (completed runs, every column).
  await page.evaluate("window.location.hash = '#/automation?status=completed'");
  await expect(page.getByTestId('history-table')).toHaveAttribute('data-rows', '2');
  await page.getByTestId('views-menu').click();
  await page.getByTestId('views-manage').click();
  await page.getByTestId(`view-rename-${stored.id}`).click();
  await page.getByTestId(`view-rename-input-${stored.id}`).fill('Completed');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId(`view-row-${stored.id}`)).toContainText('Completed');
  await page.getByTestId(`view-resave-${stored.id}`).click();
  await expect.poll(() => app.db.sqlite.prepare('SELECT name, query FROM saved_views WHERE id = ?').get(stored.id)).toEqual({ name: 'Completed', query: 'status=completed' });
  await saveScreenshot(page, 'views-manage');
  await page.getByTestId(`view-delete-${stored.id}`).click();
  await expect(page.getByTestId('view-delete-confirm')).toContainText('Only you had it.');
  await page.getByTestId('view-delete-submit').click();
  await expect(page.getByTestId(`view-row-${stored.id}`)).toHaveCount(0);
  expect(app.db.sqlite.prepare('SELECT count(*) FROM saved_views').pluck().get()).toBe(0);
});

test('a system admin’s view shared with the system admins keeps the switcher’s choice; a member does not see it', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  await page.goto(app.url);
  await signIn(page, world.systemAdmin.email);
  await expectHistoryLoaded(page);
  await page.keyboard.press('Control+k');
  await page.getByTestId('command-palette-input').fill('switch globex');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('business-switcher')).toHaveValue(world.globex.name);

  await page.getByTestId('views-menu').click();
  await page.getByTestId('views-save').click();
  await page.getByTestId('view-name').fill('Globex at a glance');
  await page.getByTestId('view-sharing-system_admins').check();
  await page.getByTestId('view-save-submit').click();
  await expect(page.getByTestId('view-save-form')).toHaveCount(0);
  const view = app.db.sqlite.prepare("SELECT id, sharing, scope FROM saved_views WHERE name = 'Globex at a glance'").get() as { id: number; sharing: string; scope: string };
  expect({ ...view, scope: JSON.parse(view.scope) as unknown }).toEqual({ id: view.id, sharing: 'system_admins', scope: { kind: 'business', businessId: world.globex.id } });

  // Elsewhere in the switcher, the view brings its choice back.
  await page.keyboard.press('Control+k');
  await page.getByTestId('command-palette-input').fill('switch all businesses');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('business-switcher')).toHaveValue('All businesses');
  await page.getByTestId('views-menu').click();
  await page.getByTestId(`view-open-${view.id}`).click();
  await expect(page.getByTestId('business-switcher')).toHaveValue(world.globex.name);

  await page.getByTestId('signout').click();
  await signIn(page, world.acmeMember.email);
  await page.getByTestId('views-menu').click();
  await expect(page.getByTestId('views-dropdown')).toContainText('No saved views yet');
});
