// The built Electron app (out/main/index.js) on the test's own database file and its own user-data folder,
// driven by Playwright's _electron. Skips, saying why, where Electron's binary or its SQLite build is missing.
// `launcher` is the shared scenarios' handle (test/scenarios): the same steps as the browser suite, here in
// Electron's first window, with a second SQLite connection to the app's file for the scenarios' assertions.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { _electron as electron, type ElectronApplication, type Page } from '@playwright/test';
import { type AppDatabase, openDatabaseFile } from '../../src-main/db/connection';
import { test as base } from '../e2e/fixtures';
import { REPO_ROOT } from '../e2e/paths';
import { saveScreenshot } from '../e2e/ui';
import { type AppLauncher } from '../scenarios/app';

export { expect } from '../e2e/fixtures';

interface LaunchScripts {
  findElectronBinary(): { binary: string } | { missing: string };
}
interface ElectronSqliteScripts {
  electronSqlitePath(electronVersion: string): string;
}

export interface ElectronFixtures {
  /** Starts Electron on dataDir.dbPath and returns its first window; closed after the test. */
  launchElectron: () => Promise<{ app: ElectronApplication; window: Page }>;
  /** Overrides the browser suite's: launches Electron (never a browser page nor an in-process shell). */
  launcher: AppLauncher;
}

export const test = base.extend<ElectronFixtures>({
  launchElectron: async ({ dataDir }, use, testInfo) => {
    const found = await electronBinary();
    if ('missing' in found) testInfo.skip(true, `Electron tests skipped: ${found.missing}`);
    const executablePath = (found as { binary: string }).binary;
    // Without the dev server's address, main loads the built renderer (out/renderer).
    const { ELECTRON_RENDERER_URL: _devServer, ...env } = process.env;
    const launched: ElectronApplication[] = [];
    await use(async () => {
      const app = await electron.launch({
        executablePath,
        args: [REPO_ROOT, '--no-sandbox', '--db', dataDir.dbPath],
        cwd: REPO_ROOT,
        // Electron's user-data folder (sessions, the single-instance lock) lives in the test's folder too.
        env: { ...env, XDG_CONFIG_HOME: path.join(dataDir.dir, 'config') },
      });
      launched.push(app);
      return { app, window: await app.firstWindow() };
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
        const { window } = await launchElectron();
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
          // main's startup runs in Electron's process; the scenarios read its outcome from the window.
          startupState: undefined,
          screenshot: (name) => saveScreenshot(window, `electron-${name}`),
        };
      },
    });
    for (const db of connections) db.close();
  },
});

/** scripts/launch.mjs decides whether Electron is usable; the SQLite addon for its ABI must be built too. */
async function electronBinary(): Promise<{ binary: string } | { missing: string }> {
  const launch = (await import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'launch.mjs')).href)) as LaunchScripts;
  const found = launch.findElectronBinary();
  if ('missing' in found) return found;
  const sqlite = (await import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'electron-sqlite.mjs')).href)) as ElectronSqliteScripts;
  const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string };
  const addon = sqlite.electronSqlitePath(version);
  if (!fs.existsSync(addon)) return { missing: `better-sqlite3 is not built for Electron ${version} (${addon}); npm run test:electron builds it` };
  return found;
}
