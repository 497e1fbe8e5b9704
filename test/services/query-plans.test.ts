// EXPLAIN QUERY PLAN for every hot query (issue 6): each case calls the REAL service function, captures
// every statement it runs with the values it binds, and holds SQLite's plan for it to a rule. It fails when
// a query falls back to a full scan or a temp B-tree sort, and prints the SQL and the whole plan.
//
// How statements are captured (test/helpers/query-plans.ts): like the default-history test in job-runs.test.ts,
// but one level lower. Instead of spying on db.sqlite.prepare, the execution methods of better-sqlite3's Statement
// prototype (run/get/all/iterate) are spied on for the duration of the call. That gives the SQL (statement.source)
// AND the parameter values actually bound, and it also sees statements a service prepared once and cached.
// The values matter: this better-sqlite3 is built with SQLITE_ENABLE_STAT4, so once statistics exist the
// planner may choose differently for different values (a large business vs a small one, a rare status).
// EXPLAIN QUERY PLAN is run with those same values. Mutating calls (the runner's claim) run inside a
// savepoint that is rolled back, so every case sees the same data.
//
// Every case runs on three copies of one skewed dataset (one large business, many small ones, few failed,
// few active, system runs, old orphans), because the planner changes its mind once statistics exist:
//   - "no statistics": as seeded, no sqlite_stat1;
//   - "app statistics": closed and reopened through openAppDatabase, which runs `PRAGMA optimize` with
//     analysis_limit=1000 (the approximate statistics every real file gets);
//   - "after ANALYZE": full ANALYZE (sqlite_stat1 and sqlite_stat4).
//
// The rules (KIND_RULES and violationsOf below; each case names its kind and its bounds). Pages and
// aggregates are checked on the statements that read job_runs (the small lookups of businesses around them
// are not); stats on every statement the call runs.
//   generic, for every checked statement: job_runs is never read by a full-table `SCAN job_runs` (nor through an
//     AUTOMATIC index, which SQLite builds by scanning the table), and there is no TEMP B-TREE for ORDER BY.
//   page (history, recent, active, orphans, the runner's queue): a keyset page is read in index order and
//     stopped by LIMIT, so no TEMP B-TREE of any kind; every job_runs access is a SEARCH whose index key (or
//     the WHERE of a partial index) constrains the case's bounds: the tenant (business_id; for the system
//     scope business_id or scope), the filter that has an index by design (status, job_type, the user), and
//     created_at on cursor pages (keyset: page 1,000 costs what page 1 does). A walk of a whole index
//     (`SCAN job_runs USING INDEX …`) is allowed only for unfiltered pages of the all-business view, where
//     every row walked is a row of the page. Filters without an index by design (trigger; several statuses
//     at once) may be residual filters inside the tenant's range.
//   lookup (the runner's writes of a run's lifecycle): like a page, each access by key (the id).
//   aggregate (job types, counts): reads every row it matches (no LIMIT), so job_runs is never SCANned at
//     all, not even a whole covering index; every access is a SEARCH constrained by the tenant; no TEMP
//     B-TREE for ORDER BY. A TEMP B-TREE for GROUP BY/DISTINCT is accepted: it only groups the bounded range.
//   stats (getJobRunStats): the aggregate rule for every job_runs access, with the stats window (created_at)
//     as a bound too; and no TEMP B-TREE for ORDER BY in ANY statement the call runs (window functions'
//     sorts are reported the same way), whatever tables a rewrite reads (rollups included). No index names
//     are asserted anywhere, so the rules keep holding when indexes or the stats implementation change.
//
// KNOWN_GAPS (built from GAP_CAUSES: each cause, its suggested fix, and the cases it breaks) lists the
// cases whose plan breaks its rule today: they are printed and skipped with the reason. Fix the query or
// index, run with QUERY_PLANS_INCLUDE_GAPS=1 to see its cases pass, then remove them from GAP_CAUSES.
// QUERY_PLANS_VERBOSE=1 prints every case's statements and plans. QUERY_PLANS_DDL='CREATE INDEX …' runs
// SQL on each dataset before its statistics are taken, to try a candidate index without a migration.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { AppDatabase } from '../../src-main/db/connection';
import { openAppDatabase } from '../../src-main/startup';
import { getActiveJobRuns, getRecentJobRuns, listJobRuns } from '../../src-main/history/pages';
import type { RunTags } from '../../src-shared/tags';
import { countJobRuns, getJobTypes } from '../../src-main/history/runs';
import { claimNextPendingRun } from '../../src-main/lifecycle/claims';
import { createJobRun, failRunningRuns, finishJobRun, recordRunProgress, startJobRun } from '../../src-main/lifecycle/runs';
import { getJobRunStats } from '../../src-main/stats/stats';
import { checkRuns, listOrphans } from '../../src-main/orphans/orphans';
import type { TenantScope } from '../../src-shared/tenancy';
import type { RunStatus, RunTrigger } from '../../src-shared/domain';
import { listJobRunsInput, type JobRunPageView } from '../../src-shared/schemas/jobs';
import { insertRuns, seedBusiness, seedUser, type SeedOwner, type SeedRun } from '../helpers/seed';
import { MIGRATIONS_FOLDER } from '../helpers/temp';
import { captureStatements, explain, formatPlan, type PlanRow } from '../helpers/query-plans';

