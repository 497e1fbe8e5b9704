import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbFlag, defaultUserDataDir, resolveDatabasePath } from '../../src-main/db/paths';

describe('where the database lives', () => {
  it('prefers --db, then AUTOMATION_DB, then automation.db in the user-data folder', () => {
    const env = { AUTOMATION_DB: '/env/automation.db' };
    expect(resolveDatabasePath(['--db', '/flag/a.db'], env, '/data')).toEqual({ path: '/flag/a.db', source: 'flag' });
    expect(resolveDatabasePath(['--db=/flag/b.db'], env, '/data')).toEqual({ path: '/flag/b.db', source: 'flag' });
    expect(resolveDatabasePath([], env, '/data')).toEqual({ path: '/env/automation.db', source: 'env' });
    expect(resolveDatabasePath([], {}, '/data')).toEqual({ path: path.join('/data', 'automation.db'), source: 'default' });
  });

  it('resolves a relative --db against the working directory', () => {
    expect(resolveDatabasePath(['--db', 'rel.db'], {}, '/data').path).toBe(path.resolve('rel.db'));
  });

  it('says what is wrong when --db has no value', () => {
    expect(() => dbFlag(['--db'])).toThrow(/--db needs a path/);
    expect(() => dbFlag(['--db', '--json'])).toThrow(/--db needs a path/);
    expect(() => dbFlag(['--db='])).toThrow(/--db needs a path/);
  });

  it('uses the same user-data folder Electron would, on each platform', () => {
    expect(defaultUserDataDir({}, 'linux', '/home/ann')).toBe('/home/ann/.config/Automation Console');
    expect(defaultUserDataDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/ann')).toBe('/xdg/Automation Console');
    expect(defaultUserDataDir({}, 'darwin', '/Users/ann')).toBe('/Users/ann/Library/Application Support/Automation Console');
    expect(defaultUserDataDir({ APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ann')).toBe(
      path.join('C:\\Users\\ann\\AppData\\Roaming', 'Automation Console'),
    );
  });

  it('counts an empty or relative XDG_CONFIG_HOME or APPDATA, or an empty AUTOMATION_DB, as unset: the path never follows the working folder', () => {
    for (const XDG_CONFIG_HOME of ['', '   ', 'relative/config']) {
      expect(defaultUserDataDir({ XDG_CONFIG_HOME }, 'linux', '/home/ann'), JSON.stringify(XDG_CONFIG_HOME)).toBe('/home/ann/.config/Automation Console');
    }
    for (const APPDATA of ['', 'Roaming']) {
      expect(defaultUserDataDir({ APPDATA }, 'win32', 'C:\\Users\\ann')).toBe(path.join('C:\\Users\\ann', 'AppData', 'Roaming', 'Automation Console'));
    }
    expect(resolveDatabasePath([], { AUTOMATION_DB: '' }, '/data')).toEqual({ path: path.join('/data', 'automation.db'), source: 'default' });
    expect(path.isAbsolute(resolveDatabasePath([], { XDG_CONFIG_HOME: '' }).path)).toBe(true);
  });
});
