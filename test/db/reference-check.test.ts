// A file's references are checked when it opens: before anything is served for the CLI (a broken one is refused), and
// after the open on a worker for the app, which serves at once and runs the integrity check when one is broken.
import { describe, expect, it } from 'vitest';
import { createAppCore } from '../../src-main/app-core';
import { listJobRuns } from '../../src-main/history/pages';
import { getJobRun } from '../../src-main/history/runs';
import { openAppDatabase, StartupError } from '../../src-main/startup';
import { listJobRunsInput } from '../../src-shared/schemas/jobs';
import { createTestDatabase, insertRuns, seedBusiness, seedRuns } from '../helpers/seed';
import { MIGRATIONS_FOLDER } from '../helpers/temp';

/** A file of the app's with `runs` runs of a business, and (if `broken`) one run of a business that does not exist. */
async function fileWith(broken: boolean): Promise<{ file: string; brokenRun: number | null }> {
  const db = await createTestDatabase();
  seedRuns(db, { kind: 'business', businessId: seedBusiness(db).id }, 20);
  let brokenRun: number | null = null;
  if (broken) {
    db.sqlite.pragma('foreign_keys = OFF'); // as a tool outside the app could write it
    brokenRun = insertRuns(db, [{ owner: { kind: 'business', businessId: 999 }, createdAt: 1 }])[0] ?? null;
  }
  db.close();
  return { file: db.path, brokenRun };
}

function appOn(file: string, delayMs: number) {
  return createAppCore({ argv: ['--db', file], env: {}, migrationsFolder: MIGRATIONS_FOLDER, reads: 'inline', referenceCheckDelayMs: delayMs });
}

describe('the check of a file’s references', () => {
  it('refuses a file with a broken reference when the CLI opens it', async () => {
    const { file, brokenRun } = await fileWith(true);
    const refusal = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(StartupError);
    expect((refusal as StartupError).reason).toBe('foreign_key_violations');
    expect((refusal as StartupError).message).toContain(`job_runs row ${brokenRun} references a missing businesses row`);
  });

  it('lets the app serve at once, then runs the integrity check, which fails naming the broken reference', async () => {
    const { file, brokenRun } = await fileWith(true);
    const core = appOn(file, 50);
    try {
      const startup = await core.started;
      if (startup.state !== 'ready') throw new Error(`expected ready, got ${startup.failure.message}`);
      expect(startup.report.referencesUnchecked).toBe(true);
      expect(await startup.brokenReferences).toEqual([`job_runs row ${brokenRun} references a missing businesses row`]);
      const system = () => listJobRuns(startup.db, { kind: 'system' }, listJobRunsInput.parse({})).runs;
      await expect.poll(() => system().map((run) => [run.jobType, run.status]), { timeout: 10_000 }).toEqual([['maintenance.integrity_check', 'failed']]);
      const [check] = system();
      const run = getJobRun(startup.db, { kind: 'system' }, check!.id);
      expect(run.trigger).toBe('system');
      expect(run.error).toContain(`foreign key: job_runs row ${brokenRun} references a missing businesses row`);
    } finally {
      await core.close();
    }
  });

  it('finds nothing in a file whose references hold, and starts no run', async () => {
    const { file } = await fileWith(false);
    const core = appOn(file, 0);
    try {
      const startup = await core.started;
      if (startup.state !== 'ready') throw new Error(`expected ready, got ${startup.failure.message}`);
      expect(await startup.brokenReferences).toEqual([]);
      await startup.deferredDone;
      expect(listJobRuns(startup.db, { kind: 'system' }, listJobRunsInput.parse({})).runs).toEqual([]);
    } finally {
      await core.close();
    }
  });

  it('does not start when the app closes first, and does not hold the close up', async () => {
    const { file } = await fileWith(true);
    const core = appOn(file, 60_000);
    const startup = await core.started;
    if (startup.state !== 'ready') throw new Error(`expected ready, got ${startup.failure.message}`);
    const started = performance.now();
    await core.close();
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(await startup.brokenReferences).toEqual([]);
  });
});
