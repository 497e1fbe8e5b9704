// What `verify` proves: on a scratch database, each tenant scope sees exactly its own runs through the
// scoped services (list, count, stats, detail), and a scoped write cannot reach another business's run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RUN_STATUSES, type RunStatus } from '../../src-shared/domain';
import { AppError } from '../../src-shared/errors';
import type { JobRunView } from '../../src-shared/schemas/jobs';
import type { AppDatabase } from '../db/connection';
import { jobRuns } from '../db/schema';
import { openAppDatabase } from '../startup';
import { createBusiness } from '../accounts/businesses';
import { listJobRuns } from '../history/pages';
import { countJobRuns, getJobRun } from '../history/runs';
import { createJobRun, finishJobRun, startJobRun } from '../lifecycle/runs';
import { getJobRunStats } from '../stats/stats';
import { type RunTarget, type TenantScope } from '../../src-shared/tenancy';
import { runScopeCondition } from '../tenancy/owner-sql';
import { plural } from '../../src-shared/text';

export interface IsolationCheck {
  name: string;
  passed: boolean;
  /** What was expected and found, when it failed. */
  detail?: string;
}

/** Builds the scratch database in a fresh temp folder, runs every check, and removes the folder. */
export async function runIsolationChecks(options: { migrationsFolder?: string; nativeBinding?: string } = {}): Promise<IsolationCheck[]> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'automation-verify-'));
  try {
    const { db } = await openAppDatabase(path.join(folder, 'verify.db'), options);
    try {
      return checkScenario(db, seedScenario(db));
    } finally {
      db.close();
    }
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/** What a check needs to know of a seeded run. */
interface SeededRun {
  id: number;
  status: RunStatus;
  createdAt: number;
}

interface ScopeExpectation {
  label: string;
  scope: TenantScope;
  runs: SeededRun[];
}

interface Scenario {
  expectations: ScopeExpectation[];
  /** A pending run of business B, which business A's scope must not be able to cancel. */
  foreignRun: { ownerScope: TenantScope; intruderScope: TenantScope; runId: number };
}

/** Every scenario run is created within a day of this instant, so one day of statistics covers them all. */
const STATS_FROM = 1_700_000_000_000;

// Different mixes per business, so any leak changes a count or a status total.
const BUSINESS_A_STATUSES: RunStatus[] = ['pending', 'running', 'completed', 'completed', 'failed', 'cancelled'];
const BUSINESS_B_STATUSES: RunStatus[] = ['pending', 'completed', 'failed', 'failed'];

function seedScenario(db: AppDatabase): Scenario {
  const a = createBusiness(db, { name: 'Verify business A' });
  const b = createBusiness(db, { name: 'Verify business B' });
  const scopeA: TenantScope = { kind: 'business', businessId: a.id };
  const scopeB: TenantScope = { kind: 'business', businessId: b.id };
  // Shared timestamps, so newest-first order and paging must break ties by id.
  const at = (i: number) => STATS_FROM + i * 1000;
  const runsA = BUSINESS_A_STATUSES.map((status, i) => seedRun(db, { kind: 'business', businessId: a.id }, status, at(i)));
  const runsB = BUSINESS_B_STATUSES.map((status, i) => seedRun(db, { kind: 'business', businessId: b.id }, status, at(i)));
  const systemRun = seedRun(db, { kind: 'system' }, 'completed', at(2));
  const orphan = seedOrphan(db, at(3));
  return {
    expectations: [
      { label: 'business A', scope: scopeA, runs: runsA },
      { label: 'business B', scope: scopeB, runs: runsB },
      { label: 'system', scope: { kind: 'system' }, runs: [systemRun] },
      { label: 'orphans', scope: { kind: 'orphans' }, runs: [orphan] },
      { label: 'all', scope: { kind: 'all' }, runs: [...runsA, ...runsB, systemRun, orphan] },
    ],
    foreignRun: { ownerScope: scopeB, intruderScope: scopeA, runId: runsB[0]!.id },
  };
}

function seedRun(db: AppDatabase, target: RunTarget, status: RunStatus, createdAt: number): SeededRun {
  const run = createJobRun(db, target, { jobType: 'diagnostics.probe', trigger: 'manual', triggeredBy: 'verify', createdAt });
  const scope: TenantScope = target.kind === 'system' ? { kind: 'system' } : target;
  if (status === 'pending') return run;
  if (status === 'cancelled') return finishJobRun(db, scope, run.id, { status }, createdAt + 10)!;
  const started = startJobRun(db, scope, run.id, createdAt + 10)!;
  if (status === 'running') return started;
  const outcome = status === 'failed' ? { status, error: 'verify: planned failure' } : { status: 'completed' as const, result: { ok: true } };
  return finishJobRun(db, scope, run.id, outcome, createdAt + 20)!;
}

/** Only adopting a server-edition file makes orphans; the scratch database fakes one the way adoption leaves it. */
function seedOrphan(db: AppDatabase, createdAt: number): SeededRun {
  return db.orm
    .insert(jobRuns)
    .values({ scope: 'business', businessId: null, orphanedFrom: 'verify-missing-business', jobType: 'diagnostics.probe', status: 'failed', trigger: 'legacy', createdAt })
    .returning()
    .get();
}

function checkScenario(db: AppDatabase, scenario: Scenario): IsolationCheck[] {
  return [...scenario.expectations.flatMap((expectation) => checkScope(db, expectation)), ...checkScopedWrites(db, scenario), checkFailsClosed()];
}

function checkScope(db: AppDatabase, { label, scope, runs }: ScopeExpectation): IsolationCheck[] {
  const expectedIds = newestFirst(runs).map((run) => run.id);
  const listedIds = listEveryRun(db, scope).map((run) => run.id);
  const expectedStats = { total: runs.length, byStatus: countByStatus(runs) };
  const { total, byStatus } = getJobRunStats(db, scope, { from: STATS_FROM, to: STATS_FROM + 86_400_000, timeZone: 'UTC' });
  const stats = { total, byStatus };
  const counted = countJobRuns(db, scope);
  return [
    compare(`${label}: the list (paged) holds exactly its ${plural(runs.length, 'run')}, newest first`, expectedIds, listedIds),
    compare(`${label}: the count is ${runs.length}`, runs.length, counted),
    compare(`${label}: the statistics count only its runs`, expectedStats, stats),
  ];
}

function checkScopedWrites(db: AppDatabase, { foreignRun }: Scenario): IsolationCheck[] {
  let read = 'shown';
  try {
    getJobRun(db, foreignRun.intruderScope, foreignRun.runId);
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') read = 'not found';
  }
  const intruded = finishJobRun(db, foreignRun.intruderScope, foreignRun.runId, { status: 'cancelled' });
  const stillPending = listEveryRun(db, foreignRun.ownerScope).find((run) => run.id === foreignRun.runId)?.status === 'pending';
  return [
    compare("business A cannot read business B's run: it is not found", 'not found', read),
    compare("business A cannot cancel business B's run", 'refused, run unchanged', intruded === null && stillPending ? 'refused, run unchanged' : 'changed'),
  ];
}

function checkFailsClosed(): IsolationCheck {
  const scopeWithoutId = { kind: 'business' } as unknown as TenantScope;
  let outcome = 'accepted';
  try {
    runScopeCondition(scopeWithoutId);
  } catch {
    outcome = 'refused';
  }
  return compare('a business scope without a business id is refused, not widened', 'refused', outcome);
}

/** Walks every page with a small page size, so the keyset cursor is part of what is checked. */
function listEveryRun(db: AppDatabase, scope: TenantScope): JobRunView[] {
  const runs: JobRunView[] = [];
  let cursor: string | null = null;
  do {
    const page = listJobRuns(db, scope, { filters: {}, sort: { field: 'createdAt', direction: 'desc' }, cursor, limit: 3 });
    runs.push(...page.runs);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return runs;
}

function newestFirst(runs: SeededRun[]): SeededRun[] {
  return [...runs].sort((x, y) => y.createdAt - x.createdAt || y.id - x.id);
}

function countByStatus(runs: SeededRun[]): Record<RunStatus, number> {
  const counts = Object.fromEntries(RUN_STATUSES.map((status) => [status, 0])) as Record<RunStatus, number>;
  for (const run of runs) counts[run.status]++;
  return counts;
}

function compare(name: string, expected: unknown, found: unknown): IsolationCheck {
  const passed = JSON.stringify(expected) === JSON.stringify(found);
  return passed ? { name, passed } : { name, passed, detail: `expected ${JSON.stringify(expected)}, found ${JSON.stringify(found)}` };
}
