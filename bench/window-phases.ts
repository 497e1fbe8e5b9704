// The cold window's bookkeeping, apart from the browser (test/bench/window-phases.test.ts): the arguments of
// bench/cold-window.ts, the marks one start records and the phases between them, and their summary over starts.
import { UsageError, wholeNumber } from './args';
import { summarize } from './stats';

export interface ColdWindowOptions {
  /** Runs in the datasets (the bench's runs dataset and the server-edition file). */
  runs: number;
  businesses: number;
  /** Timed starts of each item, after one untimed start. */
  iterations: number;
  /** Which items: the adopted file's starts take about 10 s each. */
  items: WindowItemId[];
}

export const WINDOW_ITEMS = {
  'window.cold': 'a cold window on the adopted 1M-run file: spawn until the first history row and the statistics are painted',
  'window.adopted': 'the same on a server-edition file the app adopts as it starts: spawn until the first history row is painted',
} as const;
export type WindowItemId = keyof typeof WINDOW_ITEMS;
const WINDOW_ITEM_IDS = Object.keys(WINDOW_ITEMS) as WindowItemId[];

export const WINDOW_USAGE = `npx tsx bench/cold-window.ts [--runs N (1000000)] [--businesses B (100)] [--iterations K (5)] [--only ${WINDOW_ITEM_IDS.join(',')}]
(after npm run build: the app is started from out/)`;

export function parseColdWindowArgs(argv: readonly string[]): ColdWindowOptions {
  const options: ColdWindowOptions = { runs: 1_000_000, businesses: 100, iterations: 5, items: [...WINDOW_ITEM_IDS] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => argv[++i];
    if (flag === '--runs') options.runs = wholeNumber(flag, value(), 1000);
    else if (flag === '--businesses') options.businesses = wholeNumber(flag, value(), 1);
    else if (flag === '--iterations') options.iterations = wholeNumber(flag, value(), 1);
    else if (flag === '--only') {
      const names = (value() ?? '').split(',').map((name) => name.trim()).filter(Boolean);
      const unknown = names.filter((name) => !(WINDOW_ITEM_IDS as readonly string[]).includes(name));
      if (unknown.length > 0 || names.length === 0) throw new UsageError(`--only: unknown item ${unknown.join(', ') || '(none given)'}`);
      options.items = WINDOW_ITEM_IDS.filter((id) => names.includes(id));
    } else throw new UsageError(`Unknown argument ${String(flag)}`);
  }
  return options;
}

/**
 * What one start records, each in epoch milliseconds (performance.timeOrigin + performance.now(), in Node and in the
 * page alike), in the order they happen. `formShown`, `submitted`, `signedIn`, `firstRow` and `stats` are painted
 * times: the first task after the animation frame that follows the element's first appearance in the DOM.
 */
export const MARKS = ['spawned', 'processUp', 'listening', 'pageLoaded', 'formShown', 'submitted', 'signedIn', 'firstRow', 'stats'] as const;
export type Mark = (typeof MARKS)[number];
export type Marks = Record<Mark, number>;

/** The phases, each from the mark before it, as printed. */
export const PHASES: { mark: Exclude<Mark, 'spawned'>; name: string }[] = [
  { mark: 'processUp', name: 'process up (Node and the app loaded)' },
  { mark: 'listening', name: 'database open, HTTP listening' },
  { mark: 'pageLoaded', name: 'page loaded' },
  { mark: 'formShown', name: 'sign-in (or setup) form painted' },
  { mark: 'submitted', name: "form filled and sent (the bench's typing)" },
  { mark: 'signedIn', name: 'signed in, the view painted' },
  { mark: 'firstRow', name: 'first history row painted' },
  { mark: 'stats', name: 'statistics painted' },
];

export interface StartTimes {
  /** Milliseconds from the spawn to each mark. */
  since: Record<Exclude<Mark, 'spawned'>, number>;
  /** Milliseconds of each phase (a mark after the later of the ones before it counts from that one). */
  phases: Record<Exclude<Mark, 'spawned'>, number>;
  /** The later of the first row and the statistics, from the spawn. */
  window: number;
  /** The same without the bench's own typing (form painted → sent). */
  windowWithoutTyping: number;
}

/** The times of one start, from its marks; throws when a mark is missing or runs backwards in the sign-in flow. */
export function startTimes(marks: Partial<Marks>): StartTimes {
  const missing = MARKS.filter((mark) => typeof marks[mark] !== 'number' || !Number.isFinite(marks[mark]));
  if (missing.length > 0) throw new Error(`The start recorded no ${missing.join(', ')}`);
  const m = marks as Marks;
  const since = {} as StartTimes['since'];
  const phases = {} as StartTimes['phases'];
  let previous = m.spawned;
  for (const { mark } of PHASES) {
    since[mark] = m[mark] - m.spawned;
    // The first row and the statistics arrive in either order: each counts from the view painted.
    const afterView = mark === 'firstRow' || mark === 'stats';
    phases[mark] = m[mark] - (afterView ? m.signedIn : previous);
    if (phases[mark] < 0) throw new Error(`${mark} came before ${afterView ? 'signedIn' : 'the mark before it'}`);
    if (!afterView) previous = m[mark];
  }
  const window = Math.max(since.firstRow, since.stats);
  return { since, phases, window, windowWithoutTyping: window - phases.submitted };
}

export interface Spread {
  median: number;
  p95: number;
  min: number;
  max: number;
}

/** Median and p95 (nearest rank) of a few starts; with fewer than 20 the p95 is the max, as the bench's other few-iteration items. */
export function spread(values: readonly number[]): Spread {
  const { n, median, p95, min, max } = summarize(values);
  return { median, p95: n < 20 ? max : p95, min, max };
}

/** One line per phase: its median over the starts and the median time since the spawn at its end. */
export function phaseLines(starts: readonly StartTimes[]): string[] {
  return PHASES.map(({ mark, name }) => {
    const phase = spread(starts.map((start) => start.phases[mark])).median;
    const at = spread(starts.map((start) => start.since[mark])).median;
    return `    ${name.padEnd(42)} ${phase.toFixed(0).padStart(6)} ms   (at ${at.toFixed(0).padStart(6)} ms)`;
  });
}

/** One request the page made: its path and when it started and ended (epoch milliseconds). */
export interface RequestSpan {
  path: string;
  startedAt: number;
  endedAt: number;
}

/** The requests in the order they started, each from the spawn: where a waterfall (one call waiting for another) shows. */
export function waterfallLines(spans: readonly RequestSpan[], spawned: number): string[] {
  return [...spans]
    .sort((a, b) => a.startedAt - b.startedAt)
    .map((span) => {
      const start = (span.startedAt - spawned).toFixed(0).padStart(6);
      const end = (span.endedAt - spawned).toFixed(0).padStart(6);
      return `    ${start} → ${end} ms  ${(span.endedAt - span.startedAt).toFixed(0).padStart(5)} ms  ${span.path}`;
    });
}
