// `npm run test:electron`: the Electron e2e suite (test/electron) against the built app, where Electron's
// binary exists. Without one it says why and skips, except on CI (CI=true), where a skip would pass for a green run
// in which no Electron code ran: there it fails, unless AUTOMATION_SKIP_ELECTRON_TESTS=1 says that this CI cannot
// have Electron (our own machines, which cannot reach GitHub, set it; a release workflow must not).
import { spawnSync } from 'node:child_process';
import console from 'node:console';
import path from 'node:path';
import process from 'node:process';
import { ensureElectronSqlite } from './electron-sqlite.mjs';
import { findElectronBinary, root } from './launch.mjs';

const electron = findElectronBinary();
if (!electron.binary) {
  const skipAllowed = process.env.CI !== 'true' || process.env.AUTOMATION_SKIP_ELECTRON_TESTS === '1';
  if (!skipAllowed) {
    console.error(
      `Electron tests cannot run: ${electron.missing}. On CI this fails rather than skip; install Electron's binary ` +
        '(npx install-electron, or ELECTRON_OVERRIDE_DIST_PATH), or set AUTOMATION_SKIP_ELECTRON_TESTS=1 where it cannot be had.',
    );
    process.exit(1);
  }
  console.log(`Electron tests skipped: ${electron.missing}.`);
  process.exit(0);
}
ensureElectronSqlite(); // the Electron shell loads SQLite from .native/; node_modules stays built for Node
const playwright = path.join(root, 'node_modules', '@playwright', 'test', 'cli.js');
const result = spawnSync(process.execPath, [playwright, 'test', '--project=electron', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
