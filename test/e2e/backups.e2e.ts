// Admin › Backups: a system admin sees every backup with what made it, when, its schema, size, counts and checksum,
// and the total size; checks one (a good one passes; a corrupted one fails and says why in its row); sets the retention
// policy (a value that cannot be one is named under its field); previews a prune, confirms it, and the audit log
// records it.
import { expect, test } from './fixtures';
import { buildBackupHistory, buildTenantWorld, corruptBackup } from './data';
import { openAdminSection, saveScreenshot, signIn } from './ui';

test.use({ timezoneId: 'UTC', locale: 'en-US' });

test('a system admin lists, verifies and prunes the backups, and sets the retention policy', async ({ dataDir, launchApp, page }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const names = await buildBackupHistory(dataDir.dbPath, [40, 30, 20, 2]);
  // Bytes flipped in the middle of the one made 30 days ago.
  corruptBackup(dataDir.dbPath, names[1]!);

  const app = await launchApp();
  await page.goto(app.url);
  await signIn(page, world.systemAdmin.email);
  await openAdminSection(page, 'backups');

  const rows = page.getByTestId('backup-row');
  await expect(rows).toHaveCount(5);
  await expect(rows.first()).toHaveAttribute('data-name', names[3]!);
  await expect(page.getByTestId('backups-summary')).toContainText(/^5 backups, [\d.]+ (KiB|MiB) in all, in /);
  await expect(rows.first()).toContainText('Backup job');
  await expect(rows.first()).toContainText(/sha256 [0-9a-f]{16}…/);
  await expect(rows.last()).toContainText('Before deleting orphans');
  await expect(rows.last()).toContainText('Not recorded (an earlier version made it)');
  await saveScreenshot(page, 'admin-backups');

  await rows.first().getByTestId('backup-verify').click();
  await expect(rows.first().getByTestId('backup-check')).toHaveAttribute('data-state', 'passed');
  const damagedRow = page.locator(`[data-testid="backup-row"][data-name="${names[1]}"]`);
  await damagedRow.getByTestId('backup-verify').click();
  await expect(damagedRow.getByTestId('backup-check')).toHaveAttribute('data-state', 'failed');
  await expect(damagedRow).toContainText('the checksum does not match the one recorded with it');
  await saveScreenshot(page, 'admin-backups-verified');

  // The policy: a value that cannot be one is named under its field; then keep 2, and 7 days.
  const keepLast = page.getByTestId('backup-policy-keepLast');
  await expect(keepLast).toHaveValue('10');
  await keepLast.fill('0');
  await page.getByTestId('backup-policy-save').click();
  await expect(page.getByTestId('backup-policy')).toContainText('Backups kept must be at least 1.');
  await keepLast.fill('2');
  await page.getByTestId('backup-policy-save').click();
  await expect(page.getByTestId('backup-policy-saved')).toBeVisible();

  // Prune now: the preview names what goes (the two oldest recorded ones; the unrecorded one is the only backup of an
  // unknown schema version, so it stays), then they go.
  await page.getByTestId('backups-prune').click();
  const preview = page.getByTestId('backups-prune-preview');
  await expect(preview).toContainText('removes 2 backups');
  for (const name of [names[0]!, names[1]!]) await expect(preview).toContainText(name);
  await saveScreenshot(page, 'admin-backups-prune-preview');
  await page.getByTestId('backups-prune-confirm').click();
  await expect(page.getByTestId('backups-pruned')).toContainText('Removed 2 backups');
  await expect(rows).toHaveCount(3);
  await expect(page.getByTestId('backups-summary')).toContainText(/^3 backups, /);
  await expect(page.getByRole('dialog')).toHaveCount(0); // the preview has finished closing
  await saveScreenshot(page, 'admin-backups-pruned', { fullPage: true });

  await openAdminSection(page, 'audit');
  await expect(page.getByTestId('admin-view')).toContainText('backup.pruned');
  await expect(page.getByTestId('admin-view')).toContainText('backup.policy_set');
});
