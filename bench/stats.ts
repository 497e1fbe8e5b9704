// Timing and reporting helpers for the benchmark: warm-up, samples, nearest-rank percentiles, the result
// table, and a progress bar on stderr. No app code here.
import { performance } from 'node:perf_hooks';

// ---- Samples ----------------------------------------------------------------------------------------

export interface TimingOptions {
  /** Timed iterations after the warm-up (fewer only when they would overrun `budgetMs`). */
  iterations: number;
  /** Warm-up: at least this many untimed calls (default 5)… */
  warmupCalls?: number;
  /** …and until this many milliseconds have passed (default 200), at most `iterations` calls… */
  warmupMs?: number;
  /** …but never longer than this (default 2,000 ms; at least one call). */
  maxWarmupMs?: number;
  /**
   * A call so slow that `iterations` of them would take longer than this (default 60 s) gets fewer timed
   * iterations, at least `minIterations` (default 5). Infinity: always `iterations`.
   */
  budgetMs?: number;
  minIterations?: number;
}

export interface Samples {
  /** Milliseconds per call. */
  ms: number[];
  /** The iterations asked for; more than ms.length when the time budget cut them. */
  requested: number;
}

class WarmUp {
  private readonly startedAt = performance.now();
  private calls = 0;
  lastMs = 0;

  constructor(private readonly options: TimingOptions) {}

  done(): boolean {
    const elapsed = performance.now() - this.startedAt;
    if (this.calls === 0) return false;
    if (elapsed >= (this.options.maxWarmupMs ?? 2000)) return true;
    if (this.calls >= this.options.iterations) return true;
    return this.calls >= (this.options.warmupCalls ?? 5) && elapsed >= (this.options.warmupMs ?? 200);
  }

  record(ms: number): void {
    this.calls++;
    this.lastMs = ms;
  }

  /** How many timed iterations fit the budget, judged by the last warm-up call. */
  iterations(): number {
    const { iterations, budgetMs = 60_000, minIterations = 5 } = this.options;
    if (!Number.isFinite(budgetMs) || this.lastMs * iterations <= budgetMs) return iterations;
    return Math.min(iterations, Math.max(minIterations, Math.floor(budgetMs / Math.max(this.lastMs, 1e-3))));
  }
}

/** Milliseconds per call of a synchronous function, after a warm-up. */
export function timeSync(fn: () => unknown, options: TimingOptions): Samples {
  const warmUp = new WarmUp(options);
  while (!warmUp.done()) {
    const started = performance.now();
    fn();
    warmUp.record(performance.now() - started);
  }
  const ms: number[] = [];
  for (let i = 0, count = warmUp.iterations(); i < count; i++) {
    const started = performance.now();
    fn();
    ms.push(performance.now() - started);
  }
  return { ms, requested: options.iterations };
}

/** Milliseconds per call of an async function, one call at a time, after a warm-up. */
export async function timeAsync(fn: () => Promise<unknown>, options: TimingOptions): Promise<Samples> {
  const warmUp = new WarmUp(options);
  while (!warmUp.done()) {
    const started = performance.now();
    await fn();
    warmUp.record(performance.now() - started);
  }
  const ms: number[] = [];
  for (let i = 0, count = warmUp.iterations(); i < count; i++) {
    const started = performance.now();
    await fn();
    ms.push(performance.now() - started);
  }
  return { ms, requested: options.iterations };
}

export interface Summary {
  n: number;
  min: number;
  median: number;
  p95: number;
  max: number;
}

/** Nearest rank: the p-th percentile of n sorted values is the one at rank ceil(p·n). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1] ?? NaN;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    min: sorted[0] ?? NaN,
    median: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

// ---- Results ----------------------------------------------------------------------------------------

export type Unit = 'ms' | 's' | 'MB' | 'transitions/s' | '%' | 'runs/s' | 'count';

/** A figure an item measures besides its median and p95 (a first call, a phase, the size it ran on). */
export interface Figure {
  label: string;
  value: number;
  unit: Unit;
}

/** Keyed by a stable id (`firstCall.median`), so two runs' figures can be compared. */
export type Figures = Record<string, Figure>;

export interface Target {
  /** `<=`: lower is better (latency, memory); `>=`: higher is better (throughput). */
  op: '<=' | '>=';
  value: number;
  unit: Unit;
  /** Which figure the target is judged on. */
  on: 'median' | 'p95' | 'peak';
}

export interface ItemResult {
  id: string;
  name: string;
  unit: Unit;
  /** In `unit`. For throughput, the median over batches; for memory, RSS after the work. */
  median: number;
  /** In `unit`. For throughput, the 5th percentile over batches (the slow end); for memory, the peak RSS; for 3-5-iteration items, the max. */
  p95: number;
  iterations: number;
  /** Null for an item measured for the record, which the issue sets no target for. */
  target: Target | null;
  /** Null without a target. */
  met: boolean | null;
  note?: string;
  figures?: Figures;
}

