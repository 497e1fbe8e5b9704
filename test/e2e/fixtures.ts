// Actual Budget's fixture design: every test gets its own data folder and database file, built by code, and
// its own app (the real core and HTTP shell, in this worker) on a random 127.0.0.1 port with its own token.
// `app` starts on a fresh file; `launchApp()` starts on whatever the test put at `dataDir.dbPath` first,
// including a broken, legacy or future file (the app then shows its startup screen, not an exception).
// `failures` guards every test: what its page reports going wrong fails it unless declared (failures.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';
import { type AppCore, type AppStartup, createAppCore } from '../../src-main/app-core';
import { type AppDatabase } from '../../src-main/db/connection';
import { type HttpShell, startHttpShell } from '../../src-main/http/server';
import { configureLog, resetLog } from '../../src-main/log';
import { type AppLauncher } from '../scenarios/app';
import { MIGRATIONS_FOLDER } from './data';
import { type ExpectedFailures, FailureGuard } from './failures';
import { RENDERER_ROOT } from './paths';
import { saveScreenshot } from './ui';

export { expect } from '@playwright/test';

/** What the shell tells the page started it, as `npm start` does. */
export const E2E_LAUNCH_COMMAND = 'npm start';

export interface DataDir {
  dir: string;
  /** Does not exist until a test builds it (or the app creates it). */
  dbPath: string;
}

export interface RunningApp {
  /** The page to open: the shell's address with its token. */
  url: string;
  dbPath: string;
  core: AppCore;
  shell: HttpShell;
  startup: AppStartup;
  /** The app's own connection, for reading what the UI wrote. Throws when the start failed. */
  readonly db: AppDatabase;
}

export interface AppFixtures {
  dataDir: DataDir;
  /** Starts the app on dataDir.dbPath (engine on: the runner and scheduler run); stopped after the test. */
  launchApp: () => Promise<RunningApp>;
  /** The app on a fresh, empty database. */
  app: RunningApp;
  /** The shared scenarios' handle (test/scenarios): launchApp, then this test's page opened on the shell. */
  launcher: AppLauncher;
  /** The failures this test provokes on purpose: `failures.allow(pattern, why)`. */
  failures: ExpectedFailures;
  /** Watches `page`; after the test body, fails the test on what it saw that was not declared. */
  failureGuard: FailureGuard;
}

export const test = base.extend<AppFixtures>({
  failureGuard: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
    async ({}, use) => {
      const guard = new FailureGuard();
      await use(guard);
      // Torn down after every fixture that uses it, so its pages are closed and its apps stopped by now; `page` and
      // `launchApp` ended the body before they did that.
      guard.endBody();
      const verdict = guard.verdict();
      if (verdict) throw new Error(verdict);
    },
    { auto: true },
  ],

  failures: async ({ failureGuard }, use) => {
    await use(failureGuard);
  },

  page: async ({ page, failureGuard }, use) => {
    failureGuard.watch(page);
    await use(page);
    failureGuard.endBody();
  },

  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  dataDir: async ({}, use, testInfo) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'automation-e2e-'));
    await use({ dir, dbPath: path.join(dir, 'automation.db') });
    // A failed test keeps its database for a look afterwards.
    if (testInfo.status === testInfo.expectedStatus) fs.rmSync(dir, { recursive: true, force: true });
    else testInfo.annotations.push({ type: 'data folder', description: dir });
  },

  launchApp: async ({ dataDir, failureGuard }, use) => {
    const running: RunningApp[] = [];
    await use(async () => {
      const app = await startApp(dataDir.dbPath);
      running.push(app);
      return app;
    });
    failureGuard.endBody();
    for (const app of running.reverse()) {
      await app.shell.close();
      await app.core.close();
    }
    resetLog();
  },

  app: async ({ launchApp }, use) => {
    await use(await launchApp());
  },

  launcher: async ({ dataDir, launchApp, page, failures }, use) => {
    await use({
      dataDir,
      failures,
      launch: async () => {
        const app = await launchApp();
        await page.goto(app.url);
        return {
          page,
          get db() {
            return app.db;
          },
          startupState: app.startup.state,
          screenshot: (name) => saveScreenshot(page, name),
        };
      },
    });
  },
});

async function startApp(dbPath: string): Promise<RunningApp> {
  if (!fs.existsSync(path.join(RENDERER_ROOT, 'index.html'))) throw new Error(`The renderer is not built: ${RENDERER_ROOT}/index.html is missing.`);
  // The log goes where a shell sends it, here into the test's own folder (the error screen names it), and not onto
  // Playwright's output.
  configureLog({ folder: path.join(path.dirname(dbPath), 'logs'), console: false });
  const core = createAppCore({ argv: ['--db', dbPath], env: {}, migrationsFolder: MIGRATIONS_FOLDER, checkOutput: true, engine: { start: true } });
  const startup = await core.started;
  const shell = await startHttpShell({ core, staticRoot: RENDERER_ROOT, launchCommand: E2E_LAUNCH_COMMAND });
  return {
    url: shell.pageUrl,
    dbPath,
    core,
    shell,
    startup,
    get db() {
      if (startup.state !== 'ready') throw new Error(`the app did not open its database: ${startup.failure.message}`);
      return startup.db;
    },
  };
}
