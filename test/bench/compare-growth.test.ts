// Two bench reports compared, and reports of several sizes set side by side, from JSON built here (no timing): the
// ratios, the flags and the 2× check are what the person comparing runs reads.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareReports, comparisonWarnings, formatComparison } from '../../bench/compare';
import { mergeReports, MergeError } from '../../bench/figures';
import { formatGrowth, growth } from '../../bench/growth';
import { parseReport, ReportError } from '../../bench/report';
import { item, msTarget, rateTarget, report } from './reports';

describe('comparing two runs', () => {
  const a = report(1_000_000, [
    item('history.first', 0.4, { target: msTarget(0.5) }),
    item('stats.all', 30, { target: msTarget(20) }),
    item('runner.service', 30_000, { unit: 'transitions/s', target: rateTarget(20_000) }),
    item('gone', 1),
  ]);
  const b = report(1_000_000, [
    item('history.first', 0.6, { target: msTarget(0.5) }),
    item('stats.all', 15, { target: msTarget(20) }),
    item('runner.service', 36_000, { unit: 'transitions/s', target: rateTarget(20_000) }),
    item('new', 2),
  ]);

  it('gives both medians and p95s and the ratio of the medians per item, and which run is better by the item’s target', () => {
    const rows = compareReports(a, b);
    expect(rows.map((row) => row.id)).toEqual(['history.first', 'stats.all', 'runner.service', 'gone', 'new']);
    const [history, stats, runner] = rows;
    expect(history).toMatchObject({ bBetter: false, flag: 'met in A only' });
    expect(history?.ratio).toBeCloseTo(1.5);
    expect(history?.a?.p95).toBeCloseTo(0.6);
    expect(history?.b?.p95).toBeCloseTo(0.9);
    expect(stats).toMatchObject({ bBetter: true, flag: 'met in B only' });
    expect(stats?.ratio).toBeCloseTo(0.5);
    expect(runner?.ratio).toBeCloseTo(1.2);
    expect(runner).toMatchObject({ bBetter: true, flag: null });
  });

  it('flags an item only one run measured', () => {
    const rows = compareReports(a, b);
    expect(rows.find((row) => row.id === 'gone')).toMatchObject({ flag: 'only in A', ratio: null });
    expect(rows.find((row) => row.id === 'new')).toMatchObject({ flag: 'only in B', ratio: null });
  });

  it('compares the figures both runs measured besides the median', () => {
    const figure = (value: number) => ({ 'firstCall.median': { label: 'first call, median', value, unit: 'ms' as const } });
    const [row] = compareReports(report(1_000_000, [item('stats.all', 10, { figures: figure(120) })]), report(1_000_000, [item('stats.all', 10, { figures: figure(30) })]));
    expect(row?.figures).toEqual([{ id: 'firstCall.median', label: 'first call, median', unit: 'ms', a: 120, b: 30, ratio: 0.25 }]);
    expect(formatComparison(report(1_000_000, [item('stats.all', 10, { figures: figure(120) })]), report(1_000_000, [item('stats.all', 10, { figures: figure(30) })]), ['a.json', 'b.json'], true)).toMatch(
      /first call, median +\| 120\.0 ms \| +\| +30\.0 ms \| +\| +0\.25× \|/,
    );
  });

  it('prints the flags and counts the items whose target is met in one run only', () => {
    const text = formatComparison(a, b, ['a.json', 'b.json']);
    expect(text).toContain('A: a.json');
    expect(text).toMatch(/history\.first .*\| 0\.400 ms \| 0\.600 ms \| 0\.600 ms \| 0\.900 ms \| +1\.50× worse \| met in A only/);
    expect(text).toContain('2 items meet their target in one run and not the other.');
  });

  it('says when the dataset or the machine differs, since the ratios then compare more than the code', () => {
    expect(comparisonWarnings(a, b)).toEqual([]);
    const elsewhere = report(100_000, [], { cpu: 'Another CPU' });
    expect(comparisonWarnings(a, elsewhere)).toEqual([
      'The datasets differ: the ratios compare the data as well as the code.',
      'The machines or runtimes differ: the ratios compare them as well as the code.',
    ]);
  });

  it('says when the machine ran at another pace (more than 15% apart), and not for reports without one', () => {
    const at = (pace: number) => report(1_000_000, [], { pace });
    expect(comparisonWarnings(at(220), at(250))).toEqual([]);
    expect(comparisonWarnings(at(220), at(340))).toEqual([
      'The machine ran at another pace (bench/pace.ts: 222 ms and 342 ms): the ratios compare its moments as well as the code.',
    ]);
    expect(comparisonWarnings(at(220), report(1_000_000, []))).toEqual([]);
  });
});

