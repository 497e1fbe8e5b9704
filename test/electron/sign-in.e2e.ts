// The same sign-in as the browser suite, in the real Electron shell (preload and IPC instead of HTTP).
import { buildTenantWorld } from '../e2e/data';
import { expectHistoryLoaded, expectNumber, saveScreenshot, signIn } from '../e2e/ui';
import { expect, test } from './fixtures';

test('in the Electron app, a member signs in and sees only their business', async ({ dataDir, launchElectron }) => {
  const world = await buildTenantWorld(dataDir.dbPath);
  const { window } = await launchElectron();

  await signIn(window, world.acmeMember.email);
  await expect(window.getByTestId('current-business')).toContainText(world.acme.name);
  await expectHistoryLoaded(window);
  await expectNumber(window.getByTestId('stat-total'), world.acme.runIds.length);
  await saveScreenshot(window, 'electron-member');
});
