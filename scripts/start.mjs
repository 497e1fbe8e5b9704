// `npm start [-- --db PATH]`: build, then the Electron app; where Electron's binary is missing, the same
// app in the browser through the HTTP shell.
import console from 'node:console';
import process from 'node:process';
import { ensureElectronSqliteOrExit } from './electron-sqlite.mjs';
import { build, findElectronBinary, startElectron, startHttpShell } from './launch.mjs';

const args = process.argv.slice(2);
build();
const electron = findElectronBinary();
if (electron.binary) {
  ensureElectronSqliteOrExit(); // the Electron shell loads SQLite from it; node_modules stays built for Node
  startElectron('preview', electron.binary, args);
} else {
  console.log(`${electron.missing}; starting the same app in the browser shell instead.`);
  await startHttpShell('npm start');
}
