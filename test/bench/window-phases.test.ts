// The cold-window bench's bookkeeping without a browser: its arguments, the phases of one start from its marks, and
// the request list. No timing here: the marks are made up.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../bench/args';
import { MARKS, parseColdWindowArgs, spread, startTimes, waterfallLines, type Marks } from '../../bench/window-phases';

/** One start's marks, `steps` milliseconds apart in MARKS' order, from an epoch time. */
function marksAt(steps: Partial<Record<keyof Marks, number>>, spawned = 1_800_000_000_000): Marks {
  const marks = { spawned } as Marks;
  let at = spawned;
  for (const mark of MARKS.slice(1)) marks[mark] = at += steps[mark] ?? 100;
  return marks;
}

describe('the cold window arguments', () => {
  it('takes the defaults, then every flag', () => {
    expect(parseColdWindowArgs([])).toEqual({ runs: 1_000_000, businesses: 100, iterations: 5, items: ['window.cold', 'window.adopted'] });
    expect(parseColdWindowArgs(['--runs', '100000', '--businesses', '10', '--iterations', '3', '--only', 'window.adopted'])).toEqual({
      runs: 100_000,
      businesses: 10,
      iterations: 3,
      items: ['window.adopted'],
    });
  });

  it('refuses what it does not know, naming the flag', () => {
    expect(() => parseColdWindowArgs(['--iterations', '0'])).toThrow(new UsageError('--iterations needs a whole number ≥ 1, got 0'));
    expect(() => parseColdWindowArgs(['--runs'])).toThrow('--runs needs a whole number ≥ 1000, got undefined');
    expect(() => parseColdWindowArgs(['--only', 'window.warm'])).toThrow('--only: unknown item window.warm');
    expect(() => parseColdWindowArgs(['--json'])).toThrow('Unknown argument --json');
  });
});

describe("a start's phases", () => {
  it('counts each phase from the mark before it, and the first row and the statistics from the view painted', () => {
    const times = startTimes(marksAt({ processUp: 300, listening: 400, pageLoaded: 250, formShown: 50, submitted: 120, signedIn: 200, firstRow: 150, stats: 90 }));
    expect(times.phases).toEqual({ processUp: 300, listening: 400, pageLoaded: 250, formShown: 50, submitted: 120, signedIn: 200, firstRow: 150, stats: 240 });
    expect(times.since.listening).toBe(700);
    expect(times.since.firstRow).toBe(1470);
    expect(times.since.stats).toBe(1560);
    expect(times.window).toBe(1560);
    expect(times.windowWithoutTyping).toBe(1440);
  });

  it('takes the later of the two when the statistics come first', () => {
    const marks = marksAt({});
    [marks.firstRow, marks.stats] = [marks.stats, marks.firstRow];
    const times = startTimes(marks);
    expect(times.window).toBe(times.since.firstRow);
    expect(times.phases.stats).toBe(100);
    expect(times.phases.firstRow).toBe(200);
  });

  it('refuses a start that missed a mark or ran backwards', () => {
    const { stats: _stats, ...missing } = marksAt({});
    expect(() => startTimes(missing)).toThrow('The start recorded no stats');
    const backwards = marksAt({});
    backwards.signedIn = backwards.submitted - 1;
    expect(() => startTimes(backwards)).toThrow('signedIn came before the mark before it');
  });
});

describe('the summary over starts', () => {
  it('gives the median, and the max as the p95 of a few starts', () => {
    expect(spread([5, 1, 3, 2, 4])).toEqual({ median: 3, p95: 5, min: 1, max: 5 });
  });

  it('lists the requests in the order they started, from the spawn', () => {
    const lines = waterfallLines(
      [
        { path: '/api/jobs.stats', startedAt: 1300, endedAt: 1450 },
        { path: '/api/auth.login', startedAt: 1100, endedAt: 1250.4 },
      ],
      1000,
    );
    expect(lines.map((line) => line.trim().split(/\s+/))).toEqual([
      ['100', '→', '250', 'ms', '150', 'ms', '/api/auth.login'],
      ['300', '→', '450', 'ms', '150', 'ms', '/api/jobs.stats'],
    ]);
  });
});
