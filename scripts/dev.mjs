// `npm run dev [-- --db PATH]`: electron-vite's dev server with hot reload, in Electron. It needs Electron's binary
// (there is no browser fallback: `npm run serve` is the browser's way) and the better-sqlite3 build for Electron's
// ABI in .native/, which it builds once per Electron version, as `npm start` does.
import console from 'node:console';
import process from 'node:process';
import { ensureElectronSqliteOrExit } from './electron-sqlite.mjs';
import { findElectronBinary, startElectron } from './launch.mjs';

const electron = findElectronBinary();
if (!electron.binary) {
  console.error(
    `npm run dev needs Electron: ${electron.missing}. Get it with \`npx install-electron\` (downloads it from GitHub), ` +
      'or set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron of the version in package.json. ' +
      'Without Electron, `npm run serve` runs the same app in the browser.',
  );
  process.exit(1);
}
ensureElectronSqliteOrExit();
startElectron('dev', electron.binary, process.argv.slice(2));
