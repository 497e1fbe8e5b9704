// How each figure grows with the dataset, from JSON reports of several sizes (npm run bench -- --runs N --out FILE):
//   npx tsx bench/growth.ts 100k.json 1m.json 10m.json
// Per item: its median at each size (several reports of one size are merged: the median of their medians), the
// factor from one size to the next, and, for an interactive item (timed in ms) when a size above a million was
// measured, whether the largest stays within 2× of its figure at a million runs (issue 23's target). Above the items:
// each dataset's file size and build time.
import { mergeReports, ratio, runsText, show, showRatio, type MergedReport } from './figures';
import { readReport, ReportError, runReportTool, type BenchReport } from './report';
import { textTable, type Unit } from './stats';

/** The size the 2× target is measured from. */
export const REFERENCE_RUNS = 1_000_000;
export const INTERACTIVE_LIMIT = 2;

export interface GrowthRow {
  id: string;
  label: string;
  unit: Unit;
  /** One per size, smallest first; null where that size did not measure the item. */
  medians: (number | null)[];
  /** From each size to the next: medians[i + 1] / medians[i]. */
  factors: (number | null)[];
  /** Interactive items, with a million-run and a larger size: the largest size's median ≤ 2× the million's. */
  withinLimit: boolean | null;
}

export interface Growth {
  /** Runs of each size, smallest first. */
  sizes: number[];
  /** Whether the 2× check applies: a million-run size and a larger one. */
  checked: boolean;
  rows: GrowthRow[];
}

function bySize(reports: readonly BenchReport[], names: readonly string[]): MergedReport[] {
  const sizes = [...new Set(reports.map((report) => report.dataset.counts.runs))].sort((a, b) => a - b);
  return sizes.map((runs) => {
    const at = reports.map((report, i) => ({ report, name: names[i] ?? `report ${i + 1}` })).filter(({ report }) => report.dataset.counts.runs === runs);
    return mergeReports(
      at.map(({ report }) => report),
      at.map(({ name }) => name),
    );
  });
}

function growthRow(id: string, label: string, unit: Unit, medians: (number | null)[], sizes: readonly number[]): GrowthRow {
  const factors = medians.slice(1).map((value, i) => ratio(medians[i] ?? null, value));
  const reference = sizes.indexOf(REFERENCE_RUNS);
  const largest = medians[medians.length - 1] ?? null;
  const applies = unit === 'ms' && reference >= 0 && reference < sizes.length - 1;
  const base = medians[reference] ?? null;
  const withinLimit = applies && base !== null && largest !== null ? largest <= INTERACTIVE_LIMIT * base : null;
  return { id, label, unit, medians, factors, withinLimit };
}

export function growth(reports: readonly BenchReport[], names?: readonly string[]): Growth {
  const merged = bySize(reports, names ?? reports.map((_, i) => `report ${i + 1}`));
  const sizes = merged.map((report) => report.dataset.counts.runs);
  const ids = [...new Set(merged.flatMap((report) => report.items.map((item) => item.id)))];
  const rows = [
    growthRow('dataset.file', 'the dataset file on disk', 'MB', merged.map((report) => report.dataset.fileBytes / 1e6), sizes),
    growthRow('dataset.build', 'building the dataset', 's', merged.map((report) => report.dataset.buildSeconds), sizes),
    ...ids.map((id) => {
      const items = merged.map((report) => report.items.find((item) => item.id === id) ?? null);
      const first = items.find((item) => item !== null);
      return growthRow(id, first?.label ?? id, first?.unit ?? 'count', items.map((item) => item?.median.median ?? null), sizes);
    }),
  ];
  const checked = sizes.includes(REFERENCE_RUNS) && sizes[sizes.length - 1] !== REFERENCE_RUNS;
  return { sizes, checked, rows };
}

export function formatGrowth(g: Growth): string {
  const steps = g.sizes.slice(1).map((runs, i) => `${runsText(g.sizes[i] ?? 0)}→${runsText(runs)}`);
  const largest = runsText(g.sizes[g.sizes.length - 1] ?? 0);
  const header = ['item', ...g.sizes.map(runsText), ...steps, ...(g.checked ? [`${largest} ≤ ${INTERACTIVE_LIMIT}× 1M`] : [])];
  const rows = g.rows.map((row) => [
    row.id,
    ...row.medians.map((value) => show(value, row.unit)),
    ...row.factors.map(showRatio),
    ...(g.checked ? [row.withinLimit === null ? '' : row.withinLimit ? 'yes' : 'NO'] : []),
  ]);
  const right = new Set(Array.from({ length: g.sizes.length * 2 - 1 }, (_, i) => i + 1));
  const judged = g.rows.filter((row) => row.withinLimit !== null);
  const summary = g.checked
    ? `${judged.filter((row) => row.withinLimit).length} of ${judged.length} interactive items (timed in ms) within ${INTERACTIVE_LIMIT}× their 1M median at ${largest}.`
    : `No size above 1M with a 1M report beside it: the ${INTERACTIVE_LIMIT}× check needs both.`;
  return `Medians by dataset size (runs), and the factor from one size to the next:\n\n${textTable(header, rows, right)}\n\n${summary}`;
}

function main(files: readonly string[]): void {
  if (files.length < 2) throw new ReportError('Usage: npx tsx bench/growth.ts A.json B.json [C.json …]   (reports of different --runs, written by npm run bench -- --runs N --out FILE)');
  process.stdout.write(`${formatGrowth(growth(files.map(readReport), files))}\n`);
}

if (require.main === module) runReportTool(main);
