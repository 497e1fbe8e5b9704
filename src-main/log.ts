// The main process's log: `log.error/warn/info/debug(message, ...details)`, usable from any src-main code, under
// Electron or plain Node. Until a shell calls configureLog it writes warnings and errors to the console only (tests
// write no file); configured, it also appends to `main.log` in the folder the shell names (Electron:
// app.getPath('logs'); the HTTP shell and the CLI: logsFolderFor in db/paths.ts, the same folder), one line per entry
// with an ISO time and the level, rotated by size. Every message and detail is redacted first (redact.ts). Logging never throws.
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import electronLog from 'electron-log/node';
import { APP_NAME, envValue } from './db/paths';
import { makePrivate, privateFolder } from './db/private-files';
import { redactText, redactValue } from './redact';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** Raises (debug) or lowers (warn, error) what is logged; info by default. */
export const LOG_LEVEL_VARIABLE = 'AUTOMATION_LOG_LEVEL';
export const LOG_FILE_NAME = 'main.log';
/** Past this size the file is rotated: main.log becomes main.1.log, main.1.log main.2.log, and so on. */
export const LOG_MAX_BYTES = 2 * 1024 * 1024;
/** Rotated files kept beside main.log; the oldest goes. At most (1 + 4) × 2 MiB of log. */
export const LOG_OLD_FILES = 4;

export interface LogSetup {
  /** The folder for main.log, created 0700 if missing. */
  folder: string;
  /** Also to the console (stderr for errors and warnings): the default. The CLI says no: its output is its product. */
  console?: boolean;
  /** The level's variable is read from here (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Rotation, for tests: the defaults above otherwise. */
  maxBytes?: number;
  oldFiles?: number;
}

type LogFunction = (message: string, ...details: unknown[]) => void;
export const log: Record<LogLevel, LogFunction> = {
  error: (message, ...details) => write('error', message, details),
  warn: (message, ...details) => write('warn', message, details),
  info: (message, ...details) => write('info', message, details),
  debug: (message, ...details) => write('debug', message, details),
};

const fileLogger = electronLog.create({ logId: 'automation-console-main' });
fileLogger.transports.console.level = false;
fileLogger.transports.file.level = false;
// Its path variables need an app name even though resolvePathFn below never reads them.
fileLogger.transports.file.setAppName(APP_NAME);
for (const name of ['ipc', 'remote'] as const) {
  const transport = fileLogger.transports[name] as { level: unknown } | undefined;
  if (transport) transport.level = false;
}

interface LogState {
  level: LogLevel;
  console: boolean;
  file: string | null;
}
/** Until a shell names a folder (tests, mostly), only warnings and errors reach the console unless the variable says more. */
const unconfigured = (): LogState => ({ level: logLevelFrom(process.env, 'warn'), console: true, file: null });
let state: LogState = unconfigured();

/** The level AUTOMATION_LOG_LEVEL names (error, warn, info or debug), else `otherwise` (info). */
export function logLevelFrom(env: NodeJS.ProcessEnv, otherwise: LogLevel = 'info'): LogLevel {
  const value = envValue(env, LOG_LEVEL_VARIABLE)?.trim().toLowerCase();
  return LOG_LEVELS.find((level) => level === value) ?? otherwise;
}

/**
 * Sends the log to `main.log` in `setup.folder` from now on, and returns that file's path. Called once by each shell
 * as it starts (again only to move the log, as tests do). A folder that cannot be made leaves the log on the console,
 * and says so there.
 */
export function configureLog(setup: LogSetup): string | null {
  const level = logLevelFrom(setup.env ?? process.env);
  const file = path.join(path.resolve(setup.folder), LOG_FILE_NAME);
  try {
    privateFolder(path.dirname(file));
    fs.closeSync(fs.openSync(file, 'a', 0o600));
    makePrivate(file);
  } catch (error) {
    state = { level, console: true, file: null };
    log.error(`[log] cannot write the log file ${file}; logging to the console only:`, error);
    return null;
  }
  const transport = fileLogger.transports.file;
  transport.resolvePathFn = () => file;
  transport.format = '[{iso}] [{level}] {text}';
  transport.maxSize = setup.maxBytes ?? LOG_MAX_BYTES;
  transport.archiveLogFn = (current) => rotate(String(current), setup.oldFiles ?? LOG_OLD_FILES, transport.maxSize);
  transport.writeOptions = { flag: 'a', mode: 0o600, encoding: 'utf8' };
  transport.level = 'debug';
  state = { level, console: setup.console ?? true, file };
  return file;
}

/** The file the log is written to; null while it goes to the console only. */
export function logFilePath(): string | null {
  return state.file;
}

/** Back to the console only (tests that configured a file). */
export function resetLog(): void {
  fileLogger.transports.file.level = false;
  state = unconfigured();
}

/**
 * Logs what nothing else caught. An uncaught exception is logged through Node's monitor, which leaves what follows
 * as it was (Node exits with code 1; Electron shows its error dialog). An unhandled rejection is logged and the app
 * keeps running, as Electron's main process does by default: Electron does not pass rejections to the monitor.
 */
export function logUnhandledErrors(target: Pick<NodeJS.EventEmitter, 'on'> = process): void {
  target.on('uncaughtExceptionMonitor', (error: unknown, origin: unknown) => {
    if (origin !== 'unhandledRejection') log.error('[process] an uncaught exception:', error);
  });
  target.on('unhandledRejection', (reason: unknown) => log.error('[process] an unhandled promise rejection (the app keeps running):', reason));
}

const CONSOLE: Record<LogLevel, (...data: unknown[]) => void> = {
  // Looked up at each call, so a test that replaces console.error sees what is logged.
  error: (...data) => console.error(...data),
  warn: (...data) => console.warn(...data),
  info: (...data) => console.info(...data),
  debug: (...data) => console.debug(...data),
};

function write(level: LogLevel, message: string, details: unknown[]): void {
  if (LOG_LEVELS.indexOf(level) > LOG_LEVELS.indexOf(state.level)) return;
  try {
    const safeMessage = redactText(String(message));
    const safeDetails = details.map(redactValue);
    if (state.console) CONSOLE[level](safeMessage, ...safeDetails);
    if (state.file) fileLogger[level](oneEntry(safeMessage, safeDetails));
  } catch {
    // Nowhere left to tell it: the caller carries on.
  }
}

/** The message and its details as one text (errors with their stacks), redacted once more as a whole. */
function oneEntry(message: string, details: unknown[]): string {
  const parts = details.map((detail) => (typeof detail === 'string' ? detail : util.inspect(detail, { depth: 5, breakLength: Infinity })));
  return redactText([message, ...parts].join(' '));
}

/** main.log → main.1.log → … → main.<keep>.log, the oldest dropped; a rename that fails keeps the file's last quarter instead. */
function rotate(file: string, keep: number, maxBytes: number): void {
  const { dir, name, ext } = path.parse(file);
  const numbered = (n: number) => path.join(dir, `${name}.${n}${ext}`);
  try {
    fs.rmSync(numbered(keep), { force: true });
    for (let n = keep - 1; n >= 1; n--) if (fs.existsSync(numbered(n))) fs.renameSync(numbered(n), numbered(n + 1));
    if (keep > 0) fs.renameSync(file, numbered(1));
    else fs.rmSync(file, { force: true });
  } catch {
    const kept = fs.readFileSync(file).subarray(-Math.round(maxBytes / 4));
    fs.writeFileSync(file, kept, { mode: 0o600 });
  }
}
