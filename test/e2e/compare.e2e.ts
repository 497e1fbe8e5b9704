// Compare: two runs checked in the history, side by side with their params and results as a difference; and two
// periods of the caller's scope per job type, the largest change first. Both read through jobs.get and jobs.stats,
// so a run of another business reads as missing here as anywhere.
import { buildTenantWorld } from './data';
import { expect, test } from './fixtures';
import { expectHistoryLoaded, saveScreenshot, signIn } from './ui';

const DAY = 86_400_000;

test('two runs checked in the history compare side by side: what differs in their params and results, and their durations', async ({ dataDir, launchApp, page, failures }) => {
  failures.allow(/^404 \/api\/jobs\.get\b/, 'run B is then named as a run of another business, which reads as missing');
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  const [a, b] = [world.acme.runIds[0]!, world.acme.runIds[2]!].sort((x, y) => x - y) as [number, number];
  const set = app.db.sqlite.prepare('UPDATE job_runs SET params = ?, result = ?, duration_ms = ? WHERE id = ?');
  set.run(JSON.stringify({ durationMs: 300, steps: 3, fail: false }), JSON.stringify({ steps: 3, rows: 120 }), 1500, a);
  set.run(JSON.stringify({ durationMs: 450, steps: 3, fail: false, failMessage: 'late' }), JSON.stringify({ steps: 3 }), 2700, b);
  await page.goto(app.url);
  await signIn(page, world.acmeMember.email);
  await expectHistoryLoaded(page);

  await page.getByTestId(`history-select-${a}`).check();
  await expect(page.getByTestId('bulk-compare')).toHaveCount(0);
  await page.getByTestId(`history-select-${b}`).check();
  await page.getByTestId('bulk-compare').click();

  await expect(page.getByTestId('compare-run-a-column')).toHaveAttribute('data-run-id', String(a));
  await expect(page.getByTestId('compare-run-b-column')).toHaveAttribute('data-run-id', String(b));
  await expect(page.getByTestId('compare-params')).toHaveAttribute('data-changed', '2');
  await expect(page.getByTestId('compare-params-durationMs')).toHaveAttribute('data-kind', 'changed');
  await expect(page.getByTestId('compare-params-steps')).toHaveAttribute('data-kind', 'same');
  await expect(page.getByTestId('compare-params-failMessage')).toHaveAttribute('data-kind', 'added');
  await expect(page.getByTestId('compare-result-rows')).toHaveAttribute('data-kind', 'removed');
  await expect(page.getByTestId('compare-duration-change')).toHaveText('Duration: 1.5 s against 2.7 s (A shorter by 1.2 s)');
  await saveScreenshot(page, 'compare-runs', { fullPage: true });

  // Another business's run, named by id, reads as missing, as in its detail.
  const theirs = world.globex.runIds[0]!;
  await page.getByTestId('compare-run-b').fill(String(theirs));
  await page.getByTestId('compare-runs-submit').click();
  await expect(page.getByTestId('compare-run-b-column')).toHaveText(`B: There is no run ${theirs}.`);
  await expect(page.getByTestId('compare-params')).toHaveCount(0);
});

test('two periods compare per job type, the largest change first, and a wrong day is named under its field', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  // Against the 7 days before: backups new this week, reports slower, probes the same (the world's own, all this week, aside).
  const insert = app.db.sqlite.prepare(
    `INSERT INTO job_runs (scope, business_id, job_type, status, trigger, created_at, started_at, finished_at, duration_ms)
     VALUES ('business', ?, ?, ?, 'manual', ?, ?, ?, ?)`,
  );
  const run = (jobType: string, status: string, daysAgo: number, durationMs: number) => {
    const at = Date.now() - daysAgo * DAY - 3_600_000;
    insert.run(world.acme.id, jobType, status, at, at, at + durationMs, durationMs);
  };
  for (let i = 0; i < 4; i++) {
    run('reports.monthly_usage', 'completed', 2, 9_000);
    run('reports.monthly_usage', 'completed', 9, 3_000);
    run('maintenance.integrity_check', 'completed', 1, 500);
  }
  await page.goto(app.url);
  await signIn(page, world.acmeMember.email);
  await page.getByTestId('nav-compare').click();
  await expect(page.getByTestId('compare-periods-table')).toBeVisible();
  const order = await page.getByTestId('compare-periods-table').locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-testid')));
  // Types found in one period only first (the world's probes too, all this week), by name; then the slower reports.
  expect(order).toEqual(['compare-total', 'compare-type-diagnostics.probe', 'compare-type-maintenance.integrity_check', 'compare-type-reports.monthly_usage']);
  await expect(page.getByTestId('compare-type-reports.monthly_usage')).toContainText('4 → 4');
  // p95 9 s against 3 s, as the stats report them (bucketed: 9.3 s and 3.0 s), red for slower.
  await expect(page.getByTestId('compare-type-reports.monthly_usage')).toContainText('3.0 s → 9.3 s+6.3 s');
  await saveScreenshot(page, 'compare-periods', { fullPage: true });

  await page.getByTestId('compare-a-to').fill('2020-01-01');
  await expect(page.getByText('To must be on or after From.')).toBeVisible();
  await expect(page.getByTestId('compare-periods-table')).toBeVisible();
  await page.getByTestId('compare-preset-30').click();
  await expect(page.getByText('To must be on or after From.')).toHaveCount(0);
  expect(new URL(page.url()).hash).toMatch(/^#\/compare\/periods\?a=\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d&b=/);
});
