// The runner and the reads on one process: the app's core and HTTP shell on a copy of the dataset,
// the runner serving a queue of QUEUE no-wait probes, first alone and then while 8 clients (on a thread of their own,
// so their work is not the app's main thread's) call jobs.list and jobs.stats back to back, half as a member of the
// business that owns the queue, half as a system admin over all businesses. Prints the runner's runs/s idle and under
// load, and jobs.list's and jobs.stats's p50/p95/p99 under load.
//   npx tsx bench/shared-thread.ts [--dataset FILE] [--runs N] [--read-threads N]   (also `npm run bench -- --only load`)
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { inImmediateTransaction } from '../src-main/db/connection';
import { SESSION_HEADER } from '../src-main/http/server';
import { createJobRun } from '../src-main/lifecycle/runs';
import { openAppDatabase } from '../src-main/startup';
import { copyDatabaseFile, DAY_MS, ensureDataset, readDatasetManifest, type DatasetManifest } from './dataset';
import { withHttpShell } from './http-shell';
import { itemResult, percentile, type Figures, type ItemResult } from './stats';

const DATA_DIR = path.join(__dirname, '.data');
const MIGRATIONS_FOLDER = path.resolve(__dirname, '../drizzle');
/** Pending runs at the start: enough that the queue still holds tens of thousands when the load ends. */
const QUEUE = 40_000;
const CLIENTS = 8;
const WARMUP_MS = 2_000;
const IDLE_MS = 6_000;
const LOAD_MS = 12_000;

