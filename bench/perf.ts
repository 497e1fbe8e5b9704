// The performance benchmark of issue 6. Never part of `npm test`: timings depend on the machine and never gate.
//   npm run bench -- [--runs N] [--businesses B] [--iterations K] [--only id,id] [--json] [--out FILE]
// Builds (or reuses, see bench/dataset.ts) a database of N runs over B businesses in bench/.data/, then times
// each item against the real services, runner and HTTP shell: a warm-up, then K iterations (fewer for the
// few expensive items, which say so), reporting the median and the 95th percentile. Read-only items use the
// cached file; anything that writes works on a copy in a scratch folder that is removed at the end.
// The table goes to stdout, or with --json the report (bench/report.ts) instead; --out FILE writes the report to FILE
// as well as printing the table.
// Exit status: 0 unless something failed to run (a missed target is reported, not an error).
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { buildDeferredIndexesInBackground, countRollupsInBackground } from '../src-main/adoption/after-open';
import { openAppDatabase } from '../src-main/startup';
import { forgetSettledDays } from '../src-main/stats/settled-days';
import { inImmediateTransaction, type AppDatabase } from '../src-main/db/connection';
import { findJobType, type JobTypeInfo } from '../src-main/jobs/catalog';
import { JOB_TYPES, type JobTypeDefinition } from '../src-main/jobs/registry';
import { createRunner, DEFAULT_RUNNER_CONCURRENCY } from '../src-main/jobs/runner';
import { getActiveJobRuns, listJobRuns } from '../src-main/history/pages';
import { getJobTypes } from '../src-main/history/runs';
import { createJobRun, finishJobRun, startJobRun } from '../src-main/lifecycle/runs';
import { getJobRunStats } from '../src-main/stats/stats';
import { type RunTarget, type TenantScope } from '../src-shared/tenancy';
import { assignOrphans, deleteOrphans, previewOrphanAssignment, previewOrphanDeletion } from '../src-main/orphans/orphans';
import { MAX_RUNS_PAGE, type JobRunFilters, type JobRunPageView, type ListJobRunsInput } from '../src-shared/schemas/jobs';
import {
  COMMON_TAG,
  copyDatabaseFile,
  DAY_MS,
  ensureDataset,
  ensureLegacySource,
  RARE_TAG,
  runsDatasetParams,
  type Dataset,
  type DatasetBusiness,
  type DatasetManifest,
  type DatasetParams,
} from './dataset';
import { UsageError, wholeNumber } from './args';
import { measureColdWindows, windowItem } from './cold-window';
import { machinePace } from './pace';
import { httpClient, withHttpShell } from './http-shell';
import { quietCopy, spawnServe } from './serve-child';
import {
  datasetInfo,
  datasetLine,
  loadAverage,
  loadLine,
  machineInfo,
  machineLine,
  REPORT_FORMAT,
  REPORT_VERSION,
  reportItem,
  sideFile,
  sideFilesLine,
  type BenchReport,
} from './report';
import { measureSharedThread, sharedThreadItems } from './shared-thread';
import { WINDOW_ITEMS } from './window-phases';
import {
  formatTable,
  formatValue,
  itemResult,
  latencyItem,
  summarize,
  summaryFigures,
  targetText,
  timeAsync,
  timeSync,
  type Figures,
  type ItemResult,
  type Target,
} from './stats';

const DATA_DIR = path.join(__dirname, '.data');
const MIGRATIONS_FOLDER = path.resolve(__dirname, '../drizzle');
const TIME_ZONE = 'Europe/Berlin';
const DEEP = 10_000;
const PAGE = 50;

// ---- Items ----------------------------------------------------------------------------------------

const ITEMS = {
  'history.first': 'one business: first history page (50, newest first)',
  'history.first.failed': 'the same, status filter failed',
  'history.deep': 'the same, 10,000 rows deep (keyset cursor)',
  'history.deep.failed': 'status failed, as deep as there are failed runs (≤ 10,000)',
  'all.first': 'all-view: first history page',
  'all.deep': 'all-view: 10,000 rows deep',
  'filter.trigger.business': 'one business: first history page of its retries, no time range',
  'filter.trigger.all': 'all-view: first history page of the retries, no time range',
  'filter.trigger.none.business': 'one business: first history page of adopted runs, of which it has none, over 90 days',
  'filter.trigger.several.all': 'all-view: first history page of manual and scheduled runs (two triggers at once)',
  'filter.type.none.business': 'one business: first history page of failed runs of a job type it has none of',
  'filter.type.several.all': 'all-view: first history page of two job types at once (diagnostics.probe and runs.retention)',
  'filter.tag.business': 'one business: first history page of a tag every business run has (env=prod, 70%)',
  'filter.tag.rare.business': 'one business: first history page of a tag 1 run in 1,000 has (customer=acme-42)',
  'filter.tag.all': 'all-view: first history page of the common tag',
  'filter.tag.rare.all': 'all-view: first history page of the rare tag',
  'sorted.business': 'one business: first page sorted by duration, longest first',
  'sorted.business.shortest': 'one business: first page sorted by duration, shortest first',
  'sorted.business.latest': 'one business: first page sorted by start, latest first',
  'sorted.business.earliest': 'one business: first page sorted by start, earliest first',
  'sorted.all': 'all-view: first page sorted by duration, longest first',
  'sorted.all.shortest': 'all-view: first page sorted by duration, shortest first',
  'sorted.all.latest': 'all-view: first page sorted by start, latest first',
  'sorted.all.earliest': 'all-view: first page sorted by start, earliest first',
  'stats.business': 'stats for 30 days, the largest business',
  'stats.mid': 'stats for 30 days, a mid-size business',
  'stats.all': 'stats for 90 days, all businesses, with the per-business comparison',
  'stats.first': 'the first jobs.stats call after the app opens (90 days, all businesses compared), through the HTTP shell',
  'active.business': 'active runs page, one business',
  'active.all': 'active runs page, all',
  'types.business': 'job types, one business',
  'types.all': 'job types, all',
  'runner.service': 'run lifecycles (create, start, complete) through the job-run services',
  'runner.service.tagged': 'the same, each run created with two tags (what the tag index costs a write)',
  'runner.engine': 'run lifecycles through the real runner, at its default concurrency',
  'runner.engine.wide': 'the same at concurrency 16',
  'http.list': 'jobs.list round trip through the HTTP shell, a member',
  'http.list.all': 'jobs.list round trip through the HTTP shell, a system admin (all)',
  'load.runner': 'the runner under 8 clients on jobs.list and jobs.stats: its share of its idle runs/s (bench/shared-thread.ts)',
  'load.list': 'jobs.list p99 under the same load',
  rss: 'main-process RSS of the built app with the view in use (a process of its own)',
  'orphans.assign': 'assigning 100,000 orphans to a business',
  'orphans.delete': 'deleting 100,000 orphans (with the backup first)',
  adoption: 'adopting a pre-tenant server-edition database of --runs runs, until the app serves',
  'window.cold': WINDOW_ITEMS['window.cold'],
  'window.adopted': WINDOW_ITEMS['window.adopted'],
} as const;
type ItemId = keyof typeof ITEMS;
const ITEM_IDS = Object.keys(ITEMS) as ItemId[];

