import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJson, runCli } from './run-cli';

const ROOT = path.resolve(__dirname, '../..');

function verifyScratchFolders(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('automation-verify-'));
}

describe('cli verify', () => {
  it('verify exits 0 on a healthy build, prints every check as PASS, and leaves no scratch folder', async () => {
    const before = verifyScratchFolders();
    const { code, stdout } = await runCli(['verify']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines.filter((line) => line.startsWith('PASS')).length).toBeGreaterThanOrEqual(15);
    expect(lines.filter((line) => line.startsWith('FAIL'))).toEqual([]);
    expect(stdout).toContain("business A cannot cancel business B's run");
    expect(verifyScratchFolders()).toEqual(before);
  });

  it('--json output parses, with one entry per check', async () => {
    const { code, stdout } = await runCli(['verify', '--json']);
    expect(code).toBe(0);
    const { ok, value } = parseJson(stdout);
    expect(ok).toBe(true);
    expect(value).toMatchObject({ passed: true });
    expect((value!.checks as { passed: boolean }[]).every((c) => c.passed)).toBe(true);
  });

  it('never takes --db: it cannot touch the operator’s database', async () => {
    const { code, stderr } = await runCli(['verify', '--db', '/tmp/operator.db']);
    expect(code).toBe(2);
    expect(stderr).toContain('does not take --db');
  });

  it('the real program runs verify and exits 0', () => {
    const result = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), ['src-main/cli/main.ts', 'verify'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr).not.toContain('Error');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('checks passed');
  });
});
