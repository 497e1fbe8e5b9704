// The main process's log: no file until a shell names its folder; then one line per entry with its time and level,
// the level raised or lowered by AUTOMATION_LOG_LEVEL, rotated by size, for its owner only; what nothing caught is
// logged; and secrets are cut out of every message and detail.
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logsFolderFor } from '../../src-main/db/paths';
import { configureLog, LOG_FILE_NAME, log, logFilePath, logLevelFrom, logUnhandledErrors, resetLog } from '../../src-main/log';
import { REDACTED, redactText, redactValue, rememberSecret } from '../../src-main/redact';
import { tempDir } from '../helpers/temp';

afterEach(() => {
  resetLog();
  vi.restoreAllMocks();
});

function quietConsole() {
  for (const method of ['error', 'warn', 'info', 'debug'] as const) vi.spyOn(console, method).mockImplementation(() => {});
}

describe('the log', () => {
  it('writes no file until a shell names its folder: the console alone, warnings and errors only', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const infos = vi.spyOn(console, 'info').mockImplementation(() => {});
    log.error('[test] something broke', { step: 3 });
    log.info('[test] user 3 signed in');
    expect(logFilePath()).toBeNull();
    expect(errors).toHaveBeenCalledWith('[test] something broke', { step: 3 });
    expect(infos).not.toHaveBeenCalled();
  });

  it('appends one line per entry with its UTC time and level, at info and above unless AUTOMATION_LOG_LEVEL says otherwise', () => {
    quietConsole();
    const folder = path.join(tempDir(), 'logs');
    const file = configureLog({ folder, env: {} });
    expect(file).toBe(path.join(folder, LOG_FILE_NAME));
    log.info('[test] opened');
    log.debug('[test] a detail nobody asked for');
    log.error('[test] failed:', new Error('disk on fire'));
    const text = fs.readFileSync(file!, 'utf8');
    expect(text).toMatch(/^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] \[info\] +\[test\] opened$/m);
    expect(text).toMatch(/\[error\] +\[test\] failed: Error: disk on fire\n\s+at /);
    expect(text).not.toContain('nobody asked for');

    configureLog({ folder, env: { AUTOMATION_LOG_LEVEL: 'debug' } });
    log.debug('[test] now it is asked for');
    configureLog({ folder, env: { AUTOMATION_LOG_LEVEL: 'warn' } });
    log.info('[test] below warn');
    log.warn('[test] a warning');
    const after = fs.readFileSync(file!, 'utf8');
    expect(after).toMatch(/\[debug\] +\[test\] now it is asked for/);
    expect(after).not.toContain('below warn');
    expect(after).toMatch(/\[warn\] +\[test\] a warning/);
  });

  it('reads the level from its variable, info when unset or unknown', () => {
    expect(logLevelFrom({})).toBe('info');
    expect(logLevelFrom({}, 'warn')).toBe('warn');
    expect(logLevelFrom({ AUTOMATION_LOG_LEVEL: ' DEBUG ' })).toBe('debug');
    expect(logLevelFrom({ AUTOMATION_LOG_LEVEL: 'verbose' })).toBe('info');
  });

  it('the CLI logs to the file only: its output is its product', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const file = configureLog({ folder: tempDir(), console: false, env: {} });
    log.error('[test] only in the file');
    expect(errors).not.toHaveBeenCalled();
    expect(fs.readFileSync(file!, 'utf8')).toContain('only in the file');
  });

  it('rotates by size, keeping the newest old files, and every file and its folder are for their owner only', () => {
    quietConsole();
    const folder = path.join(tempDir(), 'logs');
    const file = configureLog({ folder, env: {}, maxBytes: 2_000, oldFiles: 2 })!;
    for (let i = 0; i < 200; i++) log.info(`[test] entry ${String(i).padStart(3, '0')} ${'x'.repeat(40)}`);
    expect(fs.readdirSync(folder).sort()).toEqual(['main.1.log', 'main.2.log', 'main.log']);
    for (const name of fs.readdirSync(folder)) {
      const stat = fs.statSync(path.join(folder, name));
      expect(stat.size, name).toBeLessThanOrEqual(2_000 + 200);
      expect(stat.mode & 0o777, name).toBe(0o600);
    }
    expect(fs.statSync(folder).mode & 0o777).toBe(0o700);
    expect(fs.readFileSync(file, 'utf8')).toContain('entry 199');
    // The oldest entries are gone; main.2.log is older than main.1.log, which is older than main.log.
    const firstEntry = (name: string) => Number(/entry (\d+)/.exec(fs.readFileSync(path.join(folder, name), 'utf8'))![1]);
    expect(firstEntry('main.2.log')).toBeGreaterThan(0);
    expect(firstEntry('main.2.log')).toBeLessThan(firstEntry('main.1.log'));
    expect(firstEntry('main.1.log')).toBeLessThan(firstEntry('main.log'));
  });

  it('stays on the console, and says so, when its folder cannot be made', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const blocker = path.join(tempDir(), 'a-file');
    fs.writeFileSync(blocker, '');
    expect(configureLog({ folder: path.join(blocker, 'logs'), env: {} })).toBeNull();
    expect(logFilePath()).toBeNull();
    expect(String(errors.mock.calls[0]?.[0])).toContain('cannot write the log file');
  });

  it('the Node shells log where the desktop app does: logs in the user-data folder, ~/Library/Logs on macOS', () => {
    expect(logsFolderFor('/home/ann/.config/Automation Console', 'linux', '/home/ann')).toBe('/home/ann/.config/Automation Console/logs');
    expect(logsFolderFor('/Users/ann/Library/Application Support/Automation Console', 'darwin', '/Users/ann')).toBe('/Users/ann/Library/Logs/Automation Console');
  });
});

