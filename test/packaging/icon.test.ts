// The icon set in build/ is what scripts/icon.mjs draws (so it is rebuilt, never edited by hand), in the sizes and
// formats electron-builder takes without converting: a 1024 px PNG, a Windows .ico up to 256 px, a macOS .icns up to
// 1024 px.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ICNS_TYPES, ICO_SIZES, iconSet } from '../../scripts/icon.mjs';

const build = path.resolve(__dirname, '../../build');
const pngSize = (png: Buffer) => ({ signature: png.subarray(1, 4).toString('latin1'), width: png.readUInt32BE(16), height: png.readUInt32BE(20), colour: png[25] });

describe('the icon set', () => {
  const drawn = iconSet();

  it('is what scripts/icon.mjs draws, byte for byte', () => {
    for (const [name, content] of Object.entries(drawn)) expect(fs.readFileSync(path.join(build, name)).equals(content), name).toBe(true);
  });

  it('has a 1024 px RGBA PNG', () => {
    expect(pngSize(drawn['icon.png'])).toEqual({ signature: 'PNG', width: 1024, height: 1024, colour: 6 });
  });

  it('has a Windows icon whose entries are PNGs of 16 to 256 px', () => {
    const ico = drawn['icon.ico'];
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([0, 1, ICO_SIZES.length]);
    const sizes = ICO_SIZES.map((_, i) => {
      const entry = 6 + 16 * i;
      const image = ico.subarray(ico.readUInt32LE(entry + 12), ico.readUInt32LE(entry + 12) + ico.readUInt32LE(entry + 8));
      expect(pngSize(image).width).toBe(ico[entry] === 0 ? 256 : ico[entry]);
      return pngSize(image).width;
    });
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256]);
  });

  it('has a macOS icon whose elements are PNGs of 16 to 1024 px', () => {
    const icns = drawn['icon.icns'];
    expect(icns.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const found: [string, number][] = [];
    for (let offset = 8; offset < icns.length; offset += icns.readUInt32BE(offset + 4)) {
      found.push([icns.subarray(offset, offset + 4).toString('latin1'), pngSize(icns.subarray(offset + 8, offset + icns.readUInt32BE(offset + 4))).width]);
    }
    expect(found).toEqual(ICNS_TYPES);
  });
});
