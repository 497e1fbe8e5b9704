// Tags on runs: given in the trigger dialog (a bad one says why in words and nothing is created), shown in the history
// and the run's detail, a badge clicked filters the history by its tag (in the URL), typed filters and their chips, a
// filter that never reaches another business's runs, Edit and re-run with the run's tags, the two runs compared, and a
// schedule's tags.
import { type Page } from '@playwright/test';
import { insertUser } from '../helpers/contract-data';
import { buildTenantWorld } from './data';
import { expect, test, type RunningApp } from './fixtures';
import { chooseOption, closeRunDetail, expectHistoryLoaded, openAdminSection, saveScreenshot, signIn } from './ui';

const PROBE = /Diagnostic probe|diagnostics\.probe/;

/** Gives a seeded run its tags as main stores them (JSON by name). */
function tagRun(app: RunningApp, id: number, tags: Record<string, string>): void {
  app.db.sqlite.prepare('UPDATE job_runs SET tags = ? WHERE id = ?').run(JSON.stringify(tags), id);
}

/** Scrolls the history's filters and table into the window, for a screenshot of them. */
async function showHistory(page: Page): Promise<void> {
  await page.evaluate(`document.querySelector('[data-testid="history-table"]').scrollIntoView({ block: 'end' })`);
}

/** The tag badges of a history row, as their text. */
async function rowTags(page: Page, id: number): Promise<string[]> {
  return page.getByTestId(`history-tags-${id}`).locator('.tag-chip').allInnerTexts();
}

