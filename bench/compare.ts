// Two runs of the bench side by side, from their JSON reports (npm run bench -- --out FILE):
//   npx tsx bench/compare.ts A.json B.json [--figures]
// Per item: both medians and p95s and the ratio B/A of the medians, flagging an item whose target is met in one run
// and not in the other, or that only one run measured; --figures adds the figures items measure besides the median.
// Says so when the two ran on different datasets or machines, where ratios compare more than the code.
import { lowerIsBetter, ratio, show, showRatio } from './figures';
import { datasetLine, loadLine, machineLine, readReport, ReportError, runReportTool, type BenchReport, type ReportItem } from './report';
import { textTable, type Unit } from './stats';

export type ComparisonFlag = 'met in A only' | 'met in B only' | 'only in A' | 'only in B' | null;

export interface FigureComparison {
  id: string;
  label: string;
  unit: Unit;
  a: number | null;
  b: number | null;
  ratio: number | null;
}

export interface ComparisonRow {
  id: string;
  label: string;
  unit: Unit;
  a: ReportItem | null;
  b: ReportItem | null;
  /** B's median over A's. */
  ratio: number | null;
  /** Whether B's median is the better one; null when equal, missing, or a count. */
  bBetter: boolean | null;
  flag: ComparisonFlag;
  figures: FigureComparison[];
}

function flagOf(a: ReportItem | null, b: ReportItem | null): ComparisonFlag {
  if (!a) return 'only in B';
  if (!b) return 'only in A';
  if (a.met === true && b.met === false) return 'met in A only';
  if (a.met === false && b.met === true) return 'met in B only';
  return null;
}

function compareFigures(a: ReportItem | null, b: ReportItem | null): FigureComparison[] {
  if (!a || !b) return [];
  return Object.entries(a.figures)
    .filter(([id]) => id in b.figures)
    .map(([id, figure]) => {
      const other = b.figures[id]?.value ?? null;
      return { id, label: figure.label, unit: figure.unit, a: figure.value, b: other, ratio: ratio(figure.value, other) };
    });
}

/** One row per item of either report: A's items in A's order, then those only B has. */
export function compareReports(a: BenchReport, b: BenchReport): ComparisonRow[] {
  const ids = [...new Set([...a.items, ...b.items].map((item) => item.id))];
  return ids.map((id) => {
    const inA = a.items.find((item) => item.id === id) ?? null;
    const inB = b.items.find((item) => item.id === id) ?? null;
    const either = (inA ?? inB) as ReportItem;
    const r = ratio(inA?.median ?? null, inB?.median ?? null);
    const lower = lowerIsBetter(either.unit, either.target);
    const bBetter = r === null || r === 1 || lower === null ? null : lower ? r < 1 : r > 1;
    return { id, label: either.label, unit: either.unit, a: inA, b: inB, ratio: r, bBetter, flag: flagOf(inA, inB), figures: compareFigures(inA, inB) };
  });
}

/** What differs between the two runs besides the code: the dataset, the machine, the runtime. */
export function comparisonWarnings(a: BenchReport, b: BenchReport): string[] {
  const warnings: string[] = [];
  if (a.dataset.key !== b.dataset.key) warnings.push('The datasets differ: the ratios compare the data as well as the code.');
  if (machineLine(a.machine) !== machineLine(b.machine)) warnings.push('The machines or runtimes differ: the ratios compare them as well as the code.');
  if (a.command.iterations !== b.command.iterations) warnings.push(`The iterations differ (${a.command.iterations} and ${b.command.iterations}).`);
  const [paceA, paceB] = [meanPace(a), meanPace(b)];
  if (paceA !== null && paceB !== null && Math.max(paceA, paceB) / Math.min(paceA, paceB) > PACE_TOLERANCE) {
    warnings.push(
      `The machine ran at another pace (bench/pace.ts: ${paceA.toFixed(0)} ms and ${paceB.toFixed(0)} ms): the ratios compare its moments as well as the code.`,
    );
  }
  return warnings;
}

/** Paces further apart than this (the slower over the faster) are a different moment of the machine. */
const PACE_TOLERANCE = 1.15;

/** The mean of a report's paces at its start and end; null for a report made before they were taken. */
function meanPace(report: BenchReport): number | null {
  const pace = report.machine.pace;
  return pace ? (pace.start + pace.end) / 2 : null;
}

export function formatComparison(a: BenchReport, b: BenchReport, names: readonly [string, string], withFigures = false): string {
  const rows = compareReports(a, b);
  const cells: string[][] = [];
  for (const row of rows) {
    const better = row.bBetter === null ? '' : row.bBetter ? ' better' : ' worse';
    cells.push([
      `${row.id} ${row.label}`,
      show(row.a?.median ?? null, row.unit),
      show(row.a?.p95 ?? null, row.unit),
      show(row.b?.median ?? null, row.unit),
      show(row.b?.p95 ?? null, row.unit),
      `${showRatio(row.ratio)}${row.ratio === null ? '' : better}`,
      row.flag ?? '',
    ]);
    if (withFigures) for (const f of row.figures) cells.push([`  · ${f.label}`, show(f.a, f.unit), '', show(f.b, f.unit), '', showRatio(f.ratio), '']);
  }
  const describe = (label: string, name: string, report: BenchReport) => [
    `${label}: ${name}`,
    `  ${datasetLine(report.dataset)}`,
    `  ${machineLine(report.machine)}; ${loadLine(report.machine)}`,
  ];
  const flagged = rows.filter((row) => row.flag === 'met in A only' || row.flag === 'met in B only').length;
  return [
    ...describe('A', names[0], a),
    ...describe('B', names[1], b),
    ...comparisonWarnings(a, b),
    '',
    textTable(['item', 'A median', 'A p95', 'B median', 'B p95', 'B/A (median)', ''], cells, new Set([1, 2, 3, 4, 5])),
    '',
    `${flagged} ${flagged === 1 ? 'item meets its target' : 'items meet their target'} in one run and not the other.`,
  ].join('\n');
}

function main(argv: readonly string[]): void {
  const withFigures = argv.includes('--figures');
  const files = argv.filter((arg) => arg !== '--figures');
  const [first, second] = files;
  if (files.length !== 2 || !first || !second) {
    throw new ReportError('Usage: npx tsx bench/compare.ts A.json B.json [--figures]   (reports written by npm run bench -- --out FILE)');
  }
  process.stdout.write(`${formatComparison(readReport(first), readReport(second), [first, second], withFigures)}\n`);
}

if (require.main === module) runReportTool(main);
