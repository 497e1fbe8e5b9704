// electron-builder.config.cjs: the promises of a packaged app that the configuration alone decides (fuses, what goes
// into the package, node_modules never rebuilt), read from the file as electron-builder loads it, with and without the
// end-to-end build's variable; and the file as a whole valid by electron-builder's own check against its schema.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEEP_LINK_SCHEME } from '../../src-shared/deep-links';
import { PACKAGED_SQLITE_ADDON } from '../../src-main/electron/native-sqlite';
import { tempDir } from '../helpers/temp';

const require = createRequire(import.meta.url);
const configFile = path.resolve(__dirname, '../../electron-builder.config.cjs');

interface FileSet {
  from: string;
  to: string;
  filter?: string[];
}
interface PackagingConfig {
  directories: { output: string };
  files: string[];
  asarUnpack: string[];
  extraResources: FileSet[];
  electronFuses: Record<string, boolean>;
  electronDist?: string;
  electronDownload: { checksums: Record<string, string> };
  afterPack: (context: { appOutDir: string; packager: { getResourcesDir(appOutDir: string): string } }) => Promise<void>;
  [option: string]: unknown;
}

/** The configuration as electron-builder gets it, under these environment variables. */
function loadConfig(env: Record<string, string | undefined> = {}): PackagingConfig {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete process.env[name];
  try {
    delete require.cache[configFile];
    return require(configFile) as PackagingConfig;
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** electron-builder's own validation of a configuration (app-builder-lib, run by every build before anything else). */
async function validate(config: unknown): Promise<void> {
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
    validateConfiguration: (config: unknown, debugLogger: { isEnabled: boolean }) => Promise<void>;
  };
  await validateConfiguration(config, { isEnabled: false });
}

const plainEnv = { AUTOMATION_E2E_BUILD: undefined, AUTOMATION_ELECTRON_DIST: undefined };

describe('the packaging configuration', () => {
  afterEach(() => {
    delete require.cache[configFile];
  });

  it('flips the fuses a shipped app needs: no running as Node, no NODE_OPTIONS, no inspector, app only from its checked asar', () => {
    expect(loadConfig(plainEnv).electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('keeps the inspect arguments only in an end-to-end build, which lands apart from the installers', () => {
    const e2e = loadConfig({ ...plainEnv, AUTOMATION_E2E_BUILD: '1' });
    expect(e2e.electronFuses).toEqual({ ...loadConfig(plainEnv).electronFuses, enableNodeCliInspectArguments: true });
    expect(e2e.directories.output).toBe('release/e2e');
    expect(loadConfig(plainEnv).directories.output).toBe('release');
    expect(loadConfig({ ...plainEnv, AUTOMATION_E2E_BUILD: '0' }).electronFuses.enableNodeCliInspectArguments).toBe(false);
  });

  it('never rebuilds node_modules, which stays built for Node and the tests', () => {
    const config = loadConfig(plainEnv);
    expect(config.npmRebuild).toBe(false);
    expect(config.nodeGypRebuild).toBe(false);
    expect(config.buildDependenciesFromSource).toBe(false);
    expect(config.beforeBuild).toBeUndefined();
  });

  it('packs the built app, leaves sources and source maps out, and keeps better-sqlite3 unpacked without its sources', () => {
    const config = loadConfig(plainEnv);
    expect(config.files).toEqual(['out/**', 'package.json', '!**/*.map', '!node_modules/better-sqlite3/{deps,src,build}{,/**}']);
    expect(config.asarUnpack).toEqual(['node_modules/better-sqlite3/**']);
    expect(config.asar).toBe(true);
  });

  it('ships the migrations the runner reads and the Electron-ABI addon where the app looks for it', () => {
    const [drizzle, addon] = loadConfig(plainEnv).extraResources;
    expect(drizzle).toEqual({ from: 'drizzle', to: 'drizzle', filter: ['*.sql', 'meta/_journal.json'] });
    const electronVersion = (require('electron/package.json') as { version: string }).version;
    expect(addon).toEqual({
      from: `.native/electron-${electronVersion}-${process.platform}-\${arch}/better_sqlite3.node`,
      to: PACKAGED_SQLITE_ADDON.split(path.sep).join('/'),
    });
  });

  it('fails a build whose package lacks the SQLite addon, instead of shipping an app that cannot open its database', async () => {
    const { afterPack } = loadConfig(plainEnv);
    const appOutDir = tempDir('after-pack-');
    const context = { appOutDir, packager: { getResourcesDir: (out: string) => path.join(out, 'resources') } };
    const addon = path.join(appOutDir, 'resources', 'native', 'better_sqlite3.node');
    await expect(afterPack(context)).rejects.toThrow(`The package has no SQLite addon for Electron (${addon})`);
    fs.mkdirSync(path.dirname(addon), { recursive: true });
    fs.writeFileSync(addon, '');
    await expect(afterPack(context)).resolves.toBeUndefined();
  });

  it("checks Electron against the electron package's own checksums, and takes an Electron given by AUTOMATION_ELECTRON_DIST", () => {
    const config = loadConfig(plainEnv);
    expect(config.electronDist).toBeUndefined();
    expect(config.electronDownload.checksums).toEqual(require('electron/checksums.json'));
    expect(Object.keys(config.electronDownload.checksums)).toContain(`electron-v${(require('electron/package.json') as { version: string }).version}-linux-x64.zip`);
    expect(loadConfig({ ...plainEnv, AUTOMATION_ELECTRON_DIST: '/opt/electron' }).electronDist).toBe('/opt/electron');
  });

  it('declares the app as the handler of its own links, the scheme deep-links.ts parses', () => {
    expect(loadConfig().protocols).toEqual([{ name: 'Automation Console link', schemes: [DEEP_LINK_SCHEME] }]);
  });

  it('builds AppImage and deb on Linux, NSIS on Windows, dmg on macOS', () => {
    const config = loadConfig(plainEnv) as PackagingConfig & Record<'linux' | 'win' | 'mac', { target: string[] }>;
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
  });

  it("passes electron-builder's own validation against its schema, in both builds", async () => {
    await validate(loadConfig(plainEnv));
    await validate(loadConfig({ AUTOMATION_E2E_BUILD: '1', AUTOMATION_ELECTRON_DIST: '/opt/electron' }));
  });

  it('is refused by that validation when an option is misspelt or of the wrong kind', async () => {
    const config = loadConfig(plainEnv);
    await expect(validate({ ...config, electronFuses: { ...config.electronFuses, runAsNod: false } })).rejects.toThrow(/electronFuses/);
    await expect(validate({ ...config, asarUnpack: { pattern: 'node_modules/**' } })).rejects.toThrow(/asarUnpack/);
    await expect(validate({ ...config, linux: { target: ['AppImage'], executablName: 'x' } })).rejects.toThrow(/linux/);
  });
});
