// The bench's JSON (`npm run bench -- --json` or `--out FILE`): one object that carries the machine, the dataset, the
// command's options and every item's figures, so two runs can be compared (bench/compare.ts), sizes set side by side
// (bench/growth.ts) and docs/performance.md's table rendered (bench/docs-table.ts). Read back through `readReport`,
// which checks the format and its version.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DAY_MS, type Dataset } from './dataset';
import { machinePace } from './pace';
import { type ItemResult } from './stats';

export const REPORT_FORMAT = 'automation-console-bench';
/** Raised whenever a field changes meaning or goes; readers refuse other versions. */
export const REPORT_VERSION = 1;

const unitSchema = z.enum(['ms', 's', 'MB', 'transitions/s', '%', 'runs/s', 'count']);
const figureSchema = z.object({ label: z.string(), value: z.number().nullable(), unit: unitSchema });
const targetSchema = z.object({ op: z.enum(['<=', '>=']), value: z.number(), unit: unitSchema, on: z.enum(['median', 'p95', 'peak']) });
const businessSchema = z.object({ id: z.number(), name: z.string(), runs: z.number(), rank: z.number() });
/** Runs by status, every status the app has. */
const byStatusSchema = z.record(z.string(), z.number());
const loadSchema = z.tuple([z.number(), z.number(), z.number()]);
const sideFileSchema = z.object({ name: z.string(), runs: z.number(), orphans: z.number().nullable(), fileBytes: z.number(), reused: z.boolean(), buildSeconds: z.number() });

const itemSchema = z.object({
  id: z.string(),
  label: z.string(),
  unit: unitSchema,
  /** Null when the figure could not be computed (JSON has no NaN). */
  median: z.number().nullable(),
  p95: z.number().nullable(),
  n: z.number(),
  target: targetSchema.nullable(),
  met: z.boolean().nullable(),
  note: z.string().nullable(),
  figures: z.record(z.string(), figureSchema),
});

export const reportSchema = z.object({
  format: z.literal(REPORT_FORMAT),
  version: z.literal(REPORT_VERSION),
  command: z.object({ runs: z.number(), businesses: z.number(), iterations: z.number(), only: z.array(z.string()).nullable() }),
  machine: z.object({
    cpu: z.string(),
    cores: z.number(),
    memoryGB: z.number(),
    os: z.object({ name: z.string(), kernel: z.string(), arch: z.string() }),
    node: z.string(),
    sqlite: z.string(),
    betterSqlite3: z.string(),
    /** 1, 5 and 15 minutes, when the bench started and when it ended. */
    loadAverage: z.object({ start: loadSchema, end: loadSchema }),
    /** The fixed work of bench/pace.ts, in ms, when the bench started and when it ended (absent from older reports). */
    pace: z.object({ start: z.number(), end: z.number() }).optional(),
  }),
  dataset: z.object({
    name: z.string(),
    key: z.string(),
    generatorVersion: z.number(),
    params: z.object({ runs: z.number(), businesses: z.number(), orphanShare: z.number(), systemShare: z.number(), days: z.number(), zipf: z.number(), seed: z.number() }),
    counts: z.object({
      runs: z.number(),
      businessRuns: z.number(),
      orphans: z.number(),
      systemRuns: z.number(),
      byStatus: byStatusSchema,
      schedules: z.number(),
      users: z.number(),
    }),
    businesses: z.number(),
    largest: businessSchema,
    midSize: businessSchema,
    fileBytes: z.number(),
    reused: z.boolean(),
    buildSeconds: z.number(),
    /** How long before the bench the dataset's history ends (its stats windows end there). */
    endedDaysBefore: z.number(),
    /** The orphans items' own dataset and the adoption item's server-edition file, when those items ran. */
    orphanDataset: sideFileSchema.nullable(),
    legacySource: sideFileSchema.nullable(),
  }),
  items: z.array(itemSchema),
  errors: z.array(z.object({ id: z.string(), message: z.string() })),
  seconds: z.number(),
});

export type BenchReport = z.infer<typeof reportSchema>;
export type ReportItem = BenchReport['items'][number];
export type Machine = BenchReport['machine'];
export type DatasetInfo = BenchReport['dataset'];
type SideFile = z.infer<typeof sideFileSchema>;

// ---- Writing ----------------------------------------------------------------------------------------

const finite = (value: number): number | null => (Number.isFinite(value) ? value : null);

export function reportItem(item: ItemResult): ReportItem {
  const figures = Object.fromEntries(Object.entries(item.figures ?? {}).map(([id, figure]) => [id, { ...figure, value: finite(figure.value) }]));
  return {
    id: item.id,
    label: item.name,
    unit: item.unit,
    median: finite(item.median),
    p95: finite(item.p95),
    n: item.iterations,
    target: item.target,
    met: item.met,
    note: item.note ?? null,
    figures,
  };
}

export function loadAverage(): [number, number, number] {
  const [one = NaN, five = NaN, fifteen = NaN] = os.loadavg();
  return [one, five, fifteen];
}

function osName(): string {
  try {
    const release = fs.readFileSync('/etc/os-release', 'utf8');
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release)?.[1];
    if (pretty) return pretty;
  } catch {
    // Not Linux, or no os-release: the type alone.
  }
  return os.type();
}

function packageVersion(name: string): string {
  const manifest = JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version?: string };
  return manifest.version ?? '?';
}

/** The machine, with the load average and the pace taken at the start (and here, at the end). */
export function machineInfo(sqlite: string, loadAtStart: [number, number, number], paceAtStart: number): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    memoryGB: os.totalmem() / 1024 ** 3,
    os: { name: osName(), kernel: `${os.type()} ${os.release()}`, arch: os.arch() },
    node: process.versions.node,
    sqlite,
    betterSqlite3: packageVersion('better-sqlite3'),
    loadAverage: { start: loadAtStart, end: loadAverage() },
    pace: { start: paceAtStart, end: machinePace() },
  };
}

