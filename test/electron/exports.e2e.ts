// The desktop app's side of exports, which the browser suite cannot reach: Export CSV opens the save dialog, the
// file lands where the person chose, "Show in folder" reveals that file, and a closed dialog saves nothing. The
// dialog and the file manager are replaced inside Electron's main process, so the test chooses the answer.
import fs from 'node:fs';
import path from 'node:path';
import { type ElectronApplication } from '@playwright/test';
import { buildTenantWorld } from '../e2e/data';
import { expectHistoryLoaded, saveScreenshot, signIn } from '../e2e/ui';
import { expect, test } from './fixtures';

/** The save dialog answers `target` (null: the person closes it); revealed files are kept for the test to read. */
async function stubDialog(app: ElectronApplication, target: string | null): Promise<void> {
  await app.evaluate(({ dialog, shell }, chosen) => {
    const revealed: string[] = ((globalThis as { revealed?: string[] }).revealed ??= []);
    const answer = async () => ({ canceled: chosen === null, filePath: chosen ?? '' });
    Object.assign(dialog, { showSaveDialog: answer });
    Object.assign(shell, { showItemInFolder: (file: string) => revealed.push(file) });
  }, target);
}

test('in the Electron app, Export CSV saves where the person chose and shows that file in its folder', async ({ dataDir, launchElectron }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const { app, window } = await launchElectron();
  const target = path.join(dataDir.dir, 'chosen', 'acme runs.csv');
  fs.mkdirSync(path.dirname(target));
  await stubDialog(app, target);

  await signIn(window, world.acmeMember.email);
  await expectHistoryLoaded(window);
  await window.getByTestId(`history-select-${world.acme.runIds[0]}`).check();
  await window.getByTestId('bulk-export').click();
  await window.getByTestId('bulk-confirm').click();
  const result = window.getByTestId('bulk-result');
  await expect(result).toHaveAttribute('data-delivery', 'saved');
  await expect(window.getByTestId('bulk-result-delivery')).toHaveText(`Saved to ${target}.`);
  const written = (await result.getAttribute('data-path'))!;
  expect(fs.readFileSync(target)).toEqual(fs.readFileSync(written));
  await saveScreenshot(window, 'electron-export-saved');

  await window.getByTestId('bulk-result-show').click();
  await expect.poll(() => app.evaluate(() => (globalThis as { revealed?: string[] }).revealed)).toEqual([target]);

  // Closing the dialog saves nothing, and says so.
  fs.rmSync(target);
  await stubDialog(app, null);
  await window.getByTestId('bulk-result-again').click();
  await expect(result).toHaveAttribute('data-delivery', 'not-saved');
  await expect(window.getByTestId('bulk-result-delivery')).toHaveText('Not saved: the save dialog was closed.');
  expect(fs.existsSync(target)).toBe(false);
});
