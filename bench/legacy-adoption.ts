// Adoption of a large server-edition database, end to end through openAppDatabase (backup included).
//   npx tsx bench/legacy-adoption.ts --runs 1000000 --businesses 100 [--revision pre_tenant|tenant|cleaned]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildDeferredIndexesInBackground, countRollupsInBackground } from '../src-main/adoption/after-open';
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
    const countStarted = performance.now();
    await countRollupsInBackground(db);
    const countSeconds = (performance.now() - countStarted) / 1000;
    const indexesStarted = performance.now();
    const deferred = await buildDeferredIndexesInBackground(db);
    const indexSeconds = (performance.now() - indexesStarted) / 1000;
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
        `then, in the background (the app serving meanwhile): the rollups counted in ${countSeconds.toFixed(2)} s (statistics ready ` +
        `${(seconds + countSeconds).toFixed(2)} s after the start), ${deferred} deferred indexes built in ${indexSeconds.toFixed(2)} s\n`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