const ms = (value: number, on: Target['on'] = 'median'): Target => ({ op: '<=', value, unit: 'ms', on });

// ---- Arguments --------------------------------------------------------------------------------------

interface Options {
  runs: number;
  businesses: number;
  iterations: number;
  json: boolean;
  /** Where to write the JSON report besides the table, or null. */
  out: string | null;
  only: ItemId[] | null;
}

const USAGE = `npm run bench -- [--runs N (1000000)] [--businesses B (100)] [--iterations K (50, at least 50)] [--only id,id] [--json] [--out FILE]

--json prints the JSON report (machine, dataset, options, every item's figures) instead of the table;
--out FILE writes it to FILE and prints the table.

Items (--only takes ids, or prefixes for every item below them, e.g. --only history,stats.all):
${ITEM_IDS.map((id) => `  ${id.padEnd(22)} ${ITEMS[id]}`).join('\n')}`;

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { runs: 1_000_000, businesses: 100, iterations: 50, json: false, out: null, only: null };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => argv[++i];
    switch (flag) {
      case '--runs':
        options.runs = wholeNumber(flag, value(), 1000);
        break;
      case '--businesses':
        options.businesses = wholeNumber(flag, value(), 1);
        break;
      case '--iterations':
        options.iterations = wholeNumber(flag, value(), 50);
        break;
      case '--json':
        options.json = true;
        break;
      case '--out': {
        const file = value();
        if (!file || file.startsWith('--')) throw new UsageError(`--out needs a file name, got ${String(file)}`);
        options.out = file;
        break;
      }
      case '--only': {
        const names = (value() ?? '').split(',').map((name) => name.trim()).filter(Boolean);
        // An exact id means that item alone; anything else is a prefix (`history` = every history.* item).
        const matches = (name: string): ItemId[] =>
          (ITEM_IDS as readonly string[]).includes(name) ? [name as ItemId] : ITEM_IDS.filter((id) => id.startsWith(`${name}.`));
        const chosen = ITEM_IDS.filter((id) => names.some((name) => matches(name).includes(id)));
        const unknown = names.filter((name) => matches(name).length === 0);
        if (unknown.length > 0 || chosen.length === 0) throw new UsageError(`--only: unknown item ${unknown.join(', ') || '(none given)'}`);
        options.only = chosen;
        break;
      }
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
        break;
      default:
        throw new UsageError(`Unknown argument ${String(flag)}`);
    }
  }
  return options;
}

// ---- Shared helpers ---------------------------------------------------------------------------------

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

const NEWEST_FIRST: ListJobRunsInput['sort'] = { field: 'createdAt', direction: 'desc' };

function listInput(filters: JobRunFilters, cursor: string | null, limit = PAGE, sort = NEWEST_FIRST): ListJobRunsInput {
  return { filters, sort, cursor, limit };
}

/** The cursor after `depth` rows (paging with the largest pages), or fewer when the list ends first. */
function cursorAt(page: (cursor: string | null, limit: number) => JobRunPageView, depth: number): { cursor: string | null; depth: number } {
  let cursor: string | null = null;
  let seen = 0;
  while (seen < depth) {
    const next = page(cursor, Math.min(MAX_RUNS_PAGE, depth - seen));
    seen += next.runs.length;
    if (next.nextCursor === null) return { cursor: null, depth: seen };
    cursor = next.nextCursor;
  }
  return { cursor, depth: seen };
}

function requireRows(what: string, rows: number, expected: number): void {
  if (rows !== expected) throw new Error(`${what}: expected ${expected} rows, got ${rows} (the dataset is too small for this item?)`);
}

function n(value: number): string {
  return value.toLocaleString('en-US');
}

function statsWindow(manifest: DatasetManifest, days: number): { from: number; to: number; timeZone: string } {
  return { from: manifest.endsAt - days * DAY_MS, to: manifest.endsAt, timeZone: TIME_ZONE };
}

function midSizeBusiness(manifest: DatasetManifest): DatasetBusiness {
  const list = manifest.businesses;
  const business = list[Math.min(list.length - 1, Math.floor(list.length / 10))];
  if (!business) throw new Error('The dataset has no businesses');
  return business;
}

function largestBusiness(manifest: DatasetManifest): DatasetBusiness {
  const business = manifest.businesses[0];
  if (!business) throw new Error('The dataset has no businesses');
  return business;
}

/** A scratch file name beside its siblings; everything starting with it (WAL, backups) is removed after. */
function removeScratch(file: string): void {
  const dir = path.dirname(file);
  const base = path.basename(file);
  for (const name of fs.readdirSync(dir)) if (name.startsWith(base)) fs.rmSync(path.join(dir, name), { force: true });
}

// ---- Reads: history, stats, active, job types --------------------------------------------------------

/** Stats calls timed with nothing kept of the settled days (each reads what it would read on first use). */
const COLD_CALLS = 20;

