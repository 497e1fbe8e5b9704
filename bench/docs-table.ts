// docs/performance.md's table of figures, rendered from published bench reports and nothing else:
//   npm run bench:table -- docs/bench/1m-1.json [docs/bench/1m-2.json …]
// Rewrites what stands between `<!-- bench-table:begin FILES -->` and `<!-- bench-table:end -->`: the dataset and
// machine lines, then one row per item. Several reports of one dataset are merged (each row the median of the runs'
// medians and their range). The begin marker names the reports, so test/bench/docs-table.test.ts renders the same
// files and fails when the page differs: the table is never typed by hand.
import fs from 'node:fs';
import path from 'node:path';
import { mergeReports, show, showRange, type MergedFigure, type MergedItem, type MergedReport } from './figures';
import { datasetLine, machineLine, readReport, ReportError, runReportTool, sideFilesLine } from './report';
import { targetText } from './stats';

export const DOCS_PAGE = 'docs/performance.md';
const BEGIN = '<!-- bench-table:begin';
const END = '<!-- bench-table:end -->';
const REPO = path.resolve(__dirname, '..');

const cell = (text: string): string => text.replace(/\|/g, '\\|');

function metText(item: MergedItem): string {
  if (item.met === null) return '–';
  const verdict = item.met ? 'yes' : 'no';
  const agreeing = item.met ? item.metRuns : item.runs - item.metRuns;
  return agreeing === item.runs ? verdict : `${verdict} (met in ${item.metRuns} of ${item.runs} runs)`;
}

function row(item: MergedItem, runs: number): string {
  const range = runs > 1 ? [item.runs > 1 ? showRange(item.median, item.unit) : ''] : [];
  const label = item.runs < runs ? `${item.label} (${item.runs} of ${runs} runs)` : item.label;
  return `| ${[cell(label), show(item.median.median, item.unit), ...range, show(item.p95, item.unit), targetText(item.target), metText(item)].join(' | ')} |`;
}

/** A figure's value, with the runs' range when they differ. */
function figureText(f: MergedFigure, runs: number): string {
  return `${show(f.median, f.unit)}${runs > 1 && f.min !== f.max ? ` (${showRange(f, f.unit)})` : ''}`;
}

/** Where a run of labels stops sharing words: after the last ": " or ", " of their common start, or 0. */
function sharedStart(labels: readonly string[]): number {
  const first = labels[0] ?? '';
  if (labels.length < 2) return 0;
  let end = first.length;
  for (const label of labels) while (!label.startsWith(first.slice(0, end))) end--;
  const start = first.slice(0, end);
  return Math.max(start.lastIndexOf(': '), start.lastIndexOf(', ')) + 1;
}

/**
 * One line per item that measures figures besides its median (sample counts left out). Figures whose ids share a
 * stem (`firstCall.median`, `firstCall.p95`) share the start of their labels: `first call: median 9 ms, p95 12 ms`.
 */
function figureLines(items: readonly MergedItem[], runs: number): string[] {
  return items.flatMap((item) => {
    const groups: { stem: string; figures: MergedFigure[] }[] = [];
    for (const [id, figure] of Object.entries(item.figures)) {
      if (id.endsWith('.n')) continue;
      const stem = id.includes('.') ? id.slice(0, id.lastIndexOf('.')) : id;
      const last = groups[groups.length - 1];
      if (last && id.includes('.') && last.stem === stem) last.figures.push(figure);
      else groups.push({ stem: id.includes('.') ? stem : '', figures: [figure] });
    }
    if (groups.length === 0) return [];
    const shown = groups.map(({ figures }) => {
      const cut = sharedStart(figures.map((f) => f.label));
      const parts = figures.map((f) => `${f.label.slice(cut).trim()} ${figureText(f, runs)}`);
      return cut > 0 ? `${(figures[0]?.label ?? '').slice(0, cut - 1)}: ${parts.join(', ')}` : parts.join(', ');
    });
    return [`- ${cell(item.label)}: ${shown.join('; ')}`];
  });
}

