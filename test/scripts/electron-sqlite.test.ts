// Finding node-gyp to build better-sqlite3 for Electron (scripts/electron-sqlite.mjs), in each platform's layout of
// Node and npm: the one npm names first, then the npm bundled beside this Node, then the project's own.
import { describe, expect, it } from 'vitest';
import { findNodeGyp } from '../../scripts/electron-sqlite.mjs';

const only = (...present: string[]) => (file: string) => present.includes(file);

describe('finding node-gyp', () => {
  it('takes the one npm runs scripts with (npm_config_node_gyp) first', () => {
    const named = '/home/dev/.npm-global/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js';
    const bundled = '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js';
    expect(findNodeGyp({ npm_config_node_gyp: named }, '/usr/bin/node', 'linux', only(named, bundled), '/app')).toEqual({ path: named });
  });

  it('on Linux and macOS, finds the npm bundled under <prefix>/lib', () => {
    const bundled = '/opt/homebrew/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js';
    expect(findNodeGyp({}, '/opt/homebrew/bin/node', 'darwin', only(bundled), '/app')).toEqual({ path: bundled });
  });

  it('on Windows, finds the npm bundled in the node_modules beside node.exe', () => {
    const bundled = 'C:\\Program Files\\nodejs\\node_modules\\npm\\node_modules\\node-gyp\\bin\\node-gyp.js';
    expect(findNodeGyp({}, 'C:\\Program Files\\nodejs\\node.exe', 'win32', only(bundled), 'C:\\app')).toEqual({ path: bundled });
  });

  it("falls back to the project's own node-gyp", () => {
    const own = 'C:\\app\\node_modules\\node-gyp\\bin\\node-gyp.js';
    expect(findNodeGyp({}, 'C:\\nvm4w\\nodejs\\node.exe', 'win32', only(own), 'C:\\app')).toEqual({ path: own });
  });

  it('says every place it looked at when there is none, and how to go on', () => {
    const found = findNodeGyp({ npm_config_node_gyp: 'C:\\gone\\node-gyp.js' }, 'C:\\nodejs\\node.exe', 'win32', only(), 'C:\\app');
    expect(found.path).toBeUndefined();
    expect(found.missing).toContain('node-gyp, which builds better-sqlite3 for Electron, was not found');
    for (const place of ['C:\\gone\\node-gyp.js', 'C:\\nodejs\\node_modules\\npm\\node_modules\\node-gyp\\bin\\node-gyp.js', 'C:\\app\\node_modules\\node-gyp\\bin\\node-gyp.js']) {
      expect(found.missing).toContain(place);
    }
    expect(found.missing).toContain('npm install -g node-gyp');
    expect(findNodeGyp({}, '/usr/bin/node', 'linux', only(), '/app').missing).toContain('npm_config_node_gyp (not set)');
  });
});
