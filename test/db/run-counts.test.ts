// The rollups of job_runs (job_run_counts, job_run_daily, and the daily and weekly duration histograms) equal a recount of job_runs
// after any sequence of writes through the product's paths (create, start, finish, progress, orphan assign and
// delete, business delete with its cascade, a change of job type, duration or creation time), after the
// migrations that introduced them, and after legacy adoption.
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadMigrations, runMigrationStatements } from '../../src-main/db/migrations';
import { dailyRollupDrift, runCountDrift } from '../../src-main/db/rollup-drift';
import { type AuditActor } from '../../src-main/audit/record';
import { getJobTypes, countJobRuns, countJobRunsByOwner } from '../../src-main/history/runs';
import { createJobRun, finishJobRun, recordRunProgress, startJobRun, type RunOutcome } from '../../src-main/lifecycle/runs';
import { assignOrphans, deleteOrphans } from '../../src-main/orphans/orphans';
import type { TenantScope } from '../../src-shared/tenancy';
import { createTestDatabase, seedBusiness, seedRuns } from '../helpers/seed';
import { MIGRATIONS_FOLDER } from '../helpers/temp';

const actor: AuditActor = { kind: 'app', label: 'cli' };
const JOB_TYPES = ['diagnostics.probe', 'legacy.cleanup', 'reports.monthly_usage'] as const;

type Op =
  | { kind: 'seed'; owner: number; jobType: number; count: number; durationMs: number | null }
  | { kind: 'create'; owner: number }
  | { kind: 'assign'; business: number; share: number; all: boolean }
  | { kind: 'deleteOrphans'; share: number; all: boolean }
  | { kind: 'deleteBusiness'; business: number }
  | { kind: 'retype'; share: number; jobType: number }
  | { kind: 'start'; share: number; at: number }
  | { kind: 'finish'; share: number; outcome: number; at: number }
  | { kind: 'progress'; share: number }
  | { kind: 'reduration'; share: number; durationMs: number | null }
  | { kind: 'redate'; share: number; days: number };

const OUTCOMES: RunOutcome[] = [{ status: 'completed' }, { status: 'failed', error: 'boom' }, { status: 'cancelled' }];
const SEED_AT = 1_700_000_000_000;
const HOUR = 3_600_000;