const VERBOSE = process.env.QUERY_PLANS_VERBOSE === '1';
const INCLUDE_GAPS = process.env.QUERY_PLANS_INCLUDE_GAPS === '1';
const EXTRA_DDL = process.env.QUERY_PLANS_DDL ?? '';

// ---- The dataset: skewed like the benchmark's, small enough to build three times in a second -----------
// Built once per statistics state and shared by that state's cases (so not through createTestDatabase,
// whose afterEach would close it after the first case); a call that writes runs in a rolled-back savepoint.

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 30, 12, 0, 0);
/** What the renderer always sends: the history of the default range preset (7 days). */
const UI_FROM = NOW - 7 * DAY;

interface Fixture {
  db: AppDatabase;
  scopes: Record<ScopeName, TenantScope>;
  /** A user of the large business who triggered some of its runs. */
  userId: number;
}

interface OwnerHistory {
  owner: SeedOwner;
  runs: number;
  from: number;
  to: number;
  /** The newest runs are still active: half pending, half running. */
  active: number;
  jobTypes: readonly string[];
  trigger: (i: number) => RunTrigger;
  userOf?: (i: number) => number | null;
  tagsOf?: (i: number) => RunTags;
}

/** Runs spread evenly over [from, to): about 5% failed, 1% cancelled, the newest `active` pending or running. */
function historyOf(spec: OwnerHistory): SeedRun[] {
  return Array.from({ length: spec.runs }, (_, i) => {
    const createdAt = spec.from + Math.floor(((i + 0.5) * (spec.to - spec.from)) / spec.runs);
    const fromNewest = spec.runs - 1 - i;
    const status: RunStatus =
      fromNewest < spec.active / 2 ? 'pending' : fromNewest < spec.active ? 'running' : i % 20 === 3 ? 'failed' : i % 100 === 11 ? 'cancelled' : 'completed';
    const startedAt = status === 'pending' ? null : createdAt + 500 + (i % 7) * 100;
    const durationMs = status === 'completed' || status === 'failed' ? 200 + ((i * 7919) % 50_000) : null;
    return {
      owner: spec.owner,
      createdAt,
      jobType: spec.jobTypes[i % spec.jobTypes.length],
      status,
      trigger: spec.trigger(i),
      triggeredByUserId: spec.userOf?.(i) ?? null,
      error: status === 'failed' ? 'probe failed' : null,
      startedAt,
      finishedAt: durationMs === null || startedAt === null ? null : startedAt + durationMs,
      durationMs,
      tags: spec.tagsOf?.(i),
    };
  });
}

function seedSkewedDataset(db: AppDatabase): Omit<Fixture, 'db'> {
  const big = seedBusiness(db, { name: 'Big Co' });
  const small = Array.from({ length: 60 }, (_, i) => seedBusiness(db, { name: `Small ${i + 1}` }));
  const users = [1, 2, 3].map(() => seedUser(db, { role: 'member', businessId: big.id }));
  const from = NOW - 90 * DAY;
  const runs: SeedRun[] = [
    ...historyOf({
      owner: { kind: 'business', businessId: big.id },
      runs: 12_000,
      from,
      to: NOW,
      active: 6,
      // Mostly one report; the filtered type (diagnostics.probe) is 4%, runs.retention 2%.
      jobTypes: ['reports.monthly_usage', 'reports.monthly_usage', 'reports.monthly_usage', 'diagnostics.probe', 'diagnostics.probe', ...Array<string>(45).fill('reports.monthly_usage'), 'runs.retention'],
      trigger: (i) => (i % 50 === 7 ? 'retry' : i % 4 === 0 ? 'manual' : 'schedule'),
      userOf: (i) => (i % 4 === 0 ? users[i % users.length]! : null),
      // A common tag on every run, a rare one on 1 in 400.
      tagsOf: (i) => ({ env: i % 3 === 0 ? 'staging' : 'prod', ...(i % 400 === 5 ? { customer: 'acme-42' } : {}) }),
    }),
    ...small.flatMap((business) =>
      historyOf({
        owner: { kind: 'business', businessId: business.id },
        runs: 12,
        from,
        to: NOW,
        active: 2,
        jobTypes: ['diagnostics.probe', 'reports.monthly_usage'],
        trigger: () => 'manual',
        tagsOf: (i) => ({ env: 'prod', ...(i === 5 ? { customer: 'acme-42' } : {}) }),
      }),
    ),
    ...historyOf({
      owner: { kind: 'system' },
      runs: 800,
      from,
      to: NOW,
      active: 2,
      jobTypes: ['maintenance.backup', 'maintenance.backup', 'maintenance.integrity_check', 'runs.retention'],
      trigger: (i) => (i % 3 === 0 ? 'system' : 'schedule'),
    }),
    // Orphans come from adoption: old, legacy-triggered, some of a type this app does not know.
    ...historyOf({
      owner: { kind: 'orphan', orphanedFrom: 'gone-business' },
      runs: 200,
      from,
      to: NOW - 60 * DAY,
      active: 2,
      jobTypes: ['diagnostics.probe', 'legacy.cleanup'],
      trigger: () => 'legacy',
      tagsOf: (i): RunTags => (i % 2 === 0 ? { env: 'prod' } : {}),
    }),
  ];
  insertRuns(db, runs);
  return {
    scopes: {
      'big business': { kind: 'business', businessId: big.id },
      'small business': { kind: 'business', businessId: small[17]!.id },
      all: { kind: 'all' },
      system: { kind: 'system' },
      orphans: { kind: 'orphans' },
    },
    userId: users[1]!,
  };
}

