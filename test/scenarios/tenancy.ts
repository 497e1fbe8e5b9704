// Members and business admins see only their own business's runs; a system admin chooses what to see.
import { expect, type Page } from '@playwright/test';
import { buildTenantWorld, WORLD_COUNTS } from '../e2e/data';
import { expectHistoryLoaded, expectNumber, runIds, signIn, submitSignIn, switchBusiness } from '../e2e/ui';
import { type Scenarios } from './index';

const sorted = (ids: readonly number[]) => [...ids].sort((a, b) => a - b);

/** The history shows exactly these runs, and the total counts them. */
async function expectRunsShown(page: Page, ids: readonly number[]): Promise<void> {
  await expectHistoryLoaded(page);
  await expect.poll(async () => sorted(await runIds(page, 'history-row-'))).toEqual(sorted(ids));
  await expectNumber(page.getByTestId('stat-total'), ids.length);
}

export const tenancyScenarios: Scenarios = {
  'a member sees only their own business': async ({ dataDir, launch }) => {
    const world = await buildTenantWorld(dataDir.dbPath);
    const app = await launch();
    const { page } = app;

    await signIn(page, world.acmeMember.email);
    await expect(page.getByTestId('current-business')).toContainText(world.acme.name);
    await expectRunsShown(page, world.acme.runIds);
    await expect(page.getByTestId('business-switcher'), 'only a system admin switches businesses').toHaveCount(0);
    await app.screenshot('app-member');
  },

  'a user without a business sees the no-business screen and no runs': async ({ dataDir, launch }) => {
    const world = await buildTenantWorld(dataDir.dbPath);
    const app = await launch();
    const { page } = app;

    await submitSignIn(page, world.unlinkedMember.email);
    await expect(page.getByTestId('no-business-screen')).toBeVisible();
    await expect(page.getByTestId('history-table')).toHaveCount(0);
    await expect(page.getByTestId('stat-total')).toHaveCount(0);
    await app.screenshot('no-business');
  },

  'a system admin switches businesses and every view counts only its runs': async ({ dataDir, launch }) => {
    const world = await buildTenantWorld(dataDir.dbPath);
    const app = await launch();
    const { page } = app;
    const everything = [...world.acme.runIds, ...world.globex.runIds, ...world.systemRunIds, ...world.orphanRunIds];
    expect(everything).toHaveLength(WORLD_COUNTS.acme + WORLD_COUNTS.globex + WORLD_COUNTS.system + WORLD_COUNTS.orphans);

    await signIn(page, world.systemAdmin.email);
    await expectRunsShown(page, everything);
    await app.screenshot('app-system-admin-all');

    await switchBusiness(page, world.acme.name);
    await expectRunsShown(page, world.acme.runIds);
    await app.screenshot('app-system-admin-one-business');
    await switchBusiness(page, world.globex.name);
    await expectRunsShown(page, world.globex.runIds);
    await switchBusiness(page, 'System-wide');
    await expectRunsShown(page, world.systemRunIds);
    await switchBusiness(page, 'Orphaned runs');
    await expectRunsShown(page, world.orphanRunIds);
    await switchBusiness(page, 'All businesses');
    await expectRunsShown(page, everything);
  },
};
