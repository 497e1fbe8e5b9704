// How the Electron suite launches the app (test/electron/launch.ts), checked where Electron cannot run: each test's
// app gets its own user-data folder (so the single-instance lock of one never stops another), the environment an
// editor's terminal leaves is dropped, and a scenario goes on only once the app's startup has settled.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type AppStatus } from '../../src-shared/contract';
import { type Envelope } from '../../src-shared/errors';
import { electronLaunchOptions, type StartingPage, waitForAppStarted } from '../electron/launch';

describe('the Electron launch options', () => {
  const env = { PATH: '/usr/bin', ELECTRON_RUN_AS_NODE: '1', ELECTRON_NO_ATTACH_CONSOLE: '1', ELECTRON_RENDERER_URL: 'http://localhost:5173', HOME: undefined };

  it('runs the checkout with its own user-data folder and database per test', async () => {
    const options = await electronLaunchOptions({
      app: { binary: '/opt/electron/electron', repoRoot: '/repo' },
      dbPath: '/tests/t1/app.db',
      testDir: '/tests/t1',
      env,
      platform: 'linux',
    });
    expect(options).toEqual({
      executablePath: '/opt/electron/electron',
      args: ['/repo', '--no-sandbox', '--user-data-dir=/tests/t1/user-data', '--disable-dev-shm-usage', '--db', '/tests/t1/app.db'],
      cwd: '/repo',
      env: { PATH: '/usr/bin', XDG_CONFIG_HOME: '/tests/t1/config' },
    });
  });

  it('gives two tests running side by side two user-data folders, on every platform', async () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const launch = (testDir: string) =>
        electronLaunchOptions({ app: { binary: 'electron', repoRoot: '/repo' }, dbPath: `${testDir}/app.db`, testDir, env: {}, platform });
      const folders = await Promise.all(['/tests/a', '/tests/b'].map(async (dir) => (await launch(dir)).args.filter((arg) => arg.startsWith('--user-data-dir='))));
      expect(folders).toEqual([['--user-data-dir=/tests/a/user-data'], ['--user-data-dir=/tests/b/user-data']]);
      expect((await launch('/tests/a')).args.includes('--disable-dev-shm-usage'), platform).toBe(platform === 'linux');
    }
  });

  it('launches a packaged app directly: no checkout folder among its arguments', async () => {
    const options = await electronLaunchOptions({
      app: { packagedApp: '/release/linux-unpacked/automation-console' },
      dbPath: '/tests/t2/app.db',
      testDir: '/tests/t2',
      env: {},
      platform: 'darwin',
    });
    expect(options.executablePath).toBe('/release/linux-unpacked/automation-console');
    expect(options.args).toEqual(['--no-sandbox', '--user-data-dir=/tests/t2/user-data', '--db', '/tests/t2/app.db']);
    expect(options.cwd).toBe('/tests/t2');
  });
});

/** The page's side, as the preload and the window's navigation would leave it. */
class FakeWindow {
  href = 'about:blank';
  api: { 'app.status': (input: object) => Promise<Envelope<AppStatus>> } | undefined;
  evaluations = 0;
  /** Thrown by the next evaluate, as Playwright does when the page navigates during the call. */
  navigationDuringNextCall = false;

  /** A Playwright page over this window: the functions run here, against the window's globals. */
  page(): StartingPage {
    const expose = () => {
      vi.stubGlobal('location', { href: this.href });
      vi.stubGlobal('api', this.api);
    };
    return {
      waitForFunction: async (predicate, _arg, { timeout }) => {
        const until = Date.now() + timeout;
        for (;;) {
          expose();
          if (predicate()) return;
          if (Date.now() >= until) throw new Error(`page.waitForFunction: Timeout ${timeout}ms exceeded.`);
          await sleep(5);
        }
      },
      evaluate: async <R>(pageFunction: () => Promise<R>) => {
        this.evaluations++;
        expose();
        if (this.navigationDuringNextCall) {
          this.navigationDuringNextCall = false;
          throw new Error('page.evaluate: Execution context was destroyed, most likely because of a navigation');
        }
        return pageFunction();
      },
    };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ready: AppStatus = { state: 'ready', info: null, startup: null };

afterEach(() => vi.unstubAllGlobals());

describe('waiting for the app to have started', () => {
  it('returns only once app.status has answered, which the app does when its startup has settled', async () => {
    const window = new FakeWindow();
    window.href = 'app://automation-console/index.html';
    let settledAt = 0;
    window.api = { 'app.status': async () => (await sleep(150), (settledAt = Date.now()), { ok: true, value: ready }) };
    const state = await waitForAppStarted(window.page(), 5_000);
    expect(settledAt, 'app.status had answered when the wait returned').toBeGreaterThan(0);
    expect(state).toBe('ready');
  });

  it("waits for the app's page and its window.api, then reports a refused file as failed", async () => {
    const window = new FakeWindow();
    window.api = { 'app.status': () => Promise.reject(new Error('about:blank has no app')) };
    setTimeout(() => {
      window.href = 'app://automation-console/index.html';
      window.api = {
        'app.status': async () => ({ ok: true, value: { state: 'failed', reason: 'newer_schema', message: 'Newer.', path: '/db', backupPath: null, logPath: null } }),
      };
    }, 80);
    expect(await waitForAppStarted(window.page(), 5_000)).toBe('failed');
    expect(window.evaluations).toBe(1);
  });

  it('asks again when a navigation cut the call off', async () => {
    const window = new FakeWindow();
    window.href = 'app://automation-console/index.html';
    window.api = { 'app.status': async () => ({ ok: true, value: ready }) };
    window.navigationDuringNextCall = true;
    expect(await waitForAppStarted(window.page(), 5_000)).toBe('ready');
    expect(window.evaluations).toBe(2);
  });

  it('fails with what app.status answered when it answers an error', async () => {
    const window = new FakeWindow();
    window.href = 'app://automation-console/index.html';
    window.api = { 'app.status': async () => ({ ok: false, error: { code: 'INTERNAL', message: 'Something went wrong.' } }) };
    await expect(waitForAppStarted(window.page(), 5_000)).rejects.toThrow('app.status answered INTERNAL: Something went wrong.');
  });

  it('gives up after its time when the page never gets window.api', async () => {
    const window = new FakeWindow();
    window.href = 'app://automation-console/index.html';
    await expect(waitForAppStarted(window.page(), 100)).rejects.toThrow('Timeout');
  });
});