/** Durations: a few fixed values, so histogram keys collide (the upsert's conflict path), and any value. */
const DURATION = fc.oneof(fc.constantFrom(0, 7, 900, 50_000), fc.integer({ min: -5, max: 100_000 }));

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('seed' as const),
    owner: fc.nat(4),
    jobType: fc.nat(2),
    count: fc.integer({ min: 1, max: 6 }),
    // Seeded finished with a duration: the histograms' insert path, with keys that collide.
    durationMs: fc.option(DURATION, { nil: null }),
  }),
  fc.record({ kind: fc.constant('create' as const), owner: fc.nat(3) }),
  // all: the selection { kind: 'all' }; a share of 1 selects every orphan by id. Both move the rollups by key.
  fc.record({ kind: fc.constant('assign' as const), business: fc.nat(2), share: fc.double({ min: 0, max: 1, noNaN: true }), all: fc.boolean() }),
  fc.record({ kind: fc.constant('deleteOrphans' as const), share: fc.double({ min: 0, max: 1, noNaN: true }), all: fc.boolean() }),
  fc.record({ kind: fc.constant('deleteBusiness' as const), business: fc.nat(2) }),
  fc.record({ kind: fc.constant('retype' as const), share: fc.double({ min: 0, max: 1, noNaN: true }), jobType: fc.nat(2) }),
  fc.record({ kind: fc.constant('start' as const), share: fc.double({ min: 0, max: 1, noNaN: true }), at: fc.integer({ min: 0, max: 60 * HOUR }) }),
  fc.record({ kind: fc.constant('finish' as const), share: fc.double({ min: 0, max: 1, noNaN: true }), outcome: fc.nat(2), at: fc.integer({ min: 0, max: 60 * HOUR }) }),
  fc.record({ kind: fc.constant('progress' as const), share: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({
    kind: fc.constant('reduration' as const),
    share: fc.double({ min: 0, max: 1, noNaN: true }),
    durationMs: fc.option(DURATION, { nil: null }),
  }),
  fc.record({ kind: fc.constant('redate' as const), share: fc.double({ min: 0, max: 1, noNaN: true }), days: fc.integer({ min: -2, max: 2 }) }),
);

/** The first `share` of a list (at least one when it has any). */
const some = <T,>(items: T[], share: number): T[] => items.slice(0, Math.max(1, Math.ceil(items.length * share)));

describe('the rollups of job_runs: per owner and job type (job_run_counts), per owner, UTC day, type and status (job_run_daily) and duration histograms per owner, UTC day or week, and type (job_run_daily_histograms, job_run_weekly_histograms)', () => {
  it('equals a recount of job_runs after any sequence of writes, and the readers agree with it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const db = await createTestDatabase();
        const businesses = [seedBusiness(db).id, seedBusiness(db).id, seedBusiness(db).id];
        const alive = () => businesses.filter((id) => db.sqlite.prepare('SELECT 1 FROM businesses WHERE id = ?').get(id));
        const idsWithStatus = (...statuses: string[]) =>
          db.sqlite.prepare(`SELECT id FROM job_runs WHERE status IN (${statuses.map(() => '?').join(', ')}) ORDER BY id`).pluck().all(...statuses) as number[];
        const orphanIds = () => db.sqlite.prepare("SELECT id FROM job_runs WHERE scope = 'business' AND business_id IS NULL ORDER BY id").pluck().all() as number[];
        for (const step of ops) {
          const live = alive();
          switch (step.kind) {
            case 'seed': {
              const owner =
                step.owner === 3 ? { kind: 'system' as const } : step.owner === 4 || live.length === 0 ? { kind: 'orphan' as const } : { kind: 'business' as const, businessId: live[step.owner % live.length]! };
              seedRuns(db, owner, step.count, {
                jobType: JOB_TYPES[step.jobType],
                statuses: step.durationMs === null ? ['pending', 'running', 'completed'] : ['completed', 'failed'],
                startAt: SEED_AT,
                stepMs: 7 * HOUR,
                durationMs: step.durationMs,
              });
              break;
            }
            case 'create':
              if (step.owner === 3) createJobRun(db, { kind: 'system' }, { jobType: 'diagnostics.probe', trigger: 'manual' });
              else if (live.length > 0) createJobRun(db, { kind: 'business', businessId: live[step.owner % live.length]! }, { jobType: 'diagnostics.probe', trigger: 'manual' });
              break;
            case 'assign': {
              const ids = some(orphanIds(), step.share);
              const selection = step.all ? { kind: 'all' as const } : { kind: 'ids' as const, ids };
              if (live.length > 0 && ids.length > 0) assignOrphans(db, live[step.business % live.length]!, selection, { actor, expectedCount: step.all ? orphanIds().length : ids.length });
              break;
            }
            case 'deleteOrphans': {
              const ids = some(orphanIds(), step.share);
              const selection = step.all ? { kind: 'all' as const } : { kind: 'ids' as const, ids };
              if (ids.length > 0) await deleteOrphans(db, selection, { actor, expectedCount: step.all ? orphanIds().length : ids.length });
              break;
            }
            case 'deleteBusiness':
              // The foreign key's ON DELETE CASCADE removes its runs: the delete trigger fires for each.
              if (live.length > 0) db.sqlite.prepare('DELETE FROM businesses WHERE id = ?').run(live[step.business % live.length]);
              break;
            case 'retype': {
              const ids = some(db.sqlite.prepare('SELECT id FROM job_runs ORDER BY id DESC').pluck().all() as number[], step.share);
              const update = db.sqlite.prepare('UPDATE job_runs SET job_type = ? WHERE id = ?');
              for (const id of ids) update.run(JOB_TYPES[step.jobType], id);
              break;
            }
            case 'start':
              for (const id of some(idsWithStatus('pending'), step.share)) startJobRun(db, { kind: 'all' }, id, SEED_AT + step.at);
              break;
            case 'finish':
              for (const id of some(idsWithStatus('running', 'pending'), step.share)) finishJobRun(db, { kind: 'all' }, id, OUTCOMES[step.outcome]!, SEED_AT + 60 * HOUR + step.at);
              break;
            case 'progress':
              // Touches none of the rollups' columns: their triggers must not fire (and nothing may change).
              for (const id of some(idsWithStatus('running'), step.share)) recordRunProgress(db, { kind: 'all' }, id, 0.5, 'halfway', Date.now());
              break;
            case 'reduration': {
              const update = db.sqlite.prepare('UPDATE job_runs SET duration_ms = ? WHERE id = ?');
              for (const id of some(db.sqlite.prepare('SELECT id FROM job_runs ORDER BY id').pluck().all() as number[], step.share)) update.run(step.durationMs, id);
              break;
            }
            case 'redate': {
              const update = db.sqlite.prepare('UPDATE job_runs SET created_at = created_at + ? WHERE id = ?');
              for (const id of some(db.sqlite.prepare('SELECT id FROM job_runs ORDER BY id DESC').pluck().all() as number[], step.share)) update.run(step.days * 24 * HOUR + 1, id);
              break;
            }
          }
          expect(runCountDrift(db.sqlite), JSON.stringify(step)).toEqual([]);
          expect(dailyRollupDrift(db.sqlite), JSON.stringify(step)).toEqual([]);
        }

        const scopes: TenantScope[] = [{ kind: 'all' }, { kind: 'system' }, { kind: 'orphans' }, ...businesses.map((businessId) => ({ kind: 'business' as const, businessId }))];
        for (const scope of scopes) {
          const where =
            scope.kind === 'all' ? '1 = 1' : scope.kind === 'system' ? "scope = 'system'" : scope.kind === 'orphans' ? "scope = 'business' AND business_id IS NULL" : `business_id = ${scope.businessId}`;
          const counted = db.sqlite.prepare(`SELECT job_type AS jobType, count(*) AS runs FROM job_runs WHERE ${where} GROUP BY job_type`).all() as { jobType: string; runs: number }[];
          const seen = Object.fromEntries(getJobTypes(db, scope).filter((type) => type.runs > 0).map((type) => [type.key, type.runs]));
          expect(seen, JSON.stringify(scope)).toEqual(Object.fromEntries(counted.map((row) => [row.jobType, row.runs])));
          expect(countJobRuns(db, scope)).toBe(counted.reduce((sum, row) => sum + row.runs, 0));
        }
        const owners = db.sqlite.prepare('SELECT scope, business_id AS businessId, count(*) AS runs FROM job_runs GROUP BY scope, business_id').all();
        const byKey = (rows: { scope: string; businessId: number | null }[]) => [...rows].sort((x, y) => `${x.scope}:${x.businessId}`.localeCompare(`${y.scope}:${y.businessId}`));
        expect(byKey(countJobRunsByOwner(db, { kind: 'all' }))).toEqual(byKey(owners as { scope: string; businessId: number | null }[]));
        db.close();
      }),
      { numRuns: 40 },
    );
  });

  it('assigning or deleting every orphan moves or removes their rollup rows by key, and every rollup equals a recount', async () => {
    const db = await createTestDatabase();
    const acme = seedBusiness(db).id;
    const globex = seedBusiness(db).id;
    // Same days and job types for the business and the orphans, so moved keys meet keys the business already has.
    const shape = { statuses: ['completed', 'failed', 'running', 'cancelled'] as const, startAt: SEED_AT, stepMs: 5 * HOUR };
    for (const jobType of JOB_TYPES) {
      seedRuns(db, { kind: 'business', businessId: acme }, 40, { ...shape, jobType });
      seedRuns(db, { kind: 'orphan' }, 60, { ...shape, jobType });
    }
    const durations = db.sqlite.prepare('UPDATE job_runs SET duration_ms = (id * 7919) % 100000 WHERE id % 5 <> 0');
    durations.run();
    const rowsOf = (owner: number) => db.sqlite.prepare('SELECT count(*) FROM job_run_daily WHERE owner = ?').pluck().get(owner) as number;
    expect(rowsOf(-1)).toBeGreaterThan(0);
    assignOrphans(db, acme, { kind: 'all' }, { actor, expectedCount: 180 });
    expect(rowsOf(-1)).toBe(0);
    expect(runCountDrift(db.sqlite)).toEqual([]);
    expect(dailyRollupDrift(db.sqlite)).toEqual([]);

    const orphans = seedRuns(db, { kind: 'orphan' }, 90, { ...shape, jobType: JOB_TYPES[1] });
    durations.run();
    assignOrphans(db, globex, { kind: 'ids', ids: orphans }, { actor, expectedCount: 90 });
    expect(dailyRollupDrift(db.sqlite)).toEqual([]);
    expect(runCountDrift(db.sqlite)).toEqual([]);

    seedRuns(db, { kind: 'orphan' }, 70, { ...shape, jobType: JOB_TYPES[2] });
    durations.run();
    await deleteOrphans(db, { kind: 'all' }, { actor, expectedCount: 70 });
    expect(
      ['job_run_counts', 'job_run_daily', 'job_run_daily_histograms', 'job_run_weekly_histograms'].map((t) =>
        db.sqlite.prepare(`SELECT count(*) FROM ${t} WHERE owner = -1`).pluck().get(),
      ),
    ).toEqual([0, 0, 0, 0]);
    expect(runCountDrift(db.sqlite)).toEqual([]);
    expect(dailyRollupDrift(db.sqlite)).toEqual([]);
    db.close();
  });

  it('the migration that introduces the daily rollups fills them from the runs already there', () => {
    const sqlite = new Database(':memory:');
    const migrations = loadMigrations(MIGRATIONS_FOLDER);
    const introducedAt = migrations.findIndex((m) => m.statements.some((statement) => statement.includes('CREATE TABLE `job_run_daily`')));
    expect(introducedAt).toBeGreaterThan(0);
    runMigrationStatements(sqlite, migrations.slice(0, introducedAt));
    sqlite.exec("INSERT INTO businesses (name, created_at) VALUES ('Acme', 0)");
    const insert = sqlite.prepare("INSERT INTO job_runs (scope, business_id, job_type, status, trigger, created_at, duration_ms) VALUES (?, ?, ?, ?, 'manual', ?, ?)");
    const statuses = ['completed', 'failed', 'running', 'cancelled', 'pending'];
    for (let i = 0; i < 60; i++) {
      insert.run(i % 3 === 0 ? 'system' : 'business', i % 3 === 1 ? 1 : null, JOB_TYPES[i % JOB_TYPES.length], statuses[i % statuses.length], i * 5 * HOUR, i % 7 === 0 ? null : i * 37 - 3);
    }
    runMigrationStatements(sqlite, migrations.slice(introducedAt));
    // Every run through 0012; since 0013 the ended ones (three of the five statuses).
    expect(sqlite.prepare('SELECT sum(runs) FROM job_run_daily').pluck().get()).toBe(36);
    // The histograms come through both steps: rows of job_run_daily_durations (0006), packed (0008).
    expect(sqlite.prepare('SELECT sum(b.value) FROM job_run_daily_histograms AS h, json_each(h.buckets) AS b').pluck().get()).toBe(
      sqlite.prepare("SELECT count(*) FROM job_runs WHERE status IN ('completed', 'failed') AND duration_ms IS NOT NULL").pluck().get(),
    );
    // The runs not yet ended (pending, then running too since 0022) come through the migrations that count them.
    expect(sqlite.prepare('SELECT sum(runs) FROM job_run_active').pluck().get()).toBe(24);
    expect(dailyRollupDrift(sqlite)).toEqual([]);
    sqlite.close();
  });

  it('the migration that introduces it counts the runs already there', () => {
    const sqlite = new Database(':memory:');
    const migrations = loadMigrations(MIGRATIONS_FOLDER);
    const introducedAt = migrations.findIndex((m) => m.statements.some((statement) => statement.includes('CREATE TABLE `job_run_counts`')));
    expect(introducedAt).toBeGreaterThan(0);
    runMigrationStatements(sqlite, migrations.slice(0, introducedAt));
    sqlite.exec("INSERT INTO businesses (name, created_at) VALUES ('Acme', 0)");
    const insert = sqlite.prepare("INSERT INTO job_runs (scope, business_id, job_type, status, trigger, created_at) VALUES (?, ?, ?, 'completed', 'manual', 0)");
    for (let i = 0; i < 30; i++) insert.run(i % 3 === 0 ? 'system' : 'business', i % 3 === 1 ? 1 : null, JOB_TYPES[i % JOB_TYPES.length]);
    runMigrationStatements(sqlite, migrations.slice(introducedAt));
    expect(sqlite.prepare('SELECT sum(runs) FROM job_run_counts').pluck().get()).toBe(30);
    expect(runCountDrift(sqlite)).toEqual([]);
    sqlite.close();
  });
});