function measureReads(db: AppDatabase, manifest: DatasetManifest, run: Bench, k: number): void {
  const largest = largestBusiness(manifest);
  const mid = midSizeBusiness(manifest);
  const one: TenantScope = { kind: 'business', businessId: largest.id };
  const all: TenantScope = { kind: 'all' };
  const failed: JobRunFilters = { statuses: ['failed'] };
  const iterations = { iterations: k };
  const page = (scope: TenantScope, filters: JobRunFilters, cursor: string | null, sort = NEWEST_FIRST) => {
    const result = listJobRuns(db, scope, listInput(filters, cursor, PAGE, sort));
    requireRows('history page', result.runs.length, PAGE);
    return result;
  };
  const inLargest = `largest business, ${n(largest.runs)} runs`;

  run.sync('history.first', () => {
    page(one, {}, null);
    return latencyItem('history.first', `history p1 (${inLargest})`, timeSync(() => page(one, {}, null), iterations), ms(0.5));
  });
  run.sync('history.first.failed', () => {
    page(one, failed, null);
    return latencyItem('history.first.failed', 'history p1, status failed', timeSync(() => page(one, failed, null), iterations), ms(0.5));
  });
  run.sync('history.deep', () => {
    const at = cursorAt((cursor, limit) => listJobRuns(db, one, listInput({}, cursor, limit)), DEEP);
    requireRows('paging to the deep page', at.depth, DEEP);
    return latencyItem('history.deep', `history, ${n(at.depth)} deep`, timeSync(() => page(one, {}, at.cursor), iterations), ms(0.5));
  });
  run.sync('history.deep.failed', () => {
    const failedRuns = db.sqlite.prepare("SELECT count(*) FROM job_runs WHERE business_id = ? AND status = 'failed'").pluck().get(largest.id) as number;
    const depth = Math.max(0, Math.min(DEEP, Math.floor((failedRuns - PAGE) / PAGE) * PAGE));
    const at = cursorAt((cursor, limit) => listJobRuns(db, one, listInput(failed, cursor, limit)), depth);
    const note = depth < DEEP ? `the business has only ${n(failedRuns)} failed runs, so ${n(depth)} deep is the deepest full page` : undefined;
    return latencyItem('history.deep.failed', `history, ${n(at.depth)} deep, status failed`, timeSync(() => page(one, failed, at.cursor), iterations), ms(0.5), {
      note,
    });
  });
  run.sync('all.first', () =>
    latencyItem('all.first', `all-view history p1 (${n(manifest.counts.runs)} runs)`, timeSync(() => page(all, {}, null), iterations), ms(0.5)),
  );
  run.sync('all.deep', () => {
    const at = cursorAt((cursor, limit) => listJobRuns(db, all, listInput({}, cursor, limit)), DEEP);
    requireRows('paging to the deep page', at.depth, DEEP);
    return latencyItem('all.deep', `all-view history, ${n(at.depth)} deep`, timeSync(() => page(all, {}, at.cursor), iterations), ms(0.5));
  });

  // Each trigger has its own index (drizzle/0026): a trigger few runs have, without the range the UI sends (an API
  // client's call); one the scope has none of (the largest business has no adopted run), over the UI's longest range,
  // a page that finds nothing; and two common ones at once, one walk per trigger merged.
  const retries: JobRunFilters = { triggers: ['retry'] };
  run.sync('filter.trigger.business', () =>
    latencyItem('filter.trigger.business', `history p1, retries, no range (${inLargest})`, timeSync(() => page(one, retries, null), iterations), ms(2)),
  );
  run.sync('filter.trigger.all', () =>
    latencyItem('filter.trigger.all', 'all-view history p1, retries, no range', timeSync(() => page(all, retries, null), iterations), ms(2)),
  );
  run.sync('filter.trigger.none.business', () => {
    const adopted: JobRunFilters = { triggers: ['legacy'], createdFrom: manifest.endsAt - 90 * DAY_MS };
    const found = listJobRuns(db, one, listInput(adopted, null)).runs.length;
    if (found !== 0) throw new Error(`the largest business has ${found} adopted runs on its first page: the item needs a trigger it has none of`);
    const label = `history p1, adopted runs (it has none), 90 days (${inLargest})`;
    return latencyItem('filter.trigger.none.business', label, timeSync(() => listJobRuns(db, one, listInput(adopted, null)), iterations), ms(2));
  });
  run.sync('filter.type.none.business', () => {
    // A job type of the catalog the largest business never ran, with the status filter that made SQLite walk every
    // failed run of the business looking for it.
    const absent = getJobTypes(db, one).find((type) => type.runs === 0);
    if (!absent) throw new Error('the largest business has runs of every job type: the item needs one it has none of');
    const filters: JobRunFilters = { jobTypes: [absent.key], statuses: ['failed'] };
    const label = `history p1, failed runs of a job type it has none of (${inLargest})`;
    return latencyItem('filter.type.none.business', label, timeSync(() => listJobRuns(db, one, listInput(filters, null)), iterations), ms(2));
  });
  run.sync('filter.type.several.all', () =>
    latencyItem(
      'filter.type.several.all',
      'all-view history p1, two job types',
      timeSync(() => page(all, { jobTypes: ['diagnostics.probe', 'runs.retention'] }, null), iterations),
      ms(2),
    ),
  );
  run.sync('filter.trigger.several.all', () =>
    latencyItem('filter.trigger.several.all', 'all-view history p1, manual and scheduled runs', timeSync(() => page(all, { triggers: ['manual', 'schedule'] }, null), iterations), ms(2)),
  );

  // Tags: the first tag's rows of job_run_tags walked in order (src-main/history/tag-pages.ts), for a common and a rare tag.
  const tagItems = [
    ['filter.tag.business', one, COMMON_TAG, inLargest],
    ['filter.tag.rare.business', one, RARE_TAG, inLargest],
    ['filter.tag.all', all, COMMON_TAG, 'all-view'],
    ['filter.tag.rare.all', all, RARE_TAG, 'all-view'],
  ] as const;
  for (const [id, scope, tags, label] of tagItems) {
    const filters: JobRunFilters = { tags: { ...tags } };
    run.sync(id, () => latencyItem(id, `history p1, tag ${Object.entries(tags).map(([k, v]) => `${k}=${v}`).join('')} (${label})`, timeSync(() => page(scope, filters, null), iterations), ms(0.5)));
  }

  // Each owner's slowest and fastest runs (by duration), and the created_at order with the late starts (by start):
  // src-main/history/sorted-pages.ts.
  const SORTED = [
    { suffix: '', name: 'by duration, longest first', sort: { field: 'durationMs', direction: 'desc' } },
    { suffix: '.shortest', name: 'by duration, shortest first', sort: { field: 'durationMs', direction: 'asc' } },
    { suffix: '.latest', name: 'by start, latest first', sort: { field: 'startedAt', direction: 'desc' } },
    { suffix: '.earliest', name: 'by start, earliest first', sort: { field: 'startedAt', direction: 'asc' } },
  ] as const;
  for (const [prefix, scope, label] of [
    ['sorted.business', one, inLargest],
    ['sorted.all', all, 'all-view'],
  ] as const) {
    for (const { suffix, name, sort } of SORTED) {
      const id = `${prefix}${suffix}` as ItemId;
      run.sync(id, () => latencyItem(id, `history p1 ${name} (${label})`, timeSync(() => page(scope, {}, null, sort), iterations), ms(2)));
    }
  }

  const stats = (scope: TenantScope, days: number) => {
    const result = getJobRunStats(db, scope, statsWindow(manifest, days));
    if (result.total === 0) throw new Error(`stats over ${days} days found no runs: is the dataset's history (ending ${new Date(manifest.endsAt).toISOString()}) in range?`);
    return result;
  };
  // What a call costs with nothing kept of the settled days (the first call, or the first after a bulk change
  // raised every day's version): said in the note; the item times the calls after it, as a view repeats them.
  const coldCalls = (scope: TenantScope, days: number): { note: string; figures: Figures } => {
    const samples = Array.from({ length: COLD_CALLS }, () => {
      forgetSettledDays(db);
      const started = performance.now();
      stats(scope, days);
      return performance.now() - started;
    });
    const cold = summarize(samples);
    const note = `what is read of days that are over is kept in memory (src-main/stats/settled-days.ts); with nothing kept (a first call, or after a bulk change): median ${formatValue(cold.median, 'ms')}, p95 ${formatValue(cold.p95, 'ms')} over ${cold.n} calls`;
    return { note, figures: summaryFigures('firstCall', 'first call (nothing kept)', cold, 'ms') };
  };
  run.sync('stats.business', () => {
    const cold = coldCalls(one, 30);
    const total = stats(one, 30).total;
    return latencyItem('stats.business', `stats 30 d, largest business (${n(total)} runs in range)`, timeSync(() => stats(one, 30), iterations), ms(2), cold);
  });
  run.sync('stats.mid', () => {
    const scope: TenantScope = { kind: 'business', businessId: mid.id };
    const cold = coldCalls(scope, 30);
    const total = stats(scope, 30).total;
    return latencyItem('stats.mid', `stats 30 d, rank-${mid.rank} business (${n(total)} runs in range)`, timeSync(() => stats(scope, 30), iterations), ms(2), cold);
  });
  run.sync('stats.all', () => {
    const cold = coldCalls(all, 90);
    const result = stats(all, 90);
    const owners = result.byBusiness?.length ?? 0;
    return latencyItem('stats.all', `stats 90 d, all (${n(result.total)} runs, ${owners} owners compared)`, timeSync(() => stats(all, 90), iterations), ms(20), cold);
  });

  const active = (scope: TenantScope) => getActiveJobRuns(db, scope, { cursor: null, limit: PAGE });
  run.sync('active.business', () => {
    const shown = active(one).runs.length;
    return latencyItem('active.business', `active runs page, largest business (${shown} shown)`, timeSync(() => active(one), iterations), ms(1));
  });
  run.sync('active.all', () => {
    const shown = active(all).runs.length;
    return latencyItem('active.all', `active runs page, all (${shown} shown)`, timeSync(() => active(all), iterations), ms(1));
  });
  run.sync('types.business', () =>
    latencyItem('types.business', 'job types, largest business', timeSync(() => getJobTypes(db, one), iterations), ms(1)),
  );
  run.sync('types.all', () => latencyItem('types.all', 'job types, all', timeSync(() => getJobTypes(db, all), iterations), ms(1)));
}

