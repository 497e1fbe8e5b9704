// What the comparison, the growth table and the docs' table share: several reports of one dataset merged into
// medians and ranges, which way is better for an item, and figures formatted from the JSON (where NaN is null).
import { ReportError, type BenchReport, type DatasetInfo, type Machine, type ReportItem } from './report';
import { formatValue, meetsTarget, percentile, type Target, type Unit } from './stats';

/** Reports that cannot be merged: other datasets or machines. */
export class MergeError extends ReportError {}

export interface Spread {
  /** The median of the runs' values (nearest rank, as every median of the bench), null when none has one. */
  median: number | null;
  min: number | null;
  max: number | null;
}

export interface MergedFigure extends Spread {
  label: string;
  unit: Unit;
}

export interface MergedItem {
  id: string;
  /** The first report's label (one dataset, so every run's label is the same). */
  label: string;
  unit: Unit;
  target: Target | null;
  /** The runs' medians: their median and range. */
  median: Spread;
  /** The median of the runs' p95 columns. */
  p95: number | null;
  /** Judged on the merged figures. */
  met: boolean | null;
  /** How many runs measured the item, and in how many it met its target. */
  runs: number;
  metRuns: number;
  figures: Record<string, MergedFigure>;
}

export interface MergedReport {
  reports: readonly BenchReport[];
  dataset: DatasetInfo;
  machine: Machine;
  items: MergedItem[];
}

export function spread(values: readonly (number | null)[]): Spread {
  const sorted = values.filter((value): value is number => value !== null && Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: null, min: null, max: null };
  return { median: percentile(sorted, 0.5), min: sorted[0] ?? null, max: sorted[sorted.length - 1] ?? null };
}

/** A value from a report (null for none) in its unit, or '–'. */
export function show(value: number | null, unit: Unit): string {
  return formatValue(value ?? NaN, unit);
}

/** `0.23–0.67 ms`: a range in one unit, or the value alone when both ends format the same. */
export function showRange(range: Spread, unit: Unit): string {
  if (range.min === null || range.max === null) return '–';
  const low = show(range.min, unit);
  const high = show(range.max, unit);
  if (low === high) return low;
  const suffix = /[^\d.,]+$/.exec(high)?.[0] ?? '';
  return suffix && low.endsWith(suffix) ? `${low.slice(0, -suffix.length)}–${high}` : `${low}–${high}`;
}

/** Lower is better for times and memory, higher for throughput and shares; a count is neither. */
export function lowerIsBetter(unit: Unit, target: Target | null): boolean | null {
  if (target) return target.op === '<=';
  if (unit === 'count') return null;
  return unit === 'ms' || unit === 's' || unit === 'MB';
}

/** `1.23×`: how many times `from` the value `to` is; null when either is missing or `from` is 0. */
export function ratio(from: number | null, to: number | null): number | null {
  if (from === null || to === null || from === 0 || !Number.isFinite(from) || !Number.isFinite(to)) return null;
  return to / from;
}

export function showRatio(value: number | null): string {
  if (value === null) return '–';
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)}×`;
}

export function runsText(runs: number): string {
  return runs >= 1_000_000 && runs % 1_000_000 === 0 ? `${runs / 1_000_000}M` : runs >= 1000 && runs % 1000 === 0 ? `${runs / 1000}k` : String(runs);
}

function mergeFigures(items: readonly ReportItem[]): Record<string, MergedFigure> {
  const ids = [...new Set(items.flatMap((item) => Object.keys(item.figures)))];
  return Object.fromEntries(
    ids.map((id) => {
      const present = items.map((item) => item.figures[id]).filter((figure) => figure !== undefined);
      const first = present[0];
      return [id, { label: first?.label ?? id, unit: first?.unit ?? 'count', ...spread(present.map((figure) => figure.value)) }];
    }),
  );
}

function mergeItem(items: readonly ReportItem[]): MergedItem {
  const first = items[0];
  if (!first) throw new MergeError('no item to merge');
  const median = spread(items.map((item) => item.median));
  const p95 = spread(items.map((item) => item.p95)).median;
  return {
    id: first.id,
    label: first.label,
    unit: first.unit,
    target: first.target,
    median,
    p95,
    met: median.median === null ? null : meetsTarget(first.target, median.median, p95 ?? NaN),
    runs: items.length,
    metRuns: items.filter((item) => item.met === true).length,
    figures: mergeFigures(items),
  };
}

/** Several runs of the bench on one dataset and one machine, each item's figures merged (items in first-seen order). */
export function mergeReports(reports: readonly BenchReport[], names: readonly string[] = reports.map((_, i) => `report ${i + 1}`)): MergedReport {
  const first = reports[0];
  if (!first) throw new MergeError('No report given');
  reports.forEach((report, i) => {
    const name = names[i] ?? `report ${i + 1}`;
    if (report.dataset.key !== first.dataset.key) {
      throw new MergeError(`${name} was measured on another dataset (${report.dataset.name}, ${first.dataset.name} in ${names[0]}): merge only runs of one dataset`);
    }
    const [m, f] = [report.machine, first.machine];
    if (m.cpu !== f.cpu || m.cores !== f.cores || m.node !== f.node || m.sqlite !== f.sqlite) {
      throw new MergeError(`${name} was measured on another machine or runtime than ${names[0]} (${machineKey(m)} against ${machineKey(f)}): merge only runs of one`);
    }
  });
  const ids = [...new Set(reports.flatMap((report) => report.items.map((item) => item.id)))];
  const items = ids.map((id) => mergeItem(reports.flatMap((report) => report.items.filter((item) => item.id === id))));
  return { reports, dataset: first.dataset, machine: first.machine, items };
}

function machineKey(m: Machine): string {
  return `${m.cores} × ${m.cpu}, Node ${m.node}, SQLite ${m.sqlite}`;
}
