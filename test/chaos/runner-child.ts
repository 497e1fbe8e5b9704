// Run by the chaos suite in its own process until it is killed: opens the database given as argv[2], starts the
// real runner over the real job types, and triggers `count` runs in small transactions (probes of a few
// milliseconds for every business and system-wide, some failing, some cancelled; integrity checks and backups
// system-wide).
// After each commit it appends what it committed to the side file argv[3]: `created <id>` once a run's creation
// has committed, `finished <id> <status>` once its outcome has (the runner's events follow its commits). It prints
// `ready` when it starts triggering and `done` when every run it created has finished.
import fs from 'node:fs';
import path from 'node:path';
import { openAppDatabase } from '../../src-main/startup';
import { createRunner } from '../../src-main/jobs/runner';
import { createJobRun } from '../../src-main/lifecycle/runs';
import { AppError } from '../../src-shared/errors';
import type { RunTarget } from '../../src-shared/tenancy';
import { SeededRandom } from '../helpers/random';

const FINISHED = new Set(['completed', 'failed', 'cancelled']);

async function main(): Promise<void> {
  const [file, ackFile, seedText, countText] = process.argv.slice(2);
  const random = new SeededRandom(Number(seedText));
  const count = Number(countText);
  const { db } = await openAppDatabase(file!, { migrationsFolder: path.resolve(__dirname, '../../drizzle') });
  const ack = fs.openSync(ackFile!, 'a');
  const acknowledge = (line: string) => fs.writeSync(ack, `${line}\n`);
  const businesses = db.sqlite.prepare('SELECT id FROM businesses WHERE disabled_at IS NULL ORDER BY id').pluck().all() as number[];
  const created = new Set<number>();
  const finished = new Set<number>();
  let triggering = true;

  const settled = (view: { id: number; status: string } | null) => {
    if (!view || !FINISHED.has(view.status) || finished.has(view.id)) return;
    finished.add(view.id);
    acknowledge(`finished ${view.id} ${view.status}`);
    if (!triggering && finished.size === created.size) allDone();
  };
  const runner = createRunner(db, { concurrency: 3, heartbeatMs: 50, progressThrottleMs: 10, onRunChanged: settled });
  const allDone = () => {
    process.stdout.write('done\n');
    void runner.stop().then(() => db.close());
  };
  runner.start();
  process.stdout.write('ready\n');

  const runSpec = (): { target: RunTarget; jobType: string; params: Record<string, unknown> } => {
    const roll = random.next();
    if (roll < 0.03) return { target: { kind: 'system' }, jobType: 'maintenance.backup', params: {} };
    if (roll < 0.08) return { target: { kind: 'system' }, jobType: 'maintenance.integrity_check', params: {} };
    const target: RunTarget = roll < 0.2 ? { kind: 'system' } : { kind: 'business', businessId: businesses[random.int(businesses.length)]! };
    return { target, jobType: 'diagnostics.probe', params: { durationMs: random.int(40), steps: 1 + random.int(4), fail: random.next() < 0.1 } };
  };
  let refusedInARow = 0;
  while (created.size < count) {
    const specs = Array.from({ length: 1 + random.int(5) }, runSpec);
    let ids: number[];
    try {
      ids = db.sqlite.transaction(() => specs.map((s) => createJobRun(db, s.target, { jobType: s.jobType, params: s.params, trigger: 'manual' }).id)).immediate();
      refusedInARow = 0;
    } catch (error) {
      // A refusal (a limit the app sets, such as too many pending runs) rolls the batch back: nothing was committed.
      if (!(error instanceof AppError) || error.code === 'INTERNAL' || ++refusedInARow > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    for (const id of ids) {
      created.add(id);
      acknowledge(`created ${id}`);
    }
    runner.wake();
    // A cancel is written before it returns: a pending run is cancelled at once, a running one too (its handler is aborted).
    if (random.next() < 0.2) settled(runner.cancel(ids[random.int(ids.length)]!, null));
    await new Promise((resolve) => setTimeout(resolve, random.int(12)));
  }
  triggering = false;
  if (finished.size === created.size) allDone();
}

void main();
