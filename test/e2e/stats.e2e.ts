// The statistics an operator of many businesses reads: the cards, the table per job type and the businesses
// compared, each figure equal to the service's; sorting by any column; a row that leads into its business; a chart
// of runs per day whose bars hold the service's counts, its dates readable and a day's runs shown by pointer and by
// keyboard; and a duration chart whose axis labels and job types all show, at 1440 and at 900 px.
import { type Locator, type Page } from '@playwright/test';
import { getJobRunStats } from '../../src-main/stats/stats';
import { type JobRunStatsView } from '../../src-shared/schemas/jobs';
import { type TenantScope } from '../../src-shared/tenancy';
import { RUN_STATUS_LABELS, RUN_STATUSES } from '../../src-shared/domain';
import { formatCount, formatDuration, formatPercent } from '../../src-renderer/lib/format';
import { ownerKey, ownerName } from '../../src-renderer/lib/owners';
import { runsTrend } from '../../src-renderer/automation/stats-trend';
import { buildStatsWorld } from './data';
import { expect, test, type RunningApp } from './fixtures';
import { saveScreenshot, signIn, switchBusiness } from './ui';

type TypeRow = JobRunStatsView['byJobType'][number];
type OwnerRow = NonNullable<JobRunStatsView['byBusiness']>[number];
type Figures = Pick<TypeRow, 'total' | 'byStatus' | 'successRate' | 'duration'>;

/** The figures' cells as a row shows them, after its name (and trend). */
const figureCells = (row: Figures) => [
  formatPercent(row.successRate),
  formatDuration(row.duration.p50Ms),
  formatDuration(row.duration.p95Ms),
  formatDuration(row.duration.avgMs),
  formatCount(row.byStatus.failed),
];
const typeCells = (row: TypeRow) => [row.jobType, formatCount(row.total), ...figureCells(row)];
const ownerCells = (row: OwnerRow) => [ownerName(row.owner), formatCount(row.total), runsTrend(row.total, row.previous).label, ...figureCells(row)];

/** What the service answers for the range the view asked (read from the panel), in `scope`. */
async function serviceStats(app: RunningApp, panel: Locator, scope: TenantScope): Promise<JobRunStatsView> {
  const from = Number(await panel.getAttribute('data-from'));
  const to = Number(await panel.getAttribute('data-to'));
  return getJobRunStats(app.db, scope, { from, to, timeZone: 'UTC' });
}

/** Each row's cells, in the order the table shows the rows. */
async function tableCells(page: Page, testId: string): Promise<string[][]> {
  const rows = page.getByTestId(testId).locator('tbody tr');
  const count = await rows.count();
  const cells: string[][] = [];
  for (let i = 0; i < count; i++) cells.push((await rows.nth(i).locator('td').allInnerTexts()).map((text) => text.trim()));
  return cells;
}

/** The rows' keys in the order shown. */
async function rowOrder(page: Page, testId: string): Promise<string[]> {
  const ids = await page.getByTestId(testId).locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-testid') ?? ''));
  return ids.map((id) => id.slice(`${testId}-row-`.length));
}

/** The expected order: by `value`, largest first (or A to Z), nulls last, ties in the service's order. */
function expectedOrder<T>(rows: readonly T[], key: (row: T) => string, value: (row: T) => number | string | null, direction: 'asc' | 'desc'): string[] {
  const ranked = rows.map((row, index) => ({ key: key(row), value: value(row), index }));
  const defined = ranked.filter((row) => row.value !== null);
  defined.sort((a, b) => {
    const [x, y] = [a.value!, b.value!];
    const order = typeof x === 'string' ? x.toLowerCase().localeCompare(String(y).toLowerCase(), 'en') : x - (y as number);
    return (direction === 'asc' ? order : -order) || a.index - b.index;
  });
  return [...defined, ...ranked.filter((row) => row.value === null)].map((row) => row.key);
}

async function sortBy(page: Page, table: string, column: string, direction: 'asc' | 'desc'): Promise<void> {
  const header = page.getByTestId(`${table}-sort-${column}`);
  await header.click();
  if ((await page.getByTestId(table).getAttribute('data-sort')) !== `${column}:${direction}`) await header.click();
  await expect(page.getByTestId(table)).toHaveAttribute('data-sort', `${column}:${direction}`);
}

