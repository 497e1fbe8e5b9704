// `<app> --cli <command> …`: which command lines the installed app reads as the CLI, when it must run itself again on
// Chromium's headless platform, and that the CLI run this way answers exactly as the Node program does, on a real file,
// with the app's addon and user-data folder, exiting only once its output has left.
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { main } from '../../src-main/cli/run';
import { ExitCode } from '../../src-main/cli/exit-codes';
import { appCliCommand, cliArguments, headlessRelaunchArguments, runAppCli, type AppCli } from '../../src-main/electron/cli-mode';
import { DATABASE_FILE_NAME } from '../../src-main/db/paths';
import { createTestDatabase, seedBusiness, seedRuns } from '../helpers/seed';
import { tempDir } from '../helpers/temp';
import { cliIo, type CliOutcome, type RunOptions } from '../cli/run-cli';

const PACKAGED = '/opt/Automation Console/automation-console';
const ELECTRON = '/repo/node_modules/electron/dist/electron';

describe('reading the CLI from Electron’s command line', () => {
  it('a packaged app: everything after --cli', () => {
    expect(cliArguments([PACKAGED, '--cli', 'info', '--json'], false)).toEqual(['info', '--json']);
    expect(cliArguments([PACKAGED, '--cli'], false)).toEqual([]);
  });

  it('without --cli the app is the window', () => {
    expect(cliArguments([PACKAGED], false)).toBeNull();
    expect(cliArguments([PACKAGED, '--db', '/data/automation.db'], false)).toBeNull();
    expect(cliArguments([ELECTRON, '/repo'], true)).toBeNull();
  });

  it('the stock binary given the app folder (electron ., electron-vite): after the app path', () => {
    expect(cliArguments([ELECTRON, '.', '--cli', 'check', '--limit', '5'], true)).toEqual(['check', '--limit', '5']);
  });

  it('switches before the app path (Playwright’s) and a --require module are not the app path', () => {
    const argv = [ELECTRON, '--inspect=0', '--remote-debugging-port=0', '-r', './hook.js', '/repo', '--cli', 'verify'];
    expect(cliArguments(argv, true)).toEqual(['verify']);
  });

  it('--cli before the app path is not the app’s: default_app would load the folder after it as the window', () => {
    expect(cliArguments([ELECTRON, '--cli', '/repo', 'info'], true)).toBeNull();
  });

  it('Chromium switches before --cli stay Chromium’s; after it, those that decide whether Electron starts are passed over', () => {
    expect(cliArguments([PACKAGED, '--no-sandbox', '--ozone-platform=headless', '--cli', 'info'], false)).toEqual(['info']);
    const after = [PACKAGED, '--cli', 'info', '--no-sandbox', '--user-data-dir=/tmp/profile', '--disable-gpu', '--ozone-platform=headless', '--json'];
    expect(cliArguments(after, false)).toEqual(['info', '--json']);
  });

  it('any other flag after --cli is the CLI’s to judge (it refuses what it does not know)', () => {
    expect(cliArguments([PACKAGED, '--cli', 'info', '--no-sandboxes', '--inspect'], false)).toEqual(['info', '--no-sandboxes', '--inspect']);
  });

  it('property: in either layout, with switches anywhere before --cli, the CLI gets exactly its own arguments, also after a headless relaunch', () => {
    const cliWord = fc.oneof(fc.constantFrom('info', 'check', '--json', '--db', '--yes', '--ids', '1,2', '--limit'), fc.stringMatching(/^[a-z0-9./]{1,12}$/));
    const chromiumSwitch = fc.constantFrom('--no-sandbox', '--inspect=0', '--remote-debugging-port=0', '--enable-logging', '--lang=de');
    fc.assert(
      fc.property(fc.boolean(), fc.array(chromiumSwitch, { maxLength: 4 }), fc.array(cliWord, { maxLength: 6 }), (defaultApp, switches, own) => {
        const argv = defaultApp ? [ELECTRON, ...switches, '/repo', '--cli', ...own] : [PACKAGED, ...switches, '--cli', ...own];
        expect(cliArguments(argv, defaultApp)).toEqual(own);
        const relaunch = headlessRelaunchArguments(argv, defaultApp, {}, 'linux');
        expect(relaunch).not.toBeNull();
        expect(cliArguments([argv[0]!, ...relaunch!], defaultApp)).toEqual(own);
      }),
    );
  });
});

