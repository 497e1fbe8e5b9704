// The launch scripts' decisions (scripts/launch.mjs), for every platform from any machine: where Electron's binary is,
// the environment and sandbox switch Electron is started with, and how electron-vite is told which binary to run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { electronEnv, electronViteRun, findElectronBinary, noSandboxReason, root } from '../../scripts/launch.mjs';

/** A file system holding exactly these files (path → content). */
function filesWith(present: Record<string, string>) {
  return { exists: (file: string) => file in present, read: (file: string) => present[file] ?? '' };
}

describe("finding Electron's binary", () => {
  const cases = [
    { platform: 'win32', dist: 'C:\\electron-45', binary: 'C:\\electron-45\\electron.exe', projectRoot: 'C:\\app' },
    { platform: 'darwin', dist: '/opt/electron-45', binary: '/opt/electron-45/Electron.app/Contents/MacOS/Electron', projectRoot: '/app' },
    { platform: 'linux', dist: '/opt/electron-45', binary: '/opt/electron-45/electron', projectRoot: '/app' },
  ] as const;

  for (const { platform, dist, binary, projectRoot } of cases) {
    it(`on ${platform}, ELECTRON_OVERRIDE_DIST_PATH without the package's path.txt finds ${path.basename(binary)}`, () => {
      const found = findElectronBinary({ ELECTRON_OVERRIDE_DIST_PATH: dist }, platform, filesWith({ [binary]: '' }), projectRoot);
      expect(found).toEqual({ binary });
    });
  }

  it('on Windows, the binary the electron package installed is found through its path.txt', () => {
    const files = filesWith({ 'C:\\app\\node_modules\\electron\\path.txt': 'electron.exe\n', 'C:\\app\\node_modules\\electron\\dist\\electron.exe': '' });
    expect(findElectronBinary({}, 'win32', files, 'C:\\app')).toEqual({ binary: 'C:\\app\\node_modules\\electron\\dist\\electron.exe' });
  });

  it('says which file is missing when the override names a folder without Electron', () => {
    const found = findElectronBinary({ ELECTRON_OVERRIDE_DIST_PATH: '/opt/nothing' }, 'linux', filesWith({}), '/app');
    expect(found).toEqual({ missing: 'ELECTRON_OVERRIDE_DIST_PATH is set, but /opt/nothing/electron does not exist' });
  });

  it('says the binary is not installed when the package never downloaded it', () => {
    expect(findElectronBinary({}, 'linux', filesWith({}), '/app').missing).toContain("Electron's binary is not installed here");
    const noDist = filesWith({ '/app/node_modules/electron/path.txt': 'electron' });
    expect(findElectronBinary({}, 'linux', noDist, '/app').missing).toContain('/app/node_modules/electron/dist/electron is missing');
  });
});

describe('the environment and switches Electron starts with', () => {
  it('drops what an Electron-based editor leaves in its terminal, and keeps the rest', () => {
    const env = electronEnv({ ELECTRON_RUN_AS_NODE: '1', ELECTRON_NO_ATTACH_CONSOLE: '1', PATH: '/bin', AUTOMATION_DB: '/data/a.db' });
    expect(env).toEqual({ PATH: '/bin', AUTOMATION_DB: '/data/a.db' });
  });

  it("turns Chromium's sandbox off only on Linux, as root or on CI, and says why", () => {
    expect(noSandboxReason('linux', 0, {})).toContain('root');
    expect(noSandboxReason('linux', 1000, { CI: 'true' })).toContain('CI');
    expect(noSandboxReason('linux', 1000, {})).toBeNull();
    expect(noSandboxReason('darwin', 0, { CI: 'true' })).toBeNull();
    expect(noSandboxReason('win32', undefined, { CI: 'true' })).toBeNull();
  });

  it('npm start runs the built app through electron-vite preview with the binary in ELECTRON_EXEC_PATH', () => {
    const run = electronViteRun('preview', '/opt/electron/electron', ['--db', 'a.db'], {
      env: { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron', ELECTRON_RUN_AS_NODE: '1' },
      platform: 'linux',
      uid: 0,
    });
    expect(run.args).toEqual(['preview', '--skipBuild', '--noSandbox', '--', '--db', 'a.db']);
    expect(run.env).toEqual({ ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron', ELECTRON_EXEC_PATH: '/opt/electron/electron' });
    expect(run.notice).toBe("Starting Electron with --no-sandbox: running as root, where Chromium's sandbox refuses to start.");
  });

  it('npm run dev runs electron-vite dev, sandboxed where nothing asks otherwise', () => {
    const run = electronViteRun('dev', 'C:\\electron\\electron.exe', [], { env: {}, platform: 'win32', uid: undefined });
    expect(run).toEqual({ args: ['dev'], env: { ELECTRON_EXEC_PATH: 'C:\\electron\\electron.exe' }, notice: null });
  });
});

describe('electron-vite starting the binary it is given', () => {
  const scratch: string[] = [];
  afterEach(() => {
    for (const dir of scratch.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  // A stand-in for Electron that writes down its arguments and environment; a shell script, so not on Windows.
  it.skipIf(process.platform === 'win32')('runs ELECTRON_EXEC_PATH with the app arguments, without the sandbox on CI, and without ELECTRON_RUN_AS_NODE', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-electron-'));
    scratch.push(dir);
    const fake = path.join(dir, 'electron');
    fs.writeFileSync(fake, `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/argv"\nenv > "${dir}/env"\n`, { mode: 0o755 });
    const starter = `import('${path.join(root, 'scripts', 'launch.mjs')}').then((m) => m.startElectron('preview', ${JSON.stringify(fake)}, ['--db', 'a.db']))`;
    // ELECTRON_ENTRY names the app folder, so electron-vite does not ask for a build (out/) first.
    const env = { ...process.env, CI: 'true', ELECTRON_RUN_AS_NODE: '1', ELECTRON_ENTRY: '.', ELECTRON_OVERRIDE_DIST_PATH: dir };
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', starter], { cwd: root, env, encoding: 'utf8' });
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);

    const argv = fs.readFileSync(path.join(dir, 'argv'), 'utf8').trim().split('\n');
    const sandboxOff = noSandboxReason(process.platform, process.getuid?.(), env) !== null;
    expect(argv).toEqual(['.', '--db', 'a.db', ...(sandboxOff ? ['--no-sandbox'] : [])]);
    const childEnv = fs.readFileSync(path.join(dir, 'env'), 'utf8').split('\n');
    expect(childEnv).toContain(`ELECTRON_EXEC_PATH=${fake}`);
    expect(childEnv.filter((line) => line.startsWith('ELECTRON_RUN_AS_NODE='))).toEqual([]);
  });
});
