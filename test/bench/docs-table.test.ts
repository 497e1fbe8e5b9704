// docs/performance.md's table of figures is rendered from the bench's JSON and nothing else: the renderer on reports
// built here, and the page itself against the reports its begin marker names (committed under docs/bench/).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchTableSources, currentBenchTable, DOCS_PAGE, renderBenchTable, renderFromSources, replaceBenchTable } from '../../bench/docs-table';
import { mergeReports } from '../../bench/figures';
import { ReportError } from '../../bench/report';
import { item, msTarget, rateTarget, report } from './reports';

const root = path.resolve(__dirname, '../..');

function threeRuns() {
  const firstCall = (value: number) => ({
    'firstCall.median': { label: 'first call: median', value, unit: 'ms' as const },
    'firstCall.n': { label: 'first call: samples', value: 20, unit: 'count' as const },
  });
  return [
    { history: 0.23, stats: 1.0, lifecycles: 34_900, load: 0.4, cold: 9 },
    { history: 0.67, stats: 1.1, lifecycles: 15_200, load: 3.1, cold: 10 },
    { history: 0.34, stats: 0.98, lifecycles: 29_100, load: 0.9, cold: 8 },
  ].map((run) =>
    report(
      1_000_000,
      [
        item('history.first', run.history, { label: 'history p1 | largest business', target: msTarget(0.5) }),
        item('stats.business', run.stats, { target: msTarget(2), figures: firstCall(run.cold) }),
        item('runner.engine', run.lifecycles, { unit: 'transitions/s', p95: run.lifecycles / 2, target: rateTarget(20_000) }),
        item('sorted.all', 220),
      ],
      { load: run.load },
    ),
  );
}

describe('the docs’ table, rendered from reports', () => {
  const sources = ['docs/bench/a.json', 'docs/bench/b.json', 'docs/bench/c.json'];
  const block = renderBenchTable(mergeReports(threeRuns(), sources), sources);

  it('names its reports in the begin marker and closes with the end marker', () => {
    expect(block.split('\n')[0]).toBe('<!-- bench-table:begin docs/bench/a.json docs/bench/b.json docs/bench/c.json -->');
    expect(block.endsWith('<!-- bench-table:end -->')).toBe(true);
    expect(benchTableSources(`text\n${block}\nmore`)).toEqual(sources);
  });

  it('gives the dataset and the machine above the table, with each run’s load', () => {
    expect(block).toContain('**The dataset**: 1,000,000 runs over 100 businesses and 90 days');
    expect(block).toContain('**The machine**: 2 cores (Test CPU), 24 GB, Test OS, Linux 6.1 x64; Node 20.20.2, SQLite 3.53.2, better-sqlite3 12.11.1');
    expect(block).toContain("load average (1 min) at each run's start and end: 0.4 → 0.7, 3.1 → 3.4, 0.9 → 1.1.");
  });

  it('gives each run’s pace beside its load when every run has one (reports made before the pace have none)', () => {
    const paced = threeRuns().map((run, i) => ({ ...run, machine: { ...run.machine, pace: { start: 220 + i, end: 224 + i } } }));
    expect(renderBenchTable(mergeReports(paced, sources), sources)).toContain(
      "0.9 → 1.1; the pace (`bench/pace.ts`, lower is faster) at each run's start and end: 220 → 224 ms, 221 → 225 ms, 222 → 226 ms.",
    );
    expect(block).not.toContain('pace');
  });

  it('gives each item the median of the runs’ medians, their range, the p95, the target, and how many runs met it', () => {
    expect(block).toContain('| history p1 \\| largest business | 0.340 ms | 0.230–0.670 ms | 0.510 ms | ≤ 0.500 ms | yes (met in 2 of 3 runs) |');
    expect(block).toContain('| the item stats.business | 1.000 ms | 0.980–1.100 ms | 1.500 ms | ≤ 2.000 ms | yes |');
    expect(block).toContain('| the item runner.engine | 29,100/s | 15,200–34,900/s | 14,550/s | ≥ 20,000/s | yes (met in 2 of 3 runs) |');
    expect(block).toContain('| the item sorted.all | 220.0 ms | 220.0 ms | 330.0 ms | – | – |');
    expect(block).toContain('3 runs of `npm run bench` (`docs/bench/a.json`, `docs/bench/b.json`, `docs/bench/c.json`)');
    expect(block).toContain('3 of 3 targets are met.');
  });

  it('lists the figures items measure besides the median, merged the same way, without sample counts', () => {
    expect(block).toContain('- the item stats.business: first call: median 9.000 ms (8.000–10.0 ms)');
    expect(block).not.toContain('samples');
  });

  it('names a group of figures once: ids with one stem share the start of their labels', () => {
    const figures = {
      'rollups.median': { label: 'rollups counted, median', value: 1.2, unit: 's' as const },
      'rollups.p95': { label: 'rollups counted, p95', value: 1.3, unit: 's' as const },
      'phase.copy': { label: 'phase: copy', value: 2800, unit: 'ms' as const },
      'phase.check': { label: 'phase: check', value: 400, unit: 'ms' as const },
      runs: { label: 'runs adopted', value: 1_000_000, unit: 'count' as const },
    };
    const single = renderBenchTable(mergeReports([report(1_000_000, [item('adoption', 3.6, { unit: 's', figures })])]), ['docs/bench/a.json']);
    expect(single).toContain('- the item adoption: rollups counted: median 1.20 s, p95 1.30 s; phase: copy 2,800 ms, check 400.0 ms; runs adopted 1,000,000');
  });

  it('drops the range column’s figures for a single run', () => {
    const [one] = threeRuns();
    const single = renderBenchTable(mergeReports([one!]), ['docs/bench/a.json']);
    expect(single).toContain('| history p1 \\| largest business | 0.230 ms | 0.345 ms | ≤ 0.500 ms | yes |');
    expect(single).toContain('| item | median | p95 | target | met |\n| --- | --- | --- | --- | --- |\n');
    expect(single).toContain("1 run of `npm run bench` (`docs/bench/a.json`): each row gives the run's median");
  });

  it('replaces only what stands between the markers', () => {
    const page = `# Performance\n\nabove\n\n${block}\n\nbelow\n`;
    const next = renderBenchTable(mergeReports(threeRuns().slice(0, 1)), ['docs/bench/a.json']);
    expect(replaceBenchTable(page, next)).toBe(`# Performance\n\nabove\n\n${next}\n\nbelow\n`);
    expect(() => replaceBenchTable('# Performance, no markers', next)).toThrow(ReportError);
    expect(() => replaceBenchTable(`${block}\n${block}`, next)).toThrow(/needs one/);
  });
});

describe(DOCS_PAGE, () => {
  it('shows the table its committed reports render, so it is never typed by hand (npm run bench:table -- FILES)', () => {
    const markdown = fs.readFileSync(path.join(root, DOCS_PAGE), 'utf8');
    const sources = benchTableSources(markdown);
    for (const source of sources) expect(source).toMatch(/^docs\/bench\/[^/]+\.json$/);
    expect(currentBenchTable(markdown)).toBe(renderFromSources(sources, root));
  });
});
