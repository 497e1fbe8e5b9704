// Which better-sqlite3 addon the Electron process loads: node_modules holds the build for Node (tests, CLI under Node,
// HTTP shell), so Electron loads its own build through better-sqlite3's `nativeBinding` option.
import fs from 'node:fs';
import path from 'node:path';
import { type App } from 'electron';

/**
 * In a checkout, `npm start` builds better-sqlite3 for Electron's ABI into .native/ (scripts/electron-sqlite.mjs),
 * leaving node_modules built for Node and the tests. A packaged app has the Electron build in node_modules.
 */
export function electronSqliteBinding(app: Pick<App, 'isPackaged' | 'getAppPath'>): string | undefined {
  if (app.isPackaged) return undefined;
  const folder = `electron-${process.versions.electron}-${process.platform}-${process.arch}`;
  const addon = path.join(app.getAppPath(), '.native', folder, 'better_sqlite3.node');
  return fs.existsSync(addon) ? addon : undefined;
}
