// `npm run dist` decides before building whether electron-builder can finish here: where Electron comes from, the
// Electron-ABI addon, and the tools installers download. Here (no GitHub) it refuses, says what it needs, and leaves
// node_modules as it was: built for Node, loadable by the tests.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedElectronZip, electronZipName, parseDistArgs, planDist, statOrUndefined } from '../../scripts/dist-plan.mjs';
import { tempDir } from '../helpers/temp';

const root = path.resolve(__dirname, '../..');
const tempFolder = () => tempDir('dist-plan-');

function write(file: string, content = 'x'): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

/** The facts of a machine with nothing: no Electron anywhere, no addon, no tools, no downloads. */
function bareFacts(folder: string, env: Record<string, string> = {}) {
  return { env, version: '45.5.0', platform: 'linux', cachedZip: null, addon: path.join(folder, 'none.node'), stat: statOrUndefined };
}
const installers = { dir: false, arch: 'x64' };
const unpacked = { dir: true, arch: 'x64' };

describe("npm run dist's plan", () => {
  it('reads --dir and --arch, and refuses anything else with the usage', () => {
    expect(parseDistArgs([], 'x64')).toEqual({ dir: false, arch: 'x64' });
    expect(parseDistArgs(['--dir', '--arch', 'arm64'], 'x64')).toEqual({ dir: true, arch: 'arm64' });
    expect(parseDistArgs(['--arch=ia32'], 'x64')).toEqual({ dir: false, arch: 'ia32' });
    expect(parseDistArgs(['--arch', 'sparc'], 'x64')).toEqual({ error: '--arch must be one of x64, arm64, ia32, armv7l, not sparc.' });
    expect(parseDistArgs(['--win'], 'x64')).toEqual({ error: expect.stringMatching(/^Unknown argument --win: npm run dist/) });
  });

  it('with nothing here, refuses and names every way to provide each missing input', () => {
    const folder = tempFolder();
    const plan = planDist(installers, bareFacts(folder));
    expect(plan.ok).toBe(false);
    const said = plan.ok ? '' : plan.problems.join('\n');
    expect(said).toContain('Electron 45.5.0 for linux-x64 is not on this machine');
    expect(said).toContain('AUTOMATION_ELECTRON_DIST=');
    expect(said).toContain('electron-v45.5.0-linux-x64.zip');
    expect(said).toContain("checks it against the electron package's checksums.json");
    expect(said).toContain('AUTOMATION_DIST_DOWNLOADS=1');
    expect(said).toContain(`The SQLite addon built for Electron 45.5.0 (${path.join(folder, 'none.node')}) is missing`);
    expect(said).toContain('USE_SYSTEM_FPM=true');
    expect(said).toContain('APPIMAGE_TOOLS_PATH=');
    expect(plan.ok ? [] : plan.problems).toHaveLength(4);
  });

  it('takes an unpacked Electron, its zip, or a folder with the zip from AUTOMATION_ELECTRON_DIST, and refuses anything else', () => {
    const folder = tempFolder();
    const addon = write(path.join(folder, 'addon.node'));
    const facts = (dist: string) => ({ ...bareFacts(folder, { AUTOMATION_ELECTRON_DIST: dist }), addon });
    const unpackedElectron = path.dirname(write(path.join(folder, 'unpacked', 'electron')));
    const zip = write(path.join(folder, 'zips', electronZipName('45.5.0', 'linux', 'x64')));
    for (const dist of [unpackedElectron, zip, path.dirname(zip)]) {
      expect(planDist(unpacked, facts(dist))).toEqual({ ok: true, electron: { from: 'dist', path: dist }, arch: 'x64', dir: true });
    }
    const wrongArch = planDist({ dir: true, arch: 'arm64' }, facts(path.dirname(zip)));
    expect(wrongArch).toEqual({ ok: false, problems: [expect.stringContaining(`AUTOMATION_ELECTRON_DIST=${path.dirname(zip)} is not an Electron for linux-arm64`)] });
    expect(planDist(unpacked, facts(path.join(folder, 'nowhere'))).ok).toBe(false);
  });

  it('takes Electron from the download cache, or lets electron-builder download it when downloads are allowed', () => {
    const folder = tempFolder();
    const addon = write(path.join(folder, 'addon.node'));
    const cachedZip = write(path.join(folder, 'cache', 'electron.zip'));
    expect(planDist(unpacked, { ...bareFacts(folder), addon, cachedZip })).toMatchObject({ ok: true, electron: { from: 'cache', path: cachedZip } });
    const online = planDist(installers, bareFacts(folder, { AUTOMATION_DIST_DOWNLOADS: '1' }));
    expect(online).toEqual({ ok: true, electron: { from: 'download' }, arch: 'x64', dir: false });
  });

  it("builds Linux installers offline only with fpm and the AppImage tools given, and other platforms' installers only with downloads", () => {
    const folder = tempFolder();
    const addon = write(path.join(folder, 'addon.node'));
    const cachedZip = write(path.join(folder, 'electron.zip'));
    const tools = path.dirname(write(path.join(folder, 'appimage', 'runtime')));
    const linux = (env: Record<string, string>) => planDist(installers, { ...bareFacts(folder, env), addon, cachedZip });
    expect(linux({ USE_SYSTEM_FPM: 'true', APPIMAGE_TOOLS_PATH: tools }).ok).toBe(true);
    expect(linux({ CUSTOM_FPM_PATH: addon, APPIMAGE_TOOLS_PATH: tools }).ok).toBe(true);
    expect(linux({ CUSTOM_FPM_PATH: path.join(folder, 'no-fpm'), APPIMAGE_TOOLS_PATH: tools })).toEqual({
      ok: false,
      problems: [`CUSTOM_FPM_PATH=${path.join(folder, 'no-fpm')} is not a file.`],
    });
    for (const platform of ['win32', 'darwin']) {
      const plan = planDist(installers, { ...bareFacts(folder), platform, addon, cachedZip });
      expect(plan).toEqual({ ok: false, problems: [expect.stringContaining(`Installers for ${platform} download their build tools`)] });
      expect(planDist(unpacked, { ...bareFacts(folder), platform, addon, cachedZip }).ok).toBe(true);
    }
  });

  it.runIf(process.platform === 'linux')("finds Electron's zip where electron-builder's @electron/get looks for it", async () => {
    const cache = tempFolder();
    process.env.XDG_CACHE_HOME = cache;
    expect(await cachedElectronZip('45.5.0', 'linux', 'x64')).toBeNull();
    // @electron/get's cache: <cache>/electron/<sha256 of the release URL's folder>/<zip>
    const folder = crypto.createHash('sha256').update('https://github.com/electron/electron/releases/download/v45.5.0').digest('hex');
    const zip = write(path.join(cache, 'electron', folder, electronZipName('45.5.0', 'linux', 'x64')));
    expect(await cachedElectronZip('45.5.0', 'linux', 'x64')).toBe(zip);
    expect(await cachedElectronZip('45.5.0', 'linux', 'arm64')).toBeNull();
  });
});

