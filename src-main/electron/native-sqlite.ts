// Which better-sqlite3 addon the Electron process loads: node_modules holds the build for Node (tests, CLI under Node,
// HTTP shell), so Electron loads its own build through better-sqlite3's `nativeBinding` option.
import fs from 'node:fs';
import path from 'node:path';
import { type App } from 'electron';

/** Where a packaged app keeps the Electron-ABI addon, under its resources (electron-builder.config.cjs, extraResources). */
export const PACKAGED_SQLITE_ADDON = path.join('native', 'better_sqlite3.node');

/**
 * In a checkout, `npm start` builds better-sqlite3 for Electron's ABI into .native/ (scripts/electron-sqlite.mjs),
 * leaving node_modules built for Node and the tests. A packaged app carries that build in its resources folder
 * (`npm run dist` puts it there; the package has no other build of better-sqlite3), so a packaged app without it
 * cannot open any database: that is said here rather than left to better-sqlite3's search for a build.
 */
export function electronSqliteBinding(
  app: Pick<App, 'isPackaged' | 'getAppPath'>,
  resourcesPath: string = process.resourcesPath,
): string | undefined {
  if (app.isPackaged) {
    const addon = path.join(resourcesPath, PACKAGED_SQLITE_ADDON);
    if (!fs.existsSync(addon)) throw new Error(`This installation of Automation Console is incomplete: its SQLite library (${addon}) is missing. Reinstall the app.`);
    return addon;
  }
  const addon = checkoutAddon(app);
  return fs.existsSync(addon) ? addon : undefined;
}

/** The Electron build this Electron version, platform and architecture needs in a checkout. */
export interface ElectronRuntime {
  electron: string;
  platform: NodeJS.Platform;
  arch: string;
}

const thisRuntime = (): ElectronRuntime => ({ electron: process.versions.electron ?? 'unknown', platform: process.platform, arch: process.arch });

function checkoutAddon(app: Pick<App, 'getAppPath'>, runtime: ElectronRuntime = thisRuntime()): string {
  return path.join(app.getAppPath(), '.native', `electron-${runtime.electron}-${runtime.platform}-${runtime.arch}`, 'better_sqlite3.node');
}

/**
 * Why a checkout's app cannot open any database, or null: without its .native/ build, better-sqlite3 would load the
 * node_modules build, made for Node's ABI, which Electron refuses. `npm start` and `npm run dev` build it.
 */
export function missingElectronSqlite(app: Pick<App, 'isPackaged' | 'getAppPath'>, runtime: ElectronRuntime = thisRuntime()): string | null {
  if (app.isPackaged) return null;
  const addon = checkoutAddon(app, runtime);
  if (fs.existsSync(addon)) return null;
  return (
    `better-sqlite3 is not built for Electron ${runtime.electron} here (${addon} is missing), so the app cannot open its database. ` +
    'Start the app with `npm start` or `npm run dev`: they build it (once per Electron version).'
  );
}
