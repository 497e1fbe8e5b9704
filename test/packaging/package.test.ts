// A real electron-builder run with the project's configuration, on a copy of the project whose Electron is a stand-in
// (a file carrying Electron's fuse wire, in the stock binary's state), since Electron's binary cannot be had here. It
// holds what lands in the package: the built app and production dependencies only, better-sqlite3 unpacked without its
// sources, the Electron-ABI addon and the migrations as resources, the fuses flipped in the executable; and that
// node_modules is neither rebuilt nor changed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type * as electronBuilder from 'electron-builder';
import type * as fuses from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unpackedExecutable } from '../../scripts/release-files.mjs';
import { loadMigrations } from '../../src-main/db/migrations';

const require = createRequire(import.meta.url);
const root = path.resolve(__dirname, '../..');
const electronVersion = (require('electron/package.json') as { version: string }).version;
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Fuse wire v1 of a stock Electron: run-as-node, NODE_OPTIONS, inspect and file:// privileges on, the rest off. */
const STOCK_FUSES = '10110001';

function asarPaths(archive: string): string[] {
  const { listPackage } = require('@electron/asar') as { listPackage: (archive: string, options: object) => string[] };
  return listPackage(archive, {}).map((entry) => entry.split(path.sep).join('/'));
}

const digest = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const nodeAddon = path.join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');

describe.runIf(process.platform === 'linux')('the packaged app (electron-builder with the project configuration)', () => {
  let work: string;
  let app: string;
  let executable: string;
  let addonBefore: string;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'package-'));
    const project = path.join(work, 'project');
    const write = (file: string, content: string | Buffer) => {
      fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
      fs.writeFileSync(path.join(project, file), content);
    };
    for (const file of ['package.json', 'electron-builder.config.cjs']) write(file, fs.readFileSync(path.join(root, file)));
    fs.cpSync(path.join(root, 'drizzle'), path.join(project, 'drizzle'), { recursive: true });
    fs.cpSync(path.join(root, 'build'), path.join(project, 'build'), { recursive: true });
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(project, 'node_modules'), 'dir');
    // What a build leaves in the checkout, and what must stay out of the package.
    write('out/main/index.js', '// main\n');
    write('out/main/index.js.map', '{}');
    write('out/renderer/index.html', '<!doctype html>');
    write('src-main/electron/main.ts', '// source\n');
    write('bench/.data/cached.db', 'x');
    write('test-results/screenshots/a.png', 'x');
    write(`.native/electron-${electronVersion}-linux-${process.arch}/better_sqlite3.node`, 'the Electron-ABI addon');
    const electron = path.join(work, 'electron');
    fs.mkdirSync(electron);
    fs.writeFileSync(path.join(electron, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\n'), Buffer.from(FUSE_SENTINEL), Buffer.from([1, 8]), Buffer.from(STOCK_FUSES)]), { mode: 0o755 });

    addonBefore = digest(nodeAddon);
    const { build, Platform } = require('electron-builder') as typeof electronBuilder;
    delete require.cache[path.join(project, 'electron-builder.config.cjs')];
    const config = require(path.join(project, 'electron-builder.config.cjs')) as object;
    await build({ projectDir: project, targets: Platform.LINUX.createTarget('dir'), config: { ...config, electronDist: electron } });
    // Where the release workflow looks for the unpacked app (scripts/release-files.mjs), so that lookup is held here too.
    executable = path.join(project, 'release', unpackedExecutable('linux', process.arch));
    app = path.dirname(executable);
  }, 240_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('packs the built app and its one native dependency, and nothing of the checkout or of the packages the bundles hold', () => {
    const paths = asarPaths(path.join(app, 'resources', 'app.asar'));
    expect(paths).toContain('/out/main/index.js');
    expect(paths).toContain('/out/renderer/index.html');
    expect(paths).toContain('/package.json');
    expect(paths).toContain('/node_modules/better-sqlite3');
    expect(paths.filter((entry) => entry.endsWith('.map'))).toEqual([]);
    const tops = new Set(paths.map((entry) => entry.split('/')[1]));
    expect([...tops].sort()).toEqual(['node_modules', 'out', 'package.json']);
    const modules = new Set(paths.filter((entry) => entry.startsWith('/node_modules/')).map((entry) => entry.split('/').slice(2, entry.startsWith('/node_modules/@') ? 4 : 3).join('/')));
    // The renderer's packages, and those the main bundle holds (electron.vite.config.ts): none is shipped apart.
    for (const bundled of ['react', 'react-dom', '@mantine/core', '@tanstack/react-query', 'zustand', 'zod', 'drizzle-orm', 'croner', 'electron-log', 'electron', 'electron-builder', 'vite']) {
      expect(modules.has(bundled), bundled).toBe(false);
    }
  });

  it('keeps better-sqlite3 outside the archive, without its C sources or a Node build', () => {
    const unpacked = path.join(app, 'resources', 'app.asar.unpacked', 'node_modules', 'better-sqlite3');
    expect(fs.existsSync(path.join(unpacked, 'lib', 'index.js'))).toBe(true);
    expect(fs.existsSync(path.join(unpacked, 'package.json'))).toBe(true);
    for (const left of ['deps', 'src', 'build']) expect(fs.existsSync(path.join(unpacked, left)), left).toBe(false);
    const paths = asarPaths(path.join(app, 'resources', 'app.asar'));
    expect(paths.filter((entry) => entry.endsWith('.node'))).toEqual([]);
  });

  it('carries the Electron-ABI addon and exactly the migrations the runner reads as resources', () => {
    expect(fs.readFileSync(path.join(app, 'resources', 'native', 'better_sqlite3.node'), 'utf8')).toBe('the Electron-ABI addon');
    const shipped = path.join(app, 'resources', 'drizzle');
    expect(loadMigrations(shipped)).toEqual(loadMigrations(path.join(root, 'drizzle')));
    const files = fs.readdirSync(shipped, { recursive: true }).map(String).sort();
    const expected = ['meta', path.join('meta', '_journal.json'), ...fs.readdirSync(path.join(root, 'drizzle')).filter((file) => file.endsWith('.sql'))].sort();
    expect(files).toEqual(expected);
  });

  it('flips the fuses in the executable', async () => {
    const { getCurrentFuseWire } = require('@electron/fuses') as typeof fuses;
    const wire = (await getCurrentFuseWire(executable)) as unknown as Record<number, number>;
    const state = (index: number) => String.fromCharCode(wire[index] ?? 0);
    // run-as-node, cookie encryption, NODE_OPTIONS, inspect, asar integrity, only from asar, V8 snapshot (untouched), file://
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(state).join('')).toBe('01001100');
  });

  it('leaves node_modules as it was: better-sqlite3 still built for Node', () => {
    expect(digest(nodeAddon)).toBe(addonBefore);
  });
});
