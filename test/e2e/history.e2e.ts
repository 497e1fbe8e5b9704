// What an operator scans the history for: the error of a failed run in its own column (first line, all of it on
// hover), a layout that keeps Created, Status and Duration in view at 900 px, and the bulk bar's "All N matching"
// count following the runs as they arrive.
import { buildTenantWorld } from './data';
import { expect, test } from './fixtures';
import { expectHistoryLoaded, saveScreenshot, signIn, triggerRun } from './ui';

const ERROR = 'Connection refused by billing.internal:5432\n    at connect (db.ts:12)\n    at run (job.ts:40)';

test('a failed run’s error shows in the history, first line in the column and all of it on hover', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  const failed = world.acme.runIds[1]!;
  app.db.sqlite.prepare('UPDATE job_runs SET error = ? WHERE id = ?').run(ERROR, failed);
  await page.goto(app.url);
  await signIn(page, world.acmeMember.email);
  await expectHistoryLoaded(page);
  const cell = page.getByTestId(`history-row-${failed}`).getByTitle(ERROR);
  await expect(cell).toHaveText('Connection refused by billing.internal:5432');
  await expect(page.getByTestId('history-table').getByRole('columnheader', { name: 'Error' })).toBeVisible();
  await saveScreenshot(page, 'history-error-column');
});

test('at 900 px the history keeps Created, Status and Duration in view; at 1440 px all but Started', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  await page.setViewportSize({ width: 900, height: 900 });
  await page.goto(app.url);
  await signIn(page, world.systemAdmin.email);
  await expectHistoryLoaded(page);
  const scroller = (await page.getByTestId('history-table').boundingBox())!;
  for (const name of ['Status', /Created/, /Duration/]) {
    const header = (await page.getByTestId('history-table').getByRole('columnheader', { name }).boundingBox())!;
    expect(header.x + header.width, `${String(name)} ends inside the table`).toBeLessThanOrEqual(scroller.x + scroller.width + 1);
  }
  await expect(page.getByTestId('history-table').getByRole('columnheader', { name: /Started/ })).toHaveCount(0);
  // The header fits on one line: the switcher, the links, the time switch and Sign out all in view.
  for (const testId of ['business-switcher', 'nav-job-types', 'time-display', 'signout']) {
    const box = (await page.getByTestId(testId).boundingBox())!;
    expect(box.x + box.width, `${testId} ends inside the window`).toBeLessThanOrEqual(900);
    expect(box.y + box.height, `${testId} stays in the 60 px header`).toBeLessThanOrEqual(60);
  }
  await saveScreenshot(page, 'history-900px');

  await page.setViewportSize({ width: 1440, height: 900 });
  for (const name of ['Error', 'Trigger', 'Triggered by', 'Business']) await expect(page.getByTestId('history-table').getByRole('columnheader', { name, exact: true })).toBeVisible();
});

test('“All N matching the filter” follows the runs as they arrive', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  await page.goto(app.url);
  await signIn(page, world.acmeMember.email);
  await expectHistoryLoaded(page);
  const allMatching = page.getByTestId('bulk-all-matching');
  await expect(allMatching).toContainText(`All ${world.acme.runIds.length} matching`);
  await triggerRun(page, { jobType: /Diagnostic probe/, params: { durationMs: '60000' } });
  await expect(allMatching).toContainText(`All ${world.acme.runIds.length + 1} matching`);
});
