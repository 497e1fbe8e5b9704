// How the Electron suite starts the app (electronLaunchOptions: the executable, its command line and environment) and
// when it lets a scenario go on (waitForAppStarted: once the app has decided about its database). No Playwright
// runtime is imported here, so vitest checks both (test/shell/electron-launch.test.ts) where Electron cannot run.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as ElectronSqliteScripts from '../../scripts/electron-sqlite.mjs';
import type * as LaunchScripts from '../../scripts/launch.mjs';
import { type AppStatus, type ContractClient } from '../../src-shared/contract';
import { REPO_ROOT } from '../e2e/paths';

/**
 * The launch scripts (scripts/*.mjs), loaded as the ES modules they are: Playwright's transform would turn a static
 * import of them into CommonJS, which they are not.
 */
export const scripts = {
  launch: () => import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'launch.mjs')).href) as Promise<typeof LaunchScripts>,
  electronSqlite: () =>
    import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'electron-sqlite.mjs')).href) as Promise<typeof ElectronSqliteScripts>,
};

/** What is launched: a packaged app's executable as it is, or Electron's binary on this checkout's built app. */
export type ElectronApp = { packagedApp: string } | { binary: string; repoRoot: string };

export interface ElectronLaunchInput {
  app: ElectronApp;
  dbPath: string;
  /** The test's own folder: Electron's user data (its profile and the single-instance lock) goes in it. */
  testDir: string;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
}

/** Playwright's _electron.launch options. */
export interface ElectronLaunchOptions {
  executablePath: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

/** The Electron user-data folder (profile, single-instance lock, default database) of a test's app, in its folder. */
export function testUserData(testDir: string): string {
  return path.join(testDir, 'user-data');
}

export async function electronLaunchOptions({ app, dbPath, testDir, env, platform }: ElectronLaunchInput): Promise<ElectronLaunchOptions> {
  const { electronEnv } = await scripts.launch();
  const userData = testUserData(testDir);
  const switches = [
    '--no-sandbox',
    // Moves the profile and the single-instance lock on every platform (XDG_CONFIG_HOME moves them on Linux only), so
    // tests running side by side never meet the lock of another test's app.
    `--user-data-dir=${userData}`,
    // Playwright adds its Chromium switches only when it picks Electron itself; containers have a small /dev/shm.
    ...(platform === 'linux' ? ['--disable-dev-shm-usage'] : []),
  ];
  // Without the dev server's address, main loads the built renderer (out/renderer).
  const { ELECTRON_RENDERER_URL: _devServer, ...inherited } = electronEnv(env);
  const launchEnv = Object.fromEntries(Object.entries({ ...inherited, XDG_CONFIG_HOME: path.join(testDir, 'config') }).filter(isSet));
  if ('packagedApp' in app) return { executablePath: app.packagedApp, args: [...switches, '--db', dbPath], cwd: testDir, env: launchEnv };
  return { executablePath: app.binary, args: [app.repoRoot, ...switches, '--db', dbPath], cwd: app.repoRoot, env: launchEnv };
}

const isSet = (entry: [string, string | undefined]): entry is [string, string] => entry[1] !== undefined;

/** What waitForAppStarted needs of a Playwright page. */
export interface StartingPage {
  waitForFunction(predicate: () => boolean, arg: undefined, options: { timeout: number }): Promise<unknown>;
  evaluate<R>(pageFunction: () => Promise<R>): Promise<R>;
}

/** The page's globals these functions read (the test code has no DOM types); in the page, globalThis is window. */
interface PageGlobals {
  location: { href: string };
  api?: Pick<ContractClient, 'app.status'>;
}

/**
 * Resolves once the app's page has window.api and app.status has answered: app.status awaits the whole startup (the
 * file created, migrated or adopted, or refused), so nothing the scenario opens next meets a file still being replaced.
 * Returns what startup decided. A call cut off by the page navigating (the window opens on about:blank, then loads
 * the app) is made again on the new page.
 */
export async function waitForAppStarted(page: StartingPage, timeoutMs = 30_000): Promise<AppStatus['state']> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.waitForFunction(
      () => {
        const page = globalThis as unknown as PageGlobals;
        return page.location.href !== 'about:blank' && typeof page.api?.['app.status'] === 'function';
      },
      undefined,
      { timeout: Math.max(1, deadline - Date.now()) },
    );
    try {
      const answer = await page.evaluate(() => (globalThis as unknown as Required<PageGlobals>).api['app.status']({}));
      if (!answer.ok) throw new Error(`app.status answered ${answer.error.code}: ${answer.error.message}`);
      return answer.value.state;
    } catch (error) {
      if (!isCutOffByNavigation(error) || Date.now() >= deadline) throw error;
    }
  }
}

function isCutOffByNavigation(error: unknown): boolean {
  return error instanceof Error && /Execution context was destroyed|because of a navigation/.test(error.message);
}
