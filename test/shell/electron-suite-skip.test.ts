// `npm run test:electron` without an Electron binary: a skip that says why on a developer's machine, a failure on CI
// (a skip there would pass for a green run in which no Electron code ran) unless that CI says it cannot have Electron.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const script = path.resolve(__dirname, '../../scripts/test-electron.mjs');
const noBinary = path.join(os.tmpdir(), 'no-electron-here');

function runSuite(env: Record<string, string>) {
  const { CI: _ci, AUTOMATION_SKIP_ELECTRON_TESTS: _skip, ...inherited } = process.env;
  const result = spawnSync(process.execPath, [script], { env: { ...inherited, ELECTRON_OVERRIDE_DIST_PATH: noBinary, ...env }, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the Electron suite without Electron', () => {
  it('skips with its reason outside CI', () => {
    const { status, output } = runSuite({});
    expect(status).toBe(0);
    expect(output).toContain('Electron tests skipped: ELECTRON_OVERRIDE_DIST_PATH is set, but');
  });

  it('fails on CI, naming what it needs', () => {
    const { status, output } = runSuite({ CI: 'true' });
    expect(status).toBe(1);
    expect(output).toContain('Electron tests cannot run');
    expect(output).toContain('AUTOMATION_SKIP_ELECTRON_TESTS=1');
  });

  it('skips on a CI that says it cannot have Electron', () => {
    const { status, output } = runSuite({ CI: 'true', AUTOMATION_SKIP_ELECTRON_TESTS: '1' });
    expect(status).toBe(0);
    expect(output).toContain('Electron tests skipped');
  });
});