// ---- Writes: run lifecycles ------------------------------------------------------------------------

/** A wider runner than the default, to show what group commit gains when more runs finish per turn. */
const WIDE_RUNNER_CONCURRENCY = 16;

const LIFECYCLE_TARGET: Target = { op: '>=', value: 20_000, unit: 'transitions/s', on: 'median' };

/** Throughput per batch: the median, and the 5th percentile (the slow end) in the p95 column. */
function throughputItem(id: string, name: string, batchMs: readonly number[], transitionsPerBatch: number, note: string, target: Target | null = LIFECYCLE_TARGET): ItemResult {
  const rates = batchMs.map((t) => (transitionsPerBatch * 1000) / t).sort((a, b) => a - b);
  const slow = rates[Math.max(0, Math.ceil(0.05 * rates.length) - 1)] ?? NaN;
  const median = summarize(rates).median;
  return itemResult({ id, name, unit: 'transitions/s', median, p95: slow, iterations: rates.length, target, note });
}

/** Runs per transaction when lifecycles are recorded in groups (the runner's group commit, a scheduler tick). */
const LIFECYCLES_PER_COMMIT = 100;

/** Two tags on each run of runner.service.tagged: one every run shares, one of a few values. */
const LIFECYCLE_TAGS = (i: number) => ({ env: 'prod', customer: `customer-${i % 50}` });

/** create → start → complete through the services, LIFECYCLES_PER_COMMIT runs' lifecycles per transaction; with two tags each for `tagged`. */
function measureServiceLifecycles(db: AppDatabase, manifest: DatasetManifest, k: number, tagged = false): ItemResult {
  const business = largestBusiness(manifest);
  const target: RunTarget = { kind: 'business', businessId: business.id };
  const scope: TenantScope = { kind: 'business', businessId: business.id };
  const total = 20_000;
  const commits = Math.max(1, Math.round(total / k / LIFECYCLES_PER_COMMIT));
  const perBatch = commits * LIFECYCLES_PER_COMMIT;
  let created = 0;
  const lifecycle = () => {
    const tags = tagged ? LIFECYCLE_TAGS(created++) : undefined;
    const run = createJobRun(db, target, { jobType: 'diagnostics.probe', params: { durationMs: 0 }, trigger: 'manual', tags });
    if (!startJobRun(db, scope, run.id)) throw new Error(`run ${run.id} did not start`);
    if (!finishJobRun(db, scope, run.id, { status: 'completed', result: { ok: true } })) throw new Error(`run ${run.id} did not finish`);
  };
  const batch = () => {
    for (let c = 0; c < commits; c++) {
      inImmediateTransaction(
        db,
        () => {
          for (let i = 0; i < LIFECYCLES_PER_COMMIT; i++) lifecycle();
        },
        'memory',
      );
    }
  };
  const samples = timeSync(batch, { iterations: k, warmupCalls: 1, warmupMs: 0, budgetMs: Infinity });
  return throughputItem(
    tagged ? 'runner.service.tagged' : 'runner.service',
    `run lifecycles, services${tagged ? ', two tags each' : ''} (${n(perBatch * k)} runs)`,
    samples.ms,
    3 * perBatch,
    `createJobRun${tagged ? ' (with two tags: env=prod, customer-0…49)' : ''} + startJobRun + finishJobRun per run, ${LIFECYCLES_PER_COMMIT} runs' lifecycles per immediate transaction (group commit, as the runner records outcomes and claims, statement journals in memory; WAL, synchronous=NORMAL) on a copy of the dataset; ${k} batches of ${perBatch} runs; the p95 column is the 5th percentile of the batches' rates`,
    // The issue's write target is for runs as the runner and the bench create them; tagged runs are measured beside it.
    tagged ? null : LIFECYCLE_TARGET,
  );
}

