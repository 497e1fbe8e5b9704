// When the app's process stops answering, the whole window says so (no stale figures, no endless spinners), names the
// command that started it, and carries on by itself once the app answers again.
import { startHttpShell } from '../../src-main/http/server';
import { buildTenantWorld } from './data';
import { E2E_LAUNCH_COMMAND, expect, test } from './fixtures';
import { RENDERER_ROOT } from './paths';
import { expectHistoryLoaded, saveScreenshot, signIn } from './ui';

test('a lost app covers the whole window, names the command that started it, and is picked up again by itself', async ({ dataDir, launchApp, page, failures }) => {
  failures.allow(/^failed \/api\/[\w.]+: net::ERR_CONNECTION_REFUSED\b/, 'the shell is stopped: every call until it is back finds nobody');
  const world = await buildTenantWorld(dataDir.dbPath);
  const app = await launchApp();
  await page.goto(app.url);
  await signIn(page, world.acmeMember.email);
  await expectHistoryLoaded(page);
  await expect(page.getByTestId('connection-lost')).toHaveCount(0);

  // The app's HTTP shell stops; the next request the page makes finds nobody.
  const { port, token } = app.shell;
  await app.shell.close();
  await page.getByTestId('time-range').getByText('30d', { exact: true }).click();
  const lost = page.getByTestId('connection-lost');
  await expect(lost).toBeVisible();
  await expect(lost.getByTestId('connection-lost-command')).toHaveText(E2E_LAUNCH_COMMAND);
  await saveScreenshot(page, 'connection-lost');

  // Back on the same address: the window carries on without a reload, still signed in, with fresh figures.
  app.shell = await startHttpShell({ core: app.core, staticRoot: RENDERER_ROOT, port, token, launchCommand: E2E_LAUNCH_COMMAND });
  await expect(lost).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByTestId('current-business')).toHaveText(world.acme.name);
  await expectHistoryLoaded(page);
});
