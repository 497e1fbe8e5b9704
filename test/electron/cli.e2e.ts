// `<app> --cli <command>`: the CLI through Electron's own binary, as a process of its own (no Playwright driving it):
// the Node program's exit codes and output, no window, no single-instance lock, the window's default database, and
// on Linux an answer with no display at all. The stock binary is given the repo (`electron <repo> --cli …`); with
// AUTOMATION_ELECTRON_APP, the packaged executable is started directly.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ExitCode } from '../../src-main/cli/exit-codes';
import { DATABASE_FILE_NAME } from '../../src-main/db/paths';
import { runCli, type CliOutcome } from '../cli/run-cli';
import { electronApp, expect, test } from './fixtures';
import { type ElectronApp, scripts, testUserData } from './launch';

const ANSWER_WITHIN_MS = 60_000;

interface Options {
  /** The user-data folder (--user-data-dir): the window's, when the test shares it; the test's own otherwise. */
  userData: string;
  /** Set over this process's environment (an empty value counts as unset for the app). */
  env?: NodeJS.ProcessEnv;
}

async function runInApp(cliArgs: string[], options: Options): Promise<CliOutcome> {
  const found = await electronApp();
  test.skip('missing' in found, `Electron tests skipped: ${'missing' in found ? found.missing : ''}`);
  const app = found as ElectronApp;
  const [executable, appPath, cwd] = 'packagedApp' in app ? [app.packagedApp, [], options.userData] : [app.binary, [app.repoRoot], app.repoRoot];
  // As the window is started (test/electron/launch.ts): no inherited Node mode, no dev server address.
  const { ELECTRON_RENDERER_URL: _devServer, ...inherited } = (await scripts.launch()).electronEnv(process.env);
  const switches = ['--no-sandbox', `--user-data-dir=${options.userData}`];
  const child = spawn(executable, [...appPath, ...switches, '--cli', ...cliArgs], {
    cwd,
    env: { ...inherited, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), ANSWER_WITHIN_MS);
  const code = await new Promise<number>((resolve) => child.on('close', (exitCode) => resolve(exitCode ?? -1)));
  clearTimeout(timer);
  return { code, ...out };
}

/** A migrated, empty database file made by the Node program. */
async function migratedFile(dbPath: string): Promise<void> {
  const made = await runCli(['migrate', '--yes', '--db', dbPath]);
  expect(made.code, made.stderr).toBe(ExitCode.ok);
}

test('answers with the Node program’s exit codes and output, then exits by itself', async ({ dataDir }) => {
  await migratedFile(dataDir.dbPath);
  for (const argv of [['info', '--db', dataDir.dbPath], ['check', '--json', '--db', dataDir.dbPath], ['frobnicate']]) {
    const node = await runCli(argv);
    const app = await runInApp(argv, { userData: testUserData(dataDir.dir) });
    expect(app.code, argv.join(' ')).toBe(node.code);
    expect(app.stdout, argv.join(' ')).toBe(node.stdout);
  }
  const missing = path.join(dataDir.dir, 'missing.db');
  const refused = await runInApp(['info', '--db', missing], { userData: testUserData(dataDir.dir) });
  expect(refused.code).toBe(ExitCode.database);
  expect(refused.stderr).toContain(`--cli migrate --db "${missing}"`);
});

test('opens the default database in the user-data folder the window uses', async ({ dataDir }) => {
  const userData = testUserData(dataDir.dir);
  fs.mkdirSync(userData);
  await migratedFile(path.join(userData, DATABASE_FILE_NAME));
  const app = await runInApp(['info', '--json'], { userData, env: { AUTOMATION_DB: '' } });
  expect(app.code, app.stderr).toBe(ExitCode.ok);
  expect(JSON.parse(app.stdout)).toMatchObject({ ok: true, value: { path: path.join(userData, DATABASE_FILE_NAME), pathSource: 'default' } });
});

test('runs while the window is open on the same file, taking no single-instance lock', async ({ dataDir, launchElectron }) => {
  const { app } = await launchElectron();
  // The window's user-data folder, and so its single-instance lock.
  const cli = await runInApp(['info', '--db', dataDir.dbPath], { userData: testUserData(dataDir.dir) });
  expect(cli.code, cli.stderr).toBe(ExitCode.ok);
  expect(cli.stdout).toContain(dataDir.dbPath);
  expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
});

test('on Linux, answers with no display at all', async ({ dataDir }) => {
  test.skip(process.platform !== 'linux', 'Only Linux has hosts without a display');
  await migratedFile(dataDir.dbPath);
  const app = await runInApp(['info', '--json', '--db', dataDir.dbPath], { userData: testUserData(dataDir.dir), env: { DISPLAY: '', WAYLAND_DISPLAY: '' } });
  expect(app.code, app.stderr).toBe(ExitCode.ok);
  expect(JSON.parse(app.stdout)).toMatchObject({ ok: true, value: { path: dataDir.dbPath } });
});