async function expectCards(page: Page, stats: JobRunStatsView): Promise<void> {
  await expect(page.getByTestId('stat-total')).toHaveText(formatCount(stats.total));
  await expect(page.getByTestId('stat-success-rate')).toHaveText(formatPercent(stats.successRate));
  await expect(page.getByTestId('stat-p50')).toHaveText(formatDuration(stats.duration.p50Ms));
  await expect(page.getByTestId('stat-p95')).toHaveText(formatDuration(stats.duration.p95Ms));
  await expect(page.getByTestId('stat-avg')).toHaveText(formatDuration(stats.duration.avgMs));
}

/** Labels' boxes along an axis: each inside it, and clear of the one before. */
async function expectApart(labels: Locator[], axis: Locator): Promise<void> {
  const outer = (await axis.boundingBox())!;
  const boxes = await Promise.all(labels.map(async (label) => (await label.boundingBox())!));
  for (const [i, box] of boxes.entries()) {
    expect(box.x).toBeGreaterThanOrEqual(outer.x - 0.5);
    expect(box.x + box.width).toBeLessThanOrEqual(outer.x + outer.width + 0.5);
    if (i > 0) expect(box.x, `${await labels[i]!.innerText()} clears the label before it`).toBeGreaterThan(boxes[i - 1]!.x + boxes[i - 1]!.width);
  }
}

/**
 * A bar a day, each day's runs stacked by status as the service counts them, bars as tall as their runs against the
 * axis's top; the dates whole and apart, the last day's among them; pointing at the busiest day, then the arrow key
 * to the day before, shows each day's runs by status.
 */
async function expectReadableDayChart(page: Page, stats: JobRunStatsView): Promise<void> {
  const chart = page.getByTestId('runs-per-day');
  await expect(chart.locator('.day-chart-column')).toHaveCount(stats.perDay.length);
  const top = Number(await chart.getAttribute('data-top'));
  const totals = stats.perDay.map((day) => RUN_STATUSES.reduce((sum, status) => sum + day.byStatus[status], 0));
  expect(top).toBeGreaterThanOrEqual(Math.max(...totals));
  const plot = (await chart.locator('.day-chart-plot').boundingBox())!;
  for (const [i, day] of stats.perDay.entries()) {
    const bar = page.getByTestId(`day-bar-${day.day}`);
    await expect(bar).toHaveAttribute('data-total', String(totals[i]));
    const parts = await bar.locator('[data-status]').evaluateAll((spans) => spans.map((span) => [span.getAttribute('data-status'), Number(span.getAttribute('data-count'))]));
    expect(Object.fromEntries(parts)).toEqual(Object.fromEntries(RUN_STATUSES.filter((status) => day.byStatus[status] > 0).map((status) => [status, day.byStatus[status]])));
    const height = (await bar.locator('.day-chart-bar').boundingBox())?.height ?? 0;
    expect(Math.abs(height - (plot.height * totals[i]!) / top), `${day.day}'s bar is as tall as its runs`).toBeLessThanOrEqual(1.5);
  }
  const labels = await chart.locator('.day-chart-days .axis-label').all();
  expect(labels.length).toBeGreaterThanOrEqual(Math.min(stats.perDay.length, 4));
  expect(await labels.at(-1)!.innerText()).toBe(stats.perDay.at(-1)!.day.slice(5));
  await expectApart(labels, chart.locator('.day-chart-days'));

  const dayRuns = async (i: number) => {
    const tooltip = page.getByTestId('day-tooltip');
    const day = stats.perDay[i]!;
    await expect(tooltip).toContainText(`${day.day} · ${formatCount(totals[i]!)} run`);
    for (const status of RUN_STATUSES.filter((s) => day.byStatus[s] > 0)) await expect(tooltip).toContainText(`${RUN_STATUS_LABELS[status]} ${formatCount(day.byStatus[status])}`);
  };
  const busiest = totals.indexOf(Math.max(...totals));
  await page.getByTestId(`day-bar-${stats.perDay[busiest]!.day}`).hover();
  await dayRuns(busiest);
  await chart.locator('.day-chart-plot').focus();
  await page.keyboard.press(busiest > 0 ? 'ArrowLeft' : 'ArrowRight');
  await dayRuns(busiest > 0 ? busiest - 1 : 1);
  await page.mouse.move(0, 0);
  await chart.locator('.day-chart-plot').blur();
  await expect(page.getByTestId('day-tooltip')).toHaveCount(0);
}

