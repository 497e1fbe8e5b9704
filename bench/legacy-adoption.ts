// Adoption of a large server-edition database, end to end through openAppDatabase (backup included), then the work it
// leaves for after the file opens, with reads through the app's read workers every 100 ms meanwhile.
//   npx tsx bench/legacy-adoption.ts --runs 1000000 --businesses 100 [--revision pre_tenant|tenant|cleaned]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { type Actor } from '../src-main/access/policy';
import { type AppDatabase } from '../src-main/db/connection';
import { createReadPool, type ReadPool } from '../src-main/reads/pool';
import { listJobRunsInput } from '../src-shared/schemas/jobs';
import { buildDeferredIndexesInBackground, countRollupsInBackground } from '../src-main/adoption/after-open';
import { writeLockHeldInBackground } from '../src-main/db/background-work';
import { openAppDatabase } from '../src-main/startup';
import type { TaskProgress } from '../src-shared/progress';
import { createLegacyDatabase, type LegacyRevisionName } from '../test/helpers/legacy-fixtures';
import { ensureLegacySource } from './dataset';

interface BenchOptions {
  runs: number;
  businesses: number;
  revision: LegacyRevisionName;
}

function parseArgs(argv: readonly string[]): BenchOptions {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const revision = (value('--revision') ?? 'pre_tenant') as LegacyRevisionName;
  if (!['pre_tenant', 'tenant', 'cleaned'].includes(revision)) throw new Error(`Unknown --revision ${revision}`);
  return { runs: Number(value('--runs') ?? 1_000_000), businesses: Number(value('--businesses') ?? 100), revision };
}

/** Prints one line per phase change (and every tenth of a long phase) so a slow phase shows while it runs. */
function progressPrinter(started: number): (p: TaskProgress) => void {
  let lastPhase = '';
  let lastTenth = -1;
  return (p) => {
    const tenth = p.total > 0 ? Math.floor((10 * p.done) / p.total) : 0;
    if (p.phase === lastPhase && tenth === lastTenth) return;
    lastPhase = p.phase;
    lastTenth = tenth;
    const at = ((performance.now() - started) / 1000).toFixed(2).padStart(6);
    process.stdout.write(`  ${at}s  ${p.phase} ${p.done}/${p.total}\n`);
  };
}

interface ReadsSeen {
  answered: number;
  failed: number;
  slowestMs: number;
  slowestListMs: number;
  stallMs: number;
  firstFailure: string | null;
}

/**
 * Once the read workers have started, every 100 ms until stopped, the largest business's and all businesses' statistics (30 days), job types and first
 * history page, through `reads` as the app's channels call them; what answered, what failed, the slowest, and the
 * longest stall of this thread's event loop.
 */