test('a member triggers a run with two tags, sees them in the history, filters by a badge, and re-runs it with its tags', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  // Another Acme run with the same name and another value, and a Globex run with the same tag.
  tagRun(app, world.acme.runIds[0]!, { env: 'staging' });
  tagRun(app, world.globex.runIds[0]!, { env: 'prod' });
  const runCount = app.db.sqlite.prepare('SELECT count(*) FROM job_runs').pluck();
  const before = runCount.get() as number;
  await page.goto(app.url);
  await signIn(page, world.acmeMember.email);
  await expectHistoryLoaded(page);

  await page.getByTestId('trigger-button').click();
  const dialog = page.getByTestId('trigger-dialog');
  await chooseOption(page, page.getByTestId('trigger-jobtype'), PROBE);
  await page.getByTestId('trigger-param-durationMs').fill('200');
  await page.getByTestId('trigger-tags-add').click();
  await page.getByTestId('trigger-tags-key-0').fill('env');
  await page.getByTestId('trigger-tags-add').click();
  await page.getByTestId('trigger-tags-key-1').fill('team');
  await page.getByTestId('trigger-tags-value-1').fill('ops');
  // The first tag has no value: sent, it says so in words under its row, and no run is created.
  await page.getByTestId('trigger-submit').click();
  await expect(page.getByTestId('trigger-tags-error-0')).toHaveText('Tag “env” must have a value.');
  await expect(page.getByTestId('trigger-tags-error-1')).toHaveCount(0);
  await expect(dialog).toBeVisible();
  await saveScreenshot(page, 'tags-trigger-error');
  expect(runCount.get(), 'nothing was created').toBe(before);

  await page.getByTestId('trigger-tags-value-0').fill('prod');
  await expect(page.getByTestId('trigger-tags-error-0')).toHaveCount(0);
  await page.getByTestId('trigger-submit').click();
  await expect(dialog).toBeHidden();
  const id = Number(await page.getByTestId('run-detail').getAttribute('data-run-id'));
  expect(app.db.sqlite.prepare('SELECT tags FROM job_runs WHERE id = ?').pluck().get(id)).toBe('{"env":"prod","team":"ops"}');
  await expect(page.getByTestId('run-tags').locator('.tag-chip')).toHaveText(['env=prod', 'team=ops']);
  await saveScreenshot(page, 'tags-run-detail');
  await closeRunDetail(page);

  // The history shows each run's tags by name; the Globex run is not here at all.
  await expectHistoryLoaded(page);
  await expect(page.getByTestId('history-table')).toHaveAttribute('data-rows', String(world.acme.runIds.length + 1));
  await expect.poll(() => rowTags(page, id)).toEqual(['env=prod', 'team=ops']);
  await expect.poll(() => rowTags(page, world.acme.runIds[0]!)).toEqual(['env=staging']);
  await showHistory(page);
  await saveScreenshot(page, 'tags-history');

  // A badge clicked filters by its tag, and does not open the run.
  await page.getByTestId(`history-tags-${id}`).getByRole('button', { name: 'env=prod' }).click();
  await expect(page).toHaveURL(/#\/automation\?tag=env%3Dprod$/);
  await expect(page.getByTestId('run-detail')).toHaveCount(0);
  await expectHistoryLoaded(page);
  await expect(page.getByTestId('history-table')).toHaveAttribute('data-rows', '1');
  await expect(page.getByTestId(`history-row-${id}`)).toBeVisible();
  await expect(page.getByTestId('filter-tag-chip')).toHaveText(['env=prod']);
  await expect(page.getByTestId('bulk-all-matching')).toContainText('All 1 matching');
  await showHistory(page);
  await saveScreenshot(page, 'tags-history-filtered');

  // Typed: without = it says why; name=value adds a chip, and another value of a name replaces it.
  const tagInput = page.getByTestId('filter-tag');
  await tagInput.fill('team');
  await tagInput.press('Enter');
  await expect(page.getByText('Write a tag as name=value, such as env=prod.')).toBeVisible();
  await showHistory(page);
  await saveScreenshot(page, 'tags-filter-error');
  await tagInput.fill('team=ops');
  await tagInput.press('Enter');
  await expect(page.getByTestId('filter-tag-chip')).toHaveText(['env=prod', 'team=ops']);
  await expect(page).toHaveURL(/tag=env%3Dprod&tag=team%3Dops$/);
  await expect(page.getByTestId('history-table')).toHaveAttribute('data-rows', '1');
  await tagInput.fill('env=staging');
  await tagInput.press('Enter');
  await expect(page.getByTestId('filter-tag-chip')).toHaveText(['env=staging', 'team=ops']);
  await expect(page.getByTestId('history-empty')).toBeVisible();
  // A chip's × removes its filter; Clear filters removes them all.
  await page.getByRole('button', { name: 'Stop filtering by team=ops' }).click();
  await expect(page.getByTestId('filter-tag-chip')).toHaveText(['env=staging']);
  await expect(page.getByTestId('history-table')).toHaveAttribute('data-rows', '1');
  await expect(page.getByTestId(`history-row-${world.acme.runIds[0]!}`)).toBeVisible();
  await page.getByTestId('filter-clear').click();
  await expect(page).toHaveURL(/#\/automation$/);
  await expect(page.getByTestId('filter-tag-chip')).toHaveCount(0);
  await expect(page.getByTestId('history-table')).toHaveAttribute('data-rows', String(world.acme.runIds.length + 1));

  // The Tags column hides through the Columns menu, and comes back.
  const tagsHeader = page.getByTestId('history-table').getByRole('columnheader', { name: 'Tags', exact: true });
  await expect(tagsHeader).toBeVisible();
  await page.getByTestId('history-columns').click();
  await page.getByTestId('history-column-tags').uncheck();
  await page.keyboard.press('Escape');
  await expect(tagsHeader).toHaveCount(0);
  await expect(page).toHaveURL(/hide=tags$/);
  await page.getByTestId('history-columns').click();
  await page.getByTestId('history-column-tags').check();
  await page.keyboard.press('Escape');
  await expect(tagsHeader).toBeVisible();

  // Edit and re-run: the dialog has the run's tags; one changed, the new run carries them.
  await page.getByTestId(`history-row-${id}`).click();
  await page.getByTestId('run-rerun').click();
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('trigger-rerun-note')).toContainText('params, tags');
  await expect(page.getByTestId('trigger-tags-key-0')).toHaveValue('env');
  await expect(page.getByTestId('trigger-tags-value-0')).toHaveValue('prod');
  await expect(page.getByTestId('trigger-tags-key-1')).toHaveValue('team');
  await expect(page.getByTestId('trigger-tags-value-1')).toHaveValue('ops');
  await page.getByTestId('trigger-tags-value-1').fill('data');
  await saveScreenshot(page, 'tags-rerun-dialog');
  await page.getByTestId('trigger-submit').click();
  await expect(dialog).toBeHidden();
  const rerun = app.db.sqlite.prepare('SELECT id, tags FROM job_runs WHERE rerun_of_run_id = ?');
  await expect.poll(() => rerun.get(id)).toBeDefined();
  expect(rerun.get(id)).toMatchObject({ tags: '{"env":"prod","team":"data"}' });
  const rerunId = (rerun.get(id) as { id: number }).id;
  await expect(page.getByTestId('run-detail')).toHaveAttribute('data-run-id', String(rerunId));

  // Compared, each run shows its tags beside its other facts.
  await page.getByTestId('run-compare-origin').click();
  await expect(page.getByTestId('compare-run-a-column-tags').locator('.tag-chip')).toHaveText(['env=prod', 'team=ops']);
  await expect(page.getByTestId('compare-run-b-column-tags').locator('.tag-chip')).toHaveText(['env=prod', 'team=data']);
  await saveScreenshot(page, 'tags-compare-runs');
  await page.getByRole('link', { name: `Run #${rerunId}` }).click();

  // From the run's detail, a tag opens the history filtered by it.
  await page.getByTestId('run-tags').getByRole('button', { name: 'team=data' }).click();
  await expect(page).toHaveURL(/#\/automation\?tag=team%3Ddata$/);
  await expect(page.getByTestId('history-table')).toHaveAttribute('data-rows', '1');
});

test('a Globex member filtering by a tag Acme’s runs carry sees only Globex’s own runs with it', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  for (const id of world.acme.runIds) tagRun(app, id, { env: 'prod' });
  const [globexTagged, globexOther] = world.globex.runIds;
  tagRun(app, globexTagged!, { env: 'prod', team: 'ops' });
  tagRun(app, globexOther!, { env: 'staging' });
  await page.goto(app.url);
  await signIn(page, world.globexMember.email);
  await expectHistoryLoaded(page);
  await page.evaluate("window.location.hash = '#/automation?tag=env%3Dprod'");
  await expectHistoryLoaded(page);
  await expect(page.getByTestId('history-table')).toHaveAttribute('data-rows', '1');
  await expect(page.getByTestId(`history-row-${globexTagged!}`)).toBeVisible();
  await expect(page.getByTestId('bulk-all-matching')).toContainText('All 1 matching');
  for (const id of world.acme.runIds) await expect(page.getByTestId(`history-row-${id}`)).toHaveCount(0);
  await showHistory(page);
  await saveScreenshot(page, 'tags-globex-filtered');

  // A system admin over all businesses sees both businesses' runs with the tag.
  await page.getByTestId('signout').click();
  await signIn(page, world.systemAdmin.email);
  await page.evaluate("window.location.hash = '#/automation?tag=env%3Dprod'");
  await expectHistoryLoaded(page);
  await expect(page.getByTestId('history-table')).toHaveAttribute('data-rows', String(world.acme.runIds.length + 1));
});