/** A summary's median, p95 and n as figures `<id>.median`, `<id>.p95`, `<id>.n`, labelled `<label>: median` and so on. */
export function summaryFigures(id: string, label: string, summary: Summary, unit: Unit): Figures {
  return {
    [`${id}.median`]: { label: `${label}: median`, value: summary.median, unit },
    [`${id}.p95`]: { label: `${label}: p95`, value: summary.p95, unit },
    [`${id}.n`]: { label: `${label}: samples`, value: summary.n, unit: 'count' },
  };
}

/** Whether figures meet a target (judged on the median, or on the p95 column for `p95` and `peak`); null without one. */
export function meetsTarget(target: Target | null, median: number, p95: number): boolean | null {
  if (!target) return null;
  const judged = target.on === 'median' ? median : p95;
  return target.op === '<=' ? judged <= target.value : judged >= target.value;
}

export function itemResult(fields: Omit<ItemResult, 'met'>): ItemResult {
  return { ...fields, met: meetsTarget(fields.target, fields.median, fields.p95) };
}

/** A latency item from samples in milliseconds, shown in `unit`. */
export function latencyItem(
  id: string,
  name: string,
  samples: Samples | readonly number[],
  target: Target | null,
  options: { unit?: 'ms' | 's'; note?: string; figures?: Figures } = {},
): ItemResult {
  const unit = options.unit ?? 'ms';
  const scale = unit === 's' ? 1 / 1000 : 1;
  const ms = 'ms' in samples ? samples.ms : samples;
  const s = summarize(ms);
  const notes: string[] = [];
  if ('requested' in samples && samples.requested > s.n) {
    notes.push(`only ${s.n} of ${samples.requested} iterations: at ${formatValue(s.median * scale, unit)} a call, ${samples.requested} would overrun the time budget`);
  }
  // With only a handful of samples, a 95th percentile is just the maximum; say so by using it.
  const high = s.n < 20 ? s.max : s.p95;
  if (s.n < 20 && 'requested' in samples) notes.push('p95 column is the max');
  if (options.note) notes.push(options.note);
  const note = notes.length > 0 ? notes.join('; ') : undefined;
  return itemResult({ id, name, unit, median: s.median * scale, p95: high * scale, iterations: s.n, target, note, figures: options.figures });
}

export function targetText(target: Target | null): string {
  if (!target) return '–';
  const op = target.op === '<=' ? '≤' : '≥';
  const on = target.on === 'median' ? '' : ` (${target.on})`;
  return `${op} ${formatValue(target.value, target.unit)}${on}`;
}

export function formatValue(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return '–';
  switch (unit) {
    case 'ms':
      return `${value < 10 ? value.toFixed(3) : value < 1000 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US')} ms`;
    case 's':
      return `${value.toFixed(2)} s`;
    case 'MB':
      return `${value.toFixed(0)} MB`;
    case 'transitions/s':
      return `${Math.round(value).toLocaleString('en-US')}/s`;
    case '%':
      return `${value.toFixed(0)}%`;
    case 'runs/s':
      return `${Math.round(value).toLocaleString('en-US')} runs/s`;
    case 'count':
      return Math.round(value).toLocaleString('en-US');
  }
}

/** A plain-text table: a header, a rule, the rows; columns padded to their widest cell, `right` ones right-aligned. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set()): string {
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((row) => (row[col] ?? '').length)));
  const line = (cells: readonly string[]) =>
    header
      .map((_, col) => (right.has(col) ? (cells[col] ?? '').padStart(widths[col] ?? 0) : (cells[col] ?? '').padEnd(widths[col] ?? 0)))
      .join(' | ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

/** The result table: item | median | p95 | target | ok, with notes below it. */
export function formatTable(items: readonly ItemResult[]): string {
  const header = ['item', 'median', 'p95', 'target', 'ok', 'n'];
  const rows = items.map((item) => [
    item.note ? `${item.name} *` : item.name,
    formatValue(item.median, item.unit),
    formatValue(item.p95, item.unit),
    targetText(item.target),
    item.met === null ? '' : item.met ? 'ok' : 'MISS',
    String(item.iterations),
  ]);
  const out = [textTable(header, rows, new Set([1, 2, 5]))];
  const notes = items.filter((item) => item.note);
  if (notes.length > 0) {
    out.push('');
    for (const item of notes) out.push(`* ${item.name}: ${item.note}`);
  }
  return out.join('\n');
}

// ---- Progress ---------------------------------------------------------------------------------------

export interface ProgressBar {
  update(done: number): void;
  finish(message?: string): void;
}

/** `\r[#####.....] 42% 420000/1000000 label` on stderr, redrawn at most every 100 ms. */
export function progressBar(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  const width = 30;
  let lastDrawn = 0;
  let lastDone = -1;
  const draw = (done: number) => {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(fraction * width);
    const percent = String(Math.floor(fraction * 100)).padStart(3);
    stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}% ${done}/${total} ${label}`);
  };
  return {
    update(done) {
      const now = performance.now();
      if (done === lastDone || (now - lastDrawn < 100 && done < total)) return;
      lastDrawn = now;
      lastDone = done;
      draw(done);
    },
    finish(message) {
      draw(total);
      stream.write(message ? `  ${message}\n` : '\n');
    },
  };
}

