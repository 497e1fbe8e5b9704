// What a person waits for when the app starts on a big file (issue 23, target 4). Not a test: timings never gate.
//   npm run build && npx tsx bench/cold-window.ts [--runs N] [--iterations K] [--only window.cold,window.adopted]
// Also `npm run bench -- --only window`. Each start is the app as `npm run serve` runs it (a new Node process on the
// built HTTP shell, out/main/serve.js, opening the file with its migrations check and startup) and a fresh Debian
// Chromium through Playwright, launched before the spawn (its launch is reported beside the figure, not inside it).
// Timed from the spawn until the first history row and the statistics are painted in the Automation view.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/e2e/paths';
import { UsageError } from './args';
import { copyDatabaseFile, DAY_MS, ensureDataset, ensureLegacySource, runsDatasetParams, type DatasetManifest } from './dataset';
import { BUILD_FIRST, epochNow, quietCopy, SERVE_JS, spawnServe } from './serve-child';
import { formatValue, latencyItem, type Figures, type ItemResult } from './stats';
import {
  parseColdWindowArgs,
  phaseLines,
  spread,
  startTimes,
  waterfallLines,
  WINDOW_ITEMS,
  WINDOW_USAGE,
  type Mark,
  type Marks,
  type RequestSpan,
  type StartTimes,
  type WindowItemId,
} from './window-phases';

const START_TIMEOUT_MS = 120_000;
/** The first system administrator an adopted file's first start asks for (its users have no password). */
const SETUP = { email: 'operator@bench.example', password: 'cold window setup 1' };

/** The statistics are painted once the cards, both charts (the runs per day with its dates, placed once its plot is measured) and the per-type table are. */
const STATS_PAINTED = [
  '[data-testid="stat-total"]',
  '[data-testid="runs-per-day"] .axis-label',
  '[data-testid="duration-chart"]',
  '[data-testid="stats-types-table"]',
];

/**
 * Runs in the page before the app's scripts: reports each mark through the `coldWindowMark` binding. A watched
 * element's mark is its paint: on its first appearance (a MutationObserver), the first task after the next animation
 * frame (a MessageChannel message posted from requestAnimationFrame), when that frame has been painted. A mark of
 * several elements waits for all of them.
 */
const MARK_SCRIPT = `(() => {
  const now = () => performance.timeOrigin + performance.now();
  const report = (name, at) => window.coldWindowMark(name, at);
  const watched = {
    formShown: ['[data-testid="signin-form"], [data-testid="setup-form"]'],
    signedIn: ['[data-testid="automation-view"]'],
    firstRow: ['[data-testid^="history-row-"]'],
    stats: ${JSON.stringify(STATS_PAINTED)},
  };
  const seen = new Set();
  const check = () => {
    for (const [name, selectors] of Object.entries(watched)) {
      if (seen.has(name) || !selectors.every((selector) => document.querySelector(selector))) continue;
      seen.add(name);
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => report(name, now());
        channel.port2.postMessage(0);
      });
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
  document.addEventListener('DOMContentLoaded', () => report('pageLoaded', now()));
  document.addEventListener('submit', () => { if (!seen.has('submitted')) { seen.add('submitted'); report('submitted', now()); } }, true);
})();`;

interface Start {
  marks: Partial<Marks>;
  /** Chromium's launch before the spawn. */
  launchMs: number;
  /** What the statistics card showed: a check that the view shows the file's runs. */
  statTotal: string;
  requests: RequestSpan[];
  /** Refusals of the form (an operator sends it again): each is in the timing. */
  refusals: string[];
}

type Flow = { form: 'signin'; email: string; password: string } | { form: 'setup'; email: string; password: string };

/** Resolves once every one of `names` has been reported. */
function marksArrive(marks: Partial<Marks>, context: BrowserContext) {
  const waiting = new Map<Mark, () => void>();
  const arrived = (name: Mark) =>
    marks[name] !== undefined ? Promise.resolve() : new Promise<void>((resolve) => waiting.set(name, resolve));
  const ready = context.exposeBinding('coldWindowMark', (_source, name: Mark, at: number) => {
    marks[name] ??= at;
    waiting.get(name)?.();
  });
  return { ready, arrived };
}