// ---- The three states of the statistics ---------------------------------------------------------------

interface Variant {
  name: string;
  /** Given the seeded database, returns the one to explain on (the same file, maybe reopened). */
  prepare(db: AppDatabase, file: string): Promise<AppDatabase>;
}

const VARIANTS: Variant[] = [
  { name: 'no statistics', prepare: async (db) => db },
  {
    name: 'app statistics',
    prepare: async (db, file) => {
      db.close();
      return (await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER })).db;
    },
  },
  {
    name: 'after ANALYZE',
    prepare: async (db) => {
      db.sqlite.exec('ANALYZE');
      return db;
    },
  },
];

interface Schema {
  /** index name → its table, and the job_runs columns its WHERE constrains (a partial index), if any. */
  indexes: Map<string, { table: string; partialColumns: Set<string> }>;
  runColumns: Set<string>;
}

function readSchema(db: AppDatabase): Schema {
  const runColumns = new Set((db.sqlite.prepare('SELECT name FROM pragma_table_info(?)').all('job_runs') as { name: string }[]).map((c) => c.name));
  const rows = db.sqlite.prepare("SELECT name, tbl_name AS tableName, sql FROM sqlite_schema WHERE type = 'index'").all() as {
    name: string;
    tableName: string;
    sql: string | null;
  }[];
  const indexes = new Map(
    rows.map((row) => {
      const where = row.sql?.match(/\bWHERE\b([\s\S]*)$/i)?.[1] ?? '';
      // `x IS NOT NULL` only leaves out the NULLs; it bounds nothing.
      const bounding = where.replace(/"?\w+"?\s+IS\s+NOT\s+NULL/gi, '');
      const partialColumns = new Set([...bounding.matchAll(/"?(\w+)"?/g)].map((m) => m[1]!).filter((word) => runColumns.has(word)));
      return [row.name, { table: row.tableName, partialColumns }];
    }),
  );
  return { indexes, runColumns };
}

const SQL_WORDS = new Set(['as', 'where', 'left', 'right', 'inner', 'outer', 'cross', 'join', 'on', 'group', 'order', 'limit', 'set', 'union', 'natural', 'indexed', 'not', 'using', 'window']);

/** The names job_runs goes by in a statement: itself and its aliases (`job_runs AS r`, `"job_runs" "r"`). */
function namesOfRuns(sql: string): Set<string> {
  const names = new Set(['job_runs']);
  for (const match of sql.matchAll(/"?\bjob_runs\b"?\s+(?:as\s+)?"?(\w+)"?/gi)) {
    if (!SQL_WORDS.has(match[1]!.toLowerCase())) names.add(match[1]!);
  }
  return names;
}

interface RunsAccess {
  detail: string;
  op: 'SCAN' | 'SEARCH';
  automatic: boolean;
  viaIndex: boolean;
  /** Columns the access is bounded by: its key's =, <, > terms, and the WHERE of a partial index. */
  bounded: Set<string>;
  /** A rowid lookup bounds everything. */
  byRowid: boolean;
}

const ACCESS = /^(SCAN|SEARCH) (\S+)(?: USING (AUTOMATIC [A-Z ]*INDEX|INTEGER PRIMARY KEY|PRIMARY KEY|(?:COVERING )?INDEX (\S+)))?(?: \((.*)\))?/;

function runsAccesses(plan: PlanRow[], sql: string, schema: Schema): RunsAccess[] {
  const names = namesOfRuns(sql);
  const accesses: RunsAccess[] = [];
  for (const { detail } of plan) {
    const match = ACCESS.exec(detail);
    if (!match) continue;
    const [, op, table, using, indexName, key] = match;
    const index = indexName ? schema.indexes.get(indexName) : undefined;
    if (!names.has(table!) && index?.table !== 'job_runs') continue;
    const keyColumns = (key ?? '')
      .split(' AND ')
      .map((term) => /^(\w+)(?:=|>|<)/.exec(term.trim())?.[1])
      .filter((column): column is string => column !== undefined);
    accesses.push({
      detail,
      op: op as 'SCAN' | 'SEARCH',
      automatic: using?.startsWith('AUTOMATIC') ?? false,
      viaIndex: using !== undefined,
      bounded: new Set([...keyColumns, ...(index?.partialColumns ?? [])]),
      byRowid: using === 'INTEGER PRIMARY KEY' && /\browid=\?/.test(key ?? ''),
    });
  }
  return accesses;
}

// ---- The rules --------------------------------------------------------------------------------------------

