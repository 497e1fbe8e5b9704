// `npm run test:chaos [-- --trials N] [--seed S] [--runs N] [--only runner,orphans.delete,orphans.assign,adoption,restore]`:
// kill -9 trials against the runner, the CLI's bulk orphan operations, adoption and restore, each on a fresh copy of its
// fixture (docs/testing.md, "The chaos trials"). Each kind first runs its operation once to the end (the reference
// and the calibration of when to kill), then its share of the N trials, each killed at a random moment. Prints one
// line per trial and the figures per kind; exits 1 when any trial found a problem, or when no kill of a kind landed
// while its operation was in progress (the trials would have proved nothing).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SeededRandom } from '../helpers/random';
import { adoptionTrialKind } from './adoption';
import { chooseKill, tail, type KillMoment } from './child';
import { orphanTrialKind, sharedPrepare } from './orphans';
import { restoreTrialKind } from './restore';
import { runnerTrialKind } from './runner';
import type { TrialContext, TrialKind, TrialOutcome } from './trial';

interface ChaosOptions {
  trials: number;
  seed: number;
  runs: number;
  only: string[] | null;
  keep: boolean;
}

const DEFAULTS = { trials: 30, runs: 40_000 };

function parseOptions(argv: readonly string[]): ChaosOptions {
  const value = (flag: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const whole = (flag: string, fallback: number) => {
    const text = value(flag);
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text) || Number(text) < 1) throw new Error(`${flag} needs a positive whole number, got "${text}"`);
    return Number(text);
  };
  return {
    trials: whole('--trials', DEFAULTS.trials),
    seed: whole('--seed', 1 + Math.floor(Math.random() * 1_000_000)),
    runs: whole('--runs', DEFAULTS.runs),
    only: value('--only')?.split(',') ?? null,
    keep: argv.includes('--keep'),
  };
}

interface KindFigures {
  trials: number;
  moments: Record<KillMoment, number>;
  failures: number;
  states: Map<string, number>;
  tallies: Map<string, number>;
}

function allKinds(): TrialKind<unknown>[] {
  const orphans = {};
  return [
    runnerTrialKind,
    sharedPrepare(orphanTrialKind('delete'), orphans),
    sharedPrepare(orphanTrialKind('assign'), orphans),
    adoptionTrialKind,
    restoreTrialKind,
  ] as TrialKind<unknown>[];
}

/** Seeds per kind, so `--only` with the same seed replays that kind's trials. */
function kindRandom(seed: number, index: number): () => number {
  const random = new SeededRandom(seed * 31 + index);
  return () => random.next();
}

function printOutcome(number: string, kind: string, outcome: TrialOutcome): void {
  const { run } = outcome;
  const when =
    run.killedAtMs === null
      ? 'ran to its end'
      : `killed ${run.begunAtMs === null ? `${run.killedAtMs} ms after the start` : `${run.killedAtMs - run.begunAtMs} ms into the operation`} → ${run.moment}`;
  const verdict = outcome.problems.length === 0 ? 'ok' : `FAILED\n    ${outcome.problems.join('\n    ')}\n    output: ${tail(run)}`;
  console.log(`${number} ${kind.padEnd(15)} ${outcome.label.padEnd(34)} ${when}; ${outcome.state}: ${verdict}`);
}

function record(figures: KindFigures, outcome: TrialOutcome, killed: boolean): void {
  if (killed) {
    figures.trials++;
    figures.moments[outcome.run.moment]++;
  }
  if (outcome.problems.length > 0) figures.failures++;
  figures.states.set(outcome.state, (figures.states.get(outcome.state) ?? 0) + 1);
  for (const [name, n] of Object.entries(outcome.tallies)) figures.tallies.set(name, (figures.tallies.get(name) ?? 0) + n);
}

