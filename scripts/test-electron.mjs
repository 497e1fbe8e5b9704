// `npm run test:electron`: the Electron e2e suite (test/electron) against the built app, where Electron's
// binary exists; elsewhere it says why it skipped and succeeds.
import { spawnSync } from 'node:child_process';
import console from 'node:console';
import path from 'node:path';
import process from 'node:process';
import { ensureElectronSqlite } from './electron-sqlite.mjs';
import { findElectronBinary, root } from './launch.mjs';

const electron = findElectronBinary();
if (!electron.binary) {
  console.log(`Electron tests skipped: ${electron.missing}.`);
  process.exit(0);
}
ensureElectronSqlite(); // the Electron shell loads SQLite from .native/; node_modules stays built for Node
const playwright = path.join(root, 'node_modules', '@playwright', 'test', 'cli.js');
const result = spawnSync(process.execPath, [playwright, 'test', '--project=electron', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
