// How `npm run test:electron` runs Playwright (under xvfb-run on Linux without a display), what it does with a packaged
// app that is not there, and what `npm run dev` says without Electron.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onPath, playwrightCommand, root } from '../../scripts/launch.mjs';

const has = (...programs: string[]) => (program: string) => programs.includes(program);

describe('the Electron suite and the display', () => {
  it('runs under xvfb-run -a on Linux when neither DISPLAY nor WAYLAND_DISPLAY is set', () => {
    const run = playwrightCommand(['--grep', 'startup'], { env: { DISPLAY: '', WAYLAND_DISPLAY: '' }, platform: 'linux', hasProgram: has('xvfb-run') });
    expect(run.command).toBe('xvfb-run');
    expect(run.args?.slice(0, 2)).toEqual(['-a', process.execPath]);
    expect(run.args?.slice(-4)).toEqual(['test', '--project=electron', '--grep', 'startup']);
  });

  it('runs Playwright directly where there is a display, and on Windows and macOS', () => {
    for (const [platform, env] of [
      ['linux', { DISPLAY: ':0' }],
      ['linux', { WAYLAND_DISPLAY: 'wayland-0' }],
      ['win32', {}],
      ['darwin', {}],
    ] as const) {
      const run = playwrightCommand([], { env, platform, hasProgram: has() });
      expect(run.command, platform).toBe(process.execPath);
      expect(run.args?.slice(-2)).toEqual(['test', '--project=electron']);
    }
  });

  it('says how to get a display when xvfb-run is missing', () => {
    const run = playwrightCommand([], { env: {}, platform: 'linux', hasProgram: has() });
    expect(run.missing).toContain('DISPLAY and WAYLAND_DISPLAY are empty and xvfb-run is not installed');
    expect(run.missing).toContain('apt-get install xvfb');
  });

  it('looks for a program on PATH, with Windows executable extensions there', () => {
    expect(onPath('xvfb-run', { PATH: '/usr/local/bin:/usr/bin' }, 'linux', (file) => file === '/usr/bin/xvfb-run')).toBe(true);
    expect(onPath('xvfb-run', { PATH: '/usr/local/bin' }, 'linux', (file) => file === '/usr/bin/xvfb-run')).toBe(false);
    expect(onPath('node', { Path: 'C:\\tools;C:\\nodejs', PATHEXT: '.COM;.EXE' }, 'win32', (file) => file === 'C:\\nodejs\\node.exe')).toBe(true);
  });
});

function runScript(script: string, env: Record<string, string>) {
  const { CI: _ci, AUTOMATION_SKIP_ELECTRON_TESTS: _skip, AUTOMATION_ELECTRON_APP: _app, ...inherited } = process.env;
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', script)], { cwd: root, env: { ...inherited, ...env }, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const nowhere = path.join(os.tmpdir(), 'no-electron-here');

describe('the scripts without what they need', () => {
  it('test:electron fails, never skips, when the packaged app it was given does not exist', () => {
    const { status, output } = runScript('test-electron.mjs', { AUTOMATION_ELECTRON_APP: path.join(nowhere, 'automation-console') });
    expect(status).toBe(1);
    expect(output).toContain(`AUTOMATION_ELECTRON_APP is set, but ${path.join(nowhere, 'automation-console')} does not exist.`);
  });

  it('npm run dev says how to get Electron, and names the browser shell, instead of a stack trace', () => {
    const { status, output } = runScript('dev.mjs', { ELECTRON_OVERRIDE_DIST_PATH: nowhere });
    expect(status).toBe(1);
    expect(output).toContain('npm run dev needs Electron: ELECTRON_OVERRIDE_DIST_PATH is set, but');
    expect(output).toContain('npx install-electron');
    expect(output).toContain('`npm run serve` runs the same app in the browser');
    expect(output).not.toContain('    at ');
  });
});
