// Triggering, watching, cancelling and retrying a run, with the real runner behind the UI.
import { expect, type Page } from '@playwright/test';
import { buildTenantWorld } from '../e2e/data';
import { closeRunDetail, expectHistoryLoaded, runIds, signIn, triggerRun } from '../e2e/ui';
import { type Scenarios } from './index';

const PROBE = /Diagnostic probe|diagnostics\.probe/;

/** The one active run the UI shows after a trigger: its id, from its data-testid. */
async function theActiveRun(page: Page): Promise<number> {
  await expect.poll(() => runIds(page, 'active-run-')).toHaveLength(1);
  const [id] = await runIds(page, 'active-run-');
  return id!;
}

export const runScenarios: Scenarios = {
  'a triggered probe shows as active, then as completed in the history': async ({ dataDir, launch }) => {
    const world = await buildTenantWorld(dataDir.dbPath);
    const app = await launch();
    const { page } = app;
    await signIn(page, world.acmeMember.email);

    // Long enough to be seen active on a loaded CI machine, short enough to watch it complete.
    await triggerRun(page, { jobType: PROBE, params: { durationMs: '12000' } });
    const id = await theActiveRun(page);
    await expect(page.getByTestId(`active-run-${id}`)).toHaveAttribute('data-status', /pending|running/);
    // The new run's detail opens at once.
    await expect(page.getByTestId('run-detail')).toHaveAttribute('data-run-id', String(id));
    await app.screenshot('run-triggered-detail');
    await closeRunDetail(page);
    await app.screenshot('run-active');

    await expectHistoryLoaded(page);
    await expect(page.getByTestId(`history-row-${id}`)).toHaveAttribute('data-status', 'completed', { timeout: 45_000 });
    await expect(page.getByTestId(`active-run-${id}`)).toHaveCount(0);
    const stored = app.db.sqlite.prepare('SELECT business_id AS businessId, job_type AS jobType, status FROM job_runs WHERE id = ?').get(id);
    expect(stored).toEqual({ businessId: world.acme.id, jobType: 'diagnostics.probe', status: 'completed' });
  },

  'a running probe is cancelled, then retried from its detail': async ({ dataDir, launch }) => {
    const world = await buildTenantWorld(dataDir.dbPath);
    const app = await launch();
    const { page } = app;
    await signIn(page, world.acmeMember.email);

    await triggerRun(page, { jobType: PROBE, params: { durationMs: '120000' } });
    const id = await theActiveRun(page);
    await closeRunDetail(page);
    await expect(page.getByTestId(`active-run-${id}`)).toHaveAttribute('data-status', 'running');
    await page.getByTestId(`cancel-run-${id}`).click();
    await page.getByTestId('cancel-confirm-submit').click();
    await expect(page.getByTestId(`active-run-${id}`)).toHaveCount(0);
    await expect(page.getByTestId(`history-row-${id}`)).toHaveAttribute('data-status', 'cancelled');

    await page.getByTestId(`history-row-${id}`).click();
    await expect(page.getByTestId('run-detail')).toBeVisible();
    await expect(page.getByTestId('run-status')).toContainText(/cancell?ed/i);
    await expect(page.getByTestId('run-audit-trail')).toContainText(/cancel/i);
    // Who cancelled it, by name, not by id.
    await expect(page.getByTestId('run-detail')).toContainText(`Cancelled by${world.acmeMember.email}`);
    await app.screenshot('run-detail-cancelled');

    await page.getByTestId('run-retry').click();
    const retryOf = app.db.sqlite.prepare('SELECT id FROM job_runs WHERE retry_of_run_id = ?').pluck();
    await expect.poll(() => retryOf.get(id), { message: 'a new run records that it retries the cancelled one' }).toBeDefined();
    const retryId = retryOf.get(id) as number;
    // The detail moves to the new run, which names the one it retries.
    await expect(page.getByTestId('run-detail')).toHaveAttribute('data-run-id', String(retryId));
    await expect(page.getByTestId('run-retry-of')).toHaveText(`#${id}`);
    await expect(page.getByTestId('run-status')).toContainText(/pending|running/i);
    await app.screenshot('run-detail-retry');
    const statusOf = app.db.sqlite.prepare('SELECT status FROM job_runs WHERE id = ?').pluck();
    expect(statusOf.get(id), 'the cancelled run stays as it was').toBe('cancelled');
    // And back: the cancelled run links to its retry.
    await page.getByTestId('run-retry-of').click();
    await expect(page.getByTestId('run-detail')).toHaveAttribute('data-run-id', String(id));
    await page.getByTestId(`run-retried-as-${retryId}`).click();
    await expect(page.getByTestId('run-detail')).toHaveAttribute('data-run-id', String(retryId));
  },
};
