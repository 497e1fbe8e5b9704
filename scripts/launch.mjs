// Shared by `npm start` and `npm run serve`: build the app, find Electron's binary, start the HTTP shell.
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

/**
 * Where Electron's binary is, or why it is not usable: electron's package downloads it from GitHub on
 * first use, so it is checked here without loading the package (which would start that download).
 */
export function findElectronBinary(env = process.env) {
  const electronDir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(electronDir, 'path.txt');
  const executable = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : null;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const binary = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, executable || 'electron');
    return fs.existsSync(binary) ? { binary } : { missing: `ELECTRON_OVERRIDE_DIST_PATH is set, but ${binary} does not exist` };
  }
  if (!executable) return { missing: "Electron's binary is not installed here (the electron package downloads it from GitHub on first use)" };
  const binary = path.join(electronDir, 'dist', executable);
  return fs.existsSync(binary) ? { binary } : { missing: `Electron's binary is not installed here (${binary} is missing; it is downloaded from GitHub on first use)` };
}

export function startElectron(args) {
  const child = spawn(process.execPath, [electronVite, 'preview', '--skipBuild', ...(args.length > 0 ? ['--', ...args] : [])], {
    cwd: root,
    stdio: 'inherit',
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/**
 * Runs the built HTTP shell in this process; it reads --db and --port from process.argv. `launchCommand` (`npm start`,
 * `npm run serve`) is what the page names if it loses the app.
 */
export async function startHttpShell(launchCommand) {
  process.env.AUTOMATION_LAUNCH_COMMAND = launchCommand;
  await import(pathToFileURL(path.join(root, 'out', 'main', 'serve.js')).href);
}
