// Triggering, watching, cancelling, retrying and re-running a run with edited params, with the real runner behind the UI.
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

  'a run is re-run from its detail with a param edited: the dialog opens on its type and params, and the runs link both ways': async ({ dataDir, launch }) => {
    const world = await buildTenantWorld(dataDir.dbPath);
    const app = await launch();
    const { page } = app;
    await signIn(page, world.acmeMember.email);

    await triggerRun(page, { jobType: PROBE, params: { durationMs: '300', steps: '3' } });
    const id = Number(await page.getByTestId('run-detail').getAttribute('data-run-id'));
    await page.getByTestId('run-rerun').click();
    const dialog = page.getByTestId('trigger-dialog');
    await expect(dialog).toBeVisible();
    await expect(page.getByRole('dialog', { name: `Edit and re-run #${id}` })).toBeVisible();
    await expect(page.getByTestId('trigger-rerun-note')).toContainText(`#${id}`);
    // Its type is kept; its params are the run's, not the type's defaults (2000 ms, 5 steps).
    await expect(page.getByTestId('trigger-jobtype')).toBeDisabled();
    await expect(page.getByTestId('trigger-jobtype')).toHaveValue(PROBE);
    await expect(page.getByTestId('trigger-param-durationMs')).toHaveValue('300');
    await expect(page.getByTestId('trigger-param-steps')).toHaveValue('3');
    await page.getByTestId('trigger-param-durationMs').fill('450');
    await app.screenshot('run-rerun-dialog');
    await page.getByTestId('trigger-submit').click();
    await expect(dialog).toBeHidden();

    const rerunOf = app.db.sqlite.prepare('SELECT id, params, trigger FROM job_runs WHERE rerun_of_run_id = ?');
    await expect.poll(() => rerunOf.get(id), { message: 'a new run records the run it re-runs' }).toBeDefined();
    const rerun = rerunOf.get(id) as { id: number; params: string; trigger: string };
    expect({ ...rerun, params: JSON.parse(rerun.params) as unknown }).toEqual({ id: rerun.id, params: { durationMs: 450, steps: 3, fail: false }, trigger: 'manual' });
    // The detail moves to the new run, which names the one it re-runs; that one links back, and stays as it was.
    await expect(page.getByTestId('run-detail')).toHaveAttribute('data-run-id', String(rerun.id));
    await expect(page.getByTestId('run-rerun-of')).toHaveText(`#${id}`);
    await app.screenshot('run-detail-rerun');
    // Side by side with the run it repeats: the one param changed.
    await page.getByTestId('run-compare-origin').click();
    await expect(page.getByTestId('compare-params')).toHaveAttribute('data-changed', '1');
    await expect(page.getByTestId('compare-params-durationMs')).toHaveAttribute('data-kind', 'changed');
    await page.goBack();
    await page.getByTestId('run-rerun-of').click();
    await expect(page.getByTestId('run-detail')).toHaveAttribute('data-run-id', String(id));
    await expect(page.getByTestId(`run-rerun-as-${rerun.id}`)).toHaveText(`#${rerun.id}`);
    const paramsOf = app.db.sqlite.prepare('SELECT params FROM job_runs WHERE id = ?').pluck();
    expect(JSON.parse(paramsOf.get(id) as string)).toEqual({ durationMs: 300, steps: 3, fail: false });
  },
};
