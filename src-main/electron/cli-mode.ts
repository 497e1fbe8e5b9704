// The CLI inside the installed app: `<app executable> --cli <command> [flags]` runs the same CLI as the Node program
// (cli/run.ts) through the app's own binary, with no window and no single-instance lock, and exits with its code.
// No import of electron: the shell (electron/main.ts) passes what it needs, so each piece is tested under Node.
//
// Where Electron puts the arguments (process.argv is the raw command line in the main process):
// - a packaged app: [executable, ...arguments];
// - the stock binary given an app folder (`electron .`, electron-vite, Playwright; `process.defaultApp` is true):
//   [electron, ...switches, app path, ...arguments], the app path being the first argument that is not a switch.
// Chromium reads its switches anywhere on the command line, so a few that decide whether Electron can start at all
// are passed over when they follow --cli (CHROMIUM_SWITCHES); everything else after --cli is the CLI's.
import path from 'node:path';
import { main } from '../cli/run';
import type { CliHost } from '../cli/context';
import { ExitCode } from '../cli/exit-codes';
import type { CliIo } from '../cli/io';
import { envValue } from '../db/paths';

export const CLI_SWITCH = '--cli';

/** Chromium switches an operator may need on the app's command line; never CLI flags. */
const CHROMIUM_SWITCHES = ['no-sandbox', 'disable-gpu', 'ozone-platform', 'ozone-platform-hint', 'user-data-dir'];

/** Where the app's own arguments start in Electron's argv. */
function firstAppArgument(argv: readonly string[], defaultApp: boolean): number {
  if (!defaultApp) return 1;
  // default_app takes the first argument that is not a switch as the app (`-r`/`--require` take the next one).
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-r' || arg === '--require') i++;
    else if (!arg.startsWith('-')) return i + 1;
  }
  return argv.length;
}

function isChromiumSwitch(arg: string): boolean {
  return CHROMIUM_SWITCHES.some((name) => arg === `--${name}` || arg.startsWith(`--${name}=`));
}

/** The position of --cli among the app's own arguments, or -1 when the app was not started as the CLI. */
function cliSwitchIndex(argv: readonly string[], defaultApp: boolean): number {
  return argv.indexOf(CLI_SWITCH, firstAppArgument(argv, defaultApp));
}

/** The CLI's arguments when Electron's argv asks for the CLI (`--cli` among the app's arguments), else null. */
export function cliArguments(argv: readonly string[], defaultApp: boolean): string[] | null {
  const index = cliSwitchIndex(argv, defaultApp);
  if (index < 0) return null;
  return argv.slice(index + 1).filter((arg) => !isChromiumSwitch(arg));
}

/**
 * On Linux, Chromium picks its display platform (X11 or Wayland) before the app's JavaScript runs, and sets up the
 * UI toolkit on it before the event loop starts; with no display that fails and the process exits, so a CLI that
 * awaits anything would never finish. Started as the CLI with no display and no platform chosen, the app runs itself
 * again on Chromium's headless platform: these are the arguments for that run (argv without the executable),
 * or null when the CLI can run as it is.
 */
export function headlessRelaunchArguments(argv: readonly string[], defaultApp: boolean, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] | null {
  if (platform !== 'linux') return null;
  if (envValue(env, 'DISPLAY') !== undefined || envValue(env, 'WAYLAND_DISPLAY') !== undefined) return null;
  if (argv.some((arg) => arg === '--ozone-platform' || arg.startsWith('--ozone-platform='))) return null;
  const index = cliSwitchIndex(argv, defaultApp);
  if (index < 0) return null;
  return [...argv.slice(1, index), '--ozone-platform=headless', '--disable-gpu', ...argv.slice(index)];
}

/**
 * How an operator types the app's CLI, for the commands its messages suggest: the app's executable as started, with
 * --cli (the stock binary given the app folder is `electron .`). Quoted when the name has a space.
 */
export function appCliCommand(execPath: string, defaultApp: boolean, platform: NodeJS.Platform): string {
  if (defaultApp) return `electron . ${CLI_SWITCH}`;
  const name = (platform === 'win32' ? path.win32 : path.posix).basename(execPath);
  return `${/^[\w.+-]+$/.test(name) ? name : `"${name}"`} ${CLI_SWITCH}`;
}

/** What the CLI needs from the app: the terminal, the host (addon and user-data folder), and how to exit. */
export interface AppCli {
  io: CliIo;
  host: CliHost;
  /** Drained before exiting: the process's stdout and stderr (Node writes a pipe asynchronously on Linux and macOS, a console on Windows). */
  streams: readonly NodeJS.WritableStream[];
  exit(code: number): void;
}

/** Resolves once everything written to `stream` before this call has been handed to the system. */
function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    stream.write('', () => resolve());
  });
}

/** Exits with `code` once the output written so far has left the process. */
async function exitWhenDrained(app: Pick<AppCli, 'streams' | 'exit'>, code: number): Promise<void> {
  try {
    await Promise.all(app.streams.map(drained));
  } finally {
    app.exit(code);
  }
}

/**
 * Runs the CLI, waits until its output has left the process, then exits with its code (which it also returns).
 * `cannotOpenDatabases` (a checkout without its Electron-ABI SQLite build) is reported as the database's exit code.
 */
export async function runAppCli(cliArgv: readonly string[], app: AppCli, cannotOpenDatabases: string | null = null): Promise<number> {
  let code: number = ExitCode.failure;
  try {
    if (cannotOpenDatabases) {
      app.io.stderr.write(`Error: ${cannotOpenDatabases}\n`);
      code = ExitCode.database;
    } else {
      code = await main(cliArgv, app.io, app.host);
    }
  } catch (error) {
    app.io.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  await exitWhenDrained(app, code);
  return code;
}
