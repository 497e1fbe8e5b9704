// The better-sqlite3 addon the Electron process loads: in a checkout, the .native/ build when there is one; in a
// packaged app, the one its resources carry (electron-builder.config.cjs), and a clear refusal when that is missing.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronSqliteBinding, PACKAGED_SQLITE_ADDON } from '../../src-main/electron/native-sqlite';
import { tempDir } from '../helpers/temp';

const tempFolder = () => tempDir('native-sqlite-');

describe('the SQLite addon of the Electron process', () => {
  it('in a packaged app is the one in its resources folder', () => {
    const resources = tempFolder();
    const addon = path.join(resources, 'native', 'better_sqlite3.node');
    fs.mkdirSync(path.dirname(addon));
    fs.writeFileSync(addon, '');
    const app = { isPackaged: true, getAppPath: () => path.join(resources, 'app.asar') };
    expect(electronSqliteBinding(app, resources)).toBe(addon);
    expect(path.join(resources, PACKAGED_SQLITE_ADDON)).toBe(addon);
  });

  it('in a packaged app without it, is refused with a sentence naming the missing file', () => {
    const resources = tempFolder();
    const app = { isPackaged: true, getAppPath: () => path.join(resources, 'app.asar') };
    expect(() => electronSqliteBinding(app, resources)).toThrow(
      `This installation of Automation Console is incomplete: its SQLite library (${path.join(resources, 'native', 'better_sqlite3.node')}) is missing. Reinstall the app.`,
    );
  });

  it("in a checkout is the .native/ build for this Electron, platform and architecture, or none (better-sqlite3's own)", () => {
    const checkout = tempFolder();
    const app = { isPackaged: false, getAppPath: () => checkout };
    const electron = process.versions.electron ?? '45.5.0';
    const saved = Object.getOwnPropertyDescriptor(process.versions, 'electron');
    Object.defineProperty(process.versions, 'electron', { value: electron, configurable: true });
    try {
      expect(electronSqliteBinding(app, path.join(checkout, 'resources'))).toBeUndefined();
      const addon = path.join(checkout, '.native', `electron-${electron}-${process.platform}-${process.arch}`, 'better_sqlite3.node');
      fs.mkdirSync(path.dirname(addon), { recursive: true });
      fs.writeFileSync(addon, '');
      expect(electronSqliteBinding(app, path.join(checkout, 'resources'))).toBe(addon);
    } finally {
      if (saved) Object.defineProperty(process.versions, 'electron', saved);
      else delete (process.versions as Record<string, string | undefined>).electron;
    }
  });
});