async function readsDuringBackgroundWork(db: AppDatabase, reads: ReadPool): Promise<{ stop: () => Promise<ReadsSeen> }> {
  const admin: Actor = { userId: 0, email: 'bench@example.test', role: 'system_admin', businessId: null, businessDisabled: false };
  const largest = db.sqlite.prepare('SELECT business_id FROM job_runs WHERE business_id IS NOT NULL GROUP BY business_id ORDER BY count(*) DESC LIMIT 1');
  const last = db.sqlite.prepare('SELECT max(created_at) FROM job_runs').pluck().get() as number;
  const businessId = (largest.pluck().get() as number | undefined) ?? 1;
  const range = { from: last - 30 * 86_400_000, to: last, timeZone: 'Europe/Berlin' };
  // The workers started first (a history page needs no rollups), so their start is not counted as a wait.
  await reads.run('jobs.list', { actor: admin, scope: { kind: 'all' } }, listJobRunsInput.parse({ limit: 50 }));
  const seen: ReadsSeen = { answered: 0, failed: 0, slowestMs: 0, slowestListMs: 0, stallMs: 0, firstFailure: null };
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const timed = async (list: boolean, read: () => Promise<unknown>) => {
    const started = performance.now();
    try {
      await read();
      seen.answered++;
    } catch (error) {
      seen.failed++;
      seen.firstFailure ??= error instanceof Error ? error.message : String(error);
    }
    const ms = performance.now() - started;
    seen.slowestMs = Math.max(seen.slowestMs, ms);
    if (list) seen.slowestListMs = Math.max(seen.slowestListMs, ms);
  };
  const pending: Promise<void>[] = [];
  const tick = setInterval(() => {
    for (const scope of [{ kind: 'all' as const }, { kind: 'business' as const, businessId }]) {
      const caller = { actor: admin, scope };
      pending.push(
        timed(false, () => reads.run('jobs.stats', caller, range)),
        timed(false, () => reads.run('jobs.types', caller, {})),
        timed(true, () => reads.run('jobs.list', caller, listJobRunsInput.parse({ limit: 50 }))),
      );
    }
  }, 100);
  return {
    async stop() {
      clearInterval(tick);
      await Promise.all(pending);
      delay.disable();
      seen.stallMs = delay.max / 1e6;
      return seen;
    },
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'legacy-adoption-bench-'));
  try {
    const file = path.join(dir, 'automation.db');
    process.stdout.write(`A ${options.revision} server-edition file: ${options.runs} runs, ${options.businesses} businesses…\n`);
    const buildStarted = performance.now();
    if (options.revision === 'pre_tenant') {
      // The same cached file as `npm run bench -- --only adoption` (bench/.data), copied: adoption converts it in place.
      const source = ensureLegacySource(
        { runs: options.runs, businesses: options.businesses, seed: 42 },
        { dataDir: path.join(__dirname, '.data'), log: (line) => process.stdout.write(`${line}\n`) },
      );
      fs.copyFileSync(source.file, file);
    } else {
      createLegacyDatabase(file, { ...options, keepRuns: false, seed: 42 });
    }
    const buildSeconds = (performance.now() - buildStarted) / 1000;
    const bytes = fs.statSync(file).size;
    process.stdout.write(`  ready in ${buildSeconds.toFixed(2)} s (${(bytes / 1e6).toFixed(0)} MB)\n`);

    process.stdout.write('Adopting through openAppDatabase…\n');
    const started = performance.now();
    // As the app opens it: what adoption defers is done afterwards, on worker threads, while it serves: the rollups'
    // count (a statistics read waits for it), then the filter indexes.
    const { db, report } = await openAppDatabase(file, { onProgress: progressPrinter(started), deferredWork: 'leave' });
    const seconds = (performance.now() - started) / 1000;
    // As the app serves meanwhile: reads through its read workers every 100 ms, the main thread's event loop watched.
    const reads = createReadPool(db);
    const during = await readsDuringBackgroundWork(db, reads);
    const countStarted = performance.now();
    const lock = watchWriteLock(db.path);
    const counted = await countRollupsInBackground(db);
    const countSeconds = (performance.now() - countStarted) / 1000;
    const held = lock.stop();
    const indexesStarted = performance.now();
    const deferred = await buildDeferredIndexesInBackground(db);
    const indexSeconds = (performance.now() - indexesStarted) / 1000;
    const seen = await during.stop();
    await reads.close();
    const fileBytes = fs.statSync(file).size + (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0);
    db.close();

    const adoption = report.adoption;
    if (!adoption) throw new Error('The file was not adopted');
    const inside = Object.values(adoption.phaseMs).reduce((a, b) => a + b, 0);
    const phases = { ...adoption.phaseMs, 'commit and rest of startup': Math.round(seconds * 1000 - inside) };
    process.stdout.write('\nPhase                          ms\n');
    for (const [phase, ms] of Object.entries(phases)) process.stdout.write(`  ${phase.padEnd(28)} ${String(ms).padStart(6)}\n`);
    process.stdout.write(
      `\nruns ${adoption.runs}  businesses ${adoption.businesses}  users ${adoption.users}  orphans ${adoption.orphans}\n` +
        `adoption ${seconds.toFixed(2)} s  ${Math.round(adoption.runs / seconds).toLocaleString('en-US')} runs/s  ` +
        `(preparing the file ${buildSeconds.toFixed(2)} s, not included)\n` +
        `then, in the background (the app serving meanwhile): the rollups counted in ${countSeconds.toFixed(2)} s ${counted ?? 'by a count already under way'} ` +
        `(the write lock held ${held.totalMs.toFixed(0)} ms of it, at most ${held.longestMs.toFixed(0)} ms at once; statistics ready ` +
        `${(seconds + countSeconds).toFixed(2)} s after the start), ${deferred} deferred indexes built in ${indexSeconds.toFixed(2)} s\n` +
        `reads during the background work (statistics, job types, history; every 100 ms through the read workers): ${seen.answered} ` +
        `answered, ${seen.failed} failed, slowest ${seen.slowestMs.toFixed(0)} ms (statistics waiting for the count), history pages ` +
        `slowest ${seen.slowestListMs.toFixed(1)} ms; the main thread's event loop stalled at most ${seen.stallMs.toFixed(0)} ms\n` +
        `file ${(fileBytes / 1e6).toFixed(0)} MB (with its WAL), peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`,
    );
    if (seen.firstFailure) process.stdout.write(`first failed read: ${seen.firstFailure}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * How long a background step of this process holds `file`'s write lock from now until stop() (writeLockHeldInBackground,
 * looked at every millisecond): in all, and at most at once.
 */
function watchWriteLock(file: string): { stop(): { totalMs: number; longestMs: number } } {
  let totalMs = 0;
  let longestMs = 0;
  let heldSince: number | null = null;
  /** A hold that has ended by `now` is added up. */
  const released = (now: number) => {
    if (heldSince === null) return;
    totalMs += now - heldSince;
    longestMs = Math.max(longestMs, now - heldSince);
    heldSince = null;
  };
  const look = () => {
    const now = performance.now();
    if (writeLockHeldInBackground(file)) heldSince ??= now;
    else released(now);
  };
  look();
  const timer = setInterval(look, 1);
  return {
    stop() {
      clearInterval(timer);
      released(performance.now());
      return { totalMs, longestMs };
    },
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
