// Kills while the runner works (runner-child.ts: runs triggered, claimed, run, finished, cancelled, with the group
// commit and the heartbeat). What must hold: every run whose creation the child saw commit exists, and every outcome
// it saw commit is still the run's status; the file passes its checks and its rollups equal a recount, before and
// after the next start, which leaves no run `running` (recovery fails the interrupted ones).
import fs from 'node:fs';
import path from 'node:path';
import { openAppDatabase } from '../../src-main/startup';
import { createRunner } from '../../src-main/jobs/runner';
import { copyDatabaseFile } from '../../bench/dataset';
import { insertBusiness } from '../helpers/contract-data';
import { MIGRATIONS_FOLDER, runChild } from './child';
import { fileChecks, rollupChecks, withFile } from './checks';
import { unkilledProblems, type TrialContext, type TrialKind, type TrialOutcome } from './trial';

/** Runs each child triggers: enough work for a few seconds at most. */
const RUNS_PER_CHILD = 240;

async function prepare(context: TrialContext): Promise<{ file: string }> {
  const file = path.join(context.dir, 'data', 'runner.db');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const { db } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER });
  try {
    for (const name of ['Acme', 'Globex', 'Initech', 'Umbrella']) insertBusiness(db, name);
  } finally {
    db.close();
  }
  return { file };
}

/** What the child saw commit, from its side file. */
export function readAcknowledged(ackFile: string): { created: Set<number>; finished: Map<number, string> } {
  const created = new Set<number>();
  const finished = new Map<number, string>();
  const text = fs.existsSync(ackFile) ? fs.readFileSync(ackFile, 'utf8') : '';
  // A line the kill cut short has no newline: it was not acknowledged whole, so it is not counted.
  for (const line of text.split('\n').slice(0, -1)) {
    const [what, id, status] = line.split(' ');
    if (what === 'created') created.add(Number(id));
    else if (what === 'finished') finished.set(Number(id), status!);
  }
  return { created, finished };
}

export function lostRows(file: string, acknowledged: ReturnType<typeof readAcknowledged>): string[] {
  return withFile(file, (sqlite) => {
    const statusOf = sqlite.prepare('SELECT status FROM job_runs WHERE id = ?').pluck();
    const problems: string[] = [];
    for (const id of acknowledged.created) if (statusOf.get(id) === undefined) problems.push(`run ${id} was created (committed) but is gone`);
    for (const [id, status] of acknowledged.finished) {
      const found = statusOf.get(id) as string | undefined;
      if (found !== status) problems.push(`run ${id} finished ${status} (committed) but is ${found ?? 'gone'}`);
    }
    return problems.slice(0, 10);
  });
}

const trial: TrialKind<{ file: string }>['trial'] = async (_context, fixture, trialDir, random, kill) => {
  const file = path.join(trialDir, 'automation.db');
  copyDatabaseFile(fixture.file, file);
  const ackFile = path.join(trialDir, 'acknowledged.txt');
  const seed = Math.floor(random() * 2 ** 31);
  const run = await runChild({
    script: path.join(__dirname, 'runner-child.ts'),
    args: [file, ackFile, String(seed), String(RUNS_PER_CHILD)],
    begun: /^ready$/m,
    ended: /^done$/m,
    kill,
    timeoutMs: 120_000,
  });
  const acknowledged = readAcknowledged(ackFile);
  const outcome: TrialOutcome = {
    label: `runner, ${acknowledged.created.size} created, ${acknowledged.finished.size} finished`,
    run,
    state: 'unknown',
    problems: [...unkilledProblems(run), ...withFile(file, fileChecks), ...withFile(file, rollupChecks), ...lostRows(file, acknowledged)],
    tallies: {},
  };
  // The next start: recovery fails the runs the kill left running; no job type is served, so nothing else changes.
  const { db } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER });
  try {
    const runner = createRunner(db, { jobTypes: [], onRunChanged: () => {} });
    const { recovered } = runner.start();
    await runner.stop();
    outcome.tallies['runs recovered as interrupted'] = recovered;
    const running = db.sqlite.prepare("SELECT count(*) FROM job_runs WHERE status = 'running'").pluck().get() as number;
    if (running > 0) outcome.problems.push(`after the next start, ${running} runs are still running`);
    outcome.problems.push(...[...fileChecks(db.sqlite), ...rollupChecks(db.sqlite)].map((p) => `after the next start: ${p}`));
    outcome.state = recovered > 0 ? `${recovered} recovered` : 'nothing running';
  } finally {
    db.close();
  }
  outcome.problems.push(...lostRows(file, acknowledged).map((p) => `after the next start: ${p}`));
  return outcome;
};

export const runnerTrialKind: TrialKind<{ file: string }> = { name: 'runner', prepare, trial };
