// Shared by `npm start`, `npm run dev`, `npm run serve` and `npm run test:electron`: build the app, find Electron's
// binary, start Electron through electron-vite, start the HTTP shell. The decisions are functions of their inputs
// (environment, platform, file checks), so test/scripts covers every platform's layout from any machine.
import { spawn, spawnSync } from 'node:child_process';
import console from 'node:console';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronVite = path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
const BUILD_INPUTS = ['src-main', 'src-shared', 'src-renderer', 'electron.vite.config.ts', 'package.json'];
const BUILD_OUTPUTS = ['out/main/index.js', 'out/main/serve.js', 'out/preload/index.js', 'out/renderer/index.html'];

export function build() {
  const result = spawnSync(process.execPath, [electronVite, 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('The build failed (electron-vite build); see above.');
    process.exit(result.status ?? 1);
  }
}

/** True when an output is missing or older than any source file. */
export function buildIsStale() {
  const outputs = BUILD_OUTPUTS.map((file) => path.join(root, file));
  if (!outputs.every((file) => fs.existsSync(file))) return true;
  const built = Math.min(...outputs.map((file) => fs.statSync(file).mtimeMs));
  return BUILD_INPUTS.some((input) => newestMtime(path.join(root, input)) > built);
}

function newestMtime(file) {
  if (!fs.existsSync(file)) return 0;
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(file).reduce((newest, name) => Math.max(newest, newestMtime(path.join(file, name))), stat.mtimeMs);
}

/** The path functions of `platform`, so a Windows path is joined the Windows way wherever this runs. */
export function pathFor(platform) {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** Electron's executable inside its unpacked folder, as the electron package's install.js names it per platform. */
export function electronExecutableName(platform) {
  if (platform === 'win32') return 'electron.exe';
  if (platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  return 'electron';
}

const realFiles = { exists: (file) => fs.existsSync(file), read: (file) => fs.readFileSync(file, 'utf8') };

/**
 * Where Electron's binary is, or why it is not usable. ELECTRON_OVERRIDE_DIST_PATH (an unpacked Electron) wins; else
 * the binary the electron package installed (node_modules/electron/path.txt names it). Since Electron 42 the package
 * downloads it on first use, not on install, so it is checked here without loading the package (which would start
 * that download).
 */
export function findElectronBinary(env = process.env, platform = process.platform, files = realFiles, projectRoot = root) {
  const paths = pathFor(platform);
  const electronDir = paths.join(projectRoot, 'node_modules', 'electron');
  const pathFile = paths.join(electronDir, 'path.txt');
  const installed = files.exists(pathFile) ? files.read(pathFile).trim() : '';
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const binary = paths.join(env.ELECTRON_OVERRIDE_DIST_PATH, installed || electronExecutableName(platform));
    return files.exists(binary) ? { binary } : { missing: `ELECTRON_OVERRIDE_DIST_PATH is set, but ${binary} does not exist` };
  }
  if (!installed) return { missing: "Electron's binary is not installed here (the electron package downloads it from GitHub on first use)" };
  const binary = paths.join(electronDir, 'dist', installed);
  return files.exists(binary) ? { binary } : { missing: `Electron's binary is not installed here (${binary} is missing; it is downloaded from GitHub on first use)` };
}

/** Inherited variables that make Electron start as something else: as plain Node, or without a console on Windows. */
const FOREIGN_ELECTRON_VARIABLES = ['ELECTRON_RUN_AS_NODE', 'ELECTRON_NO_ATTACH_CONSOLE'];

/**
 * The environment to start Electron with: this one without the variables an Electron-based editor's terminal leaves
 * behind (with ELECTRON_RUN_AS_NODE inherited, Electron runs as Node and refuses its own switches).
 */
export function electronEnv(env = process.env) {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !FOREIGN_ELECTRON_VARIABLES.includes(name)));
}

/**
 * Why Electron must start without Chromium's sandbox here, or null: on Linux, Chromium refuses to start as root
 * without --no-sandbox, and CI containers run as root or without the user namespaces the sandbox needs.
 */
export function noSandboxReason(platform = process.platform, uid = process.getuid?.(), env = process.env) {
  if (platform !== 'linux') return null;
  if (uid === 0) return "running as root, where Chromium's sandbox refuses to start";
  if (env.CI === 'true') return "on CI (CI=true), where containers lack what Chromium's sandbox needs";
  return null;
}

/**
 * How electron-vite is asked to run Electron (`preview` for npm start, `dev` for npm run dev): the binary through
 * ELECTRON_EXEC_PATH (electron-vite reads only it or the package's path.txt, never ELECTRON_OVERRIDE_DIST_PATH),
 * --noSandbox where it must, the app's own arguments after `--`.
 */
export function electronViteRun(command, binary, args, { env = process.env, platform = process.platform, uid = process.getuid?.() } = {}) {
  const sandboxOff = noSandboxReason(platform, uid, env);
  const viteArgs = [command, ...(command === 'preview' ? ['--skipBuild'] : []), ...(sandboxOff ? ['--noSandbox'] : [])];
  return {
    args: [...viteArgs, ...(args.length > 0 ? ['--', ...args] : [])],
    env: { ...electronEnv(env), ELECTRON_EXEC_PATH: binary },
    notice: sandboxOff ? `Starting Electron with --no-sandbox: ${sandboxOff}.` : null,
  };
}

/** Runs Electron through electron-vite (see electronViteRun); this process exits with it. */
export function startElectron(command, binary, args) {
  const run = electronViteRun(command, binary, args);
  if (run.notice) console.log(run.notice);
  const child = spawn(process.execPath, [electronVite, ...run.args], { cwd: root, stdio: 'inherit', env: run.env });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/** Whether `program` is on env.PATH (with Windows' executable extensions there). */
export function onPath(program, env = process.env, platform = process.platform, exists = fs.existsSync) {
  const paths = pathFor(platform);
  const folders = (env.PATH ?? env.Path ?? '').split(paths.delimiter).filter(Boolean);
  const names = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').map((ext) => program + ext.toLowerCase()) : [program];
  return folders.some((folder) => names.some((name) => exists(paths.join(folder, name))));
}

/**
 * The command that runs Playwright's Electron project. Electron, like Chromium, needs a display: on Linux with neither
 * DISPLAY nor WAYLAND_DISPLAY set (a CI runner), it runs under `xvfb-run -a` (a virtual X server on a free number).
 */
export function playwrightCommand(args, { env = process.env, platform = process.platform, hasProgram = (program) => onPath(program, env, platform) } = {}) {
  const playwright = [process.execPath, path.join(root, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', '--project=electron', ...args];
  if (platform !== 'linux' || env.DISPLAY || env.WAYLAND_DISPLAY) return { command: playwright[0], args: playwright.slice(1) };
  if (!hasProgram('xvfb-run')) {
    return {
      missing:
        'Electron needs a display, and here DISPLAY and WAYLAND_DISPLAY are empty and xvfb-run is not installed: ' +
        'install xvfb (apt-get install xvfb), or run the suite where a display is set.',
    };
  }
  return { command: 'xvfb-run', args: ['-a', ...playwright] };
}

/**
 * Runs the built HTTP shell in this process; it reads --db and --port from process.argv. `launchCommand` (`npm start`,
 * `npm run serve`) is what the page names if it loses the app.
 */
export async function startHttpShell(launchCommand) {
  process.env.AUTOMATION_LAUNCH_COMMAND = launchCommand;
  await import(pathToFileURL(path.join(root, 'out', 'main', 'serve.js')).href);
}