/** Every type's p50 and p95 on the chart; every label whole, inside the chart, and clear of its neighbours. */
async function expectReadableDurationChart(page: Page, stats: JobRunStatsView): Promise<void> {
  const chart = page.getByTestId('duration-chart');
  for (const row of stats.byJobType) {
    const track = page.getByTestId(`duration-row-${row.jobType}`);
    await expect(track).toHaveAttribute('data-p50', String(row.duration.p50Ms));
    await expect(track).toHaveAttribute('data-p95', String(row.duration.p95Ms));
  }
  const ticks = await page.getByTestId('duration-axis').locator('.axis-label').all();
  expect(ticks.length).toBeGreaterThanOrEqual(4);
  await expectApart(ticks, page.getByTestId('duration-axis'));
  // The axis names durations people use, and the job types are whole (not cut short).
  expect((await chart.getAttribute('data-ticks'))!.split(',')).toEqual(expect.arrayContaining(['1 s', '1 min', '1 h']));
  for (const label of await chart.locator('.duration-chart-label').all()) {
    expect(await label.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
  }
}

test('the statistics equal the service, per job type and per business against the previous period, sort by every column, and a business row switches to that business', async ({ dataDir, launchApp, page }) => {
  const world = await buildStatsWorld(dataDir.dbPath);
  const app = await launchApp();
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(app.url);
  await signIn(page, world.systemAdmin.email);

  const ownersPanel = page.getByTestId('stats-owners');
  await expect(page.getByTestId('stats-owners-table')).toBeVisible();
  const all = await serviceStats(app, ownersPanel, { kind: 'all' });
  // Every business, system-wide and orphans, the one that only ran before included; trends in both directions.
  expect(all.byBusiness).toHaveLength(world.businesses.length + 2);
  expect(new Set(all.byBusiness!.map((row) => runsTrend(row.total, row.previous).direction))).toEqual(new Set(['up', 'down']));

  await expectCards(page, all);
  expect(await tableCells(page, 'stats-types-table')).toEqual(all.byJobType.map(typeCells));
  expect(await tableCells(page, 'stats-owners-table')).toEqual(all.byBusiness!.map(ownerCells));
  await expectReadableDurationChart(page, all);
  await expectReadableDayChart(page, all);
  await saveScreenshot(page, 'stats-1440-top');
  await saveScreenshot(page, 'stats-1440-full', { fullPage: true });
  await ownersPanel.scrollIntoViewIfNeeded();
  await saveScreenshot(page, 'stats-1440-tables');

  // Sorting: every column of the per-type table, both ways; the comparison by success rate, trend and name.
  const typeKey = (row: TypeRow) => row.jobType;
  const typeColumns: [string, (row: TypeRow) => number | string | null][] = [
    ['jobType', (row) => row.jobType],
    ['runs', (row) => row.total],
    ['successRate', (row) => row.successRate],
    ['p50', (row) => row.duration.p50Ms],
    ['p95', (row) => row.duration.p95Ms],
    ['avg', (row) => row.duration.avgMs],
    ['failures', (row) => row.byStatus.failed],
  ];
  for (const [column, value] of typeColumns) {
    for (const direction of ['asc', 'desc'] as const) {
      await sortBy(page, 'stats-types-table', column, direction);
      expect(await rowOrder(page, 'stats-types-table'), `job types by ${column} ${direction}`).toEqual(expectedOrder(all.byJobType, typeKey, value, direction));
    }
  }
  const ownerColumns: [string, (row: OwnerRow) => number | string | null][] = [
    ['owner', (row) => ownerName(row.owner)],
    ['trend', (row) => runsTrend(row.total, row.previous).change],
    ['successRate', (row) => row.successRate],
    ['p95', (row) => row.duration.p95Ms],
    ['failures', (row) => row.byStatus.failed],
  ];
  for (const [column, value] of ownerColumns) {
    for (const direction of ['asc', 'desc'] as const) {
      await sortBy(page, 'stats-owners-table', column, direction);
      expect(await rowOrder(page, 'stats-owners-table'), `businesses by ${column} ${direction}`).toEqual(expectedOrder(all.byBusiness!, (row) => ownerKey(row.owner), value, direction));
    }
  }

  // A business's row leads into that business: the switcher, the cards and the per-type table follow.
  const busiest = all.byBusiness!.find((row) => row.owner.kind === 'business' && row.total > 0)!;
  if (busiest.owner.kind !== 'business') throw new Error('no business with runs');
  await page.getByTestId(`stats-owners-table-row-${ownerKey(busiest.owner)}`).click();
  await expect(page.getByTestId('business-switcher')).toHaveValue(busiest.owner.businessName);
  await expect(page.getByTestId('stats-owners')).toHaveCount(0);
  await expect(page.getByTestId('stat-total')).toHaveText(formatCount(busiest.total));
  const one = await serviceStats(app, page.getByTestId('stats-types'), { kind: 'business', businessId: busiest.owner.businessId });
  expect(one.total).toBe(busiest.total);
  await expectCards(page, one);
  // The table keeps the sort chosen above (failures): back to most runs first, the service's order.
  await sortBy(page, 'stats-types-table', 'runs', 'desc');
  await expect.poll(() => tableCells(page, 'stats-types-table')).toEqual(one.byJobType.map(typeCells));
  await saveScreenshot(page, 'stats-1440-one-business');

  // System-wide runs by their row (the link, by keyboard), then orphans.
  await switchBusiness(page, 'All businesses');
  await page.getByTestId('stats-owner-link-system').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('business-switcher')).toHaveValue('System-wide');
  await expect(page.getByTestId('stat-total')).toHaveText(formatCount(all.byBusiness!.find((row) => row.owner.kind === 'system')!.total));
  await switchBusiness(page, 'All businesses');
  await page.getByTestId('stats-owners-table-row-orphans').click();
  await expect(page.getByTestId('business-switcher')).toHaveValue('Orphaned runs');
});