/** A handler that does nothing: what the runner itself costs per run. */
const NOOP_JOB_TYPE: JobTypeDefinition = { ...requireJobType('diagnostics.probe'), run: () => Promise.resolve(null) };

function requireJobType(key: string): JobTypeInfo {
  const type = findJobType(key);
  if (!type) throw new Error(`The catalog has no job type ${key}`);
  return type;
}

/**
 * The real runner at `concurrency`, serving runs created LIFECYCLES_PER_COMMIT at a time in one transaction
 * (as a scheduler tick or a bulk trigger creates them) and woken once, with a no-op handler.
 */
async function measureRunnerLifecycles(
  db: AppDatabase,
  manifest: DatasetManifest,
  k: number,
  id: 'runner.engine' | 'runner.engine.wide',
  concurrency: number,
): Promise<ItemResult> {
  const business = largestBusiness(manifest);
  const target: RunTarget = { kind: 'business', businessId: business.id };
  // The dataset's own queue (its pending runs, some of real work such as backups) must not be served here.
  db.sqlite
    .prepare("UPDATE job_runs SET status = 'cancelled', finished_at = ?, progress = NULL WHERE status IN ('pending', 'running')")
    .run(manifest.endsAt);

  let finished = 0;
  let finishedInAll = 0;
  let batchDone: (() => void) | null = null;
  const perBatch = LIFECYCLES_PER_COMMIT;
  const runner = createRunner(db, {
    concurrency,
    // Runs are recorded as diagnostics.probe (createJobRun takes registered types only) and served by a no-op.
    jobTypes: [NOOP_JOB_TYPE, ...JOB_TYPES.filter((type) => type.key !== NOOP_JOB_TYPE.key)],
    onRunChanged: (run) => {
      if (run.finishedAt === null) return;
      finishedInAll++;
      if (++finished === perBatch) batchDone?.();
    },
  });
  runner.start();
  const batch = async () => {
    finished = 0;
    const done = new Promise<void>((resolve) => {
      batchDone = resolve;
    });
    inImmediateTransaction(
      db,
      () => {
        for (let i = 0; i < perBatch; i++) createJobRun(db, target, { jobType: NOOP_JOB_TYPE.key, params: { durationMs: 0 }, trigger: 'manual' });
      },
      'memory',
    );
    runner.wake();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the runner did not finish ${perBatch} runs within 60 s`)), 60_000);
    });
    try {
      await Promise.race([done, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  try {
    const samples = await timeAsync(batch, { iterations: k, warmupCalls: 1, warmupMs: 0, budgetMs: Infinity });
    return throughputItem(
      id,
      `run lifecycles, runner, concurrency ${concurrency} (${n(perBatch * k)} runs)`,
      samples.ms,
      3 * perBatch,
      `${perBatch} createJobRun in one transaction (as a scheduler tick or a bulk trigger creates them) + one wake, then the real runner (concurrency ${concurrency}${concurrency === DEFAULT_RUNNER_CONCURRENCY ? ', the default' : ''}) claims, starts and completes each run, writing outcomes and claims with group commit (one transaction per turn of the event loop) and announcing each change; the handler is a no-op served through RunnerOptions.jobTypes (runs are recorded as diagnostics.probe); ${k} batches of ${perBatch} after one untimed (${n(finishedInAll)} runs finished in all); the p95 column is the 5th percentile of the batches' rates`,
    );
  } finally {
    await runner.stop();
  }
}

// ---- HTTP --------------------------------------------------------------------------------------

async function measureHttp(file: string, manifest: DatasetManifest, scratch: string, run: Bench, k: number): Promise<void> {
  await withHttpShell(file, scratch, { engine: { start: false } }, async ({ call, signIn: signInWith }) => {
    const signIn = (email: string) => signInWith(email, manifest.password);
    const list = async (session: string) => {
      const { value } = await call('jobs.list', {}, session);
      requireRows('jobs.list', (value as JobRunPageView).runs.length, PAGE);
    };
    const iterations = { iterations: Math.max(200, k), warmupCalls: 20, warmupMs: 300 };
    const note = (loopMaxMs: number) =>
      `fetch over loopback with keep-alive, default input (first page of 50); output validation off as in the packaged app; main thread's longest event-loop delay: ${formatValue(loopMaxMs, 'ms')}`;
    await run.async('http.list', async () => {
      const session = await signIn(manifest.users.member.email);
      const { value: samples, loopMaxMs } = await withLoopWatched(() => timeAsync(() => list(session), iterations));
      return latencyItem('http.list', 'jobs.list via HTTP, member (p95)', samples, ms(5, 'p95'), { note: note(loopMaxMs) });
    });
    await run.async('http.list.all', async () => {
      const session = await signIn(manifest.users.admin.email);
      const { value: samples, loopMaxMs } = await withLoopWatched(() => timeAsync(() => list(session), iterations));
      return latencyItem('http.list.all', 'jobs.list via HTTP, system admin, all (p95)', samples, ms(5, 'p95'), { note: note(loopMaxMs) });
    });
  });
}

// ---- The first statistics call after the app opens ----------------------------------------------------

/** App starts per kind in the first-call item (each opens the million-run file and signs in). */
const FIRST_CALL_OPENS = 7;

/** The main thread's event loop watched while `work` runs: its longest delay (a read or a write on that thread), ms. */
async function withLoopWatched<T>(work: () => Promise<T>): Promise<{ value: T; loopMaxMs: number }> {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  try {
    const value = await work();
    return { value, loopMaxMs: loop.max / 1e6 };
  } finally {
    loop.disable();
  }
}

/**
 * Starts the app's core and HTTP shell on `file`, signs a system admin in, waits for the long reads' worker to be up,
 * then times the view's first jobs.stats call (all businesses, 90 days). `kept`: with what the last start kept in the
 * file; else with nothing kept (job_run_stats_windows emptied before the start).
 */
async function firstStatsCall(file: string, manifest: DatasetManifest, scratch: string, kept: boolean): Promise<{ ms: number; loopMaxMs: number }> {
  if (!kept) {
    const sqlite = new Database(file);
    try {
      sqlite.exec('DELETE FROM job_run_stats_windows');
    } finally {
      sqlite.close();
    }
  }
  return withHttpShell(file, scratch, { engine: { start: false } }, async ({ call, signIn }) => {
    const session = await signIn(manifest.users.admin.email, manifest.password);
    // A retention preview that counts nothing: the long reads' thread has started (its start is not the call's cost).
    await call('jobs.previewRetention', { olderThanDays: 3_650, target: { kind: 'system' } }, session);
    const { value: ms, loopMaxMs } = await withLoopWatched(async () => {
      const started = performance.now();
      await call('jobs.stats', statsWindow(manifest, 90), session);
      return performance.now() - started;
    });
    return { ms, loopMaxMs };
  });
}

