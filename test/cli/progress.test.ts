import { describe, expect, it } from 'vitest';
import { progressReporter } from '../../src-main/cli/io';
import { cliIo } from './run-cli';

function report(isTTY: boolean, enabled = true) {
  const { io, out } = cliIo({ isTTY });
  const progress = progressReporter(io, enabled);
  progress.onProgress({ phase: 'Backing up', done: 0, total: 4 });
  progress.onProgress({ phase: 'Backing up', done: 4, total: 4 });
  progress.onProgress({ phase: 'Deleting orphans', done: 1, total: 2 });
  progress.finish();
  return out;
}

describe('cli progress', () => {
  it('on a terminal, redraws one line on stderr and ends it', () => {
    const out = report(true);
    expect(out.stdout).toBe('');
    expect(out.stderr).toBe('\r\x1b[2KBacking up… 0%\r\x1b[2KBacking up… 100%\r\x1b[2KDeleting orphans… 50%\n');
  });

  it('elsewhere, writes one line per phase', () => {
    expect(report(false).stderr).toBe('Backing up…\nDeleting orphans…\n');
  });

  it('is silent when off (--json)', () => {
    expect(report(true, false)).toEqual({ stdout: '', stderr: '' });
  });
});
