// Restoring a backup from Admin › Backups: the wizard shows what the backup holds against the live file, asks for the
// typed phrase, restores, and every session ends: the sign-in form says what was restored, and signed in again the
// app shows the backup's data. A corrupted backup is refused in the preview with its reason, and nothing is offered.
import { expect, test } from './fixtures';
import { addIdleBusinessesAndOrphans, buildBackupHistory, buildTenantWorld, corruptBackup, WORLD_COUNTS } from './data';
import { openAdminSection, saveScreenshot, signIn } from './ui';

test.use({ timezoneId: 'UTC', locale: 'en-US' });

const WORLD_RUNS = WORLD_COUNTS.acme + WORLD_COUNTS.globex + WORLD_COUNTS.system + WORLD_COUNTS.orphans;

test('a system admin restores a backup through the wizard, signs in again and sees its data; a corrupted one is refused', async ({ dataDir, launchApp, page, failures }) => {
  failures.allow(/^400 \/api\/backups\.restorePreview\b/, 'the corrupted backup is refused in the preview');
  const world = await buildTenantWorld(dataDir.dbPath);
  const [corrupted, good] = await buildBackupHistory(dataDir.dbPath, [2, 1]);
  // After the backups: two businesses and three orphans that only the live file has.
  await addIdleBusinessesAndOrphans(dataDir.dbPath, { businesses: 2, orphans: 3 });
  corruptBackup(dataDir.dbPath, corrupted!);

  const app = await launchApp();
  await page.goto(app.url);
  await signIn(page, world.systemAdmin.email);
  await openAdminSection(page, 'backups');

  // The corrupted backup: its reason, and no way on.
  await page.locator(`[data-testid="backup-row"][data-name="${corrupted}"]`).getByTestId('backup-restore').click();
  await expect(page.getByTestId('restore-refused')).toContainText(`The backup ${corrupted} cannot be restored.`);
  await expect(page.getByTestId('restore-refused')).toContainText('the checksum does not match the one recorded with it');
  await expect(page.getByTestId('restore-next')).toHaveCount(0);
  await saveScreenshot(page, 'restore-refused');
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // The good one: what it holds against the live file.
  await page.locator(`[data-testid="backup-row"][data-name="${good}"]`).getByTestId('backup-restore').click();
  const figures = page.getByTestId('restore-figures');
  await expect(figures.getByTestId('restore-runs')).toHaveText(`Runs${WORLD_RUNS}${WORLD_RUNS + 3}`);
  await expect(figures.getByTestId('restore-businesses')).toHaveText('Businesses24');
  await expect(figures.getByTestId('restore-orphans')).toHaveText(`Orphans${WORLD_COUNTS.orphans}${WORLD_COUNTS.orphans + 3}`);
  await expect(figures).toContainText('Made 1 day ago');
  await expect(figures.getByTestId('restore-migrates')).toHaveCount(0);
  await saveScreenshot(page, 'restore-preview');

  // The typed phrase: the button waits for it.
  await page.getByTestId('restore-next').click();
  await expect(page.getByTestId('restore-phrase')).toHaveText(`restore ${good}`);
  const confirm = page.getByTestId('restore-confirm-button');
  await page.getByTestId('restore-confirm-input').fill(`restore ${corrupted}`);
  await expect(confirm).toBeDisabled();
  await page.getByTestId('restore-confirm-input').fill(`restore ${good}`);
  await expect(confirm).toBeEnabled();
  await saveScreenshot(page, 'restore-confirm');
  await confirm.click();

  // Every session ended: the sign-in form says what was restored.
  await expect(page.getByTestId('signin-form')).toBeVisible();
  await expect(page.getByTestId('signin-notice')).toContainText(`The database was restored from ${good}.`);
  await expect(page.getByTestId('signin-notice')).toContainText('before-restore-');
  await saveScreenshot(page, 'restore-signed-out');

  await signIn(page, world.systemAdmin.email);
  await expect(page.getByTestId('signin-notice')).toHaveCount(0);
  await openAdminSection(page, 'businesses');
  await expect(page.getByTestId('admin-view')).toContainText(world.acme.name);
  await expect(page.getByTestId('admin-view')).not.toContainText('Quiet Shop');
  await openAdminSection(page, 'backups');
  const first = page.getByTestId('backup-row').first();
  await expect(first).toContainText('Before a restore');
  // The previous file's backup holds what the live file held: its runs, businesses and orphans.
  await expect(first.locator('td').nth(4)).toHaveText(String(WORLD_RUNS + 3));
  await expect(first.locator('td').nth(5)).toHaveText('4');
  await expect(page.getByTestId('orphan-banner')).toContainText(`${WORLD_COUNTS.orphans} run belongs to no existing business`);
  await saveScreenshot(page, 'restore-signed-in-again');
  await openAdminSection(page, 'audit');
  await expect(page.getByTestId('admin-view')).toContainText('backup.restored');
});
