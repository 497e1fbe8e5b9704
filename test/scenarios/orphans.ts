// The orphan wizards: a system admin adopts a server-edition file, assigns some orphans, deletes the rest.
import fs from 'node:fs';
import { expect } from '@playwright/test';
import { legacyServerDatabase } from '../e2e/data';
import { chooseOption, expectNumber, runIds, signIn } from '../e2e/ui';
import { insertUser } from '../helpers/contract-data';
import { type Scenarios } from './index';

export const orphanScenarios: Scenarios = {
  'adopt a legacy database and complete the assign wizard, then the delete wizard, each ending with a re-check': async ({ dataDir, launch }) => {
    legacyServerDatabase(dataDir.dbPath);
    const app = await launch();
    const { page } = app;
    const sqlite = app.db.sqlite;
    const orphanCount = () => sqlite.prepare("SELECT count(*) FROM job_runs WHERE scope = 'business' AND business_id IS NULL").pluck().get() as number;
    const runsOf = (businessId: number) => sqlite.prepare('SELECT count(*) FROM job_runs WHERE business_id = ?').pluck().get(businessId) as number;
    const admin = insertUser(app.db, { role: 'system_admin', businessId: null, email: 'root@example.test' });
    const business = sqlite.prepare('SELECT id, name FROM businesses WHERE disabled_at IS NULL ORDER BY name LIMIT 1').get() as { id: number; name: string };
    // The window opened before this admin existed (and offered setup): load it again.
    await page.reload();
    const orphans = orphanCount();
    expect(orphans, 'the adopted file has orphans to assign and delete').toBeGreaterThan(2);
    const businessRuns = runsOf(business.id);

    await signIn(page, admin.email);
    await expect(page.getByTestId('orphan-banner')).toContainText(`${orphans} runs belong`);

    // Step 1: the check.
    await page.getByTestId('nav-orphans').click();
    await expect(page.getByTestId('orphans-view')).toBeVisible();
    await expect(page.getByTestId('orphans-check')).toHaveAttribute('data-state', 'loaded');
    await expectNumber(page.getByTestId('orphans-count'), orphans);
    await expect(page.getByTestId(`orphans-business-row-${business.id}`)).toContainText(business.name);
    await expect(page.getByTestId(`orphans-business-runs-${business.id}`)).toHaveText(businessRuns.toLocaleString('en-US'));
    await expect(page.getByTestId('orphans-list')).toHaveAttribute('data-state', 'loaded');
    const listed = await runIds(page, 'orphan-row-');
    expect(listed.length).toBeGreaterThan(2);
    const chosen = listed.slice(0, 2);
    for (const id of chosen) await page.getByTestId(`orphan-select-${id}`).check();
    await expect(page.getByTestId('orphans-selected-count')).toHaveText('2 selected');
    await app.screenshot('orphans-check');

    // Step 2a: assign the 2 selected.
    await page.getByTestId('orphans-assign-start').click();
    await chooseOption(page, page.getByTestId('assign-business'), business.name);
    await expect(page.getByTestId('orphans-scope-selected')).toBeChecked();
    await expect(page.getByTestId('assign-preview-count')).toHaveText('2');
    await expect(page.getByTestId('assign-preview-business')).toHaveText(business.name);
    await app.screenshot('orphans-assign-preview');
    await page.getByTestId('assign-confirm').click();

    // Step 3: done, with the re-check.
    await expect(page.getByTestId('orphans-done')).toBeVisible();
    await expect(page.getByTestId('orphans-result')).toHaveText('2');
    await expect(page.getByTestId('orphans-result-business')).toHaveText(business.name);
    await expect(page.getByTestId('orphans-recheck')).toHaveAttribute('data-state', 'loaded');
    await expectNumber(page.getByTestId('orphans-recheck').getByTestId('orphans-count'), orphans - 2);
    await expect(page.getByTestId(`orphans-business-runs-${business.id}`)).toHaveText((businessRuns + 2).toLocaleString('en-US'));
    await expect(page.getByTestId('orphan-banner')).toContainText(`${orphans - 2} runs belong`);
    for (const id of chosen) expect(sqlite.prepare('SELECT business_id FROM job_runs WHERE id = ?').pluck().get(id)).toBe(business.id);
    expect(orphanCount()).toBe(orphans - 2);

    // Back to the check, then step 2b: delete every remaining orphan.
    await page.getByTestId('orphans-again').click();
    await expect(page.getByTestId('orphans-check')).toHaveAttribute('data-state', 'loaded');
    await expectNumber(page.getByTestId('orphans-count'), orphans - 2);
    await page.getByTestId('orphans-delete-start').click();
    await expect(page.getByTestId('orphans-scope-all')).toBeChecked();
    const remaining = orphans - 2;
    await expect(page.getByTestId('delete-preview-count')).toHaveText(String(remaining));
    const phrase = `delete ${remaining} orphans`;
    await expect(page.getByTestId('delete-phrase')).toHaveText(phrase);
    await expect(page.getByTestId('delete-confirm')).toBeDisabled();
    await page.getByTestId('delete-confirm-input').fill(`delete ${remaining + 1} orphans`);
    await expect(page.getByTestId('delete-confirm')).toBeDisabled();
    await page.getByTestId('delete-confirm-input').fill(phrase);
    await expect(page.getByTestId('delete-confirm')).toBeEnabled();
    await app.screenshot('orphans-delete-confirm');
    await page.getByTestId('delete-confirm').click();

    await expect(page.getByTestId('orphans-done')).toBeVisible();
    await expect(page.getByTestId('orphans-result')).toHaveText(String(remaining));
    const backupPath = (await page.getByTestId('orphans-backup-path').innerText()).trim();
    expect(backupPath).not.toBe('');
    expect(fs.existsSync(backupPath), `the backup ${backupPath} exists`).toBe(true);
    await expect(page.getByTestId('orphans-recheck')).toHaveAttribute('data-state', 'loaded');
    await expectNumber(page.getByTestId('orphans-recheck').getByTestId('orphans-count'), 0);
    await expect(page.getByTestId('orphan-banner')).toHaveCount(0);
    expect(orphanCount()).toBe(0);
    expect(runsOf(business.id), 'the assigned runs were not deleted').toBe(businessRuns + 2);
    await app.screenshot('orphans-done');

    await page.getByTestId('orphans-done-back').click();
    await expect(page.getByTestId('automation-view')).toBeVisible();
  },

  'the orphans changed since the preview: the wizard says so and previews again': async ({ dataDir, launch, failures }) => {
    failures.allow(/^409 \/api\/orphans\.assign\b/, 'main refuses to assign orphans that changed since the preview');
    legacyServerDatabase(dataDir.dbPath);
    const app = await launch();
    const { page } = app;
    const sqlite = app.db.sqlite;
    const orphanIds = () => sqlite.prepare("SELECT id FROM job_runs WHERE scope = 'business' AND business_id IS NULL ORDER BY id").pluck().all() as number[];
    const admin = insertUser(app.db, { role: 'system_admin', businessId: null, email: 'root@example.test' });
    const business = sqlite.prepare('SELECT id, name FROM businesses WHERE disabled_at IS NULL ORDER BY name LIMIT 1').get() as { id: number; name: string };
    // The window opened before this admin existed (and offered setup): load it again.
    await page.reload();
    const before = orphanIds();

    await signIn(page, admin.email);
    await page.getByTestId('nav-orphans').click();
    await expect(page.getByTestId('orphans-check')).toHaveAttribute('data-state', 'loaded');
    await page.getByTestId('orphans-assign-start').click();
    await expect(page.getByTestId('orphans-scope-all')).toBeChecked();
    await chooseOption(page, page.getByTestId('assign-business'), business.name);
    await expect(page.getByTestId('assign-preview-count')).toHaveText(String(before.length));

    // Someone else (the CLI, say) assigns one orphan between the preview and the confirmation.
    sqlite.prepare('UPDATE job_runs SET business_id = ? WHERE id = ?').run(business.id, before[0]);
    await page.getByTestId('assign-confirm').click();
    await expect(page.getByTestId('assign-error')).toContainText('The orphans changed since the preview');
    await expect(page.getByTestId('assign-confirm')).toBeDisabled();
    expect(orphanIds(), 'nothing was assigned').toHaveLength(before.length - 1);

    await page.getByTestId('assign-repreview').click();
    await expect(page.getByTestId('assign-preview-count')).toHaveText(String(before.length - 1));
    await page.getByTestId('assign-confirm').click();
    await expect(page.getByTestId('orphans-result')).toHaveText(String(before.length - 1));
    await expectNumber(page.getByTestId('orphans-recheck').getByTestId('orphans-count'), 0);
    expect(orphanIds()).toEqual([]);
  },
};