async function runKind(kind: TrialKind<unknown>, trials: number, random: () => number, context: TrialContext): Promise<KindFigures> {
  const figures: KindFigures = { trials: 0, moments: { before: 0, mid: 0, after: 0, none: 0 }, failures: 0, states: new Map(), tallies: new Map() };
  const fixture = await kind.prepare(context);
  let calibration = { begunAtMs: 1000, lengthMs: 1000 };
  for (let i = 0; i <= trials; i++) {
    const trialDir = fs.mkdtempSync(path.join(context.dir, `${kind.name}-`));
    const kill = i === 0 ? null : chooseKill(random, calibration);
    const outcome = await kind.trial(context, fixture, trialDir, random, kill);
    if (i === 0 && outcome.run.begunAtMs !== null && outcome.run.endedAtMs !== null) {
      calibration = { begunAtMs: outcome.run.begunAtMs, lengthMs: Math.max(50, outcome.run.endedAtMs - outcome.run.begunAtMs) };
    }
    record(figures, outcome, kill !== null);
    printOutcome(i === 0 ? ' ref' : `#${String(i).padStart(3, '0')}`, kind.name, outcome);
    if (outcome.problems.length === 0) fs.rmSync(trialDir, { recursive: true, force: true });
  }
  return figures;
}

function printFigures(all: Map<string, KindFigures>, options: ChaosOptions, seconds: number): number {
  console.log('\nkind             trials  mid-operation  before  after  failures  files found');
  let totals = { trials: 0, mid: 0, failures: 0 };
  let unproven: string[] = [];
  for (const [name, f] of all) {
    const states = [...f.states].map(([state, n]) => `${state} ${n}`).join(', ');
    const row = [f.trials, f.moments.mid, f.moments.before, f.moments.after + f.moments.none, f.failures].map((n, i) => String(n).padStart([6, 15, 8, 7, 10][i]!));
    console.log(`${name.padEnd(15)}${row.join('')}  ${states}`);
    for (const [tally, n] of [...f.tallies].sort()) console.log(`${''.padEnd(17)}${String(n).padStart(4)}  ${tally}`);
    totals = { trials: totals.trials + f.trials, mid: totals.mid + f.moments.mid, failures: totals.failures + f.failures };
    if (f.trials >= 3 && f.moments.mid === 0) unproven = [...unproven, name];
  }
  console.log(
    `\nchaos: ${totals.trials} trials, ${totals.mid} kills mid-operation, ${totals.failures} failures ` +
      `(seed ${options.seed}, ${options.runs.toLocaleString('en-US')}-run fixtures, ${seconds.toFixed(0)} s)`,
  );
  if (unproven.length > 0) console.log(`chaos: no kill landed mid-operation for ${unproven.join(', ')}: those trials proved nothing`);
  return totals.failures > 0 || unproven.length > 0 ? 1 : 0;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const names = allKinds().map((kind) => kind.name);
  const kinds = allKinds().filter((kind) => options.only === null || options.only.includes(kind.name));
  if (kinds.length === 0) throw new Error(`--only names no kind; the kinds are ${names.join(', ')}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'automation-chaos-'));
  const context: TrialContext = { dir, runs: options.runs, log: (line) => console.log(`  ${line}`) };
  console.log(`chaos: ${options.trials} trials over ${kinds.map((k) => k.name).join(', ')} (seed ${options.seed}) in ${dir}`);
  const started = performance.now();
  const figures = new Map<string, KindFigures>();
  try {
    for (const [index, kind] of kinds.entries()) {
      const share = Math.floor(options.trials / kinds.length) + (index < options.trials % kinds.length ? 1 : 0);
      figures.set(kind.name, await runKind(kind, share, kindRandom(options.seed, names.indexOf(kind.name)), context));
    }
  } finally {
    const failed = [...figures.values()].some((f) => f.failures > 0);
    if (options.keep || failed) console.log(`chaos: the failed trials' files are kept in ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
  return printFigures(figures, options, (performance.now() - started) / 1000);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