async function measureFirstStats(file: string, manifest: DatasetManifest, scratch: string, run: Bench): Promise<void> {
  await run.async('stats.first', async () => {
    await firstStatsCall(file, manifest, scratch, false); // an earlier session, which leaves its window in the file
    const kept: { ms: number; loopMaxMs: number }[] = [];
    const none: { ms: number; loopMaxMs: number }[] = [];
    // Interleaved, so the machine's swings fall on both alike.
    for (let i = 0; i < FIRST_CALL_OPENS; i++) {
      kept.push(await firstStatsCall(file, manifest, scratch, true));
      none.push(await firstStatsCall(file, manifest, scratch, false));
    }
    const cold = summarize(none.map((call) => call.ms));
    const loopMax = Math.max(...kept.map((call) => call.loopMaxMs), ...none.map((call) => call.loopMaxMs));
    const note = `each sample a new start of the core and HTTP shell on a copy of the file, a system admin signed in, the long reads' worker up; with what the last start kept in the file (job_run_stats_windows). With nothing kept, in the same run, interleaved: median ${formatValue(cold.median, 'ms')}, p95 ${formatValue(cold.p95, 'ms')}. Main thread's longest event-loop delay during these calls: ${formatValue(loopMax, 'ms')}`;
    return latencyItem('stats.first', 'stats 90 d, all, first call after the app opens (HTTP)', kept.map((call) => call.ms), ms(20), { note });
  });
}

// ---- Memory (the built app in a process of its own) ------------------------------------------------

/** A Linux process's resident set now and at its peak (VmRSS and VmHWM in /proc/PID/status), MB. */
function residentMB(pid: number): { now: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => {
    const found = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!found?.[1]) throw new Error(`/proc/${pid}/status has no ${name}`);
    return Number(found[1]) / 1024;
  };
  return { now: field('VmRSS'), peak: field('VmHWM') };
}

/**
 * The built app (out/main/serve.js, its read workers and all) on a copy of the file, its queue settled: a member and a
 * system admin signed in over HTTP, the view's calls made a few times for each; the process's RSS read from /proc.
 */
async function measureRss(dataset: Dataset, scratch: string): Promise<ItemResult> {
  const { manifest } = dataset;
  const file = quietCopy(dataset.file, manifest.endsAt, path.join(scratch, 'rss.db'));
  const app = spawnServe(file, path.join(scratch, 'rss-config'));
  try {
    const page = new URL(await app.pageUrl);
    const { call, signIn } = httpClient(`${page.origin}/api`, page.searchParams.get('token') ?? '');
    const baseline = residentMB(app.pid).now;
    const viewers = [
      { session: await signIn(manifest.users.member.email, manifest.password), days: 30 },
      { session: await signIn(manifest.users.admin.email, manifest.password), days: 90 },
    ];
    const cycles = 5;
    for (let cycle = 0; cycle < cycles; cycle++) {
      for (const { session, days } of viewers) {
        await call('jobs.stats', statsWindow(manifest, days), session);
        for (let cursor: string | null = null, seen = 0; seen < DEEP; ) {
          const { value } = await call('jobs.list', { cursor, limit: MAX_RUNS_PAGE }, session);
          const runs = value as JobRunPageView;
          seen += runs.runs.length;
          if (runs.nextCursor === null) break;
          cursor = runs.nextCursor;
        }
        await call('jobs.list', { filters: { statuses: ['failed'] } }, session);
        await call('jobs.active', {}, session);
        await call('jobs.types', {}, session);
      }
    }
    const after = residentMB(app.pid);
    return itemResult({
      id: 'rss',
      name: 'main-process RSS, view in use',
      unit: 'MB',
      median: after.now,
      p95: after.peak,
      iterations: cycles,
      target: { op: '<=', value: 250, unit: 'MB', on: 'peak' },
      figures: {
        baseline: { label: 'RSS once the app serves', value: baseline, unit: 'MB' },
        after: { label: 'RSS after the view\'s calls', value: after.now, unit: 'MB' },
        peak: { label: 'peak RSS', value: after.peak, unit: 'MB' },
      },
      note: `the built app (out/main/serve.js: Node, not Electron) on a copy of the file with its queue settled, its read workers up; a member and a system admin signed in over HTTP, the view's calls made ${cycles} times for each (stats of 30 and 90 days, history pages down to 10,000, failed filter, active, job types); RSS and peak RSS of its process (/proc); ${formatValue(baseline, 'MB')} once it served`,
    });
  } finally {
    await app.stop();
    removeScratch(file);
  }
}

// ---- Orphans and adoption --------------------------------------------------------------------------

const ORPHAN_PARAMS: DatasetParams = { runs: 200_000, businesses: 10, orphanShare: 0.5, systemShare: 0.01, days: 90, zipf: 1, seed: 2 };
const ORPHAN_ITERATIONS = 5;
const ADOPTION_ITERATIONS = 3;
/** Starts of each window item (bench/cold-window.ts): a start of the adopted file takes about 10 s. */
const WINDOW_ITERATIONS = 5;