async function withTimeout<T>(what: string, promise: Promise<T>, output: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${START_TIMEOUT_MS / 1000} s. The app said:\n${output()}`)), START_TIMEOUT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** One start: Chromium launched (untimed), the app spawned on `file`, the view opened at `hash`, signed in or set up. */
async function oneStart(file: string, scratch: string, hash: string, flow: Flow): Promise<Start> {
  const launchStarted = epochNow();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const launchMs = epochNow() - launchStarted;
  const marks: Partial<Marks> = {};
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const { ready, arrived } = marksArrive(marks, context);
    await ready;
    await context.addInitScript(MARK_SCRIPT);
    const page = await context.newPage();
    const requests: RequestSpan[] = [];
    page.on('requestfinished', (request) => {
      const timing = request.timing();
      requests.push({ path: new URL(request.url()).pathname, startedAt: timing.startTime, endedAt: timing.startTime + timing.responseEnd });
    });
    const app = spawnServe(file, path.join(scratch, 'config'), marks);
    try {
      const until = <T>(what: string, promise: Promise<T>) => withTimeout(what, promise, app.output);
      const url = await until('the app serving', app.pageUrl);
      await page.goto(`${url}${hash}`, { waitUntil: 'commit' });
      await until('the sign-in form', arrived('formShown'));
      await page.getByTestId(`${flow.form}-email`).fill(flow.email);
      await page.getByTestId(`${flow.form}-password`).fill(flow.password);
      const refusals = await until('signing in', submitUntilIn(page, flow, arrived('signedIn')));
      await until('the first row and the statistics', Promise.all([arrived('firstRow'), arrived('stats')]));
      const statTotal = (await page.getByTestId('stat-total').textContent()) ?? '';
      await context.close();
      return { marks, launchMs, statTotal, requests, refusals };
    } finally {
      await app.stop();
    }
  } finally {
    await browser.close();
  }
}

/** Sends the form until the app lets the person in, as an operator would after a refusal; returns the refusals. */
async function submitUntilIn(page: Page, flow: Flow, signedIn: Promise<void>): Promise<string[]> {
  const refusals: string[] = [];
  const refusal = page.getByTestId(`${flow.form}-error`);
  const submit = page.getByTestId(`${flow.form}-submit`);
  await submit.click();
  for (;;) {
    // A refusal not seen before the context closes never settles (nothing is left waiting to reject).
    const refused = refusal.waitFor({ timeout: START_TIMEOUT_MS }).then(
      () => refusal.textContent(),
      () => new Promise<never>(() => undefined),
    );
    const outcome = await Promise.race([signedIn.then(() => null), refused]);
    if (outcome === null) return refusals;
    refusals.push(outcome ?? '(no message)');
    if (refusals.length >= 10) throw new Error(`The ${flow.form} form was refused ${refusals.length} times: ${refusals.join(' | ')}`);
    // The refusal goes when the form is sent again; wait for that before watching for the next one.
    await Promise.all([refusal.waitFor({ state: 'detached' }), submit.click()]);
  }
}

/** `#/automation` over the 7 days (UTC) that end on `lastDay`: the default range's worth, wherever the file's runs are. */
export function automationHash(lastDay: number): string {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return `#/automation?range=custom&from=${day(lastDay - 6 * DAY_MS)}&to=${day(lastDay)}`;
}

export interface WindowFigures {
  id: WindowItemId;
  starts: StartTimes[];
  launchMs: number[];
  statTotal: string;
  /** The refusals of the form, over the timed starts. */
  refusals: string[];
  /** The requests of the last timed start, with its spawn time. */
  requests: { spawned: number; spans: RequestSpan[]; since: StartTimes['since'] | null };
  /** The 1-minute load average before the first start and after the last: other work on the machine. */
  load: [number, number];
}

/** `iterations` timed starts (after `warmUp` untimed ones), each on the file `prepare(i)` gives. */
async function measureStarts(
  id: WindowItemId,
  iterations: number,
  warmUp: number,
  prepare: (i: number, dir: string) => string,
  hash: string,
  flow: Flow,
  scratch: string,
  log: (line: string) => void,
): Promise<WindowFigures> {
  const figures: WindowFigures = { id, starts: [], launchMs: [], statTotal: '', refusals: [], requests: { spawned: 0, spans: [], since: null }, load: [os.loadavg()[0] ?? NaN, NaN] };
  for (let i = 0; i < warmUp + iterations; i++) {
    const dir = fs.mkdtempSync(path.join(scratch, `${id}-`));
    try {
      const file = prepare(i, dir);
      const start = await oneStart(file, dir, hash, flow);
      const times = startTimes(start.marks);
      const timed = i >= warmUp;
      log(
        `  ${id} ${timed ? `${i - warmUp + 1}/${iterations}` : 'warm-up'}: first row ${times.since.firstRow.toFixed(0)} ms, ` +
          `statistics ${times.since.stats.toFixed(0)} ms (listening at ${times.since.listening.toFixed(0)} ms; Chromium launched in ${start.launchMs.toFixed(0)} ms before)`,
      );
      if (!/[1-9]/.test(start.statTotal)) throw new Error(`The statistics showed ${JSON.stringify(start.statTotal)} runs in range: is the range right (${hash})?`);
      if (timed) {
        figures.starts.push(times);
        figures.launchMs.push(start.launchMs);
        figures.statTotal = start.statTotal;
        figures.refusals.push(...start.refusals);
        figures.requests = { spawned: start.marks.spawned ?? NaN, spans: start.requests, since: times.since };
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  figures.load[1] = os.loadavg()[0] ?? NaN;
  return figures;
}

export interface WindowSources {
  /** The bench's runs dataset (adopted), never written: each item works on copies. */
  runs: { file: string; manifest: DatasetManifest };
  /** A pre-tenant server-edition file (ensureLegacySource), never written. */
  legacy: { file: string } | null;
}

/** The bench's runs dataset, copied once, with its queue settled (the dataset's pending runs include backups). */
function coldCopy(source: WindowSources['runs'], scratch: string): string {
  return quietCopy(source.file, source.manifest.endsAt, path.join(scratch, 'cold-window.db'));
}

/** The day of the newest run of a server-edition file (its datetimes are UTC text). */
function legacyLastDay(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    const newest = db.prepare('SELECT max(created_at) FROM job_runs').pluck().get() as string | null;
    if (!newest) throw new Error(`${file} has no runs with a creation time`);
    return Date.parse(`${newest.slice(0, 10)}T00:00:00Z`);
  } finally {
    db.close();
  }
}

export async function measureColdWindows(
  sources: WindowSources,
  items: readonly WindowItemId[],
  iterations: number,
  scratch: string,
  log: (line: string) => void,
): Promise<WindowFigures[]> {
  if (!fs.existsSync(SERVE_JS)) throw new Error(BUILD_FIRST);
  const figures: WindowFigures[] = [];
  if (items.includes('window.cold')) {
    const file = coldCopy(sources.runs, scratch);
    const { admin } = sources.runs.manifest.users;
    const flow: Flow = { form: 'signin', email: admin.email, password: sources.runs.manifest.password };
    // One untimed start first: the file's pages in the OS cache as after any earlier use, Chromium's files too.
    figures.push(await measureStarts('window.cold', iterations, 1, () => file, automationHash(sources.runs.manifest.endsAt), flow, scratch, log));
  }
  if (items.includes('window.adopted')) {
    const legacy = sources.legacy;
    if (!legacy) throw new Error('window.adopted needs the server-edition file');
    const copy = (_i: number, dir: string) => {
      const file = path.join(dir, 'automation.db');
      copyDatabaseFile(legacy.file, file);
      return file;
    };
    const flow: Flow = { form: 'setup', ...SETUP };
    figures.push(await measureStarts('window.adopted', iterations, 0, copy, automationHash(legacyLastDay(legacy.file)), flow, scratch, log));
  }
  return figures;
}

/** The item of perf.ts's table: the later of the first row and the statistics (cold), the first row (adopted). */
export function windowItem(figures: WindowFigures): ItemResult {
  const cold = figures.id === 'window.cold';
  const samples = figures.starts.map((start) => (cold ? start.window : start.since.firstRow));
  const withLaunch = spread(figures.starts.map((start, i) => (cold ? start.window : start.since.firstRow) + (figures.launchMs[i] ?? NaN)));
  const median = (mark: 'firstRow' | 'stats' | 'listening' | 'signedIn') => formatValue(spread(figures.starts.map((s) => s.since[mark])).median, 'ms');
  const typing = formatValue(spread(figures.starts.map((s) => s.phases.submitted)).median, 'ms');
  const note =
    `${loadText(figures.load)}; ${figures.starts.length} starts${cold ? ' after one untimed' : ', each on a fresh copy'}, p95 column is the max; each a new app process (out/main/serve.js) and a fresh Chromium; ` +
    `medians from the spawn: HTTP listening ${median('listening')}, view painted after ${cold ? 'sign-in' : 'the first-run setup'} ${median('signedIn')}, ` +
    `first row ${median('firstRow')}, statistics ${median('stats')} (${figures.statTotal} runs in range); the bench's typing ${typing} inside; ` +
    `with Chromium's launch before the spawn: median ${formatValue(withLaunch.median, 'ms')}` +
    (figures.refusals.length > 0 ? `; the form was refused ${figures.refusals.length} times and sent again (inside the timing): ${[...new Set(figures.refusals)].join(' | ')}` : '');
  const target = { op: '<=', value: cold ? 1.5 : 6, unit: 's', on: 'median' } as const;
  const since = (mark: 'firstRow' | 'stats' | 'listening' | 'signedIn', label: string) =>
    ({ label: `from the spawn (median): ${label}`, value: spread(figures.starts.map((s) => s.since[mark])).median, unit: 'ms' }) as const;
  const measured: Figures = {
    'since.listening': since('listening', 'HTTP listening'),
    'since.signedIn': since('signedIn', 'view painted'),
    'since.firstRow': since('firstRow', 'first row'),
    'since.stats': since('stats', 'statistics'),
    typing: { label: "the bench's typing (median)", value: spread(figures.starts.map((s) => s.phases.submitted)).median, unit: 'ms' },
    launch: { label: "Chromium's launch before the spawn (median)", value: spread(figures.launchMs).median, unit: 'ms' },
    withLaunch: { label: 'with the launch (median)', value: withLaunch.median, unit: 'ms' },
    refusals: { label: 'the form refused and sent again', value: figures.refusals.length, unit: 'count' },
  };
  return latencyItem(figures.id, cold ? 'cold window, first row and statistics' : 'window after adopting, first row', samples, target, { unit: 's', note, figures: measured });
}

function loadText([before, after]: [number, number]): string {
  return `load average ${before.toFixed(1)} before, ${after.toFixed(1)} after on ${os.cpus().length} cores`;
}

/** The standalone report: each item's figures and its phases. */
export function windowReport(figures: WindowFigures): string {
  const line = (name: string, values: number[]) => {
    const s = spread(values);
    return `  ${name.padEnd(46)} median ${s.median.toFixed(0).padStart(6)} ms, p95 ${s.p95.toFixed(0).padStart(6)} ms (min ${s.min.toFixed(0)}, max ${s.max.toFixed(0)})`;
  };
  const { starts, launchMs } = figures;
  return [
    `${figures.id}: ${WINDOW_ITEMS[figures.id]} (${starts.length} starts; p95 is the max; ${loadText(figures.load)})`,
    line('spawn → first history row painted', starts.map((s) => s.since.firstRow)),
    line('spawn → statistics painted', starts.map((s) => s.since.stats)),
    line('spawn → both painted', starts.map((s) => s.window)),
    line("the same without the bench's typing", starts.map((s) => s.windowWithoutTyping)),
    line("Chromium's launch (before the spawn)", launchMs),
    line('both painted, with the launch before', starts.map((s, i) => s.window + (launchMs[i] ?? NaN))),
    ...(figures.refusals.length > 0 ? [`  the form was refused ${figures.refusals.length} times and sent again (inside the timing): ${[...new Set(figures.refusals)].join(' | ')}`] : []),
    '  phases (median over the starts):',
    ...phaseLines(starts),
    "  the last start's requests, from the spawn (start → end, duration):",
    ...waterfallLines(figures.requests.spans, figures.requests.spawned),
    `  and its marks: ${Object.entries(figures.requests.since ?? {})
      .map(([mark, ms]) => `${mark} ${ms.toFixed(0)}`)
      .join(', ')} ms`,
  ].join('\n');
}

async function main(): Promise<void> {
  const options = parseColdWindowArgs(process.argv.slice(2));
  const dataDir = path.join(__dirname, '.data');
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const buildOptions = { dataDir, migrationsFolder: path.resolve(__dirname, '../drizzle'), log };
  const runs = await ensureDataset(runsDatasetParams(options.runs, options.businesses), { ...buildOptions, name: 'runs' });
  const legacy = options.items.includes('window.adopted') ? ensureLegacySource({ runs: options.runs, businesses: options.businesses, seed: 42 }, buildOptions) : null;
  const scratch = fs.mkdtempSync(path.join(dataDir, 'scratch-'));
  try {
    const figures = await measureColdWindows({ runs, legacy }, options.items, options.iterations, scratch, log);
    process.stdout.write(`${figures.map(windowReport).join('\n\n')}\n`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${WINDOW_USAGE}\n`);
    else process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  });
}
