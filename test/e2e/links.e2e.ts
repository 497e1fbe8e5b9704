// Links to share: "Copy link" on a run and on a filtered view copies the page's address with the route in its hash
// (never the shell's token); opened, it lands on the same run or view; a run the opener may not see reads as missing.
import { buildTenantWorld } from './data';
import { expect, test } from './fixtures';
import { expectHistoryLoaded, saveScreenshot, signIn } from './ui';

test('a run’s link and a filtered view’s link open the same run and view; another business’s run reads as missing', async ({ dataDir, launchApp, page, context, failures }) => {
  failures.allow(/^404 \/api\/jobs\.(get|auditTrail)\b/, 'a Globex member opens the link to an Acme run, which reads as missing');
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  await page.goto(app.url);
  await signIn(page, world.acmeMember.email);
  await expectHistoryLoaded(page);

  const run = world.acme.runIds[1]!;
  await page.getByTestId(`history-row-${run}`).click();
  const copyRun = page.getByTestId('run-copy-link');
  await copyRun.click();
  await expect(copyRun).toHaveAttribute('data-copied', 'yes');
  await expect(copyRun).toHaveText('Link copied');
  const runLink = (await copyRun.getAttribute('data-link'))!;
  expect(runLink).toBe(`${new URL(app.url).origin}/#/runs/${run}`);
  expect(await page.evaluate('navigator.clipboard.readText()')).toBe(runLink);
  await saveScreenshot(page, 'run-copy-link');
  await page.keyboard.press('Escape');

  await page.getByTestId('filter-search').fill('diagnostics');
  await expect(page).toHaveURL(/q=diagnostics/);
  const viewLink = (await page.getByTestId('view-copy-link').getAttribute('data-link'))!;
  expect(viewLink).toMatch(/\/#\/automation\?(.*&)?q=diagnostics/);

  await page.goto(`${new URL(app.url).origin}/#/job-types`);
  await page.goto(runLink);
  await expect(page.getByTestId('run-detail')).toHaveAttribute('data-run-id', String(run));
  await page.goto(viewLink);
  await expect(page.getByTestId('filter-search')).toHaveValue('diagnostics');

  // Someone of another business opens the run's link: nothing about it, the same words as for a run that does not exist.
  await page.getByTestId('signout').click();
  await signIn(page, world.globexMember.email);
  await page.goto(runLink);
  await expect(page.getByTestId('run-detail-error')).toHaveText(`There is no run ${run}.`);
});
