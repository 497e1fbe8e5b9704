// A second launch of the desktop app on another database is answered, not dropped (src-main/electron/second-instance.ts),
// and a checkout's app without its Electron build of SQLite says how to get it (src-main/electron/native-sqlite.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { missingElectronSqlite } from '../../src-main/electron/native-sqlite';
import { launchRequest, otherDatabaseNotice, sameFile } from '../../src-main/electron/second-instance';

/** What Electron hands the running app: the second launch's request after its trip between processes. */
const handedOver = (request: unknown): unknown => JSON.parse(JSON.stringify(request));

describe('a second launch', () => {
  const userData = path.join(os.tmpdir(), 'Automation Console');

  it('on another database is told the app is already open on its file and must be closed first', () => {
    const running = launchRequest(['electron', '.', '--db', '/data/alpha.db'], {}, userData);
    const second = launchRequest(['electron', '.', '--db=/data/beta.db'], {}, userData);
    expect(otherDatabaseNotice(running, handedOver(second), 'linux')).toEqual({
      type: 'info',
      title: 'Automation Console',
      message: 'Automation Console is already open on /data/alpha.db.',
      detail: 'To open /data/beta.db, close Automation Console first, then start it again with that file.',
    });
  });

  it('names the file it would open however it was chosen: --db from its folder, AUTOMATION_DB, or the default', () => {
    expect(launchRequest(['app', '--db', 'local.db'], {}, userData)).toEqual({ database: path.resolve('local.db') });
    expect(launchRequest(['app'], { AUTOMATION_DB: '/data/env.db' }, userData)).toEqual({ database: path.resolve('/data/env.db') });
    expect(launchRequest(['app'], {}, userData)).toEqual({ database: path.join(userData, 'automation.db') });
    expect(launchRequest(['app', '--db'], {}, userData), 'a bad command line names no file').toEqual({ database: null });
  });

  it('on the same file only brings the window forward, as the platform compares names', () => {
    const running = { database: 'C:\\Data\\Alpha.db' };
    expect(otherDatabaseNotice(running, { database: 'c:\\data\\.\\alpha.db' }, 'win32')).toBeNull();
    expect(otherDatabaseNotice({ database: '/Users/ops/Alpha.db' }, { database: '/Users/ops/alpha.db' }, 'darwin')).toBeNull();
    expect(otherDatabaseNotice({ database: '/srv/Alpha.db' }, { database: '/srv/alpha.db' }, 'linux')).not.toBeNull();
  });

  it('that names no file, or sends something else, only brings the window forward', () => {
    const running = { database: '/data/alpha.db' };
    for (const additionalData of [undefined, null, {}, { database: null }, { database: 42 }, { database: '' }, 'alpha.db']) {
      expect(otherDatabaseNotice(running, additionalData, 'linux')).toBeNull();
    }
  });

  it('is told exactly when the two files differ, for any pair of paths', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/);
    const file = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join('/')}.db`);
    fc.assert(
      fc.property(file, file, fc.constantFrom('linux', 'darwin', 'win32' as const), (a, b, platform) => {
        const notice = otherDatabaseNotice({ database: a }, handedOver({ database: b }), platform);
        expect(notice === null).toBe(sameFile(a, b, platform));
        expect(notice === null).toBe(platform === 'linux' ? a === b : a.toLowerCase() === b.toLowerCase());
      }),
    );
  });
});

describe("a checkout's app without its Electron build of SQLite", () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  const checkout = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkout-'));
    folders.push(dir);
    return dir;
  };
  const runtime = { electron: '45.5.0', platform: 'linux', arch: 'x64' } as const;

  it('says which file is missing and which commands build it', () => {
    const appPath = checkout();
    const reason = missingElectronSqlite({ isPackaged: false, getAppPath: () => appPath }, runtime);
    expect(reason).toContain(path.join(appPath, '.native', 'electron-45.5.0-linux-x64', 'better_sqlite3.node'));
    expect(reason).toContain('`npm start` or `npm run dev`');
  });

  it('has nothing to say once the build is there, or in a packaged app', () => {
    const appPath = checkout();
    const addon = path.join(appPath, '.native', 'electron-45.5.0-linux-x64', 'better_sqlite3.node');
    fs.mkdirSync(path.dirname(addon), { recursive: true });
    fs.writeFileSync(addon, '');
    expect(missingElectronSqlite({ isPackaged: false, getAppPath: () => appPath }, runtime)).toBeNull();
    expect(missingElectronSqlite({ isPackaged: true, getAppPath: () => checkout() }, runtime)).toBeNull();
  });
});