export function sideFile(file: string, runs: number, orphans: number | null, reused: boolean, buildSeconds: number): SideFile {
  return { name: path.basename(file), runs, orphans, fileBytes: fs.statSync(file).size, reused, buildSeconds };
}

export function datasetInfo(primary: Dataset, sides: { orphanDataset: SideFile | null; legacySource: SideFile | null }): DatasetInfo {
  const { manifest } = primary;
  const largest = manifest.businesses[0];
  const midSize = manifest.businesses[Math.min(manifest.businesses.length - 1, Math.floor(manifest.businesses.length / 10))];
  if (!largest || !midSize) throw new Error('The dataset has no businesses');
  return {
    name: path.basename(primary.file),
    key: manifest.key,
    generatorVersion: manifest.generatorVersion,
    params: manifest.params,
    counts: manifest.counts,
    businesses: manifest.businesses.length,
    largest,
    midSize,
    fileBytes: fs.statSync(primary.file).size,
    reused: primary.reused,
    buildSeconds: manifest.buildSeconds,
    endedDaysBefore: (Date.now() - manifest.endsAt) / DAY_MS,
    ...sides,
  };
}

// ---- Reading ----------------------------------------------------------------------------------------

export class ReportError extends Error {}

/** A report from its JSON text; `source` names it in the errors (a file name). */
export function parseReport(text: string, source: string): BenchReport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ReportError(`${source} is not JSON (${error instanceof Error ? error.message : String(error)}); write one with npm run bench -- --out FILE`);
  }
  const head = z.object({ format: z.string(), version: z.unknown() }).safeParse(raw);
  if (!head.success || head.data.format !== REPORT_FORMAT) {
    throw new ReportError(`${source} is not a bench report (no "format": "${REPORT_FORMAT}"); write one with npm run bench -- --out FILE`);
  }
  if (head.data.version !== REPORT_VERSION) {
    throw new ReportError(`${source} is a bench report of format version ${String(head.data.version)}; this code reads version ${REPORT_VERSION}`);
  }
  const parsed = reportSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'the top level';
    throw new ReportError(`${source} is not a whole bench report: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export function readReport(file: string): BenchReport {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ReportError(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseReport(text, file);
}

// ---- Lines for people -------------------------------------------------------------------------------

const count = (value: number): string => value.toLocaleString('en-US');
const fixed = (value: number, digits: number): string => value.toFixed(digits);

/** The machine in one line: cores, CPU, memory, OS and kernel, Node, SQLite, better-sqlite3. */
export function machineLine(m: Machine): string {
  return `${m.cores} cores (${m.cpu}), ${fixed(m.memoryGB, 0)} GB, ${m.os.name}, ${m.os.kernel} ${m.os.arch}; Node ${m.node}, SQLite ${m.sqlite}, better-sqlite3 ${m.betterSqlite3}`;
}

/** The load average over the last minute at the bench's start and end, and the machine's pace then. */
export function loadLine(m: Machine): string {
  const load = `load average (1 min) ${fixed(m.loadAverage.start[0], 2)} at the start, ${fixed(m.loadAverage.end[0], 2)} at the end`;
  return m.pace ? `${load}; ${paceLine(m.pace)}` : load;
}

/** "pace (bench/pace.ts; lower is faster) 221 ms at the start, 218 ms at the end". */
export function paceLine(pace: NonNullable<Machine['pace']>): string {
  return `pace (bench/pace.ts; lower is faster) ${fixed(pace.start, 0)} ms at the start, ${fixed(pace.end, 0)} ms at the end`;
}

/** The dataset in one line: its runs and owners, what the reads are measured on, its size and how it came to be. */
export function datasetLine(d: DatasetInfo): string {
  const status = (name: string): number => d.counts.byStatus[name] ?? 0;
  const active = status('pending') + status('running');
  return (
    `${count(d.counts.runs)} runs over ${count(d.businesses)} businesses and ${d.params.days} days (${count(d.counts.orphans)} orphans, ${count(d.counts.systemRuns)} system runs; ` +
    `${count(status('failed'))} failed, ${count(status('cancelled'))} cancelled, ${count(active)} pending or running); ` +
    `largest business ${count(d.largest.runs)} runs, mid-size (rank ${d.midSize.rank}) ${count(d.midSize.runs)}; ` +
    `${fixed(d.fileBytes / 1e6, 0)} MB on disk, ${d.reused ? 'reused' : 'built for the run'} (built in ${fixed(d.buildSeconds, 1)} s)`
  );
}

/** The files of the orphans and adoption items, when they ran. */
export function sideFilesLine(d: DatasetInfo): string | null {
  const parts: string[] = [];
  const { orphanDataset: orphans, legacySource: legacy } = d;
  if (orphans) parts.push(`the orphans items on a file of ${count(orphans.runs)} runs, ${count(orphans.orphans ?? 0)} of them orphans (${fixed(orphans.fileBytes / 1e6, 0)} MB)`);
  if (legacy) parts.push(`the adoption item on a server-edition file of ${count(legacy.runs)} runs (${fixed(legacy.fileBytes / 1e6, 0)} MB)`);
  return parts.length > 0 ? parts.join('; ') : null;
}

// ---- The report tools' command lines ---------------------------------------------------------------------

/** Runs a report tool (compare, growth, the docs' table) on its arguments: what it refuses is said in one line, exit 2. */
export function runReportTool(main: (argv: readonly string[]) => void): void {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? (error instanceof ReportError ? error.message : (error.stack ?? error.message)) : String(error)}\n`);
    process.exit(2);
  }
}