describe('a Linux host with no display', () => {
  const packaged = [PACKAGED, '--cli', 'info'];

  it('runs the same command again on the headless platform, without a GPU, the switches before --cli', () => {
    expect(headlessRelaunchArguments(packaged, false, {}, 'linux')).toEqual(['--ozone-platform=headless', '--disable-gpu', '--cli', 'info']);
    expect(headlessRelaunchArguments([ELECTRON, '/repo', '--cli', 'info'], true, { DISPLAY: '' }, 'linux')).toEqual([
      '/repo',
      '--ozone-platform=headless',
      '--disable-gpu',
      '--cli',
      'info',
    ]);
  });

  it('runs as it is with an X11 or Wayland display, with a platform chosen, or on Windows and macOS', () => {
    expect(headlessRelaunchArguments(packaged, false, { DISPLAY: ':0' }, 'linux')).toBeNull();
    expect(headlessRelaunchArguments(packaged, false, { WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBeNull();
    expect(headlessRelaunchArguments([PACKAGED, '--ozone-platform=x11', '--cli', 'info'], false, {}, 'linux')).toBeNull();
    expect(headlessRelaunchArguments(packaged, false, {}, 'win32')).toBeNull();
    expect(headlessRelaunchArguments(packaged, false, {}, 'darwin')).toBeNull();
  });

  it('the window is never relaunched, and the relaunched CLI does not relaunch again', () => {
    expect(headlessRelaunchArguments([PACKAGED, '--db', '/data/a.db'], false, {}, 'linux')).toBeNull();
    const again = headlessRelaunchArguments(packaged, false, {}, 'linux')!;
    expect(headlessRelaunchArguments([PACKAGED, ...again], false, {}, 'linux')).toBeNull();
  });
});

describe('the command the app’s messages suggest', () => {
  it('is the app’s executable as started, with --cli, quoted when its name has a space', () => {
    expect(appCliCommand(PACKAGED, false, 'linux')).toBe('automation-console --cli');
    expect(appCliCommand('C:\\Program Files\\Automation Console\\Automation Console.exe', false, 'win32')).toBe('"Automation Console.exe" --cli');
    expect(appCliCommand('/Applications/Automation Console.app/Contents/MacOS/Automation Console', false, 'darwin')).toBe('"Automation Console" --cli');
    expect(appCliCommand('/home/op/Automation-Console-0.1.0.AppImage', false, 'linux')).toBe('Automation-Console-0.1.0.AppImage --cli');
    expect(appCliCommand(ELECTRON, true, 'linux')).toBe('electron . --cli');
  });
});

/** A closed database file with a business, runs and 3 orphans, copied fresh for each run. */
async function databaseTemplate(): Promise<string> {
  const db = await createTestDatabase();
  const acme = seedBusiness(db, { name: 'Acme' });
  seedRuns(db, { kind: 'business', businessId: acme.id }, 2);
  seedRuns(db, { kind: 'orphan' }, 3);
  db.close();
  return db.path;
}

function freshCopy(template: string): string {
  const file = path.join(tempDir(), DATABASE_FILE_NAME);
  fs.copyFileSync(template, file);
  return file;
}

/** A stream that hands each write to the system only after a while, as Node writes a pipe on Linux and macOS. */
class SlowSink extends Writable {
  constructor(private readonly events: string[]) {
    super();
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    setTimeout(() => {
      this.events.push(`flushed ${chunk.length}`);
      done();
    }, 20);
  }
}

async function runInApp(argv: string[], host: AppCli['host'] = {}, options: RunOptions = {}): Promise<CliOutcome & { exits: number[] }> {
  const { io, out } = cliIo(options);
  const exits: number[] = [];
  const code = await runAppCli(argv, { io, host, streams: [], exit: (exitCode) => exits.push(exitCode) });
  return { code, exits, ...out };
}

async function runWithNode(argv: string[], options: RunOptions = {}): Promise<CliOutcome> {
  const { io, out } = cliIo(options);
  const code = await main(argv, io);
  return { code, ...out };
}

describe('the CLI run by the app', () => {
  it('answers each outcome with the same exit code and output as the Node program, and exits with that code', async () => {
    const template = await databaseTemplate();
    const commands: { argv: (file: string) => string[]; code: number; options?: RunOptions }[] = [
      { argv: () => ['frobnicate'], code: ExitCode.usage },
      { argv: (file) => ['info', '--db', file], code: ExitCode.ok },
      { argv: (file) => ['check', '--db', file, '--json'], code: ExitCode.ok },
      { argv: (file) => ['delete-orphans', '--all', '--db', file], code: ExitCode.ok },
      { argv: (file) => ['delete-orphans', '--all', '--db', file], code: ExitCode.confirmation, options: { isTTY: true, stdin: 'delete them\n' } },
      { argv: (file) => ['assign-orphans', '--business', 'Nobody Inc', '--all', '--yes', '--db', file], code: ExitCode.failure },
      { argv: (file) => ['info', '--db', path.join(path.dirname(file), 'missing.db')], code: ExitCode.database },
    ];
    for (const command of commands) {
      const inNode = freshCopy(template);
      const inApp = freshCopy(template);
      const node = await runWithNode(command.argv(inNode), command.options);
      const app = await runInApp(command.argv(inApp), {}, command.options);
      const label = command.argv('<db>').join(' ');
      expect(node.code, label).toBe(command.code);
      expect(app.code, label).toBe(command.code);
      expect(app.exits, label).toEqual([command.code]);
      const samePaths = (text: string, file: string) => text.replaceAll(path.dirname(file), '<folder>');
      expect(samePaths(app.stdout, inApp), label).toBe(samePaths(node.stdout, inNode));
      expect(samePaths(app.stderr, inApp), label).toBe(samePaths(node.stderr, inNode));
    }
  });

  it('opens the default database in the app’s user-data folder, as the window does', async () => {
    const userData = tempDir();
    const file = path.join(userData, DATABASE_FILE_NAME);
    fs.copyFileSync(await databaseTemplate(), file);
    const env = { XDG_CONFIG_HOME: '/nonexistent-automation-test-home' };
    const app = await runInApp(['info', '--json'], { userDataDir: userData }, { env });
    expect(app.code).toBe(ExitCode.ok);
    expect(JSON.parse(app.stdout)).toMatchObject({ ok: true, value: { path: file, pathSource: 'default', counts: { runs: 5, orphanRuns: 3 } } });
  });

  it('loads SQLite through the addon it is given, for the operator’s file and for verify’s scratch file', async () => {
    const file = freshCopy(await databaseTemplate());
    const nodeAddon = path.resolve(__dirname, '../../node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    expect((await runInApp(['info', '--db', file], { nativeBinding: nodeAddon })).code).toBe(ExitCode.ok);

    const missingAddon = path.join(tempDir(), 'better_sqlite3.node');
    const info = await runInApp(['info', '--db', file], { nativeBinding: missingAddon });
    expect(info.code).toBe(ExitCode.database);
    expect(info.stderr).toContain(`Cannot open ${file}`);
    const verify = await runInApp(['verify'], { nativeBinding: missingAddon });
    expect(verify.code).toBe(ExitCode.database);
    expect(verify.exits).toEqual([ExitCode.database]);
  });

  it('in a checkout without its Electron-ABI SQLite build, says so and exits as a database that cannot be opened', async () => {
    const file = freshCopy(await databaseTemplate());
    const before = fs.readFileSync(file);
    const { io, out } = cliIo();
    const exits: number[] = [];
    const why = 'better-sqlite3 is not built for Electron 45.5.0 here';
    const code = await runAppCli(['migrate', '--yes', '--db', file], { io, host: {}, streams: [], exit: (exitCode) => exits.push(exitCode) }, why);
    expect(code).toBe(ExitCode.database);
    expect(exits).toEqual([ExitCode.database]);
    expect(out.stderr).toBe(`Error: ${why}\n`);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('suggests its next command in the app’s form; the Node program in its own', async () => {
    const missing = path.join(tempDir(), 'missing.db');
    const app = await runInApp(['info', '--db', missing], { command: '"Automation Console.exe" --cli' });
    expect(app.stderr).toContain(`Create one with: "Automation Console.exe" --cli migrate --db "${missing}"`);
    const node = await runWithNode(['info', '--db', missing]);
    expect(node.stderr).toContain(`Create one with: automation-console migrate --db "${missing}"`);
  });

  it('exits only after everything written to stdout and stderr has been handed on', async () => {
    const events: string[] = [];
    const stdout = new SlowSink(events);
    const stderr = new SlowSink(events);
    const { io } = cliIo();
    io.stdout = stdout;
    io.stderr = stderr;
    const code = await runAppCli(['frobnicate'], { io, host: {}, streams: [stdout, stderr], exit: (exitCode) => events.push(`exit ${exitCode}`) });
    expect(code).toBe(ExitCode.usage);
    expect(events.at(-1)).toBe(`exit ${ExitCode.usage}`);
    expect(events.filter((event) => event.startsWith('flushed') && event !== 'flushed 0').length).toBeGreaterThanOrEqual(2);
  });
});