describe('several runs of one dataset merged', () => {
  it('gives each item the median of the runs’ medians, their range, and in how many runs it met its target', () => {
    const runs = [0.3, 0.7, 0.4].map((median) => report(1_000_000, [item('history.first', median, { target: msTarget(0.5) })]));
    const [merged] = mergeReports(runs).items;
    expect(merged).toMatchObject({ median: { median: 0.4, min: 0.3, max: 0.7 }, met: true, runs: 3, metRuns: 2 });
    expect(merged?.p95).toBeCloseTo(0.6);
  });

  it('refuses runs of different datasets or machines, naming the report', () => {
    expect(() => mergeReports([report(1_000_000, []), report(100_000, [])], ['1m.json', '100k.json'])).toThrow(MergeError);
    expect(() => mergeReports([report(1_000_000, []), report(100_000, [])], ['1m.json', '100k.json'])).toThrow(/100k\.json was measured on another dataset/);
    expect(() => mergeReports([report(1_000_000, []), report(1_000_000, [], { cpu: 'Other' })], ['a.json', 'b.json'])).toThrow(/b\.json was measured on another machine/);
  });

  it('puts every merged median among the runs’ medians, inside their range (any runs)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.01, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 9 }), (medians) => {
        const [merged] = mergeReports(medians.map((median) => report(1_000_000, [item('x', median)]))).items;
        expect(medians).toContain(merged?.median.median);
        expect(merged?.median.min).toBe(Math.min(...medians));
        expect(merged?.median.max).toBe(Math.max(...medians));
      }),
    );
  });
});

describe('growth across dataset sizes', () => {
  const sizes = {
    small: report(100_000, [item('history.first', 0.2), item('stats.all', 5), item('adoption', 0.4, { unit: 's' })], { fileMB: 34 }),
    million: report(1_000_000, [item('history.first', 0.3), item('stats.all', 10), item('adoption', 4, { unit: 's' })], { fileMB: 340 }),
    ten: report(10_000_000, [item('history.first', 0.5), item('stats.all', 25), item('adoption', 45, { unit: 's' })], { fileMB: 3400 }),
  };

  it('orders the sizes by runs whatever the order given, with each median and the factor from one size to the next', () => {
    const g = growth([sizes.ten, sizes.small, sizes.million]);
    expect(g.sizes).toEqual([100_000, 1_000_000, 10_000_000]);
    const stats = g.rows.find((row) => row.id === 'stats.all');
    expect(stats?.medians).toEqual([5, 10, 25]);
    expect(stats?.factors).toEqual([2, 2.5]);
    expect(g.rows.find((row) => row.id === 'dataset.file')?.medians).toEqual([34, 340, 3400]);
  });

  it('checks that an interactive item stays within 2× its million-run median at the largest size, and only interactive items', () => {
    const g = growth([sizes.small, sizes.million, sizes.ten]);
    expect(g.checked).toBe(true);
    expect(g.rows.find((row) => row.id === 'history.first')?.withinLimit).toBe(true);
    expect(g.rows.find((row) => row.id === 'stats.all')?.withinLimit).toBe(false);
    expect(g.rows.find((row) => row.id === 'adoption')?.withinLimit).toBeNull();
    const text = formatGrowth(g);
    expect(text).toMatch(/stats\.all +\| 5\.000 ms \| +10\.0 ms \| +25\.0 ms \| +2\.00× \| +2\.50× \| NO/);
    expect(text).toContain('1 of 2 interactive items (timed in ms) within 2× their 1M median at 10M.');
  });

  it('makes no 2× check without a million-run report and a larger one', () => {
    const g = growth([sizes.small, sizes.million]);
    expect(g.checked).toBe(false);
    expect(g.rows.every((row) => row.withinLimit === null)).toBe(true);
    expect(formatGrowth(g)).toContain('the 2× check needs both');
  });

  it('merges reports of one size into the median of their medians', () => {
    const again = report(1_000_000, [item('stats.all', 14)]);
    const third = report(1_000_000, [item('stats.all', 12)]);
    expect(growth([sizes.small, sizes.million, again, third]).rows.find((row) => row.id === 'stats.all')?.medians).toEqual([5, 12]);
  });

  it('shows an item a size did not measure as a gap, with no factor', () => {
    const row = growth([sizes.small, report(1_000_000, [item('history.first', 0.3)])]).rows.find((r) => r.id === 'stats.all');
    expect(row).toMatchObject({ medians: [5, null], factors: [null] });
  });
});

describe('reading a report', () => {
  it('reads back what the bench writes', () => {
    const written = report(1_000_000, [item('load.runner', 81, { unit: '%', p95: null })]);
    expect(parseReport(JSON.stringify(written), 'run.json')).toEqual(written);
    const paced = report(1_000_000, [], { pace: 230 });
    expect(parseReport(JSON.stringify(paced), 'paced.json').machine.pace).toEqual({ start: 230, end: 234 });
  });

  it('names the file and what is wrong: not JSON, not a report, another version, a missing field', () => {
    expect(() => parseReport('{', 'broken.json')).toThrow(ReportError);
    expect(() => parseReport('{', 'broken.json')).toThrow(/broken\.json is not JSON/);
    expect(() => parseReport('{"items": []}', 'other.json')).toThrow(/other\.json is not a bench report/);
    expect(() => parseReport(JSON.stringify({ ...report(1000, []), version: 99 }), 'future.json')).toThrow(/future\.json is a bench report of format version 99; this code reads version 1/);
    const { machine: _machine, ...partial } = report(1000, []);
    expect(() => parseReport(JSON.stringify(partial), 'partial.json')).toThrow(/partial\.json is not a whole bench report: machine:/);
  });
});
