// Where the database lives. The Electron shell, the HTTP shell and the CLI resolve it the same way:
// `--db PATH`, else AUTOMATION_DB, else automation.db in the app's user-data folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'Automation Console';
export const DATABASE_FILE_NAME = 'automation.db';

/** The folder Electron's `app.getPath('userData')` names for this app, computed without Electron. */
export function defaultUserDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (platform === 'win32') return path.join(absolutePathIn(env, 'APPDATA', path.win32) ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME);
  return path.join(absolutePathIn(env, 'XDG_CONFIG_HOME', path.posix) ?? path.join(home, '.config'), APP_NAME);
}

/**
 * The folder Electron's `app.getPath('logs')` names for this app, computed without Electron, so the HTTP shell and the
 * CLI log where the desktop app does: `logs` in the user-data folder, except on macOS, where it is
 * ~/Library/Logs/Automation Console.
 */
export function logsFolderFor(
  userDataDir: string,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (platform === 'darwin') return path.join(home, 'Library', 'Logs', APP_NAME);
  return path.join(userDataDir, 'logs');
}

/** An environment variable's value, or undefined when it is unset or empty ("" counts as unset: `?? ` would keep it). */
export function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * A folder named by an environment variable, or undefined when it is unset, empty or relative: the XDG base
 * directory spec says to ignore a relative one, and a relative user-data folder would follow the working directory.
 */
function absolutePathIn(env: NodeJS.ProcessEnv, name: string, flavour: path.PlatformPath): string | undefined {
  const value = envValue(env, name);
  return value !== undefined && flavour.isAbsolute(value) ? value : undefined;
}

export type DatabasePathSource = 'flag' | 'env' | 'default';

export interface ResolvedDatabasePath {
  path: string;
  source: DatabasePathSource;
}

/** Reads `--db PATH` or `--db=PATH` from argv; throws when the flag has no value. */
export function dbFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--db') {
      const value = argv[i + 1];
      if (!value || value.startsWith('--')) throw new Error('--db needs a path, e.g. --db ./automation.db');
      return value;
    }
    if (arg.startsWith('--db=')) {
      const value = arg.slice('--db='.length);
      if (!value) throw new Error('--db needs a path, e.g. --db=./automation.db');
      return value;
    }
  }
  return undefined;
}

export function resolveDatabasePath(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  userDataDir: string = defaultUserDataDir(env),
): ResolvedDatabasePath {
  const flag = dbFlag(argv);
  if (flag) return { path: path.resolve(flag), source: 'flag' };
  const fromEnv = envValue(env, 'AUTOMATION_DB');
  if (fromEnv) return { path: path.resolve(fromEnv), source: 'env' };
  return { path: path.join(userDataDir, DATABASE_FILE_NAME), source: 'default' };
}

/**
 * The drizzle/ folder of generated migrations: beside the packaged app's resources, or found by walking
 * up from this module (source checkout, tests, the built `out/` folder).
 */
export function defaultMigrationsFolder(): string {
  const candidates: string[] = [];
  const resourcesPath = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (resourcesPath) candidates.push(path.join(resourcesPath, 'drizzle'));
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    candidates.push(path.join(dir, 'drizzle'));
    if (path.dirname(dir) === dir) break;
  }
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'meta', '_journal.json')));
  if (!found) throw new Error(`Cannot find the migrations folder (drizzle/meta/_journal.json); looked in: ${candidates.join(', ')}`);
  return found;
}

/** Where `maintenance.backup` writes: a `backups` folder beside the database file. */
export function backupsFolderFor(databasePath: string): string {
  return path.join(path.dirname(databasePath), 'backups');
}

/** Where CSV exports and reports go: an `exports` folder beside the database file. */
export function exportsFolderFor(databasePath: string): string {
  return path.join(path.dirname(databasePath), 'exports');
}
