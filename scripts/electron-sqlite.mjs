// better-sqlite3 is a native addon: `npm ci` builds it for Node (tests, CLI, HTTP shell), but Electron
// needs a build for its own ABI. Instead of rebuilding node_modules in place (which would break `npm test`
// until the next rebuild), the Electron build lives in its own folder, and the Electron shell loads it
// through better-sqlite3's `nativeBinding` option. Built once per Electron version by `npm start`, `npm run dev`
// and `npm run test:electron`.
import { spawnSync } from 'node:child_process';
import console from 'node:console';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { pathFor, root } from './launch.mjs';

const require = createRequire(import.meta.url);

/** Where the Electron-ABI addon for this Electron version, platform and architecture lives. */
export function electronSqlitePath(electronVersion, platform = process.platform, arch = process.arch) {
  return path.join(root, '.native', `electron-${electronVersion}-${platform}-${arch}`, 'better_sqlite3.node');
}

/**
 * node-gyp, which builds the addon: the one npm runs scripts with (npm_config_node_gyp), else the one bundled with
 * the npm beside this Node (`<prefix>/lib/node_modules/npm/…` on Linux and macOS, `<node folder>\node_modules\npm\…`
 * on Windows), else the project's own. `{ missing }` names every place looked at.
 */
export function findNodeGyp(env, execPath, platform, exists, projectRoot = root) {
  const paths = pathFor(platform);
  const bundled = ['node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'];
  const nodeFolder = paths.dirname(execPath);
  const candidates = [
    ...(env.npm_config_node_gyp ? [env.npm_config_node_gyp] : []),
    platform === 'win32' ? paths.join(nodeFolder, ...bundled) : paths.join(paths.dirname(nodeFolder), 'lib', ...bundled),
    paths.join(projectRoot, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  const found = candidates.find((candidate) => exists(candidate));
  if (found) return { path: found };
  const unset = env.npm_config_node_gyp ? [] : ['npm_config_node_gyp (not set)'];
  return {
    missing:
      `node-gyp, which builds better-sqlite3 for Electron, was not found; looked at ${[...unset, ...candidates].join(', ')}. ` +
      'Run this through npm (npm start, npm run dev, npm run test:electron), or install node-gyp (npm install -g node-gyp).',
  };
}

/**
 * Returns the addon's path, building it first when missing (needs the network for Electron's headers). Throws, saying
 * why, when it cannot. `arch`: the architecture it is built for (`npm run dist -- --arch` packages another one than
 * this machine's).
 */
export function ensureElectronSqlite(arch = process.arch) {
  const electronVersion = require('electron/package.json').version;
  const target = electronSqlitePath(electronVersion, process.platform, arch);
  if (fs.existsSync(target)) return target;

  const nodeGyp = findNodeGyp(process.env, process.execPath, process.platform, fs.existsSync);
  if (nodeGyp.missing) throw new Error(nodeGyp.missing);
  const staging = path.join(path.dirname(target), 'staging');
  fs.rmSync(staging, { recursive: true, force: true });
  fs.cpSync(path.join(root, 'node_modules', 'better-sqlite3'), staging, {
    recursive: true,
    filter: (source) => !source.includes(`${path.sep}build${path.sep}`) && !source.endsWith(`${path.sep}build`),
  });
  console.log(`Building better-sqlite3 for Electron ${electronVersion} (once per Electron version)…`);
  const result = spawnSync(
    process.execPath,
    [
      nodeGyp.path,
      'rebuild',
      '--release',
      '--runtime=electron',
      `--target=${electronVersion}`,
      `--arch=${arch === 'armv7l' ? 'arm' : arch}`, // node-gyp names Electron's armv7l arm
      '--dist-url=https://electronjs.org/headers',
    ],
    { cwd: staging, stdio: 'inherit', env: { ...process.env, npm_config_nodedir: '' } },
  );
  if (result.status !== 0) throw new Error(`Building better-sqlite3 for Electron ${electronVersion} failed (see above).`);
  fs.copyFileSync(path.join(staging, 'build', 'Release', 'better_sqlite3.node'), target);
  fs.rmSync(staging, { recursive: true, force: true });
  return target;
}

/** ensureElectronSqlite for the npm scripts: a failure is said in one sentence and ends the script, without a stack. */
export function ensureElectronSqliteOrExit(arch = process.arch) {
  try {
    return ensureElectronSqlite(arch);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
