// `npm run dist` (this platform's installers) and `npm run dist:dir` (an unpacked app), into release/
// (`AUTOMATION_E2E_BUILD=1`: an end-to-end build, into release/e2e/). First decides, offline, that everything
// electron-builder needs is here (scripts/dist-plan.mjs); if not, says what is missing and how to provide it, and exits 1
// having built and changed nothing. Then: the app (electron-vite build), the Electron-ABI SQLite addon for the target
// (.native/, scripts/electron-sqlite.mjs), and electron-builder with electron-builder.config.cjs. node_modules is
// never rebuilt (npmRebuild: false): it stays built for Node and the tests. docs/packaging.md.
import { spawnSync } from 'node:child_process';
import console from 'node:console';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { cachedElectronZip, ELECTRON_DIST_VARIABLE, parseDistArgs, planDist, statOrUndefined } from './dist-plan.mjs';
import { electronSqlitePath, ensureElectronSqliteOrExit } from './electron-sqlite.mjs';
import { build, root } from './launch.mjs';

const require = createRequire(import.meta.url);
const options = parseDistArgs(process.argv.slice(2));
if (options.error) {
  console.error(options.error);
  process.exit(2);
}

const version = require('electron/package.json').version;
const platform = process.platform;
const plan = planDist(options, {
  env: process.env,
  version,
  platform,
  cachedZip: await cachedElectronZip(version, platform, options.arch),
  addon: electronSqlitePath(version, platform, options.arch),
  stat: statOrUndefined,
});
if (!plan.ok) {
  console.error(`npm run dist cannot build Automation Console for ${platform}-${options.arch} here; nothing was built or changed:`);
  for (const problem of plan.problems) console.error(`- ${problem}`);
  console.error('See docs/packaging.md.');
  process.exit(1);
}

console.log(`Electron ${version}: ${plan.electron.from === 'download' ? 'downloaded by electron-builder' : `from ${plan.electron.path}`}.`);
build();
ensureElectronSqliteOrExit(options.arch);
const electronBuilder = path.join(path.dirname(require.resolve('electron-builder/package.json')), 'cli.js');
const args = ['--config', 'electron-builder.config.cjs', '--publish', 'never', `--${options.arch}`, ...(options.dir ? ['--dir'] : [])];
const env = plan.electron.from === 'dist' ? { ...process.env, [ELECTRON_DIST_VARIABLE]: path.resolve(plan.electron.path) } : process.env;
const result = spawnSync(process.execPath, [electronBuilder, ...args], { cwd: root, stdio: 'inherit', env });
process.exit(result.status ?? 1);