test('a business admin saves a schedule with tags, sees them in the list, and changes them', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  const admin = insertUser(app.db, { role: 'business_admin', businessId: world.acme.id, email: 'bea@acme.example' });
  await page.goto(app.url);
  await signIn(page, admin.email);
  await openAdminSection(page, 'schedules');

  await page.getByTestId('schedule-create').click();
  await page.getByTestId('schedule-name').fill('Nightly probe');
  await chooseOption(page, page.getByTestId('schedule-jobtype'), PROBE);
  await page.getByTestId('schedule-cron').fill('0 3 * * *');
  await page.getByTestId('schedule-timezone').fill('UTC');
  await page.getByTestId('schedule-tags-add').click();
  await page.getByTestId('schedule-tags-key-0').fill('env');
  await page.getByTestId('schedule-tags-value-0').fill('prod');
  await page.getByTestId('schedule-tags-add').click();
  await page.getByTestId('schedule-tags-key-1').fill('env');
  await page.getByTestId('schedule-tags-value-1').fill('staging');
  await page.getByTestId('schedule-submit').click();
  await expect(page.getByTestId('schedule-tags-error-1')).toHaveText('Tag “env” is given twice: keep one.');
  await expect(page.getByTestId('cron-preview').getByRole('listitem')).toHaveCount(5);
  await saveScreenshot(page, 'tags-schedule-form');
  expect(app.db.sqlite.prepare('SELECT count(*) FROM job_schedules').pluck().get(), 'nothing was created').toBe(0);
  await page.getByTestId('schedule-tags-key-1').fill('team');
  await page.getByTestId('schedule-submit').click();
  await expect(page.getByTestId('schedule-form')).toHaveCount(0);

  const stored = app.db.sqlite.prepare("SELECT id, tags FROM job_schedules WHERE name = 'Nightly probe'").get() as { id: number; tags: string };
  expect(JSON.parse(stored.tags)).toEqual({ env: 'prod', team: 'staging' });
  await expect(page.getByTestId(`schedule-tags-${stored.id}`).locator('.tag-chip')).toHaveText(['env=prod', 'team=staging']);
  await saveScreenshot(page, 'tags-schedules-list');

  // Edited: the form has its tags; one removed, the other changed.
  await page.getByTestId(`schedule-edit-${stored.id}`).click();
  await expect(page.getByTestId('schedule-tags-key-0')).toHaveValue('env');
  await expect(page.getByTestId('schedule-tags-value-1')).toHaveValue('staging');
  await page.getByTestId('schedule-tags-remove-1').click();
  await page.getByTestId('schedule-tags-value-0').fill('qa');
  await page.getByTestId('schedule-submit').click();
  await expect(page.getByTestId('schedule-form')).toHaveCount(0);
  await expect(page.getByTestId(`schedule-tags-${stored.id}`).locator('.tag-chip')).toHaveText(['env=qa']);
  expect(JSON.parse(app.db.sqlite.prepare('SELECT tags FROM job_schedules WHERE id = ?').pluck().get(stored.id) as string)).toEqual({ env: 'qa' });

  // Every tag removed: the schedule has none.
  await page.getByTestId(`schedule-edit-${stored.id}`).click();
  await page.getByTestId('schedule-tags-remove-0').click();
  await page.getByTestId('schedule-submit').click();
  await expect(page.getByTestId('schedule-form')).toHaveCount(0);
  await expect(page.getByTestId(`schedule-tags-${stored.id}`)).toHaveText('—');
  expect(app.db.sqlite.prepare('SELECT tags FROM job_schedules WHERE id = ?').pluck().get(stored.id)).toBeNull();
});
