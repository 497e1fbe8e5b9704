import { describe, expect, it } from 'vitest';
import { runnerConcurrency } from '../../src-main/app-core';

describe('the runner concurrency setting', () => {
  it('comes from --concurrency, else AUTOMATION_CONCURRENCY, else the default', () => {
    expect(runnerConcurrency(['--concurrency', '4'], { AUTOMATION_CONCURRENCY: '3' })).toBe(4);
    expect(runnerConcurrency([], { AUTOMATION_CONCURRENCY: '3' })).toBe(3);
    expect(runnerConcurrency([], {})).toBeUndefined();
    expect(runnerConcurrency([], { AUTOMATION_CONCURRENCY: '' }), 'empty counts as unset').toBeUndefined();
  });

  it('refuses a value that is not a whole number from 1 to 16, naming the setting', () => {
    for (const bad of ['0', '-1', '1.5', 'two', '17']) {
      expect(() => runnerConcurrency(['--concurrency', bad], {}), bad).toThrow(/--concurrency .* must be a whole number from 1 to 16/);
    }
    expect(() => runnerConcurrency(['--concurrency'], {})).toThrow(/got undefined/);
  });
});
