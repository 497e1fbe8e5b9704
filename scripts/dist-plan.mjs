// What `npm run dist` needs before electron-builder may start, decided without the network and without touching
// anything: an Electron to package, the Electron-ABI SQLite addon, and (for installers) the tools electron-builder would
// otherwise download. When something is missing the plan lists what and how to provide it, and nothing is built.
// Pure functions of what they are given; scripts/dist.mjs supplies the machine's facts.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { electronExecutableName } from './launch.mjs';

/** Lets electron-builder download what it lacks (Electron, fpm, the AppImage runtime, NSIS) and node-gyp Electron's headers. */
export const DOWNLOADS_VARIABLE = 'AUTOMATION_DIST_DOWNLOADS';
/** An Electron to package: an unpacked Electron, its release zip, or a folder holding that zip. */
export const ELECTRON_DIST_VARIABLE = 'AUTOMATION_ELECTRON_DIST';

const ARCHES = ['x64', 'arm64', 'ia32', 'armv7l'];

/** `npm run dist [-- --dir] [-- --arch <x64|arm64|ia32|armv7l>]`: the arguments, or the usage error. */
export function parseDistArgs(args, hostArch = process.arch) {
  const options = { dir: false, arch: hostArch };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--dir') options.dir = true;
    else if (arg === '--arch' || arg.startsWith('--arch=')) {
      const value = arg === '--arch' ? args[++i] : arg.slice('--arch='.length);
      if (!ARCHES.includes(value)) return { error: `--arch must be one of ${ARCHES.join(', ')}${value ? `, not ${value}` : ''}.` };
      options.arch = value;
    } else return { error: `Unknown argument ${arg}: npm run dist [-- --dir] [-- --arch <${ARCHES.join('|')}>].` };
  }
  return options;
}

/** The release zip's name, as Electron publishes it and electron-builder looks for it. */
export function electronZipName(version, platform, arch) {
  return `electron-v${version}-${platform}-${arch}.zip`;
}

/**
 * Where electron-builder will take Electron from: `{ from: 'dist' | 'cache' | 'download', path? }`, or `{ problem }`.
 * `facts`: { env, version, platform, arch, cachedZip (the zip in @electron/get's cache, or null), stat(path) }.
 */
export function electronSource({ env, version, platform, arch, cachedZip, stat }) {
  const zip = electronZipName(version, platform, arch);
  const given = env[ELECTRON_DIST_VARIABLE];
  if (given) {
    const found = stat(given);
    if (found?.isFile() && given.endsWith('.zip')) return { from: 'dist', path: given };
    if (found?.isDirectory()) {
      if (stat(path.join(given, zip))?.isFile()) return { from: 'dist', path: given };
      if (stat(path.join(given, electronExecutableName(platform)))?.isFile()) return { from: 'dist', path: given };
    }
    return {
      problem: `${ELECTRON_DIST_VARIABLE}=${given} is not an Electron for ${platform}-${arch}: give an unpacked Electron ${version} (a folder with ${electronExecutableName(platform)}), its release zip, or a folder holding ${zip}.`,
    };
  }
  if (cachedZip) return { from: 'cache', path: cachedZip };
  if (env[DOWNLOADS_VARIABLE] === '1') return { from: 'download' };
  return {
    problem:
      `Electron ${version} for ${platform}-${arch} is not on this machine, and downloads are off. Give it one of:\n` +
      `  - ${ELECTRON_DIST_VARIABLE}=<an unpacked Electron ${version}, its release zip ${zip}, or a folder holding that zip> (electron-builder's electronDist);\n` +
      `  - the zip in @electron/get's download cache, where electron-builder finds it offline and checks it against the electron package's checksums.json (\`node node_modules/electron/install.js\` puts it there on a machine that can reach GitHub);\n` +
      `  - ${DOWNLOADS_VARIABLE}=1, to let electron-builder download it from GitHub.`,
  };
}

/** What installers for this platform download unless told where their tools are (electron-builder 26). */
function installerToolProblems({ env, platform, stat }) {
  if (env[DOWNLOADS_VARIABLE] === '1') return [];
  if (platform !== 'linux') {
    return [`Installers for ${platform} download their build tools (NSIS, dmgbuild, rcedit) from GitHub: set ${DOWNLOADS_VARIABLE}=1, or build an unpacked app with npm run dist:dir.`];
  }
  const problems = [];
  const fpm = env.CUSTOM_FPM_PATH;
  if (fpm ? !stat(fpm)?.isFile() : env.USE_SYSTEM_FPM !== 'true') {
    problems.push(
      fpm
        ? `CUSTOM_FPM_PATH=${fpm} is not a file.`
        : `The deb is made by fpm, which electron-builder downloads: set USE_SYSTEM_FPM=true (fpm on PATH, e.g. gem install fpm) or CUSTOM_FPM_PATH=<fpm>, or ${DOWNLOADS_VARIABLE}=1.`,
    );
  }
  const appImageTools = env.APPIMAGE_TOOLS_PATH;
  if (!appImageTools || !stat(appImageTools)?.isDirectory()) {
    problems.push(
      appImageTools
        ? `APPIMAGE_TOOLS_PATH=${appImageTools} is not a folder.`
        : `The AppImage needs its runtime and mksquashfs, which electron-builder downloads: set APPIMAGE_TOOLS_PATH=<the unpacked appimage tools> or ${DOWNLOADS_VARIABLE}=1.`,
    );
  }
  return problems;
}

/**
 * The whole decision: `{ ok: true, electron, arch, dir }` or `{ ok: false, problems }`. `facts.addon` is the Electron-ABI
 * addon's path for the target (scripts/electron-sqlite.mjs), built here only when Electron's headers can be fetched.
 */
export function planDist(options, facts) {
  const problems = [];
  const electron = electronSource({ ...facts, arch: options.arch });
  if (electron.problem) problems.push(electron.problem);
  if (!facts.stat(facts.addon)?.isFile() && facts.env[DOWNLOADS_VARIABLE] !== '1') {
    problems.push(
      `The SQLite addon built for Electron ${facts.version} (${facts.addon}) is missing, and building it downloads Electron's headers: ` +
        `run npm start once where they can be fetched (or copy that file here), or set ${DOWNLOADS_VARIABLE}=1.`,
    );
  }
  if (!options.dir) problems.push(...installerToolProblems(facts));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, electron, arch: options.arch, dir: options.dir };
}

/** fs.statSync without throwing: undefined for a path that does not exist. */
export function statOrUndefined(file) {
  return fs.statSync(file, { throwIfNoEntry: false });
}

/**
 * The Electron zip in @electron/get's download cache, or null: computed by the same @electron/get electron-builder
 * uses (the URL, mirrors from the environment included, and its cache folder), so "found" means electron-builder finds it.
 */
export async function cachedElectronZip(version, platform, arch) {
  const fromBuilder = createRequire(createRequire(import.meta.url).resolve('app-builder-lib/package.json'));
  const { Cache } = fromBuilder('@electron/get/dist/cjs/Cache');
  const { getArtifactRemoteURL } = fromBuilder('@electron/get/dist/cjs/artifact-utils');
  const details = { version: `v${version}`, platform, arch, artifactName: 'electron' };
  const zip = new Cache().getCachePath(await getArtifactRemoteURL(details), electronZipName(version, platform, arch));
  return statOrUndefined(zip)?.isFile() ? zip : null;
}
