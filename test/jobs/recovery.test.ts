// A run that a killed app left running ends at its last recorded sign of life, not at the next start.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openAppDatabase } from '../../src-main/startup';
import { INTERRUPTED_ERROR } from '../../src-main/jobs/runner';
import { getJobRun } from '../../src-main/history/runs';
import { createJobRun } from '../../src-main/lifecycle/runs';
import { MIGRATIONS_FOLDER, tempDbPath } from '../helpers/temp';
import { startRunner } from './support';

describe('recovery after the app is killed', () => {
  it('ends the run it was running at its last heartbeat, however long the app stays closed', async () => {
    const file = tempDbPath();
    const { db: setup } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER });
    const run = createJobRun(setup, { kind: 'system' }, { jobType: 'diagnostics.probe', trigger: 'manual', params: { durationMs: 600_000, steps: 1 } });
    setup.close();

    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'crash-child.ts'), file], { cwd: path.resolve(__dirname, '../..') });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const { db } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER });
    try {
      const heartbeat = () => db.sqlite.prepare('SELECT started_at AS startedAt, heartbeat_at AS heartbeatAt FROM job_runs WHERE id = ?').get(run.id) as {
        startedAt: number | null;
        heartbeatAt: number | null;
      };
      // Killed once it has beaten a few times after its start (the child's writes are polled: there is no event to wait on across processes).
      for (let i = 0; i < 500; i++) {
        const seen = heartbeat();
        if (seen.startedAt !== null && seen.heartbeatAt !== null && seen.heartbeatAt >= seen.startedAt + 150) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      const last = heartbeat();
      expect(last.heartbeatAt! - last.startedAt!).toBeGreaterThanOrEqual(150);

      // The next start comes a week later.
      const harness = startRunner(db, { now: () => last.heartbeatAt! + 7 * 86_400_000 });
      expect(harness.recovered).toBe(1);
      expect(getJobRun(db, { kind: 'all' }, run.id)).toMatchObject({
        status: 'failed',
        error: INTERRUPTED_ERROR,
        startedAt: last.startedAt,
        finishedAt: last.heartbeatAt,
        durationMs: last.heartbeatAt! - last.startedAt!,
      });
      await harness.runner.stop();
    } finally {
      child.kill('SIGKILL');
      db.close();
    }
  });
});
