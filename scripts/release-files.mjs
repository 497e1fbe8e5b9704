// What the release workflow needs from a build in release/: `executable [--e2e]` prints the unpacked app's executable
// for this platform and architecture (the Electron suite's AUTOMATION_ELECTRON_APP), and `checksums` writes
// release/SHA256SUMS.txt for the installers and prints it. Where electron-builder puts things: docs/packaging.md.
import { createHash } from 'node:crypto';
import console from 'node:console';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { root } from './launch.mjs';

const PRODUCT_NAME = 'Automation Console';
const LINUX_EXECUTABLE = 'automation-console';
/** The installers electron-builder makes (electron-builder.config.cjs's targets), by file extension. */
export const INSTALLER_EXTENSIONS = ['.AppImage', '.deb', '.exe', '.dmg'];

/** electron-builder's unpacked app for a platform and architecture, relative to its output folder (x64 has no suffix). */
export function unpackedExecutable(platform, arch) {
  const suffix = arch === 'x64' ? '' : `-${arch}`;
  if (platform === 'win32') return path.join(`win${suffix}-unpacked`, `${PRODUCT_NAME}.exe`);
  if (platform === 'darwin') return path.join(`mac${suffix}`, `${PRODUCT_NAME}.app`, 'Contents', 'MacOS', PRODUCT_NAME);
  return path.join(`linux${suffix}-unpacked`, LINUX_EXECUTABLE);
}

/** `<name>  <sha256>` lines (sha256sum's format, hash first) for every installer directly in `folder`, by name. */
export function checksumLines(folder) {
  return fs
    .readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isFile() && INSTALLER_EXTENSIONS.some((extension) => entry.name.endsWith(extension)))
    .map((entry) => entry.name)
    .sort()
    .map((name) => `${createHash('sha256').update(fs.readFileSync(path.join(folder, name))).digest('hex')}  ${name}`);
}

function main([command, ...flags]) {
  const release = path.join(root, 'release');
  if (command === 'executable') {
    const executable = path.join(flags.includes('--e2e') ? path.join(release, 'e2e') : release, unpackedExecutable(process.platform, process.arch));
    if (!fs.existsSync(executable)) return fail(`No unpacked app at ${executable}: build it first with npm run dist:dir.`);
    console.log(executable);
    return 0;
  }
  if (command === 'checksums') {
    const lines = fs.existsSync(release) ? checksumLines(release) : [];
    if (lines.length === 0) return fail(`No installers in ${release}: build them first with npm run dist.`);
    fs.writeFileSync(path.join(release, 'SHA256SUMS.txt'), `${lines.join('\n')}\n`);
    console.log(lines.join('\n'));
    return 0;
  }
  return fail('Usage: node scripts/release-files.mjs executable [--e2e] | checksums');
}

function fail(message) {
  console.error(message);
  return 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main(process.argv.slice(2));