describe('what nothing caught', () => {
  it('an unhandled rejection and an uncaught exception are logged, each once', () => {
    quietConsole();
    const file = configureLog({ folder: tempDir(), env: {} })!;
    const stand_in = new EventEmitter();
    logUnhandledErrors(stand_in);
    stand_in.emit('unhandledRejection', new Error('nobody awaited this'));
    stand_in.emit('uncaughtExceptionMonitor', new Error('nobody caught this'), 'uncaughtException');
    // Node passes a rejection in its default mode to the monitor too: already logged, not twice.
    stand_in.emit('uncaughtExceptionMonitor', new Error('a rejection Node raised'), 'unhandledRejection');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/\[error\] +\[process\] an unhandled promise rejection \(the app keeps running\): Error: nobody awaited this/);
    expect(text).toMatch(/\[error\] +\[process\] an uncaught exception: Error: nobody caught this/);
    expect(text).not.toContain('a rejection Node raised');
  });

  it('a real process that throws is logged before Node ends it with code 1', () => {
    const folder = tempDir();
    const script = [
      "const { configureLog, logUnhandledErrors } = require('./src-main/log');",
      `configureLog({ folder: ${JSON.stringify(folder)} });`,
      'logUnhandledErrors();',
      "setTimeout(() => { throw new Error('thrown from a timer'); }, 0);",
    ].join('\n');
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8', timeout: 60_000 });
    expect(child.status).toBe(1);
    expect(fs.readFileSync(path.join(folder, LOG_FILE_NAME), 'utf8')).toMatch(/\[process\] an uncaught exception: Error: thrown from a timer\n\s+at /);
  });
});

describe('redaction', () => {
  it('cuts a remembered secret out of any text it appears in, at any offset', () => {
    fc.assert(
      fc.property(fc.base64String({ minLength: 44, maxLength: 44 }), fc.string(), fc.string(), (raw, before, after) => {
        const secret = raw.replace(/[+/=]/g, 'a');
        rememberSecret(secret);
        expect(redactText(`${before}${secret}${after}`)).not.toContain(secret);
      }),
      { numRuns: 200 },
    );
  });

  it('replaces bearer tokens, secret query parameters and headers, and secret JSON fields', () => {
    const text = [
      'GET http://127.0.0.1:5000/?token=abc123DEF&page=2',
      'Authorization: Bearer s3cr3t-value',
      'authorization: Basic dXNlcjpwYXNz',
      'x-session-token: 0123456789abcdef',
      '{"email":"ann@example.test","password":"hunter2 with spaces"}',
      'password=hunter3',
    ].join('\n');
    const redacted = redactText(text);
    for (const secret of ['abc123DEF', 's3cr3t-value', 'dXNlcjpwYXNz', '0123456789abcdef', 'hunter2', 'hunter3']) expect(redacted).not.toContain(secret);
    expect(redacted).toContain('page=2');
    expect(redacted).toContain('ann@example.test');
    expect(redacted).toContain(`Bearer ${REDACTED}`);
  });

  it('replaces the value of a secret key at any depth, and keeps an error an error, its message and stack redacted', () => {
    const error = Object.assign(new Error('login failed with password=hunter4'), { code: 'E_AUTH', token: 'tok-1' });
    const value = redactValue({ user: { email: 'a@b.test', password: 'hunter5', sessionId: 'sid-1' }, headers: { Authorization: 'Bearer x' }, error }) as {
      user: Record<string, unknown>;
      headers: Record<string, unknown>;
      error: Error & Record<string, unknown>;
    };
    expect(value.user).toEqual({ email: 'a@b.test', password: REDACTED, sessionId: REDACTED });
    expect(value.headers).toEqual({ Authorization: REDACTED });
    expect(value.error).toBeInstanceOf(Error);
    expect(value.error.message).toBe(`login failed with password=${REDACTED}`);
    expect(value.error.stack).not.toContain('hunter4');
    expect(value.error).toMatchObject({ code: 'E_AUTH', token: REDACTED });
  });

  it('survives cycles and values that throw when read', () => {
    const cycle: Record<string, unknown> = { name: 'a' };
    cycle.self = cycle;
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error('no'); } });
    expect(redactValue(cycle)).toEqual({ name: 'a', self: '[circular]' });
    expect(redactValue(hostile)).toBe('[a value that could not be read]');
  });
});
