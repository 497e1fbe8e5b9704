// The built Electron app (out/main/index.js) on the test's own database file and its own user-data folder,
// driven by Playwright's _electron; or, when AUTOMATION_ELECTRON_APP names a packaged app's executable, that app.
// Skips, saying why, where Electron's binary or its SQLite build is missing.
// `launcher` is the shared scenarios' handle (test/scenarios): the same steps as the browser suite, here in
// Electron's first window, with a second SQLite connection to the app's file for the scenarios' assertions.
import fs from 'node:fs';
import path from 'node:path';
import { _electron as electron, type ElectronApplication, type Page } from '@playwright/test';
import { type AppDatabase, openDatabaseFile } from '../../src-main/db/connection';
import { test as base } from '../e2e/fixtures';
import { REPO_ROOT } from '../e2e/paths';
import { saveScreenshot } from '../e2e/ui';
import { type AppLauncher } from '../scenarios/app';
import { type ElectronApp, electronLaunchOptions, scripts, waitForAppStarted } from './launch';

export { expect } from '../e2e/fixtures';

type StartupState = Awaited<ReturnType<typeof waitForAppStarted>>;

export interface ElectronFixtures {
  /**
   * Starts Electron on dataDir.dbPath and returns its first window once the app has decided about its database
   * (the startup's outcome in `startupState`); closed after the test.
   */
  launchElectron: () => Promise<{ app: ElectronApplication; window: Page; startupState: StartupState }>;
  /** Overrides the browser suite's: launches Electron (never a browser page nor an in-process shell). */
  launcher: AppLauncher;
}

export const test = base.extend<ElectronFixtures>({
  launchElectron: async ({ dataDir }, use, testInfo) => {
    const found = await electronApp();
    if ('missing' in found) testInfo.skip(true, `Electron tests skipped: ${found.missing}`);
    const options = await electronLaunchOptions({
      app: found as ElectronApp,
      dbPath: dataDir.dbPath,
      testDir: dataDir.dir,
      env: process.env,
      platform: process.platform,
    });
    const launched: ElectronApplication[] = [];
    await use(async () => {
      const app = await electron.launch(options);
      launched.push(app);
      const window = await app.firstWindow();
      // A scenario opens its own connection next: only once startup (an adoption replaces the file) has finished.
      return { app, window, startupState: await waitForAppStarted(window) };
    });
    for (const app of launched) await app.close();
  },

  // The window is not given to the failure guard (test/e2e/failures.ts), which covers the browser suite: a
  // scenario's declared failures are kept and never checked here.
  launcher: async ({ dataDir, launchElectron, failures }, use) => {
    const connections: AppDatabase[] = [];
    await use({
      dataDir,
      failures,
      launch: async () => {
        const { window, startupState } = await launchElectron();
        let db: AppDatabase | undefined;
        return {
          page: window,
          // Opened on first use, after the app has decided about its file (a refused file is never opened here).
          get db() {
            if (!db) {
              db = openDatabaseFile(dataDir.dbPath, { mustExist: true });
              connections.push(db);
            }
            return db;
          },
          // main's startup runs in Electron's process; its outcome is what app.status answered the window.
          startupState,
          screenshot: (name) => saveScreenshot(window, `electron-${name}`),
        };
      },
    });
    for (const db of connections) db.close();
  },
});

/**
 * A packaged app (AUTOMATION_ELECTRON_APP) is launched as it is; it must exist, since asking for it and getting a skip
 * would pass for a run. Otherwise scripts/launch.mjs decides whether Electron is usable, and the SQLite addon for
 * its ABI must be built too. Also what `--cli` runs (cli.e2e.ts).
 */
export async function electronApp(): Promise<ElectronApp | { missing: string }> {
  const packagedApp = process.env.AUTOMATION_ELECTRON_APP;
  if (packagedApp) {
    if (!fs.existsSync(packagedApp)) throw new Error(`AUTOMATION_ELECTRON_APP is set, but ${packagedApp} does not exist.`);
    return { packagedApp };
  }
  const found = (await scripts.launch()).findElectronBinary();
  if (found.missing !== undefined) return { missing: found.missing };
  const sqlite = await scripts.electronSqlite();
  const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string };
  const addon = sqlite.electronSqlitePath(version);
  if (!fs.existsSync(addon)) return { missing: `better-sqlite3 is not built for Electron ${version} (${addon}); npm run test:electron builds it` };
  return { binary: found.binary, repoRoot: REPO_ROOT };
}