test('at 900 px the cards, both charts and the comparison keep every label and figure in view', async ({ dataDir, launchApp, page }) => {
  const world = await buildStatsWorld(dataDir.dbPath, 7);
  const app = await launchApp();
  await page.setViewportSize({ width: 900, height: 1000 });
  await page.goto(app.url);
  await signIn(page, world.systemAdmin.email);
  await expect(page.getByTestId('stats-owners-table')).toBeVisible();
  const all = await serviceStats(app, page.getByTestId('stats-owners'), { kind: 'all' });
  await expectCards(page, all);
  await expectReadableDurationChart(page, all);
  await expectReadableDayChart(page, all);
  // Every column in view: each table fits inside its panel, without a sideways scroll.
  for (const [panel, table] of [
    ['stats-types', 'stats-types-table'],
    ['stats-owners', 'stats-owners-table'],
  ]) {
    const [outer, inner] = [(await page.getByTestId(panel!).boundingBox())!, (await page.getByTestId(table!).boundingBox())!];
    expect(inner.x + inner.width, `${table} fits inside its panel`).toBeLessThanOrEqual(outer.x + outer.width);
  }
  expect(await tableCells(page, 'stats-owners-table')).toEqual(all.byBusiness!.map(ownerCells));
  await saveScreenshot(page, 'stats-900-top');
  await page.getByTestId('chart-runs-per-day').scrollIntoViewIfNeeded();
  await page.getByTestId(`day-bar-${all.perDay.at(-2)!.day}`).hover();
  await saveScreenshot(page, 'stats-900-days');
  await page.getByTestId('chart-duration-by-type').scrollIntoViewIfNeeded();
  await saveScreenshot(page, 'stats-900-chart');
  // Ninety days: a bar each, the dates thinned to those that fit.
  const weekFrom = (await page.getByTestId('stats-owners').getAttribute('data-from'))!;
  await page.getByTestId('time-range').getByText('90d').click();
  await expect(page.getByTestId('stats-owners')).not.toHaveAttribute('data-from', weekFrom);
  const quarter = await serviceStats(app, page.getByTestId('stats-owners'), { kind: 'all' });
  expect(quarter.perDay.length).toBeGreaterThanOrEqual(90);
  await expectReadableDayChart(page, quarter);
  await page.getByTestId('chart-runs-per-day').scrollIntoViewIfNeeded();
  await saveScreenshot(page, 'stats-900-90-days');
  await page.getByTestId('stats-owners').scrollIntoViewIfNeeded();
  await saveScreenshot(page, 'stats-900-tables');
});