type Column = 'business_id' | 'scope' | 'status' | 'job_type' | 'trigger' | 'created_at' | 'triggered_by_user_id';
type Kind = 'page' | 'lookup' | 'aggregate' | 'stats' | 'rollup';

interface Rule {
  kind: Kind;
  /** Every job_runs access must be bounded by at least one column of each group. */
  bounds: Column[][];
  /** A walk of a whole index is allowed: unfiltered pages of the all-business view (each row walked is shown). */
  walk?: boolean;
  /** rollup: the read is narrowed to one owner (every scope but all). */
  owner?: boolean;
}

const KIND_RULES: Record<Kind, string> = {
  page:
    'a keyset page: read in index order and stopped by LIMIT, so no TEMP B-TREE of any kind; job_runs never SCANned ' +
    '(a whole-index walk only where the case allows it); every job_runs access a SEARCH bounded by the bounds',
  lookup: 'finds its rows by key (a write of the run lifecycle): no TEMP B-TREE of any kind; every job_runs access a SEARCH bounded by the bounds',
  aggregate:
    'reads all it matches: job_runs never SCANned (not even a whole index); every job_runs access a SEARCH bounded by the bounds; ' +
    'no TEMP B-TREE for ORDER BY (GROUP BY/DISTINCT over the bounded range accepted)',
  rollup:
    'reads the runs-per-owner-and-type rollup (job_run_counts), never job_runs; one owner a SEARCH by the primary key, all owners ' +
    'a walk of its few hundred rows; no TEMP B-TREE for ORDER BY',
  stats:
    'the aggregate rule for every job_runs access, the stats window (created_at) a bound too; ' +
    'no TEMP B-TREE for ORDER BY in any statement the call runs, whatever it reads',
};

function describeRule(rule: Rule): string {
  const bounds = rule.bounds.length === 0 ? 'none' : rule.bounds.map((group) => group.join(' or ')).join(' AND ');
  return `${rule.kind}: ${KIND_RULES[rule.kind]}. Bounds: ${bounds}.${rule.walk ? ' Whole-index walk allowed.' : ''}`;
}

