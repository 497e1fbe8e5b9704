// Keyboard-first: the command palette (Ctrl+K) goes to a run by id, a page or a business and triggers a job type;
// j/k walk the history and Enter opens the run, j/k then walk the open runs; / searches; ? lists every shortcut; and
// a key typed into a field stays the field's.
import { buildTenantWorld } from './data';
import { expect, test } from './fixtures';
import { expectHistoryLoaded, saveScreenshot, signIn } from './ui';

test('the palette goes to a run by id, a page and a business, and triggers a job type; a run out of reach reads as missing', async ({ dataDir, launchApp, page, failures }) => {
  failures.allow(/^404 \/api\/jobs\.(get|auditTrail)\b/, 'the palette is asked for a run of another business, which reads as missing');
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  await page.goto(app.url);
  await signIn(page, world.systemAdmin.email);
  await expectHistoryLoaded(page);

  await page.keyboard.press('Control+k');
  await expect(page.getByTestId('command-palette')).toBeVisible();
  await page.getByTestId('command-palette-input').fill('acme switch');
  await saveScreenshot(page, 'command-palette');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('command-palette')).toHaveCount(0);
  await expect(page.getByTestId('business-switcher')).toHaveValue(world.acme.name);

  const run = world.acme.runIds[1]!;
  await page.keyboard.press('Control+k');
  await page.getByTestId('command-palette-input').fill(`#${run}`);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('run-detail')).toHaveAttribute('data-run-id', String(run));
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('run-detail')).toHaveCount(0);

  // In Acme's view, a Globex run is not there: the same "no run" as its link.
  const theirs = world.globex.runIds[0]!;
  await page.keyboard.press('Control+k');
  await page.getByTestId('command-palette-input').fill(String(theirs));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('run-detail-error')).toHaveText(`There is no run ${theirs}.`);
  await page.keyboard.press('Escape');

  await page.keyboard.press('Control+k');
  await page.getByTestId('command-palette-input').fill('compare runs');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('compare-view')).toHaveAttribute('data-what', 'runs');

  await page.keyboard.press('Control+k');
  await page.getByTestId('command-palette-input').fill('trigger probe');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('trigger-dialog')).toBeVisible();
  await expect(page.getByTestId('trigger-jobtype')).toHaveValue(/diagnostics\.probe/);
});

test('j and k walk the history, Enter opens the run, and with it open j and k open the next; / searches; ? lists the shortcuts; fields keep their keys', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  await page.goto(app.url);
  await signIn(page, world.acmeMember.email);
  await expectHistoryLoaded(page);
  const ids = await page.getByTestId('history-table').locator('tbody tr[data-testid^="history-row-"]').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-testid')!.slice('history-row-'.length))));
  expect(ids.length).toBeGreaterThanOrEqual(3);

  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await expect(page.getByTestId(`history-row-${ids[1]}`)).toBeFocused();
  await page.keyboard.press('k');
  await expect(page.getByTestId(`history-row-${ids[0]}`)).toBeFocused();
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('run-detail')).toHaveAttribute('data-run-id', String(ids[1]));
  await page.keyboard.press('j');
  await expect(page.getByTestId('run-detail')).toHaveAttribute('data-run-id', String(ids[2]));
  await expect(page.getByTestId(`history-row-${ids[2]}`)).toHaveAttribute('aria-current', 'true');
  await page.keyboard.press('k');
  await expect(page.getByTestId('run-detail')).toHaveAttribute('data-run-id', String(ids[1]));
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('run-detail')).toHaveCount(0);

  // `/` goes to the search, and j, k and ? typed there are text.
  await page.keyboard.press('/');
  await expect(page.getByTestId('filter-search')).toBeFocused();
  await page.keyboard.type('jk?');
  await expect(page.getByTestId('filter-search')).toHaveValue('jk?');
  await expect(page.getByTestId('shortcuts-list')).toHaveCount(0);
  await expect(page.getByTestId('run-detail')).toHaveCount(0);
  await page.getByTestId('filter-search').fill('');

  await page.getByTestId('history-table').focus();
  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcuts-list')).toBeVisible();
  await expect(page.getByTestId('shortcuts-list').locator('tr')).toHaveCount(7);
  await saveScreenshot(page, 'keyboard-shortcuts');
  // A dialog over the page keeps the page's keys from it: j does not move the history behind the list.
  await page.keyboard.press('j');
  await expect(page.getByTestId(`history-row-${ids[2]}`)).not.toHaveAttribute('aria-current', 'true');
  await expect(page.getByTestId(`history-row-${ids[1]}`)).toHaveAttribute('aria-current', 'true');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('shortcuts-list')).toHaveCount(0);
});