async function measureOrphans(dataset: Dataset, scratch: string, run: Bench): Promise<void> {
  const business = largestBusiness(dataset.manifest);
  const actor = { kind: 'app', label: 'cli' } as const;
  const onCopy = async (i: number, work: (db: AppDatabase) => Promise<number>): Promise<number> => {
    const file = path.join(scratch, `orphans-${i}.db`);
    copyDatabaseFile(dataset.file, file);
    const { db } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER });
    try {
      return await work(db);
    } finally {
      db.close();
      removeScratch(file);
    }
  };
  // One untimed round first (file cache, statement preparation), then ORPHAN_ITERATIONS timed ones.
  const repeat = async (work: (db: AppDatabase) => Promise<number>): Promise<number[]> => {
    const samples: number[] = [];
    for (let i = 0; i <= ORPHAN_ITERATIONS; i++) {
      const t = await onCopy(i, work);
      if (i > 0) samples.push(t);
    }
    return samples;
  };
  const sizeNote = `on copies of a ${n(dataset.manifest.counts.runs)}-run file with ${n(dataset.manifest.counts.orphans)} orphans; ${ORPHAN_ITERATIONS} iterations after one untimed, p95 column is the max`;
  await run.async('orphans.assign', async () => {
    const samples = await repeat(async (db) => {
      const { count } = previewOrphanAssignment(db, business.id, { kind: 'all' });
      const started = performance.now();
      const result = assignOrphans(db, business.id, { kind: 'all' }, { actor, expectedCount: count });
      const elapsed = performance.now() - started;
      requireRows('assignOrphans', result.assigned, dataset.manifest.counts.orphans);
      return elapsed;
    });
    return latencyItem('orphans.assign', `assign ${n(dataset.manifest.counts.orphans)} orphans`, samples, { op: '<=', value: 1, unit: 's', on: 'median' }, {
      unit: 's',
      note: `${sizeNote}; assignOrphans makes no backup`,
    });
  });
  await run.async('orphans.delete', async () => {
    const samples = await repeat(async (db) => {
      const { count } = previewOrphanDeletion(db, { kind: 'all' });
      const started = performance.now();
      const result = await deleteOrphans(db, { kind: 'all' }, { actor, expectedCount: count });
      const elapsed = performance.now() - started;
      requireRows('deleteOrphans', result.deleted, dataset.manifest.counts.orphans);
      return elapsed;
    });
    return latencyItem('orphans.delete', `delete ${n(dataset.manifest.counts.orphans)} orphans`, samples, { op: '<=', value: 1, unit: 's', on: 'median' }, {
      unit: 's',
      note: `${sizeNote}; includes the backup deleteOrphans makes first (it grows with the whole file, not the orphans)`,
    });
  });
}

async function measureAdoption(source: string, runs: number, scratch: string): Promise<ItemResult> {
  const samples: number[] = [];
  const rollupSamples: number[] = [];
  const indexSamples: number[] = [];
  const phases: Record<string, number>[] = [];
  let adopted = 0;
  let deferred = 0;
  for (let i = 0; i < ADOPTION_ITERATIONS; i++) {
    const file = path.join(scratch, `legacy-${i}.db`);
    copyDatabaseFile(source, file);
    try {
      const started = performance.now();
      // As the app opens it: until open, then what adoption defers, on worker threads while it serves: the rollups'
      // count (statistics answer once it is done), then the filter indexes.
      const { db, report } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER, deferredWork: 'leave' });
      const elapsed = performance.now() - started;
      const countStarted = performance.now();
      if (!(await countRollupsInBackground(db))) throw new Error('the adoption left no rollups to count');
      rollupSamples.push(performance.now() - countStarted);
      const indexesStarted = performance.now();
      deferred = await buildDeferredIndexesInBackground(db);
      indexSamples.push(performance.now() - indexesStarted);
      db.close();
      if (!report.adoption) throw new Error('the legacy copy was not adopted');
      adopted = report.adoption.runs;
      const inside = Object.values(report.adoption.phaseMs).reduce((sum, phaseMs) => sum + phaseMs, 0);
      samples.push(elapsed);
      phases.push({ ...report.adoption.phaseMs, 'rest of openAppDatabase': Math.round(elapsed - inside) });
    } finally {
      removeScratch(file);
    }
    log(`  adoption ${i + 1}/${ADOPTION_ITERATIONS}: ${formatValue(lastOf(samples) / 1000, 's')}`);
  }
  // The phases of the median iteration, so a miss shows where the time goes.
  const medianIndex = samples.indexOf(summarize(samples).median);
  const breakdown = Object.entries(phases[medianIndex] ?? {})
    .map(([phase, phaseMs]) => `${phase} ${n(phaseMs)} ms`)
    .join(', ');
  return latencyItem('adoption', `adopt a pre-tenant file of ${n(runs)} runs`, samples, { op: '<=', value: 5, unit: 's', on: 'median' }, {
    unit: 's',
    note:
      `openAppDatabase end to end on a fresh copy, until the app can serve (checks on a worker thread, conversion of ${n(adopted)} runs into a new file, ` +
      `CHECK and foreign-key checks, the old file kept as the backup); then, in the background, the statistics' rollups counted in ` +
      `${formatValue(summarize(rollupSamples).median / 1000, 's')} (median; a statistics read waits for it) and ${deferred} indexes built in ` +
      `${formatValue(summarize(indexSamples).median / 1000, 's')}; ${ADOPTION_ITERATIONS} iterations, no warm-up, p95 column is the max; ` +
      `phases of the median iteration: ${breakdown}`,
    figures: {
      runs: { label: 'runs adopted', value: adopted, unit: 'count' },
      ...summaryFigures('rollups', 'rollups counted after open', summarize(rollupSamples.map((t) => t / 1000)), 's'),
      ...summaryFigures('indexes', `${deferred} filter indexes built after open`, summarize(indexSamples.map((t) => t / 1000)), 's'),
      ...Object.fromEntries(Object.entries(phases[medianIndex] ?? {}).map(([phase, phaseMs]) => [`phase.${phase}`, { label: `phase of the median iteration: ${phase}`, value: phaseMs, unit: 'ms' as const }])),
    },
  });
}

function lastOf(samples: readonly number[]): number {
  return samples[samples.length - 1] ?? NaN;
}

// ---- Running the items --------------------------------------------------------------------------------

interface Failure {
  id: string;
  message: string;
}

class Bench {
  readonly results: ItemResult[] = [];
  readonly failures: Failure[] = [];

  constructor(private readonly chosen: ReadonlySet<ItemId>) {}

  wants(...ids: ItemId[]): boolean {
    return ids.some((id) => this.chosen.has(id));
  }

  sync(id: ItemId, measure: () => ItemResult): void {
    if (!this.chosen.has(id)) return;
    this.announce(id);
    try {
      this.record(measure());
    } catch (error) {
      this.fail(id, error);
    }
  }

  async async(id: ItemId, measure: () => Promise<ItemResult>): Promise<void> {
    if (!this.chosen.has(id)) return;
    this.announce(id);
    try {
      this.record(await measure());
    } catch (error) {
      this.fail(id, error);
    }
  }

  fail(id: string, error: unknown): void {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.failures.push({ id, message: error instanceof Error ? error.message : String(error) });
    log(`  ${id} FAILED: ${message}`);
  }

  private announce(id: ItemId): void {
    log(`measuring ${id}: ${ITEMS[id]}…`);
  }

  record(result: ItemResult): void {
    this.results.push(result);
    log(`  ${result.met === null ? '    ' : result.met ? 'ok  ' : 'MISS'} median ${formatValue(result.median, result.unit)}, p95 ${formatValue(result.p95, result.unit)} (target ${targetText(result.target)})`);
  }
}

