// Builds test data on a real database file: businesses, users, and runs (in bulk, or each with every field
// chosen) for a business, system-wide, or as orphans.
import { eq } from 'drizzle-orm';
import { type RunTags, tagsJson } from '../../src-shared/tags';
import { afterEach } from 'vitest';
import type { RunStatus, RunTrigger, UserRole } from '../../src-shared/domain';
import type { AppDatabase } from '../../src-main/db/connection';
import { businesses, type BusinessRow, type JobRunInsert } from '../../src-main/db/schema';
import { openAppDatabase } from '../../src-main/startup';
import { createBusiness } from '../../src-main/accounts/businesses';
import { MIGRATIONS_FOLDER, tempDbPath } from './temp';

const opened: AppDatabase[] = [];

afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

/** A migrated, empty database in a fresh temp folder, closed after the current test. */
export async function createTestDatabase(file: string = tempDbPath()): Promise<AppDatabase> {
  const { db } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER });
  opened.push(db);
  return db;
}

let businessCounter = 0;

export function seedBusiness(db: AppDatabase, options: { name?: string; legacyId?: string; disabled?: boolean } = {}): BusinessRow {
  const business = createBusiness(db, { name: options.name ?? `Business ${++businessCounter}`, legacyId: options.legacyId });
  if (!options.disabled) return business;
  return db.orm.update(businesses).set({ disabledAt: Date.now() }).where(eq(businesses.id, business.id)).returning().get();
}

/** Whose runs to make. Orphans are made the way adoption leaves them: business-scoped, no business. */
export type SeedOwner =
  | { kind: 'business'; businessId: number }
  | { kind: 'system' }
  | { kind: 'orphan'; orphanedFrom?: string };

export interface SeedRunsOptions {
  /** Cycled over the runs; default all 'completed'. */
  statuses?: readonly RunStatus[];
  jobType?: string;
  /** created_at of the first run; each next one is `stepMs` later. */
  startAt?: number;
  stepMs?: number;
  /** duration_ms of every run (default NULL). */
  durationMs?: number | null;
}

/** Inserts `count` runs in one transaction and returns their ids in insertion order. */
export function seedRuns(db: AppDatabase, owner: SeedOwner, count: number, options: SeedRunsOptions = {}): number[] {
  const statuses = options.statuses ?? ['completed'];
  const startAt = options.startAt ?? 1_700_000_000_000;
  const stepMs = options.stepMs ?? 1000;
  // A prepared statement rather than the query builder: 100,000 runs seed in well under a second.
  const insert = db.sqlite.prepare(
    `INSERT INTO job_runs (scope, business_id, orphaned_from, job_type, status, trigger, created_at, duration_ms)
     VALUES (@scope, @businessId, @orphanedFrom, @jobType, @status, @trigger, @createdAt, @durationMs)`,
  );
  const row = {
    scope: owner.kind === 'system' ? 'system' : 'business',
    businessId: owner.kind === 'business' ? owner.businessId : null,
    orphanedFrom: owner.kind === 'orphan' ? (owner.orphanedFrom ?? 'missing-business') : null,
    jobType: options.jobType ?? 'diagnostics.probe',
    trigger: owner.kind === 'system' ? 'system' : owner.kind === 'orphan' ? 'legacy' : 'manual',
    durationMs: options.durationMs ?? null,
  } satisfies Partial<JobRunInsert>;
  return db.sqlite.transaction(() =>
    Array.from({ length: count }, (_, i) => {
      const values = { ...row, status: statuses[i % statuses.length]!, createdAt: startAt + i * stepMs };
      return Number(insert.run(values).lastInsertRowid);
    }),
  )();
}

/** One run with the fields a test cares about; the rest take plausible defaults. */
export interface SeedRun {
  owner: SeedOwner;
  createdAt: number;
  jobType?: string;
  status?: RunStatus;
  trigger?: RunTrigger;
  triggeredByUserId?: number | null;
  legacyId?: string | null;
  error?: string | null;
  startedAt?: number | null;
  finishedAt?: number | null;
  durationMs?: number | null;
  heartbeatAt?: number | null;
  tags?: RunTags;
}

/** Inserts the runs as given (no lifecycle rules applied) in one transaction; returns their ids in order. */
export function insertRuns(db: AppDatabase, runs: readonly SeedRun[]): number[] {
  const insert = db.sqlite.prepare(
    `INSERT INTO job_runs (scope, business_id, orphaned_from, legacy_id, job_type, status, trigger, triggered_by_user_id,
                           error, created_at, started_at, finished_at, duration_ms, heartbeat_at, tags)
     VALUES (@scope, @businessId, @orphanedFrom, @legacyId, @jobType, @status, @trigger, @triggeredByUserId,
             @error, @createdAt, @startedAt, @finishedAt, @durationMs, @heartbeatAt, @tags)`,
  );
  return db.sqlite.transaction(() =>
    runs.map((run) => {
      const { owner } = run;
      const values = {
        scope: owner.kind === 'system' ? 'system' : 'business',
        businessId: owner.kind === 'business' ? owner.businessId : null,
        orphanedFrom: owner.kind === 'orphan' ? (owner.orphanedFrom ?? 'missing-business') : null,
        legacyId: run.legacyId ?? null,
        jobType: run.jobType ?? 'diagnostics.probe',
        status: run.status ?? 'completed',
        trigger: run.trigger ?? (owner.kind === 'system' ? 'system' : owner.kind === 'orphan' ? 'legacy' : 'manual'),
        triggeredByUserId: run.triggeredByUserId ?? null,
        error: run.error ?? null,
        createdAt: run.createdAt,
        startedAt: run.startedAt ?? null,
        finishedAt: run.finishedAt ?? null,
        durationMs: run.durationMs ?? null,
        heartbeatAt: run.heartbeatAt ?? null,
        tags: tagsJson(run.tags),
      };
      return Number(insert.run(values).lastInsertRowid);
    }),
  )();
}

let userCounter = 0;

/** A user row (no password), for runs that name who triggered them. */
export function seedUser(db: AppDatabase, options: { role?: UserRole; businessId?: number | null; email?: string } = {}): number {
  const insert = db.sqlite.prepare('INSERT INTO users (email, role, business_id, created_at) VALUES (?, ?, ?, ?)');
  const email = options.email ?? `user${++userCounter}@example.test`;
  return Number(insert.run(email, options.role ?? 'member', options.businessId ?? null, Date.now()).lastInsertRowid);
}

/** Who owns each run, read with plain SQL: the oracle the scoped services are checked against. */
export interface RunOwnership {
  id: number;
  scope: 'business' | 'system';
  businessId: number | null;
  orphanedFrom: string | null;
}

export function readRunOwnership(db: AppDatabase): RunOwnership[] {
  return db.sqlite
    .prepare('SELECT id, scope, business_id AS businessId, orphaned_from AS orphanedFrom FROM job_runs ORDER BY id')
    .all() as RunOwnership[];
}

export function isOrphan(run: RunOwnership): boolean {
  return run.scope === 'business' && run.businessId === null;
}

export interface AuditRecord {
  action: string;
  actorLabel: string;
  businessId: number | null;
  details: Record<string, unknown>;
}

export function readAuditEvents(db: AppDatabase): AuditRecord[] {
  const rows = db.sqlite
    .prepare('SELECT action, actor_label AS actorLabel, business_id AS businessId, details FROM audit_events ORDER BY id')
    .all() as (Omit<AuditRecord, 'details'> & { details: string })[];
  return rows.map((row) => ({ ...row, details: JSON.parse(row.details) as Record<string, unknown> }));
}
