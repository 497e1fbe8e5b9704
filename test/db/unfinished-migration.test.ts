// Migration 0014 (drizzle/0014_unfinished_runs_heartbeat.sql): adopted runs an earlier version left pending or running,
// or bent on its first start (ran and failed them, or failed them as interrupted at that start), become unfinished
// again; every run this app queued itself, and every outcome the server edition recorded, stays as it was.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { dailyRollupDrift, runCountDrift } from '../../src-main/db/rollup-drift';
import { openAppDatabase } from '../../src-main/startup';
import { INTERRUPTED_ERROR } from '../../src-main/jobs/runner';
import { migrationsFolder } from '../helpers/migrations';
import { tempDbPath } from '../helpers/temp';

const BEFORE_0014 = 14;
const HOUR = 3_600_000;
const T = Date.UTC(2025, 5, 1);
/** The start of the app that bent them, days after the server edition last wrote anything. */
const FIRST_START = T + 40 * 24 * HOUR;

interface Run {
  label: string;
  scope?: 'business' | 'system';
  trigger: string;
  status: string;
  jobType?: string;
  error?: string | null;
  startedAt?: number | null;
  finishedAt?: number | null;
  durationMs?: number | null;
}

const RUNS: Run[] = [
  // Bent by an earlier version: recovery failed an adopted running run at its first start.
  { label: 'adopted running, failed as interrupted', trigger: 'legacy', status: 'failed', error: INTERRUPTED_ERROR, startedAt: T, finishedAt: FIRST_START, durationMs: FIRST_START - T },
  // Bent by an earlier version: the runner claimed an adopted pending run and had no handler for it.
  {
    label: 'adopted pending, claimed and failed',
    trigger: 'legacy',
    status: 'failed',
    jobType: 'sync_orders',
    error: 'unknown job type "sync_orders": this app has no handler for it',
    startedAt: FIRST_START,
    finishedAt: FIRST_START,
    durationMs: 0,
  },
  // Adopted by an earlier version whose runner never started.
  { label: 'adopted pending', trigger: 'legacy', status: 'pending' },
  { label: 'adopted running', trigger: 'legacy', status: 'running', startedAt: T },
  // Recorded by the server edition: kept.
  { label: 'adopted failed', trigger: 'legacy', status: 'failed', error: 'Error 7: something broke', startedAt: T, finishedAt: T + 5_000, durationMs: 5_000 },
  { label: 'adopted completed', trigger: 'legacy', status: 'completed', startedAt: T, finishedAt: T + 9_000, durationMs: 9_000 },
  // This app's own runs: an interruption it recorded, and its queue, stay.
  { label: 'app run interrupted', trigger: 'manual', status: 'failed', error: INTERRUPTED_ERROR, startedAt: T, finishedAt: T + 1_000, durationMs: 1_000 },
  { label: 'app run pending', trigger: 'manual', status: 'pending' },
  { label: 'system run interrupted', scope: 'system', trigger: 'system', status: 'failed', error: INTERRUPTED_ERROR, startedAt: T, finishedAt: T + 2_000, durationMs: 2_000 },
];

describe('migration 0014 and the runs earlier versions bent', () => {
  it('makes adopted runs that had not finished unfinished, without the times and errors the app invented, and keeps every other run', async () => {
    const file = tempDbPath();
    const { db: old } = await openAppDatabase(file, { migrationsFolder: migrationsFolder({ keep: BEFORE_0014 }) });
    const ids = new Map<string, number>();
    try {
      const businessId = Number(old.sqlite.prepare("INSERT INTO businesses (name, created_at) VALUES ('Acme', ?)").run(T).lastInsertRowid);
      const insert = old.sqlite.prepare(
        `INSERT INTO job_runs (scope, business_id, job_type, status, trigger, error, created_at, started_at, finished_at, duration_ms)
         VALUES (@scope, @businessId, @jobType, @status, @trigger, @error, @createdAt, @startedAt, @finishedAt, @durationMs)`,
      );
      for (const run of RUNS) {
        const scope = run.scope ?? 'business';
        const values = {
          scope,
          businessId: scope === 'system' ? null : businessId,
          jobType: run.jobType ?? 'diagnostics.probe',
          status: run.status,
          trigger: run.trigger,
          error: run.error ?? null,
          createdAt: T - HOUR,
          startedAt: run.startedAt ?? null,
          finishedAt: run.finishedAt ?? null,
          durationMs: run.durationMs ?? null,
        };
        ids.set(run.label, Number(insert.run(values).lastInsertRowid));
      }
    } finally {
      old.close();
    }
    const before = readRuns(file);

    const { db, report } = await openAppDatabase(file, {});
    try {
      expect(report.migrated).toMatchObject({ from: BEFORE_0014 });
      const after = readRuns(file);
      const unfinished = { status: 'unfinished', error: null, finished_at: null, duration_ms: null, heartbeat_at: null };
      const expected = new Map<string, Record<string, unknown>>(
        RUNS.map((run) => [run.label, { ...before.get(ids.get(run.label)!)!, heartbeat_at: null, rerun_of_run_id: null, tags: null }]),
      );
      Object.assign(expected.get('adopted running, failed as interrupted')!, unfinished);
      // Its start was the claim's, not the server edition's: it had none.
      Object.assign(expected.get('adopted pending, claimed and failed')!, unfinished, { started_at: null });
      Object.assign(expected.get('adopted pending')!, { status: 'unfinished' });
      Object.assign(expected.get('adopted running')!, { status: 'unfinished' });
      for (const run of RUNS) expect(after.get(ids.get(run.label)!), run.label).toEqual(expected.get(run.label));

      // The rollups followed (the triggers were created again before the repair), and the repair is on record.
      expect(runCountDrift(db.sqlite)).toEqual([]);
      expect(dailyRollupDrift(db.sqlite)).toEqual([]);
      expect(db.sqlite.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'job_runs'").pluck().get()).toBe(31);
      const audit = db.sqlite.prepare("SELECT actor_label, details FROM audit_events WHERE action = 'runs.restored_unfinished'").all() as { actor_label: string; details: string }[];
      expect(audit).toHaveLength(1);
      expect(audit[0]!.actor_label).toBe('startup');
      expect(JSON.parse(audit[0]!.details)).toMatchObject({ count: 2 });
    } finally {
      db.close();
    }
  });
});

function readRuns(file: string): Map<number, Record<string, unknown>> {
  const sqlite = new Database(file, { readonly: true });
  try {
    const rows = sqlite.prepare('SELECT * FROM job_runs ORDER BY id').all() as Record<string, unknown>[];
    return new Map(rows.map((row) => [row.id as number, row]));
  } finally {
    sqlite.close();
  }
}