/** The table's header: the dataset, the files of the orphans and adoption items, the machine, what the figures are. */
function header(report: BenchReport, datasetFile: string): string {
  const d = report.dataset;
  const sides = sideFilesLine(d);
  return [
    `Dataset: ${datasetLine(d)}: ${path.relative(process.cwd(), datasetFile)}`,
    ...(sides ? [`  ${sides}`] : []),
    ...(d.endedDaysBefore > 1 ? [`  its history ends ${d.endedDaysBefore.toFixed(1)} days ago`] : []),
    `Machine: ${machineLine(report.machine)}`,
    `  ${loadLine(report.machine)}: other work on the machine shows in the tails`,
    `Medians and 95th percentiles over ${report.command.iterations} iterations after a warm-up unless noted; targets from issue 6, judged on the median unless noted.`,
  ].join('\n');
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const loadAtStart = loadAverage();
  const paceAtStart = machinePace();
  const chosen = new Set<ItemId>(options.only ?? ITEM_IDS);
  const run = new Bench(chosen);
  const buildOptions = { dataDir: DATA_DIR, migrationsFolder: MIGRATIONS_FOLDER, log };

  // Every file first, so building never overlaps measuring.
  const primary = await ensureDataset(runsDatasetParams(options.runs, options.businesses), { ...buildOptions, name: 'runs' });
  if (primary.reused) log(`Reusing ${path.relative(process.cwd(), primary.file)} (built in ${primary.manifest.buildSeconds.toFixed(1)} s)`);
  const orphans = run.wants('orphans.assign', 'orphans.delete') ? await ensureDataset(ORPHAN_PARAMS, { ...buildOptions, name: 'orphans' }) : null;
  const legacy = run.wants('adoption', 'window.adopted') ? ensureLegacySource({ runs: options.runs, businesses: options.businesses, seed: 42 }, buildOptions) : null;

  const scratch = fs.mkdtempSync(path.join(DATA_DIR, 'scratch-'));
  let sqliteVersion: string | undefined;
  try {
    // Reads, on the cached file itself (nothing here writes).
    {
      const { db } = await openAppDatabase(primary.file, { migrationsFolder: MIGRATIONS_FOLDER });
      try {
        sqliteVersion = db.sqlite.prepare('SELECT sqlite_version()').pluck().get() as string;
        measureReads(db, primary.manifest, run, options.iterations);
      } finally {
        db.close();
      }
    }

    if (run.wants('runner.service', 'runner.service.tagged', 'runner.engine', 'runner.engine.wide')) {
      const file = path.join(scratch, 'runner.db');
      copyDatabaseFile(primary.file, file);
      const { db } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER });
      try {
        run.sync('runner.service', () => measureServiceLifecycles(db, primary.manifest, options.iterations));
        run.sync('runner.service.tagged', () => measureServiceLifecycles(db, primary.manifest, options.iterations, true));
        await run.async('runner.engine', () => measureRunnerLifecycles(db, primary.manifest, options.iterations, 'runner.engine', DEFAULT_RUNNER_CONCURRENCY));
        await run.async('runner.engine.wide', () => measureRunnerLifecycles(db, primary.manifest, options.iterations, 'runner.engine.wide', WIDE_RUNNER_CONCURRENCY));
      } finally {
        db.close();
        removeScratch(file);
      }
    }

    if (run.wants('http.list', 'http.list.all')) {
      const file = path.join(scratch, 'http.db');
      copyDatabaseFile(primary.file, file);
      try {
        await measureHttp(file, primary.manifest, scratch, run, options.iterations);
      } catch (error) {
        run.fail('http', error);
      } finally {
        removeScratch(file);
      }
    }

    if (run.wants('stats.first')) {
      const file = path.join(scratch, 'first-stats.db');
      copyDatabaseFile(primary.file, file);
      try {
        await measureFirstStats(file, primary.manifest, scratch, run);
      } finally {
        removeScratch(file);
      }
    }

    if (run.wants('load.runner', 'load.list')) {
      try {
        for (const item of sharedThreadItems(await measureSharedThread(primary.file, primary.manifest, scratch, log))) run.record(item);
      } catch (error) {
        run.fail('load', error);
      }
    }

    await run.async('rss', () => measureRss(primary, scratch));
    if (orphans) await measureOrphans(orphans, scratch, run);
    if (legacy) await run.async('adoption', () => measureAdoption(legacy.file, options.runs, scratch));
    const windows = (['window.cold', 'window.adopted'] as const).filter((id) => run.wants(id));
    if (windows.length > 0) {
      try {
        const figures = await measureColdWindows({ runs: primary, legacy }, windows, WINDOW_ITERATIONS, scratch, log);
        for (const item of figures) run.record(windowItem(item));
      } catch (error) {
        run.fail('window', error);
      }
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }

  const order = new Map(ITEM_IDS.map((id, i) => [id as string, i]));
  const results = [...run.results].sort((x, y) => (order.get(x.id) ?? 0) - (order.get(y.id) ?? 0));
  const report: BenchReport = {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    command: { runs: options.runs, businesses: options.businesses, iterations: options.iterations, only: options.only },
    machine: machineInfo(sqliteVersion ?? '?', loadAtStart, paceAtStart),
    dataset: datasetInfo(primary, {
      orphanDataset: orphans ? sideFile(orphans.file, orphans.manifest.counts.runs, orphans.manifest.counts.orphans, orphans.reused, orphans.manifest.buildSeconds) : null,
      legacySource: legacy ? sideFile(legacy.file, options.runs, null, legacy.reused, legacy.buildSeconds) : null,
    }),
    items: results.map(reportItem),
    errors: run.failures,
    seconds: (performance.now() - started) / 1000,
  };

  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (options.out) {
    fs.mkdirSync(path.dirname(path.resolve(options.out)), { recursive: true });
    fs.writeFileSync(options.out, json);
    log(`The report is in ${options.out}`);
  }
  if (options.json) process.stdout.write(json);
  else {
    const judged = results.filter((item) => item.met !== null);
    const missed = judged.filter((item) => !item.met).length;
    const errors = report.errors.map((failure) => `ERROR ${failure.id}: ${failure.message}`);
    process.stdout.write(
      `${header(report, primary.file)}\n\n${formatTable(results)}\n\n${judged.length - missed} of ${judged.length} targets met; ${report.seconds.toFixed(0)} s in all.${errors.length ? `\n${errors.join('\n')}` : ''}\n`,
    );
  }
  if (report.errors.length > 0) process.exitCode = 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    else process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