/** What in one statement's plan breaks the rule; empty when it holds. */
function violationsOf(rule: Rule, plan: PlanRow[], sql: string, schema: Schema): string[] {
  const problems: string[] = [];
  if (rule.kind === 'rollup') {
    if (/\bjob_runs\b/.test(sql)) problems.push('reads job_runs, not the rollup');
    if (plan.some(({ detail }) => /TEMP B-TREE FOR .*ORDER BY/.test(detail))) problems.push('sorts');
    if (rule.owner && !plan.some(({ detail }) => /^SEARCH job_run_counts USING .*\(owner=\?/.test(detail))) problems.push('not narrowed to one owner by the primary key');
    return problems;
  }
  const accesses = runsAccesses(plan, sql, schema);
  for (const { detail } of plan) {
    if (/TEMP B-TREE FOR .*ORDER BY/.test(detail)) problems.push(`sorts: "${detail}"`);
    else if ((rule.kind === 'page' || rule.kind === 'lookup') && /TEMP B-TREE/.test(detail)) problems.push(`a ${rule.kind} needs no temp b-tree: "${detail}"`);
  }
  for (const access of accesses) {
    if (!access.viaIndex && access.op === 'SCAN') {
      problems.push(`full table scan: "${access.detail}"`);
      continue;
    }
    if (access.automatic) {
      problems.push(`automatic index (built by scanning job_runs): "${access.detail}"`);
      continue;
    }
    if (access.byRowid) continue;
    if (access.op === 'SCAN' && access.bounded.size === 0) {
      if (!(rule.kind === 'page' && rule.walk)) problems.push(`reads a whole index: "${access.detail}"`);
      continue;
    }
    for (const group of rule.bounds) {
      if (!group.some((column) => access.bounded.has(column))) problems.push(`not bounded by ${group.join(' or ')}: "${access.detail}"`);
    }
  }
  return [...new Set(problems)];
}

// ---- The cases --------------------------------------------------------------------------------------------

type ScopeName = 'big business' | 'small business' | 'all' | 'system' | 'orphans';
const SCOPES: ScopeName[] = ['big business', 'small business', 'all', 'system', 'orphans'];

/** What keeps a query inside its tenant: the business (NULL for orphans); for system runs business_id or scope. */
const TENANT_BOUND: Record<ScopeName, Column[][]> = {
  'big business': [['business_id']],
  'small business': [['business_id']],
  orphans: [['business_id']],
  system: [['business_id', 'scope']],
  all: [],
};

interface PlanCase {
  name: string;
  rule: Rule;
  /** Only the statements whose SQL matches (several queries of one call that follow different rules). */
  pick?: RegExp;
  /** Runs any setup (uncaptured) and returns the call whose statements are explained. */
  run(fixture: Fixture): () => unknown;
}

/** What a caller sends: the input before zod fills in the defaults. */
type ListRequest = z.input<typeof listJobRunsInput>;

function list(fixture: Fixture, scope: TenantScope, request: ListRequest): JobRunPageView {
  return listJobRuns(fixture.db, scope, listJobRunsInput.parse(request));
}

/** A cursor deep in a list: up to 25 pages of 200 (5,000 rows) in; in a short list, the cursor after row 1. */
function deepCursor(page: (cursor: string | null, limit: number) => JobRunPageView): string {
  let cursor: string | null = null;
  for (let i = 0; i < 25; i++) {
    const next: string | null = page(cursor, 200).nextCursor;
    if (next === null) break;
    cursor = next;
  }
  cursor ??= page(null, 1).nextCursor;
  if (cursor === null) throw new Error('the dataset has too few runs for a cursor page here');
  return cursor;
}

function historyCases(scopeName: ScopeName): PlanCase[] {
  const tenant = TENANT_BOUND[scopeName];
  const all = scopeName === 'all';
  const at = (fixture: Fixture) => fixture.scopes[scopeName];
  const cases: PlanCase[] = [];
  const add = (what: string, rule: Rule, request: (fixture: Fixture) => ListRequest) =>
    cases.push({ name: `history · ${scopeName} · ${what}`, rule, run: (fixture) => () => list(fixture, at(fixture), request(fixture)) });
  const addCursor = (what: string, rule: Rule, request: ListRequest) =>
    cases.push({
      name: `history · ${scopeName} · ${what}`,
      rule,
      run: (fixture) => {
        const cursor = deepCursor((c, limit) => list(fixture, at(fixture), { ...request, cursor: c, limit }));
        return () => list(fixture, at(fixture), { ...request, cursor });
      },
    });

  add('first page, API default (no filters)', { kind: 'page', bounds: tenant, walk: all }, () => ({}));
  addCursor('deep cursor page, API default', { kind: 'page', bounds: [...tenant, ['created_at']] }, {});
  add('first page, UI default (last 7 days)', { kind: 'page', bounds: tenant }, () => ({ filters: { createdFrom: UI_FROM } }));
  // Orphans are all older than a week, and a small business has a run or two in one: no second page there.
  if (scopeName === 'big business' || scopeName === 'all' || scopeName === 'system') {
    addCursor('deep cursor page, UI default (last 7 days)', { kind: 'page', bounds: [...tenant, ['created_at']] }, { filters: { createdFrom: UI_FROM } });
  }
  for (const [label, range] of [
    ['no range', {}],
    ['last 7 days', { createdFrom: UI_FROM }],
  ] as const) {
    add(`status filter (failed), ${label}`, { kind: 'page', bounds: [...tenant, ['status']] }, () => ({ filters: { ...range, statuses: ['failed'] } }));
    add(`status filter (failed, cancelled), ${label}`, { kind: 'page', bounds: tenant }, () => ({ filters: { ...range, statuses: ['failed', 'cancelled'] } }));
    // Job types the scope has runs of (a type it has none of answers from job_run_counts, with no read of job_runs).
    const [jobType, other] = scopeName === 'system' ? ['runs.retention', 'maintenance.backup'] : ['diagnostics.probe', 'reports.monthly_usage'];
    add(`job type filter, ${label}`, { kind: 'page', bounds: [...tenant, ['job_type']] }, () => ({ filters: { ...range, jobTypes: [jobType] } }));
    // Several: one walk per job type, merged.
    add(`job type filter (two types), ${label}`, { kind: 'page', bounds: [...tenant, ['job_type']] }, () => ({ filters: { ...range, jobTypes: [jobType, other] } }));
    // Every trigger has its own index walk, however few of its runs the scope holds: retries are rare everywhere,
    // adopted runs absent from most businesses, manual runs common.
    for (const trigger of ['retry', 'legacy', 'manual'] as const) {
      add(`trigger filter (${trigger}), ${label}`, { kind: 'page', bounds: [...tenant, ['trigger']] }, () => ({ filters: { ...range, triggers: [trigger] } }));
    }
    // Several: one walk per trigger, merged.
    add(`trigger filter (manual, schedule), ${label}`, { kind: 'page', bounds: [...tenant, ['trigger']] }, () => ({ filters: { ...range, triggers: ['manual', 'schedule'] } }));
    add(`trigger filter (retry, legacy) and status (failed, cancelled), ${label}`, { kind: 'page', bounds: tenant }, () => ({
      filters: { ...range, triggers: ['retry', 'legacy'], statuses: ['failed', 'cancelled'] },
    }));
  }
  // The tag filter walks job_run_tags in order (tag-pages.ts); job_runs is read by id.
  add('tag filter (common: env=prod)', { kind: 'page', bounds: tenant }, () => ({ filters: { tags: { env: 'prod' } } }));
  add('tag filter (rare: customer=acme-42)', { kind: 'page', bounds: tenant }, () => ({ filters: { tags: { customer: 'acme-42' } } }));
  add('two tags, a status and a range', { kind: 'page', bounds: tenant }, () => ({
    filters: { tags: { env: 'prod', customer: 'acme-42' }, statuses: ['completed'], createdFrom: UI_FROM },
  }));
  if (scopeName === 'big business' || all || scopeName === 'orphans') {
    addCursor('tag filter (common), deep cursor page', { kind: 'page', bounds: tenant }, { filters: { tags: { env: 'prod' } } });
  }
  if (scopeName === 'big business' || all) {
    addCursor('status filter (failed), deep cursor page', { kind: 'page', bounds: [...tenant, ['status'], ['created_at']] }, { filters: { statuses: ['failed'] } });
    add('triggered-by filter, last 7 days', { kind: 'page', bounds: [['triggered_by_user_id', ...tenant.flat()]] }, (fixture) => ({
      filters: { createdFrom: UI_FROM, triggeredByUserId: fixture.userId },
    }));
    add('sorted by created, oldest first', { kind: 'page', bounds: tenant, walk: all }, () => ({ sort: { field: 'createdAt', direction: 'asc' } }));
    for (const field of ['startedAt', 'durationMs'] as const) {
      for (const direction of ['desc', 'asc'] as const) {
        add(`sorted by ${field} ${direction}`, { kind: 'page', bounds: tenant, walk: all }, () => ({ sort: { field, direction } }));
      }
    }
  }
  return cases;
}

function scopeCases(scopeName: ScopeName): PlanCase[] {
  const tenant = TENANT_BOUND[scopeName];
  const at = (fixture: Fixture) => fixture.scopes[scopeName];
  const statsDays = scopeName === 'all' || scopeName === 'orphans' ? 90 : 30;
  const cases: PlanCase[] = [
    {
      name: `recent runs · ${scopeName}`,
      rule: { kind: 'page', bounds: tenant, walk: scopeName === 'all' },
      run: (fixture) => () => getRecentJobRuns(fixture.db, at(fixture), { limit: 10 }),
    },
    {
      name: `active runs · ${scopeName} · first page`,
      rule: { kind: 'page', bounds: [...tenant, ['status']] },
      run: (fixture) => () => getActiveJobRuns(fixture.db, at(fixture), { cursor: null, limit: 50 }),
    },
    {
      name: `active runs · ${scopeName} · cursor page`,
      rule: { kind: 'page', bounds: [...tenant, ['status'], ['created_at']] },
      run: (fixture) => {
        const cursor = getActiveJobRuns(fixture.db, at(fixture), { cursor: null, limit: 1 }).nextCursor;
        if (cursor === null) throw new Error('the dataset has too few active runs for a cursor page here');
        return () => getActiveJobRuns(fixture.db, at(fixture), { cursor, limit: 50 });
      },
    },
    {
      name: `job types · ${scopeName}`,
      rule: { kind: 'rollup', bounds: [], owner: scopeName !== 'all' },
      run: (fixture) => () => getJobTypes(fixture.db, at(fixture)),
    },
    {
      name: `stats · ${scopeName} · ${statsDays} days`,
      rule: { kind: 'stats', bounds: [...tenant, ['created_at']] },
      run: (fixture) => () => getJobRunStats(fixture.db, at(fixture), { from: NOW - statsDays * DAY, to: NOW, timeZone: 'Europe/Berlin' }),
    },
  ];
  if (scopeName === 'system' || scopeName === 'orphans' || scopeName === 'all') {
    // The database panel's counts (getDatabaseInfo): every run, system-wide runs, orphaned runs.
    cases.push({ name: `run count · ${scopeName}`, rule: { kind: 'rollup', bounds: [], owner: scopeName !== 'all' }, run: (fixture) => () => countJobRuns(fixture.db, at(fixture)) });
  }
  return cases;
}

const CASES: PlanCase[] = [
  ...SCOPES.flatMap(historyCases),
  ...SCOPES.flatMap(scopeCases),
  {
    name: "runner's queue · claim the next run, the owners taking turns",
    rule: { kind: 'page', bounds: [['status']] },
    run: (fixture) => () => claimNextPendingRun(fixture.db, NOW),
  },
  {
    // ≥ 20,000 transitions/s (issue 6): each step must find its run by id, never by scanning.
    name: "runner · a run's lifecycle (create, start, progress, finish)",
    rule: { kind: 'lookup', bounds: [] },
    run: (fixture) => () => {
      const scope = fixture.scopes['big business'];
      if (scope.kind !== 'business') throw new Error('the large business is a business scope');
      const run = createJobRun(fixture.db, scope, { jobType: 'diagnostics.probe', trigger: 'manual', createdAt: NOW });
      startJobRun(fixture.db, scope, run.id, NOW + 1);
      recordRunProgress(fixture.db, scope, run.id, 0.5, 'halfway', NOW + 1);
      finishJobRun(fixture.db, scope, run.id, { status: 'completed', result: { ok: true } }, NOW + 2);
    },
  },
  {
    name: 'runner · recover runs left running at start (failRunningRuns)',
    rule: { kind: 'aggregate', bounds: [['status']] },
    run: (fixture) => () => failRunningRuns(fixture.db, { kind: 'all' }, 'interrupted'),
  },
  {
    name: 'orphans · listOrphans first page',
    rule: { kind: 'page', bounds: TENANT_BOUND.orphans },
    run: (fixture) => () => listOrphans(fixture.db, listJobRunsInput.parse({})),
  },
  {
    name: 'orphans · listOrphans deep cursor page',
    rule: { kind: 'page', bounds: [...TENANT_BOUND.orphans, ['created_at']] },
    run: (fixture) => {
      const cursor = deepCursor((c, limit) => listOrphans(fixture.db, listJobRunsInput.parse({ cursor: c, limit })));
      return () => listOrphans(fixture.db, listJobRunsInput.parse({ cursor }));
    },
  },
  {
    name: 'orphans · checkRuns newest orphans',
    rule: { kind: 'page', bounds: TENANT_BOUND.orphans },
    pick: /\blimit\b/i,
    run: (fixture) => () => checkRuns(fixture.db),
  },
  {
    name: 'orphans · checkRuns run counts per owner',
    rule: { kind: 'rollup', bounds: [] },
    pick: /\bjob_run_counts\b/,
    run: (fixture) => () => checkRuns(fixture.db),
  },
];

// ---- Known gaps: plans that break their rule today ------------------------------------------------------

/**
 * One cause of bad plans and the cases it breaks (exact case names). A case may have several causes. Once a
 * cause is fixed, QUERY_PLANS_INCLUDE_GAPS=1 runs its cases: remove the ones that pass.
 */
interface GapCause {
  title: string;
  detail: string;
  /** Default: every variant (all three statistics states break the same way today). */
  variants?: string[];
  cases: string[];
}

const GAP_CAUSES: GapCause[] = [];

interface KnownGap {
  variants?: string[];
  titles: string[];
}

/** Case name → why its plan breaks its rule today (every cause that applies). */
const KNOWN_GAPS: Record<string, KnownGap> = {};
for (const cause of GAP_CAUSES) {
  for (const name of cause.cases) {
    const gap = (KNOWN_GAPS[name] ??= { variants: cause.variants, titles: [] });
    gap.titles.push(cause.title);
  }
}

// ---- The tests --------------------------------------------------------------------------------------------

describe('query plans of the hot queries', () => {
  it('the case table is sound: unique names, and every known gap names a case', () => {
    const names = CASES.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(KNOWN_GAPS).filter((name) => !names.includes(name))).toEqual([]);
    const variants = VARIANTS.map((v) => v.name);
    expect(GAP_CAUSES.flatMap((cause) => (cause.variants ?? []).filter((v) => !variants.includes(v)))).toEqual([]);
    expect(GAP_CAUSES.filter((cause) => new Set(cause.cases).size !== cause.cases.length).map((cause) => cause.title)).toEqual([]);
  });

  it('the rules catch a full scan and a sort (the checker is not vacuous)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'query-plans-'));
    try {
      const { db } = await openAppDatabase(path.join(dir, 'checker.db'), { migrationsFolder: MIGRATIONS_FOLDER });
      try {
        const schema = readSchema(db);
        const check = (rule: Rule, sql: string, ...params: unknown[]) => violationsOf(rule, explain(db, { sql, params }), sql, schema);
        const scanAndSort = 'SELECT id FROM job_runs WHERE error = ? ORDER BY duration_ms LIMIT 5';
        expect(check({ kind: 'page', bounds: [] }, scanAndSort, 'x')).toEqual([expect.stringMatching(/^sorts/), expect.stringMatching(/^full table scan/)]);
        const aliased = 'SELECT r.id FROM job_runs AS r WHERE r.error = ?';
        expect(check({ kind: 'aggregate', bounds: [] }, aliased, 'x')).toEqual([expect.stringMatching(/^full table scan/)]);
        const wholeIndex = 'SELECT count(*) FROM job_runs';
        expect(check({ kind: 'aggregate', bounds: [] }, wholeIndex)).toEqual([expect.stringMatching(/^reads a whole index/)]);
        expect(check({ kind: 'page', bounds: [], walk: true }, 'SELECT id FROM job_runs ORDER BY created_at DESC LIMIT 5')).toEqual([]);
        // Plans as SQLite prints them, to hold the rules to each shape whatever the planner picks on an empty file.
        const rows = (...details: string[]): PlanRow[] => details.map((detail, i) => ({ id: i + 2, parent: 0, detail }));
        const sql = 'SELECT … FROM job_runs …';
        const bounded = 'SEARCH job_runs USING INDEX job_runs_business_created_idx (business_id=? AND created_at>?)';
        const grouping = 'USE TEMP B-TREE FOR GROUP BY';
        expect(violationsOf({ kind: 'stats', bounds: [['business_id'], ['created_at']] }, rows(bounded, grouping), sql, schema)).toEqual([]);
        expect(violationsOf({ kind: 'page', bounds: [['business_id']] }, rows(bounded, grouping), sql, schema)).toEqual([
          expect.stringMatching(/^a page needs no temp b-tree/),
        ]);
        expect(violationsOf({ kind: 'page', bounds: [['business_id'], ['status']] }, rows(bounded), sql, schema)).toEqual([
          expect.stringMatching(/^not bounded by status/),
        ]);
        const skipScan = 'SEARCH job_runs USING INDEX job_runs_business_type_created_idx (ANY(business_id) AND job_type=?)';
        expect(violationsOf({ kind: 'page', bounds: [['business_id']] }, rows(skipScan), sql, schema)).toEqual([expect.stringMatching(/^not bounded by business_id/)]);
        const automatic = 'SEARCH job_runs USING AUTOMATIC COVERING INDEX (error=?)';
        expect(violationsOf({ kind: 'aggregate', bounds: [] }, rows(automatic), sql, schema)).toEqual([expect.stringMatching(/^automatic index/)]);
        const windowSort = ['CO-ROUTINE (subquery-1)', bounded, 'USE TEMP B-TREE FOR ORDER BY', 'SCAN (subquery-1)'];
        expect(violationsOf({ kind: 'stats', bounds: [['business_id']] }, rows(...windowSort), sql, schema)).toEqual([expect.stringMatching(/^sorts/)]);
        expect(violationsOf({ kind: 'page', bounds: [] }, rows('USE TEMP B-TREE FOR RIGHT PART OF ORDER BY'), sql, schema)).toEqual([expect.stringMatching(/^sorts/)]);
        expect(violationsOf({ kind: 'page', bounds: [['status']] }, rows('SEARCH job_runs USING INTEGER PRIMARY KEY (rowid=?)'), sql, schema)).toEqual([]);
        // A partial index's WHERE bounds what it names: a walk of it reads only those rows.
        db.sqlite.exec("CREATE INDEX plan_check_system_idx ON job_runs(created_at) WHERE scope = 'system'");
        const partial = rows('SCAN job_runs USING INDEX plan_check_system_idx');
        expect(violationsOf({ kind: 'page', bounds: [['business_id', 'scope']] }, partial, sql, readSchema(db))).toEqual([]);
      } finally {
        db.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  beforeAll(() => {
    if (GAP_CAUSES.length === 0) return;
    const skipping = INCLUDE_GAPS ? 'run anyway (QUERY_PLANS_INCLUDE_GAPS=1)' : 'skipped';
    const causes = GAP_CAUSES.map(
      (cause) =>
        `- ${cause.title}${cause.variants ? ` [${cause.variants.join(', ')}]` : ''}\n    ${cause.detail}\n` + cause.cases.map((name) => `    · ${name}`).join('\n'),
    );
    console.log(`KNOWN_GAPS: ${Object.keys(KNOWN_GAPS).length} cases whose plan breaks its rule today, ${skipping}:\n${causes.join('\n')}`);
  });

  describe.each(VARIANTS)('$name', (variant) => {
    let fixture: Fixture;
    let schema: Schema;
    let dir: string;

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'query-plans-'));
      const file = path.join(dir, 'automation.db');
      const { db: seeded } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER });
      const seededFixture = seedSkewedDataset(seeded);
      if (EXTRA_DDL) seeded.sqlite.exec(EXTRA_DDL);
      const db = await variant.prepare(seeded, file);
      fixture = { db, ...seededFixture };
      schema = readSchema(db);
    });

    afterAll(() => {
      fixture?.db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const db = () => fixture.db;

    it('has the statistics it claims', () => {
      const stat1 = db().sqlite.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'sqlite_stat1'").get() as { n: number };
      const analyzed = stat1.n > 0 && (db().sqlite.prepare("SELECT count(*) AS n FROM sqlite_stat1 WHERE tbl = 'job_runs'").get() as { n: number }).n > 0;
      expect(analyzed).toBe(variant.name !== 'no statistics');
    });

    for (const planCase of CASES) {
      const gap = KNOWN_GAPS[planCase.name];
      const skipped = gap !== undefined && (gap.variants ?? [variant.name]).includes(variant.name) && !INCLUDE_GAPS;
      const test = skipped ? it.skip : it;
      test(skipped ? `${planCase.name} — KNOWN GAP: ${gap.titles.join('; ')}` : planCase.name, () => {
        const call = planCase.run(fixture);
        const captured = captureStatements(fixture.db, call).filter((statement) => !planCase.pick || planCase.pick.test(statement.sql));
        const reads = planCase.rule.kind === 'rollup' ? /\bjob_run_counts\b/ : /\bjob_runs\b/;
        const checked = planCase.rule.kind === 'stats' ? captured : captured.filter((statement) => reads.test(statement.sql));
        const reports = checked.map((statement) => {
          const plan = explain(fixture.db, statement);
          return { statement, plan, problems: violationsOf(planCase.rule, plan, statement.sql, schema) };
        });
        const problems = reports.flatMap((report, i) => report.problems.map((problem) => `statement ${i + 1}: ${problem}`));
        if (checked.length === 0) problems.push(`the call ran no statement matching ${String(reads)}: the capture saw nothing to check`);
        const text = [
          `${planCase.name} [${variant.name}]`,
          `rule ${describeRule(planCase.rule)}`,
          ...(problems.length ? ['violations:', ...problems.map((p) => `  - ${p}`)] : []),
          ...reports.map(({ statement, plan, problems: own }, i) =>
            [
              `statement ${i + 1} of ${reports.length}${own.length ? ' (BREAKS THE RULE)' : ''}:`,
              `  SQL: ${statement.sql.replace(/\s+/g, ' ').trim()}`,
              `  params: ${JSON.stringify(statement.params)}`,
              '  plan:',
              formatPlan(plan),
            ].join('\n'),
          ),
        ].join('\n');
        if (VERBOSE) console.log(`${text}\n`);
        expect(problems, text).toEqual([]);
      });
    }
  });
});
