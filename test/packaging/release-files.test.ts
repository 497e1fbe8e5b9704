// The release workflow finds the unpacked app to run the Electron suite against, and publishes a SHA-256 line for
// every installer it built (scripts/release-files.mjs). The Linux lookup is also held against a real electron-builder
// run in package.test.ts.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checksumLines, unpackedExecutable } from '../../scripts/release-files.mjs';
import { tempDir } from '../helpers/temp';

describe('the unpacked app electron-builder leaves in its output folder', () => {
  it.each([
    ['linux', 'x64', 'linux-unpacked/automation-console'],
    ['linux', 'arm64', 'linux-arm64-unpacked/automation-console'],
    ['win32', 'x64', 'win-unpacked/Automation Console.exe'],
    ['darwin', 'x64', 'mac/Automation Console.app/Contents/MacOS/Automation Console'],
    ['darwin', 'arm64', 'mac-arm64/Automation Console.app/Contents/MacOS/Automation Console'],
  ])('on %s %s is %s', (platform, arch, expected) => {
    expect(unpackedExecutable(platform, arch).split(path.sep).join('/')).toBe(expected);
  });
});

describe('the checksums of a release', () => {
  it('hashes every installer, by name, and nothing else', () => {
    const folder = tempDir('release-files-');
    const installers = { 'b.deb': 'deb', 'a.AppImage': 'appimage', 'c.exe': 'nsis', 'd.dmg': 'dmg' };
    for (const [name, content] of Object.entries(installers)) fs.writeFileSync(path.join(folder, name), content);
    fs.writeFileSync(path.join(folder, 'builder-debug.yml'), 'not shipped');
    fs.mkdirSync(path.join(folder, 'linux-unpacked'));
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(checksumLines(folder)).toEqual([
      `${sha('appimage')}  a.AppImage`,
      `${sha('deb')}  b.deb`,
      `${sha('nsis')}  c.exe`,
      `${sha('dmg')}  d.dmg`,
    ]);
  });
});
