// The job types page: each type's title, scope, parameters and its runs where the user is looking, a Trigger that
// opens the dialog on that type, and nothing a member may not run offered to them.
import { buildTenantWorld, WORLD_COUNTS } from './data';
import { expect, test } from './fixtures';
import { expectAppLoaded, saveScreenshot, signIn } from './ui';

test('a member reads what each job type does and its runs in their business, and triggers one from its card', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  await page.goto(app.url);
  await signIn(page, world.acmeMember.email);
  await page.getByTestId('nav-job-types').click();
  await expect(page.getByTestId('job-types-view')).toBeVisible();
  await expectAppLoaded(page);

  const probe = page.getByTestId('job-type-diagnostics.probe');
  await expect(probe).toContainText('Diagnostic probe');
  await expect(probe).toContainText('Duration (ms)');
  const figures = page.getByTestId('job-type-figures-diagnostics.probe');
  await expect(figures).toContainText(`Runs (all time)${WORLD_COUNTS.acme}`);
  const newest = world.acme.runIds[0]!;
  await expect(page.getByTestId('job-type-last-diagnostics.probe')).toHaveAttribute('href', `#/runs/${newest}`);
  // System-only types are listed for what they are, but not offered to a member.
  await expect(page.getByTestId('job-type-trigger-maintenance.backup')).toHaveCount(0);
  await saveScreenshot(page, 'job-types');

  await page.getByTestId('job-type-trigger-diagnostics.probe').click();
  await expect(page.getByTestId('trigger-jobtype')).toHaveValue(/Diagnostic probe/);
  await page.getByTestId('trigger-submit').click();
  await expect(page.getByTestId('run-detail')).toBeVisible();
  const created = app.db.sqlite.prepare("SELECT COUNT(*) FROM job_runs WHERE business_id = ? AND job_type = 'diagnostics.probe'").pluck().get(world.acme.id);
  expect(created).toBe(WORLD_COUNTS.acme + 1);
});
