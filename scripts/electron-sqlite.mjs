// better-sqlite3 is a native addon: `npm ci` builds it for Node (tests, CLI, HTTP shell), but Electron
// needs a build for its own ABI. Instead of rebuilding node_modules in place (which would break `npm test`
// until the next rebuild), the Electron build lives in its own folder, and the Electron shell loads it
// through better-sqlite3's `nativeBinding` option. Built once per Electron version; `npm start` calls it.
import { spawnSync } from 'node:child_process';
import console from 'node:console';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { root } from './launch.mjs';

const require = createRequire(import.meta.url);

/** Where the Electron-ABI addon for this Electron version, platform and architecture lives. */
export function electronSqlitePath(electronVersion, platform = process.platform, arch = process.arch) {
  return path.join(root, '.native', `electron-${electronVersion}-${platform}-${arch}`, 'better_sqlite3.node');
}

/** Returns the addon's path, building it first when missing (needs the network for Electron's headers). */
export function ensureElectronSqlite() {
  const electronVersion = require('electron/package.json').version;
  const target = electronSqlitePath(electronVersion);
  if (fs.existsSync(target)) return target;

  const staging = path.join(path.dirname(target), 'staging');
  fs.rmSync(staging, { recursive: true, force: true });
  fs.cpSync(path.join(root, 'node_modules', 'better-sqlite3'), staging, {
    recursive: true,
    filter: (source) => !source.includes(`${path.sep}build${path.sep}`) && !source.endsWith(`${path.sep}build`),
  });
  console.log(`Building better-sqlite3 for Electron ${electronVersion} (once per Electron version)…`);
  const nodeGyp = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  const result = spawnSync(
    process.execPath,
    [
      fs.existsSync(nodeGyp) ? nodeGyp : require.resolve('node-gyp/bin/node-gyp.js'),
      'rebuild',
      '--release',
      '--runtime=electron',
      `--target=${electronVersion}`,
      '--dist-url=https://electronjs.org/headers',
    ],
    { cwd: staging, stdio: 'inherit', env: { ...process.env, npm_config_nodedir: '' } },
  );
  if (result.status !== 0) throw new Error(`Building better-sqlite3 for Electron ${electronVersion} failed (see above).`);
  fs.copyFileSync(path.join(staging, 'build', 'Release', 'better_sqlite3.node'), target);
  fs.rmSync(staging, { recursive: true, force: true });
  return target;
}
