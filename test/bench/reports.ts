// Bench reports built in a test: the JSON bench/perf.ts writes, with the figures each test chooses (no timing).
import { REPORT_FORMAT, REPORT_VERSION, type BenchReport, type ReportItem } from '../../bench/report';
import { meetsTarget, type Target } from '../../bench/stats';

export const msTarget = (value: number, on: Target['on'] = 'median'): Target => ({ op: '<=', value, unit: 'ms', on });
export const rateTarget = (value: number): Target => ({ op: '>=', value, unit: 'transitions/s', on: 'median' });

/** An item: its met is judged from the figures, as the bench judges it. */
export function item(id: string, median: number | null, fields: Partial<Omit<ReportItem, 'id' | 'median'>> = {}): ReportItem {
  const unit = fields.unit ?? 'ms';
  const p95 = fields.p95 === undefined ? (median === null ? null : median * 1.5) : fields.p95;
  const target = fields.target === undefined ? null : fields.target;
  return {
    id,
    label: fields.label ?? `the item ${id}`,
    unit,
    median,
    p95,
    n: fields.n ?? 50,
    target,
    met: median === null ? null : meetsTarget(target, median, p95 ?? NaN),
    note: fields.note ?? null,
    figures: fields.figures ?? {},
  };
}

export function report(runs: number, items: ReportItem[], options: { key?: string; cpu?: string; load?: number; pace?: number; fileMB?: number } = {}): BenchReport {
  const load = options.load ?? 0.5;
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    command: { runs, businesses: 100, iterations: 50, only: null },
    machine: {
      cpu: options.cpu ?? 'Test CPU',
      cores: 2,
      memoryGB: 24,
      os: { name: 'Test OS', kernel: 'Linux 6.1', arch: 'x64' },
      node: '20.20.2',
      sqlite: '3.53.2',
      betterSqlite3: '12.11.1',
      loadAverage: { start: [load, load, load], end: [load + 0.25, load, load] },
      ...(options.pace === undefined ? {} : { pace: { start: options.pace, end: options.pace + 4 } }),
    },
    dataset: {
      name: `runs-${options.key ?? `k${runs}`}.db`,
      key: options.key ?? `k${runs}`,
      generatorVersion: 1,
      params: { runs, businesses: 100, orphanShare: 0.01, systemShare: 0.01, days: 90, zipf: 1, seed: 1 },
      counts: {
        runs,
        businessRuns: runs * 0.98,
        orphans: runs * 0.01,
        systemRuns: runs * 0.01,
        byStatus: { pending: 1, running: 1, completed: runs - 62, failed: 50, cancelled: 10 },
        schedules: 500,
        users: 2,
      },
      businesses: 100,
      largest: { id: 7, name: 'Business 0007', runs: runs / 5, rank: 1 },
      midSize: { id: 11, name: 'Business 0011', runs: runs / 50, rank: 11 },
      fileBytes: (options.fileMB ?? runs / 3000) * 1e6,
      reused: true,
      buildSeconds: runs / 20_000,
      endedDaysBefore: 0.5,
      orphanDataset: null,
      legacySource: null,
    },
    items,
    errors: [],
    seconds: 300,
  };
}