/** The block between the markers (markers included), from the merged reports and the names they were read from. */
export function renderBenchTable(merged: MergedReport, sources: readonly string[]): string {
  const runs = merged.reports.length;
  const judged = merged.items.filter((item) => item.met !== null);
  const loads = merged.reports.map((report) => `${report.machine.loadAverage.start[0].toFixed(1)} → ${report.machine.loadAverage.end[0].toFixed(1)}`);
  const paces = merged.reports.flatMap(({ machine: { pace } }) => (pace ? [`${pace.start.toFixed(0)} → ${pace.end.toFixed(0)} ms`] : []));
  const paced = paces.length === runs ? `; the pace (\`bench/pace.ts\`, lower is faster) at each run's start and end: ${paces.join(', ')}` : '';
  const sides = sideFilesLine(merged.dataset);
  const each = runs > 1 ? `the median of the ${runs} runs' medians and their range` : 'the run\'s median';
  const lines = [
    `${BEGIN} ${sources.join(' ')} -->`,
    `**The dataset**: ${datasetLine(merged.dataset)}.${sides ? ` Besides it, ${sides}.` : ''}`,
    '',
    `**The machine**: ${machineLine(merged.machine)}; load average (1 min) at each run's start and end: ${loads.join(', ')}${paced}.`,
    '',
    `${runs} ${runs === 1 ? 'run' : 'runs'} of \`npm run bench\` (\`${sources.join('`, `')}\`): each row gives ${each}` +
      `${runs > 1 ? "; the p95 column is the median of the runs' p95 columns" : ''}. ${judged.filter((item) => item.met).length} of ${judged.length} targets are met.`,
    '',
    `| item | median | ${runs > 1 ? 'range of run medians | ' : ''}p95 | target | met |`,
    `|${' --- |'.repeat(runs > 1 ? 6 : 5)}`,
    ...merged.items.map((item) => row(item, runs)),
  ];
  const figures = figureLines(merged.items, runs);
  if (figures.length > 0) lines.push('', `Figures the items measure besides their median${runs > 1 ? ' (the median of the runs, and their range)' : ''}:`, '', ...figures);
  return [...lines, END].join('\n');
}

function markers(markdown: string): { begin: number; end: number } {
  const begin = markdown.indexOf(BEGIN);
  const end = markdown.indexOf(END);
  if (begin < 0 || end < begin || markdown.indexOf(BEGIN, begin + 1) >= 0) {
    throw new ReportError(`${DOCS_PAGE} needs one "${BEGIN} FILES -->" line and one "${END}" line after it, around the table`);
  }
  return { begin, end: end + END.length };
}

/** The reports the page's table was rendered from, as its begin marker names them (relative to the repository). */
export function benchTableSources(markdown: string): string[] {
  const { begin } = markers(markdown);
  const line = markdown.slice(begin, markdown.indexOf('\n', begin));
  const files = line.slice(BEGIN.length).replace(/-->\s*$/, '').trim().split(/\s+/).filter(Boolean);
  if (files.length === 0) throw new ReportError(`${DOCS_PAGE}'s begin marker names no report: "${BEGIN} docs/bench/FILE.json -->"`);
  return files;
}

/** The block as the page has it now, markers included. */
export function currentBenchTable(markdown: string): string {
  const { begin, end } = markers(markdown);
  return markdown.slice(begin, end);
}

export function replaceBenchTable(markdown: string, block: string): string {
  const { begin, end } = markers(markdown);
  return `${markdown.slice(0, begin)}${block}${markdown.slice(end)}`;
}

/** The block rendered from reports named relative to the repository, as the begin marker names them. */
export function renderFromSources(sources: readonly string[], repo = REPO): string {
  const reports = sources.map((source) => readReport(path.join(repo, source)));
  return renderBenchTable(mergeReports(reports, sources), sources);
}

function main(files: readonly string[]): void {
  if (files.length === 0) throw new ReportError('Usage: npm run bench:table -- docs/bench/FILE.json [more runs of the same dataset …]');
  const sources = files.map((file) => {
    const relative = path.relative(REPO, path.resolve(file)).split(path.sep).join('/');
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      throw new ReportError(`${file} is outside the repository: publish it under docs/bench/ first (the docs' test renders the table from the committed files)`);
    }
    return relative;
  });
  const page = path.join(REPO, DOCS_PAGE);
  const markdown = fs.readFileSync(page, 'utf8');
  fs.writeFileSync(page, replaceBenchTable(markdown, renderFromSources(sources)));
  process.stdout.write(`${DOCS_PAGE}: the table is rendered from ${sources.join(', ')}\n`);
}

if (require.main === module) runReportTool(main);
