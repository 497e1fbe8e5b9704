// The startup screen decides what happens to a file before anything else is served.
// The scenarios live in test/scenarios/startup.ts; here they run in Chromium against the in-process HTTP shell.
import path from 'node:path';
import { startupScenarios } from '../scenarios/startup';
import { registerScenarios } from '../scenarios/index';
import { databaseFromTheFuture } from './data';
import { expect, test } from './fixtures';

registerScenarios(test, startupScenarios);

test('the error screen copies the log file’s path to the clipboard', async ({ dataDir, launchApp, page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await databaseFromTheFuture(dataDir.dbPath);
  const app = await launchApp();
  await page.goto(app.url);
  const shown = (await page.getByTestId('startup-log-path').innerText()).trim();
  expect(shown).toBe(path.join(dataDir.dir, 'logs', 'main.log'));
  await page.getByTestId('startup-log-path-copy').click();
  await expect(page.getByTestId('startup-log-path-copy')).toHaveText('Copied');
  expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(shown);
});