describe('npm run dist where Electron cannot be had', () => {
  const addonBuild = path.join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  const digest = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

  it('exits 1 before building anything, says what it needs, and leaves better-sqlite3 loadable by Node', () => {
    const home = tempFolder();
    const before = digest(addonBuild);
    const releaseBefore = fs.existsSync(path.join(root, 'release'));
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^(AUTOMATION_|USE_SYSTEM_FPM|CUSTOM_FPM_PATH|APPIMAGE_TOOLS_PATH|ELECTRON_)/.test(name)),
    );
    const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'dist.mjs')], {
      cwd: root,
      env: { ...env, HOME: home, XDG_CACHE_HOME: path.join(home, 'cache'), LOCALAPPDATA: path.join(home, 'local') },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('npm run dist cannot build Automation Console');
    expect(result.stderr).toContain('nothing was built or changed');
    expect(result.stderr).toContain('AUTOMATION_ELECTRON_DIST=');
    expect(result.stdout).not.toContain('electron-builder');
    expect(fs.existsSync(path.join(root, 'release'))).toBe(releaseBefore);
    expect(digest(addonBuild)).toBe(before);
    const load = spawnSync(process.execPath, ['-e', "console.log(require('better-sqlite3')(':memory:').prepare('select 41 + 1 as n').get().n)"], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(load.stdout.trim()).toBe('42');
  });
});
