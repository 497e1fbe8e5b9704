// `npm run test:electron`: the Electron e2e suite (test/electron) against the built app, where Electron's
// binary exists, or against a packaged app when AUTOMATION_ELECTRON_APP names its executable. Without a binary it says
// why and skips, except on CI (CI=true), where a skip would pass for a green run in which no Electron code ran: there
// it fails, unless AUTOMATION_SKIP_ELECTRON_TESTS=1 says that this CI cannot have Electron (our own machines, which
// cannot reach GitHub, set it; a release workflow must not). On Linux without a display it runs under xvfb-run.
import { spawnSync } from 'node:child_process';
import console from 'node:console';
import fs from 'node:fs';
import process from 'node:process';
import { ensureElectronSqliteOrExit } from './electron-sqlite.mjs';
import { findElectronBinary, playwrightCommand, root } from './launch.mjs';

const packagedApp = process.env.AUTOMATION_ELECTRON_APP;
if (packagedApp) {
  if (!fs.existsSync(packagedApp)) fail(`AUTOMATION_ELECTRON_APP is set, but ${packagedApp} does not exist.`);
  console.log(`Electron tests against the packaged app ${packagedApp}.`);
} else {
  const electron = findElectronBinary();
  if (!electron.binary) skipOrFail(electron.missing);
  ensureElectronSqliteOrExit(); // the Electron shell loads SQLite from .native/; node_modules stays built for Node
}
const run = playwrightCommand(process.argv.slice(2));
if (run.missing) fail(`Electron tests cannot run: ${run.missing}`);
const result = spawnSync(run.command, run.args, { cwd: root, stdio: 'inherit' });
if (result.error) fail(`Electron tests cannot run: ${run.command} did not start (${result.error.message}).`);
process.exit(result.status ?? 1);

function skipOrFail(missing) {
  const skipAllowed = process.env.CI !== 'true' || process.env.AUTOMATION_SKIP_ELECTRON_TESTS === '1';
  if (!skipAllowed) {
    fail(
      `Electron tests cannot run: ${missing}. On CI this fails rather than skip; install Electron's binary ` +
        '(npx install-electron, or ELECTRON_OVERRIDE_DIST_PATH), or set AUTOMATION_SKIP_ELECTRON_TESTS=1 where it cannot be had.',
    );
  }
  console.log(`Electron tests skipped: ${missing}.`);
  process.exit(0);
}

function fail(message) {
  console.error(message);
  process.exit(1);
}