/** The clients, on a worker thread: plain fetch over loopback with keep-alive, each call timed where it is made. */
const CLIENT_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const { base, token, header, clients, stopAt } = workerData;
const samples = { 'jobs.list': [], 'jobs.stats': [] };
let failures = 0;
async function call(channel, input, session) {
  const started = performance.now();
  const response = await fetch(base + '/' + channel, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token, [header]: session },
    body: JSON.stringify(input),
  });
  const envelope = await response.json();
  if (!envelope.ok) failures++;
  samples[channel].push(performance.now() - started);
}
async function client({ session, stats }) {
  while (Date.now() < stopAt) {
    await call('jobs.list', {}, session);
    if (Date.now() >= stopAt || stats === null) continue;
    await call('jobs.stats', stats, session);
  }
}
parentPort.postMessage({ started: true });
Promise.all(clients.map(client)).then(() => parentPort.postMessage({ samples, failures }));
`;

interface ClientSamples {
  samples: Record<'jobs.list' | 'jobs.stats', number[]>;
  failures: number;
}

function runClients(workerData: object): { started: Promise<void>; done: Promise<ClientSamples> } {
  const worker = new Worker(CLIENT_SOURCE, { eval: true, workerData });
  let started!: () => void;
  const startedPromise = new Promise<void>((resolve) => (started = resolve));
  const done = new Promise<ClientSamples>((resolve, reject) => {
    worker.on('message', (message: { started: true } | ClientSamples) => {
      if ('started' in message) started();
      else resolve(message);
    });
    worker.once('error', reject);
  });
  return { started: startedPromise, done };
}

/** Cancels the dataset's own queue (some of it real work, such as backups) and queues QUEUE no-wait probes in the largest business. */
async function prepareQueue(file: string, businessId: number, endsAt: number): Promise<void> {
  const { db } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER });
  try {
    db.sqlite.prepare("UPDATE job_runs SET status = 'cancelled', finished_at = ?, progress = NULL WHERE status IN ('pending', 'running')").run(endsAt);
    inImmediateTransaction(db, () => {
      for (let i = 0; i < QUEUE; i++) {
        createJobRun(db, { kind: 'business', businessId }, { jobType: 'diagnostics.probe', params: { durationMs: 0, steps: 1 }, trigger: 'manual' });
      }
    });
  } finally {
    db.close();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface SharedThreadFigures {
  idleRunsPerSecond: number;
  loadRunsPerSecond: number;
  pendingAtLoad: number;
  requests: number;
  failures: number;
  list: { p50: number; p95: number; p99: number; n: number };
  stats: { p50: number; p95: number; p99: number; n: number };
  loopDelayP99Ms: number;
  /** The longest the main thread held its event loop under load (a read or a commit on it). */
  loopDelayMaxMs: number;
  /** jobs.list from one client alone, the runner working: the machine's floor. */
  quietList: { p50: number; p95: number; p99: number; n: number };
}

/** Works on a copy of `datasetFile` in `scratch` (removed after). */
export async function measureSharedThread(
  datasetFile: string,
  manifest: DatasetManifest,
  scratch: string,
  log: (line: string) => void,
  readThreads?: number,
): Promise<SharedThreadFigures> {
  const file = path.join(scratch, 'shared-thread.db');
  copyDatabaseFile(datasetFile, file);
  const largest = manifest.businesses[0];
  if (!largest) throw new Error('The dataset has no businesses');
  log(`queueing ${QUEUE.toLocaleString('en-US')} probes in ${largest.name}…`);
  await prepareQueue(file, largest.id, manifest.endsAt);

  let finished = 0;
  try {
    return await withHttpShell(file, scratch, { reads: readThreads === undefined ? undefined : { threads: readThreads } }, async (shell) => {
      shell.core.events.subscribe((event) => {
        if (event.name === 'jobs.changed' && event.payload.run.finishedAt !== null) finished++;
      });
      const member = await shell.signIn(manifest.users.member.email, manifest.password);
      const admin = await shell.signIn(manifest.users.admin.email, manifest.password);
      const now = Date.now();
      const stats = { from: now - 30 * DAY_MS, to: now, timeZone: 'Europe/Berlin' };
      // Every read once per session before anything is measured: the app's threads are up and their caches warm.
      for (const session of [member, admin]) {
        await shell.call('jobs.list', {}, session);
        await shell.call('jobs.stats', stats, session);
      }
      const pending = () => shell.db.sqlite.prepare("SELECT count(*) FROM job_runs WHERE status = 'pending'").pluck().get() as number;

      // The floor under everything below: one client's lists alone, with the runner working (this machine's own latency).
      const alone = runClients({ base: shell.base, token: shell.token, header: SESSION_HEADER, clients: [{ session: member, stats: null }], stopAt: Date.now() + WARMUP_MS });
      const quietList = (await alone.done).samples['jobs.list'];
      const idleFrom = finished;
      let t0 = performance.now();
      await sleep(IDLE_MS);
      const idleRunsPerSecond = ((finished - idleFrom) * 1000) / (performance.now() - t0);
      log(`idle: ${idleRunsPerSecond.toFixed(0)} runs/s; ${pending().toLocaleString('en-US')} pending`);

      const clients = Array.from({ length: CLIENTS }, (_, i) => ({ session: i % 2 === 0 ? member : admin, stats }));
      const pendingAtLoad = pending();
      const loop = monitorEventLoopDelay({ resolution: 10 });
      const load = runClients({ base: shell.base, token: shell.token, header: SESSION_HEADER, clients, stopAt: Date.now() + LOAD_MS + 500 });
      await load.started;
      loop.enable();
      const loadFrom = finished;
      t0 = performance.now();
      await sleep(LOAD_MS);
      const loadRunsPerSecond = ((finished - loadFrom) * 1000) / (performance.now() - t0);
      loop.disable();
      const { samples, failures } = await load.done;
      const figures = (ms: number[]) => {
        const sorted = [...ms].sort((a, b) => a - b);
        return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), n: sorted.length };
      };
      return {
        idleRunsPerSecond,
        loadRunsPerSecond,
        pendingAtLoad,
        requests: samples['jobs.list'].length + samples['jobs.stats'].length,
        failures,
        list: figures(samples['jobs.list']),
        stats: figures(samples['jobs.stats']),
        loopDelayP99Ms: loop.percentile(99) / 1e6,
        loopDelayMaxMs: loop.max / 1e6,
        quietList: figures(quietList),
      };
    });
  } finally {
    for (const name of fs.readdirSync(scratch)) if (name.startsWith('shared-thread.db')) fs.rmSync(path.join(scratch, name), { force: true });
  }
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

function percentileFigures(id: string, label: string, p: SharedThreadFigures['list']): Figures {
  return {
    [`${id}.p50`]: { label: `${label}: p50`, value: p.p50, unit: 'ms' },
    [`${id}.p95`]: { label: `${label}: p95`, value: p.p95, unit: 'ms' },
    [`${id}.p99`]: { label: `${label}: p99`, value: p.p99, unit: 'ms' },
    [`${id}.n`]: { label: `${label}: calls`, value: p.n, unit: 'count' },
  };
}

/** The bench's two items: the runner's share of its idle throughput under load (≥ 50%), and jobs.list's p99 under load (≤ 50 ms). */
export function sharedThreadItems(f: SharedThreadFigures): ItemResult[] {
  const load = `${CLIENTS} clients on jobs.list/jobs.stats (30 days, Europe/Berlin), half a member of the business with the queue, half a system admin (all); ${f.requests} requests in ${LOAD_MS / 1000} s, ${f.failures} refused; ${f.pendingAtLoad.toLocaleString('en-US')} pending when the load started`;
  return [
    itemResult({
      id: 'load.runner',
      name: 'runner under 8 clients, share of its idle runs/s',
      unit: '%',
      median: (100 * f.loadRunsPerSecond) / f.idleRunsPerSecond,
      p95: NaN,
      iterations: 1,
      target: { op: '>=', value: 50, unit: '%', on: 'median' },
      figures: {
        idle: { label: 'runner alone', value: f.idleRunsPerSecond, unit: 'runs/s' },
        underLoad: { label: 'runner under load', value: f.loadRunsPerSecond, unit: 'runs/s' },
        loopDelayP99: { label: 'main-thread event-loop delay under load: p99', value: f.loopDelayP99Ms, unit: 'ms' },
        loopDelayMax: { label: 'main-thread event-loop delay under load: longest', value: f.loopDelayMaxMs, unit: 'ms' },
        requests: { label: 'requests under load', value: f.requests, unit: 'count' },
        refused: { label: 'requests refused', value: f.failures, unit: 'count' },
      },
      note: `${f.idleRunsPerSecond.toFixed(0)} runs/s idle, ${f.loadRunsPerSecond.toFixed(0)} runs/s under load (concurrency 2, no-wait probes); main-thread event-loop delay p99 ${ms(f.loopDelayP99Ms)}, longest ${ms(f.loopDelayMaxMs)} under load; ${load}`,
    }),
    itemResult({
      id: 'load.list',
      name: 'jobs.list under 8 clients (p99)',
      unit: 'ms',
      median: f.list.p50,
      p95: f.list.p99,
      iterations: f.list.n,
      target: { op: '<=', value: 50, unit: 'ms', on: 'p95' },
      figures: { ...percentileFigures('list', 'jobs.list under load', f.list), ...percentileFigures('stats', 'jobs.stats under load', f.stats), ...percentileFigures('alone', 'jobs.list, one client alone', f.quietList) },
      note: `p95 column is the p99; jobs.list p50 ${ms(f.list.p50)} p95 ${ms(f.list.p95)} p99 ${ms(f.list.p99)} (one client alone: p50 ${ms(f.quietList.p50)} p99 ${ms(f.quietList.p99)}); jobs.stats p50 ${ms(f.stats.p50)} p95 ${ms(f.stats.p95)} p99 ${ms(f.stats.p99)} (${f.stats.n} calls)`,
    }),
  ];
}

function printFigures(f: SharedThreadFigures): void {
  const lines = [
    `runner: ${f.idleRunsPerSecond.toFixed(0)} runs/s idle, ${f.loadRunsPerSecond.toFixed(0)} runs/s under load (${((100 * f.loadRunsPerSecond) / f.idleRunsPerSecond).toFixed(0)}%; target ≥ 50%)`,
    `pending when the load started: ${f.pendingAtLoad.toLocaleString('en-US')}; ${f.requests} requests, ${f.failures} refused`,
    `jobs.list  p50 ${ms(f.list.p50)}  p95 ${ms(f.list.p95)}  p99 ${ms(f.list.p99)}  (${f.list.n} calls; target p99 ≤ 50 ms)`,
    `jobs.stats p50 ${ms(f.stats.p50)}  p95 ${ms(f.stats.p95)}  p99 ${ms(f.stats.p99)}  (${f.stats.n} calls)`,
    `main-thread event-loop delay under load: p99 ${ms(f.loopDelayP99Ms)}, longest ${ms(f.loopDelayMaxMs)}`,
    `jobs.list from one client alone (the floor): p50 ${ms(f.quietList.p50)}  p99 ${ms(f.quietList.p99)}  (${f.quietList.n} calls)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flag = (name: string) => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const given = flag('--dataset');
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const dataset = given
    ? { file: given, manifest: readDatasetManifest(given) }
    : await ensureDataset(
        { runs: Number(flag('--runs') ?? 1_000_000), businesses: 100, orphanShare: 0.01, systemShare: 0.01, days: 90, zipf: 1, seed: 1 },
        { dataDir: DATA_DIR, migrationsFolder: MIGRATIONS_FOLDER, name: 'runs', log },
      );
  const scratch = fs.mkdtempSync(path.join(DATA_DIR, 'scratch-'));
  try {
    const threads = flag('--read-threads');
    printFigures(await measureSharedThread(dataset.file, dataset.manifest, scratch, log, threads === undefined ? undefined : Number(threads)));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
