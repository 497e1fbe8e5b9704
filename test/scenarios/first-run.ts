// There is no default password: on a new database the app asks for the first system administrator.
import { expect } from '@playwright/test';
import { expectAppLoaded, signIn } from '../e2e/ui';
import { type Scenarios } from './index';

export const firstRunScenarios: Scenarios = {
  'on a new database, setup creates the first system admin and lands in the app': async ({ launch }) => {
    const app = await launch();
    const { page } = app;
    await expect(page.getByTestId('setup-form')).toBeVisible();
    await expect(page.getByTestId('signin-form')).toHaveCount(0);
    await app.screenshot('setup');

    await page.getByTestId('setup-email').fill('first.admin@example.test');
    await page.getByTestId('setup-password').fill('a long enough passphrase');
    await page.getByTestId('setup-submit').click();
    await expectAppLoaded(page);
    await app.screenshot('app-first-run');

    const users = app.db.sqlite.prepare('SELECT email, role FROM users').all();
    expect(users).toEqual([{ email: 'first.admin@example.test', role: 'system_admin' }]);
  },

  'setup happens once: signed out, the first admin is asked to sign in and can': async ({ launch }) => {
    const app = await launch();
    const { page } = app;
    await page.getByTestId('setup-email').fill('first.admin@example.test');
    await page.getByTestId('setup-password').fill('a long enough passphrase');
    await page.getByTestId('setup-submit').click();
    await expectAppLoaded(page);

    await page.getByTestId('signout').click();
    await expect(page.getByTestId('signin-form')).toBeVisible();
    await expect(page.getByTestId('setup-form')).toHaveCount(0);
    await app.screenshot('signin');
    await signIn(page, 'first.admin@example.test', 'a long enough passphrase');
  },
};
