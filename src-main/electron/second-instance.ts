// A second launch of the desktop app hands over to the running one (the single-instance lock) and quits. It tells the
// running app which database it would have opened: the running app brings its window forward and, when that is
// another file, says it is already open on its own file and must be closed first, instead of dropping the request.
// The file travels as the lock's additionalData, resolved by the launching process (its --db, AUTOMATION_DB or the
// default), because Electron passes the second instance's argv reordered (Chromium puts the path after `--db`
// behind every switch). No import of electron: the shell passes what Electron gives it.
import path from 'node:path';
import { resolveDatabasePath } from '../db/paths';

/** What a launch sends with its request for the lock (a plain object: Electron serialises it). */
export type LaunchRequest = {
  /** The database file this launch would open; null when its command line names none that can be opened. */
  database: string | null;
};

export function launchRequest(argv: readonly string[], env: NodeJS.ProcessEnv, userDataDir: string): LaunchRequest {
  try {
    return { database: resolveDatabasePath(argv, env, userDataDir).path };
  } catch {
    return { database: null }; // a bad command line (`--db` without a path) is the launching process's to report
  }
}

/** Whether two absolute paths name the same file, as the platform's file system compares names. */
export function sameFile(a: string, b: string, platform: NodeJS.Platform = process.platform): boolean {
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const [left, right] = [paths.normalize(a), paths.normalize(b)];
  // Windows' and macOS's default file systems ignore case in names.
  return platform === 'win32' || platform === 'darwin' ? left.toLowerCase() === right.toLowerCase() : left === right;
}

/** A message box's content (Electron's MessageBoxOptions, in part). */
export interface Notice {
  type: 'info';
  title: string;
  message: string;
  detail: string;
}

/**
 * What the running app says to a second launch (its additionalData, as Electron hands it over): nothing when it asks
 * for the same file or names none; otherwise that the app is already open on `running` and must be closed first.
 */
export function otherDatabaseNotice(running: LaunchRequest, additionalData: unknown, platform: NodeJS.Platform = process.platform): Notice | null {
  const requested = requestedDatabase(additionalData);
  if (requested === null || running.database === null || sameFile(requested, running.database, platform)) return null;
  return {
    type: 'info',
    title: 'Automation Console',
    message: `Automation Console is already open on ${running.database}.`,
    detail: `To open ${requested}, close Automation Console first, then start it again with that file.`,
  };
}

function requestedDatabase(additionalData: unknown): string | null {
  if (typeof additionalData !== 'object' || additionalData === null || !('database' in additionalData)) return null;
  const { database } = additionalData;
  return typeof database === 'string' && database.length > 0 ? database : null;
}
