import { describe, expect, it } from 'vitest';
import { parseJson, runCli } from './run-cli';

describe('cli usage', () => {
  it('--help lists every command, the flags and the exit codes, and exits 0', async () => {
    for (const argv of [['--help'], ['help'], ['-h'], ['check', '--help']]) {
      const { code, stdout } = await runCli(argv);
      expect(code).toBe(0);
      for (const word of ['info', 'migrate', 'check', 'delete-orphans', 'assign-orphans', 'verify', '--db', '--json', '--yes', 'Exit codes']) {
        expect(stdout).toContain(word);
      }
    }
  });

  it('an unknown command exits 2 and names it', async () => {
    const { code, stderr, stdout } = await runCli(['frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toContain('Unknown command "frobnicate"');
    expect(stdout).toBe('');
  });

  it('an unknown flag exits 2 and names it', async () => {
    const { code, stderr } = await runCli(['check', '--force']);
    expect(code).toBe(2);
    expect(stderr).toContain("'--force'");
  });

  it('a flag the command does not take exits 2 and names both', async () => {
    const { code, stderr } = await runCli(['check', '--yes', '--db', '/tmp/never-opened.db']);
    expect(code).toBe(2);
    expect(stderr).toContain('The check command does not take --yes');
  });

  it('no command exits 2', async () => {
    expect((await runCli([])).code).toBe(2);
  });

  it.each([
    [['check', '--limit', 'ten'], '--limit needs a positive whole number'],
    [['check', '--limit', '0'], '--limit needs a positive whole number'],
    [['delete-orphans', '--ids', '1,x,3'], '--ids needs run ids separated by commas'],
    [['delete-orphans', '--all', '--ids', '1'], 'either --all or --ids'],
    [['check', '--db'], "'--db <value>' argument missing"],
    [['check', '--db', ''], '--db needs a path'],
  ])('%j is a usage error (exit 2): %s', async (argv, message) => {
    const { code, stderr } = await runCli(argv);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('--json reports usage errors as JSON on stdout', async () => {
    const { code, stdout, stderr } = await runCli(['frobnicate', '--json']);
    expect(code).toBe(2);
    expect(parseJson(stdout)).toEqual({ ok: false, error: { exitCode: 2, code: 'USAGE', message: 'Unknown command "frobnicate".' } });
    expect(stderr).toBe('');
  });
});
