// The startup screen decides what happens to a file before anything else is served.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { expect, type Page } from '@playwright/test';
import { databaseFromTheFuture, legacyServerDatabase, notASqliteFile } from '../e2e/data';
import { openAdminSection, signIn } from '../e2e/ui';
import { insertUser } from '../helpers/contract-data';
import { type Scenarios } from './index';

export const startupScenarios: Scenarios = {
  'an adopted server-edition database shows what was converted and how many runs lost their business': async ({ dataDir, launch }) => {
    const legacy = legacyServerDatabase(dataDir.dbPath);
    const app = await launch();
    const { page } = app;
    const orphans = app.db.sqlite.prepare("SELECT count(*) FROM job_runs WHERE scope = 'business' AND business_id IS NULL").pluck().get() as number;
    expect(orphans, 'the fixture has runs whose business is gone').toBeGreaterThan(0);

    // Signed out, the screen tells nothing about the file or its accounts.
    await expect(page.getByTestId('setup-form').or(page.getByTestId('signin-form'))).toBeVisible();
    await expect(page.getByTestId('database-facts')).toHaveCount(0);
    expect(await page.locator('body').innerText()).not.toContain(dataDir.dbPath);
    // A system admin finds it under Admin › Database.
    const admin = insertUser(app.db, { role: 'system_admin', businessId: null, email: 'root@example.test' });
    await page.reload();
    await signIn(page, admin.email);
    await openAdminSection(page, 'database');
    await expect(page.getByTestId('database-path')).toHaveText(dataDir.dbPath);
    const summary = page.getByTestId('adoption-summary');
    await expect(summary).toContainText(`${legacy.businesses.length} businesses`);
    await expect(summary).toContainText(`${legacy.users.length} users`);
    await expect(summary).toContainText(`${legacy.runCount} runs`);
    await expect(page.getByTestId('orphan-notice')).toContainText(`${orphans} orphaned`);
    await app.screenshot('startup-adopted');
  },

  'a database from a newer app is refused untouched, with the reason and nothing else': async ({ dataDir, launch }) => {
    await databaseFromTheFuture(dataDir.dbPath);
    const before = sha256(dataDir.dbPath);
    const app = await launch();
    const { page } = app;
    if (app.startupState !== undefined) expect(app.startupState).toBe('failed');

    await expect(page.getByTestId('startup-error')).toBeVisible();
    await expect(page.getByTestId('startup-error-reason')).toHaveText('The database was written by a newer version of the app.');
    await expect(page.getByTestId('startup-backup-path'), 'nothing was changed, so nothing was backed up').toHaveCount(0);
    expect(await testIdsOutside(page, 'startup-error')).toEqual([]);
    expect(sha256(dataDir.dbPath)).toBe(before);
    // The log file it names holds the failure with its reason, and its path can be copied.
    const logPath = (await page.getByTestId('startup-log-path').innerText()).trim();
    expect(fs.readFileSync(logPath, 'utf8')).toMatch(/\[error\] *\[startup\] the database could not be opened \(newer_schema\)/);
    await page.getByTestId('startup-log-path-copy').click();
    await expect(page.getByTestId('startup-log-path-copy')).toHaveAttribute('data-copied', 'yes');
    await app.screenshot('startup-error-newer-schema');
  },

  'a file that is not a database is refused with the reason and nothing else': async ({ dataDir, launch }) => {
    notASqliteFile(dataDir.dbPath);
    const { page } = await launch();

    await expect(page.getByTestId('startup-error-reason')).toHaveText(/not an Automation Console database|cannot be opened/);
    expect(await testIdsOutside(page, 'startup-error')).toEqual([]);
  },
};

/** Every data-testid on the page that is neither `container` nor inside it: what else the page shows. */
function testIdsOutside(page: Page, container: string): Promise<string[]> {
  return page.locator('[data-testid]').evaluateAll(
    (elements, id) => elements.filter((e) => !e.closest(`[data-testid="${id}"]`)).map((e) => e.getAttribute('data-testid') ?? ''),
    container,
  );
}

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}
