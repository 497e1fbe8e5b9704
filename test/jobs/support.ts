// Drives the real runner with the real handlers on a real database file, and waits on its events (never sleeps).
import { afterEach } from 'vitest';
import type { AppDatabase } from '../../src-main/db/connection';
import { createRunner, type Runner, type RunnerOptions } from '../../src-main/jobs/runner';
import { getJobRun } from '../../src-main/history/runs';
import { createJobRun, type CreateJobRunInput } from '../../src-main/lifecycle/runs';
import { type RunTarget } from '../../src-shared/tenancy';
import type { JobRunDetailView, JobRunView } from '../../src-shared/schemas/jobs';
import type { RunStatus } from '../../src-shared/domain';
// Imported for its afterEach (closing databases): registered before ours, it runs after ours, so runners stop first.
import '../helpers/seed';

const runners: Runner[] = [];

afterEach(async () => {
  for (const runner of runners.splice(0)) await runner.stop();
});

export interface RunnerHarness {
  runner: Runner;
  recovered: number;
  /** Every view onRunChanged was given, in order. */
  events: JobRunView[];
  /** Resolves with the first view (already seen or coming) of the run that matches. */
  until(runId: number, matches: (run: JobRunView) => boolean, timeoutMs?: number): Promise<JobRunView>;
  /** Resolves when the run has finished (completed, failed or cancelled), with its detail from the database. */
  finished(runId: number, timeoutMs?: number): Promise<JobRunDetailView>;
  /** Creates a pending run and wakes the runner, as the app does. */
  trigger(target: RunTarget, input: Omit<CreateJobRunInput, 'trigger'> & { trigger?: CreateJobRunInput['trigger'] }): JobRunView;
}

const FINISHED: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

export function startRunner(db: AppDatabase, options: Partial<RunnerOptions> = {}): RunnerHarness {
  const events: JobRunView[] = [];
  const waiters = new Set<{ runId: number; matches: (run: JobRunView) => boolean; resolve: (run: JobRunView) => void }>();
  const runner = createRunner(db, {
    concurrency: 2,
    progressThrottleMs: 0,
    ...options,
    onRunChanged(run) {
      events.push(run);
      options.onRunChanged?.(run);
      for (const waiter of waiters) {
        if (waiter.runId === run.id && waiter.matches(run)) {
          waiters.delete(waiter);
          waiter.resolve(run);
        }
      }
    },
  });
  runners.push(runner);
  const { recovered } = runner.start();

  function until(runId: number, matches: (run: JobRunView) => boolean, timeoutMs = 5000): Promise<JobRunView> {
    const seen = events.find((run) => run.id === runId && matches(run));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`run ${runId}: the awaited state did not come within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = {
        runId,
        matches,
        resolve: (run: JobRunView) => {
          clearTimeout(timer);
          resolve(run);
        },
      };
      waiters.add(waiter);
    });
  }

  return {
    runner,
    recovered,
    events,
    until,
    async finished(runId, timeoutMs) {
      await until(runId, (run) => FINISHED.includes(run.status), timeoutMs);
      return getJobRun(db, { kind: 'all' }, runId);
    },
    trigger(target, input) {
      const run = createJobRun(db, target, { trigger: 'manual', ...input });
      runner.wake();
      return run;
    },
  };
}

/**
 * Counts the writes of progress to running runs, with a trigger on the real table, in the test's file: a TEMP one
 * would not outlive the runner's first commit, which changes temp_store (db/connection.ts, StatementJournals).
 */
export function countProgressWrites(db: AppDatabase): () => number {
  db.sqlite.exec(`
    CREATE TABLE IF NOT EXISTS test_progress_writes (run_id INTEGER NOT NULL);
    CREATE TRIGGER IF NOT EXISTS test_count_progress_writes AFTER UPDATE OF progress ON job_runs
    WHEN NEW.status = 'running' BEGIN INSERT INTO test_progress_writes VALUES (NEW.id); END;`);
  return () => (db.sqlite.prepare('SELECT count(*) AS n FROM test_progress_writes').get() as { n: number }).n;
}

/** Sets the params of a run inserted by the seed helpers (which leave them `{}`). */
export function setParams(db: AppDatabase, runId: number, params: Record<string, unknown>): void {
  db.sqlite.prepare('UPDATE job_runs SET params = ? WHERE id = ?').run(JSON.stringify(params), runId);
}
