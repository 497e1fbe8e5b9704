// Bulk actions on runs at the service level: a property over random businesses, users, runs and selections
// holds preview, cancel, retry and export to an oracle written from the access matrix (not from the code),
// and proves no bulk action ever reaches a run outside the caller's scope; then the edges one by one.
import fs from 'node:fs';
import { refusedField } from '../helpers/refusals';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src-main/access/policy';
import type { AppDatabase } from '../../src-main/db/connection';
import { createRunner } from '../../src-main/jobs/runner';
import { findJobType } from '../../src-main/jobs/catalog';
import {
  bulkCancelRuns,
  bulkRetryRuns,
  exportRunsCsv,
  ORPHAN_LABEL,
  previewBulkAction,
  RUNS_CSV_HEADER,
  SYSTEM_WIDE_LABEL,
} from '../../src-main/bulk/bulk-runs';
import type { TenantScope } from '../../src-shared/tenancy';
import { RUN_STATUSES, type RunStatus, type UserRole } from '../../src-shared/domain';
import { MAX_BULK_RUNS, MAX_EXPORT_ROWS, type BulkSelectionInput } from '../../src-shared/schemas/bulk';
import type { JobRunView } from '../../src-shared/schemas/jobs';
import { logicalDump } from '../helpers/contract-data';
import { createTestDatabase, insertRuns, readAuditEvents, seedBusiness, seedRuns, seedUser, type SeedOwner } from '../helpers/seed';
import { tempDir } from '../helpers/temp';

// ---- A random world, and the oracle ---------------------------------------------------------------

const JOB_TYPES = ['diagnostics.probe', 'reports.monthly_usage', 'maintenance.backup', 'legacy.cleanup'] as const;

interface WorldSpec {
  /** Business 0 is disabled when true: only a system admin sees (and never retries) its runs. */
  firstDisabled: boolean;
  runs: { owner: number; status: RunStatus; jobType: (typeof JOB_TYPES)[number]; triggeredBy: number | null; minute: number }[];
}

const BUSINESSES = 3;
/** Users per business: two members and one business admin; plus one system admin. */
const STAFF: UserRole[] = ['member', 'member', 'business_admin'];

const worldArbitrary: fc.Arbitrary<WorldSpec> = fc.record({
  firstDisabled: fc.boolean(),
  runs: fc.array(
    fc.record({
      // 0..BUSINESSES-1: a business; BUSINESSES: system-wide; BUSINESSES + 1: an orphan.
      owner: fc.integer({ min: 0, max: BUSINESSES + 1 }),
      status: fc.constantFrom(...RUN_STATUSES),
      jobType: fc.constantFrom(...JOB_TYPES),
      // An index into every user (any business's, or the system admin), or nobody.
      triggeredBy: fc.option(fc.integer({ min: 0, max: BUSINESSES * STAFF.length }), { nil: null }),
      minute: fc.integer({ min: 0, max: 1000 }),
    }),
    { maxLength: 40 },
  ),
});

interface OracleRun {
  id: number;
  scope: 'business' | 'system';
  businessId: number | null;
  businessName: string | null;
  status: RunStatus;
  jobType: string;
  triggeredByUserId: number | null;
  createdAt: number;
}

interface World {
  businessIds: number[];
  disabled: Set<number>;
  actors: Actor[];
  runs: OracleRun[];
}

function buildWorld(db: AppDatabase, spec: WorldSpec, tag: number): World {
  db.sqlite.exec('DELETE FROM job_runs; DELETE FROM users; DELETE FROM businesses;');
  const businesses = Array.from({ length: BUSINESSES }, (_, i) => seedBusiness(db, { name: `W${tag} business ${i}`, disabled: i === 0 && spec.firstDisabled }));
  const businessIds = businesses.map((b) => b.id);
  const disabled = new Set(businesses.filter((b) => b.disabledAt !== null).map((b) => b.id));
  const actors: Actor[] = [];
  for (const business of businesses) {
    for (const role of STAFF) {
      const email = `w${tag}-${role}-${actors.length}@example.test`;
      const userId = seedUser(db, { role, businessId: business.id, email });
      actors.push({ userId, email, role, businessId: business.id, businessDisabled: business.disabledAt !== null });
    }
  }
  const rootEmail = `w${tag}-root@example.test`;
  actors.push({ userId: seedUser(db, { role: 'system_admin', email: rootEmail }), email: rootEmail, role: 'system_admin', businessId: null, businessDisabled: false });

  const start = Date.UTC(2026, 0, 1);
  const owners: SeedOwner[] = spec.runs.map((run) =>
    run.owner < BUSINESSES ? { kind: 'business', businessId: businessIds[run.owner]! } : run.owner === BUSINESSES ? { kind: 'system' } : { kind: 'orphan' },
  );
  const ids = insertRuns(
    db,
    spec.runs.map((run, i) => ({
      owner: owners[i]!,
      status: run.status,
      jobType: run.jobType,
      triggeredByUserId: run.triggeredBy === null ? null : actors[run.triggeredBy]!.userId,
      createdAt: start + run.minute * 60_000,
    })),
  );
  const runs = spec.runs.map((run, i): OracleRun => {
    const owner = owners[i]!;
    const businessId = owner.kind === 'business' ? owner.businessId : null;
    return {
      id: ids[i]!,
      scope: owner.kind === 'system' ? 'system' : 'business',
      businessId,
      businessName: businessId === null ? null : businesses.find((b) => b.id === businessId)!.name,
      status: run.status,
      jobType: run.jobType,
      triggeredByUserId: run.triggeredBy === null ? null : actors[run.triggeredBy]!.userId,
      createdAt: start + run.minute * 60_000,
    };
  });
  return { businessIds, disabled, actors, runs };
}

function inScope(run: OracleRun, scope: TenantScope): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'system') return run.scope === 'system';
  if (scope.kind === 'orphans') return run.scope === 'business' && run.businessId === null;
  return run.scope === 'business' && run.businessId === scope.businessId;
}

function selected(run: OracleRun, selection: BulkSelectionInput): boolean {
  if (selection.kind === 'ids') return selection.ids.includes(run.id);
  const { statuses, jobTypes } = selection.filters;
  return (!statuses?.length || statuses.includes(run.status)) && (!jobTypes?.length || jobTypes.includes(run.jobType));
}

/** The access matrix in its own words: members their own runs, business admins their business's, system admins any. */
function mayControl(actor: Actor, run: OracleRun): boolean {
  if (actor.role === 'system_admin') return true;
  if (run.scope !== 'business' || run.businessId !== actor.businessId || actor.businessDisabled) return false;
  return actor.role === 'business_admin' || run.triggeredByUserId === actor.userId;
}

function oracleEligible(action: 'cancel' | 'retry' | 'export', actor: Actor, run: OracleRun, disabled: Set<number>): boolean {
  if (action === 'export') return true;
  if (!mayControl(actor, run)) return false;
  if (action === 'cancel') return run.status === 'pending' || run.status === 'running';
  // Retried: what did not complete, an unfinished run of the server edition included.
  if (run.status !== 'failed' && run.status !== 'cancelled' && run.status !== 'unfinished') return false;
  if (run.scope === 'business' && run.businessId === null) return false;
  const type = findJobType(run.jobType);
  if (!type) return false;
  if (run.scope === 'business' && type.scope === 'system') return false;
  if (run.scope === 'system' && type.scope === 'business') return false;
  return run.businessId === null || !disabled.has(run.businessId);
}

interface RunState {
  id: number;
  status: string;
  business_id: number | null;
  scope: string;
  cancelled_by_user_id: number | null;
  retry_of_run_id: number | null;
  trigger: string;
  triggered_by_user_id: number | null;
  job_type: string;
}

function runStates(db: AppDatabase): RunState[] {
  return db.sqlite
    .prepare('SELECT id, status, business_id, scope, cancelled_by_user_id, retry_of_run_id, trigger, triggered_by_user_id, job_type FROM job_runs ORDER BY id')
    .all() as RunState[];
}

function runnerFor(db: AppDatabase): { runner: ReturnType<typeof createRunner>; announced: JobRunView[] } {
  const announced: JobRunView[] = [];
  // Not started: its cancel works on pending and running rows alike, and nothing else moves the runs.
  return { runner: createRunner(db, { onRunChanged: (run) => announced.push(run) }), announced };
}

// ---- A small RFC 4180 reader --------------------------------------------------------------------

function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += char;
  }
  if (field !== '' || record.length > 0) throw new Error('the CSV does not end with CRLF');
  return records;
}

// ---- The property -----------------------------------------------------------------------------------

const NUM_RUNS = Number(process.env.BULK_PROPERTY_RUNS ?? 60);

describe('bulk actions over random worlds', () => {
  it('preview, cancel, retry and export do exactly what the matrix allows, within the scope, and nothing else', async () => {
    const db = await createTestDatabase();
    const exportsFolder = tempDir();
    let tag = 0;
    await fc.assert(
      fc.asyncProperty(
        worldArbitrary,
        fc.nat(),
        fc.constantFrom('cancel', 'retry', 'export') as fc.Arbitrary<'cancel' | 'retry' | 'export'>,
        fc.nat(),
        fc.oneof(
          fc.record({
            kind: fc.constant('filter' as const),
            filters: fc.record(
              { statuses: fc.subarray([...RUN_STATUSES]), jobTypes: fc.subarray([...JOB_TYPES]) },
              { requiredKeys: [] },
            ),
          }),
          fc.record({ kind: fc.constant('ids' as const), picks: fc.array(fc.nat(), { minLength: 1, maxLength: 12 }) }),
        ),
        async (spec, actorSeed, action, scopeSeed, selectionSpec) => {
          const world = buildWorld(db, spec, ++tag);
          // Staff of the disabled business are refused before any service is asked (FORBIDDEN): not actors here.
          const actors = world.actors.filter((a) => !a.businessDisabled);
          const actor = actors[actorSeed % actors.length]!;
          const adminScopes: TenantScope[] = [
            { kind: 'all' },
            { kind: 'system' },
            { kind: 'orphans' },
            ...world.businessIds.map((businessId) => ({ kind: 'business' as const, businessId })),
          ];
          const scope: TenantScope =
            actor.role === 'system_admin' ? adminScopes[scopeSeed % adminScopes.length]! : { kind: 'business', businessId: actor.businessId! };
          // Ids: any run of the world (other businesses' too) and ids that do not exist.
          const selection: BulkSelectionInput =
            selectionSpec.kind === 'filter'
              ? selectionSpec
              : {
                  kind: 'ids',
                  ids: selectionSpec.picks.map((pick) => (pick % 5 === 4 || world.runs.length === 0 ? 900_000 + pick : world.runs[pick % world.runs.length]!.id)),
                };

          const matching = world.runs.filter((run) => inScope(run, scope) && selected(run, selection));
          const eligible = matching.filter((run) => oracleEligible(action, actor, run, world.disabled));
          const preview = previewBulkAction(db, actor, scope, { action, selection });
          expect(preview).toMatchObject({ matching: matching.length, eligible: eligible.length });
          expect(preview.ineligibleReasons.reduce((sum, r) => sum + r.count, 0)).toBe(matching.length - eligible.length);
          expect(preview.ineligibleReasons.every((r) => r.count > 0)).toBe(true);
          if (actor.role !== 'system_admin') {
            // Only the member's own business's runs are counted at all.
            expect(matching.every((run) => run.businessId === actor.businessId)).toBe(true);
          }

          const before = runStates(db);
          const byId = new Map(before.map((run) => [run.id, run]));
          const eligibleIds = new Set(eligible.map((run) => run.id));

          if (action === 'export') {
            const result = exportRunsCsv(db, actor, scope, { selection }, exportsFolder);
            const [header, ...records] = parseCsv(fs.readFileSync(result.path, 'utf8'));
            expect(header).toEqual([...RUNS_CSV_HEADER]);
            const expected = [...matching].sort((x, y) => y.createdAt - x.createdAt || y.id - x.id);
            expect(records.map((r) => Number(r[0]))).toEqual(expected.map((run) => run.id));
            expect(records.map((r) => r[2])).toEqual(
              expected.map((run) => (run.scope === 'system' ? SYSTEM_WIDE_LABEL : run.businessId === null ? ORPHAN_LABEL : run.businessName)),
            );
            expect(result.rows).toBe(expected.length);
            expect(runStates(db)).toEqual(before);
            return;
          }

          // A stale count changes nothing.
          const dump = logicalDump(db);
          const { runner, announced } = runnerFor(db);
          const stale = { selection, expectedEligible: eligible.length + 1 };
          expect(() => (action === 'cancel' ? bulkCancelRuns(db, actor, scope, stale, runner) : bulkRetryRuns(db, actor, scope, stale))).toThrow(
            expect.objectContaining({ code: 'CONFLICT' }),
          );
          expect(logicalDump(db)).toBe(dump);
          expect(announced).toEqual([]);

          const input = { selection, expectedEligible: eligible.length };
          if (action === 'cancel') {
            const result = bulkCancelRuns(db, actor, scope, input, runner);
            expect(result).toEqual({ done: eligible.length, skipped: matching.length - eligible.length });
            const after = runStates(db);
            for (const run of after) {
              if (eligibleIds.has(run.id)) expect(run).toMatchObject({ status: 'cancelled', cancelled_by_user_id: actor.userId });
              else expect(run).toEqual(byId.get(run.id));
            }
            expect(announced.map((run) => run.id).sort((x, y) => x - y)).toEqual([...eligibleIds].sort((x, y) => x - y));
          } else {
            const result = bulkRetryRuns(db, actor, scope, input);
            expect(result.done).toBe(eligible.length);
            expect(result.skipped).toBe(matching.length - eligible.length);
            const after = runStates(db);
            // The originals are untouched; each new run repeats one eligible run, in its owner, triggered by the actor.
            expect(after.slice(0, before.length)).toEqual(before);
            const created = after.slice(before.length);
            expect(created.map((run) => run.retry_of_run_id).sort((x, y) => x! - y!)).toEqual([...eligibleIds].sort((x, y) => x - y));
            for (const run of created) {
              const original = byId.get(run.retry_of_run_id!)!;
              expect(run).toMatchObject({
                status: 'pending',
                trigger: 'retry',
                scope: original.scope,
                business_id: original.business_id,
                job_type: original.job_type,
                triggered_by_user_id: actor.userId,
              });
              if (actor.role !== 'system_admin') expect(run.business_id).toBe(actor.businessId);
            }
            expect(result.runs.map((run) => run.id)).toEqual(created.map((run) => run.id));
          }
          const audit = readAuditEvents(db).at(-1);
          if (eligible.length > 0) {
            expect(audit).toMatchObject({ action: `jobs.bulk_${action}`, actorLabel: actor.email, details: expect.objectContaining({ count: eligible.length }) });
            expect([...(audit!.details.ids as number[])].sort((x, y) => x - y)).toEqual([...eligibleIds].sort((x, y) => x - y));
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

// ---- The edges --------------------------------------------------------------------------------------

async function acmeWorld() {
  const db = await createTestDatabase();
  const acme = seedBusiness(db, { name: 'Acme' });
  const globex = seedBusiness(db, { name: 'Globex' });
  const aliceId = seedUser(db, { role: 'member', businessId: acme.id, email: 'alice@example.test' });
  const alice: Actor = { userId: aliceId, email: 'alice@example.test', role: 'member', businessId: acme.id, businessDisabled: false };
  const annId = seedUser(db, { role: 'business_admin', businessId: acme.id, email: 'ann@example.test' });
  const ann: Actor = { userId: annId, email: 'ann@example.test', role: 'business_admin', businessId: acme.id, businessDisabled: false };
  const rootId = seedUser(db, { role: 'system_admin', email: 'root@example.test' });
  const root: Actor = { userId: rootId, email: 'root@example.test', role: 'system_admin', businessId: null, businessDisabled: false };
  return { db, acme: acme.id, globex: globex.id, alice, ann, root };
}

describe('bulk actions, edge by edge', () => {
  it('explains each ineligible run by its first reason, in a fixed order', async () => {
    const { db, acme, alice, ann, root } = await acmeWorld();
    const acmeOwner: SeedOwner = { kind: 'business', businessId: acme };
    insertRuns(db, [
      { owner: acmeOwner, createdAt: 1, status: 'failed', triggeredByUserId: alice.userId },
      { owner: acmeOwner, createdAt: 2, status: 'failed', triggeredByUserId: ann.userId },
      { owner: acmeOwner, createdAt: 3, status: 'completed', triggeredByUserId: alice.userId },
      { owner: acmeOwner, createdAt: 4, status: 'cancelled', triggeredByUserId: alice.userId, jobType: 'gone.type' },
      { owner: acmeOwner, createdAt: 5, status: 'failed', triggeredByUserId: alice.userId, jobType: 'maintenance.backup' },
      { owner: { kind: 'orphan' }, createdAt: 6, status: 'failed' },
    ]);
    const everything = { kind: 'filter' as const, filters: {} };
    expect(previewBulkAction(db, alice, { kind: 'business', businessId: acme }, { action: 'retry', selection: everything })).toEqual({
      matching: 5,
      eligible: 1,
      ineligibleReasons: [
        { reason: 'not_permitted', count: 1 },
        { reason: 'not_retryable', count: 1 },
        { reason: 'job_type_unavailable', count: 2 },
      ],
      limit: MAX_BULK_RUNS,
    });
    expect(previewBulkAction(db, root, { kind: 'all' }, { action: 'retry', selection: everything }).ineligibleReasons).toEqual([
      { reason: 'not_retryable', count: 1 },
      { reason: 'orphan', count: 1 },
      { reason: 'job_type_unavailable', count: 2 },
    ]);
    expect(previewBulkAction(db, ann, { kind: 'business', businessId: acme }, { action: 'cancel', selection: everything })).toEqual({
      matching: 5,
      eligible: 0,
      ineligibleReasons: [{ reason: 'not_active', count: 5 }],
      limit: MAX_BULK_RUNS,
    });
    expect(previewBulkAction(db, ann, { kind: 'business', businessId: acme }, { action: 'export', selection: everything })).toEqual({
      matching: 5,
      eligible: 5,
      ineligibleReasons: [],
      limit: MAX_EXPORT_ROWS,
    });
  });

  it('a retry whose stored params this app no longer accepts is skipped, the rest go ahead', async () => {
    const { db, acme, ann } = await acmeWorld();
    const [good, bad] = seedRuns(db, { kind: 'business', businessId: acme }, 2, { statuses: ['failed'] });
    db.sqlite.prepare('UPDATE job_runs SET params = ? WHERE id = ?').run(JSON.stringify({ retired: true }), bad);
    const scope: TenantScope = { kind: 'business', businessId: acme };
    const selection = { kind: 'ids' as const, ids: [good!, bad!] };
    expect(previewBulkAction(db, ann, scope, { action: 'retry', selection }).eligible).toBe(2);
    const result = bulkRetryRuns(db, ann, scope, { selection, expectedEligible: 2 });
    expect(result).toMatchObject({ done: 1, skipped: 1 });
    expect(result.runs).toEqual([expect.objectContaining({ retryOfRunId: good, trigger: 'retry', businessId: acme, businessName: 'Acme' })]);
    expect(readAuditEvents(db).at(-1)).toMatchObject({ action: 'jobs.bulk_retry', businessId: acme, details: { count: 1, ids: [good], retryIds: [result.runs[0]!.id] } });
  });

  it('refuses more than the limit with VALIDATION before changing anything', async () => {
    const { db, acme, ann } = await acmeWorld();
    seedRuns(db, { kind: 'business', businessId: acme }, MAX_BULK_RUNS + 1, { statuses: ['pending'] });
    const scope: TenantScope = { kind: 'business', businessId: acme };
    const selection = { kind: 'filter' as const, filters: {} };
    const dump = logicalDump(db);
    const { runner } = runnerFor(db);
    expect(() => bulkCancelRuns(db, ann, scope, { selection, expectedEligible: MAX_BULK_RUNS + 1 }, runner)).toThrow(
      expect.objectContaining({ code: 'VALIDATION', message: expect.stringContaining(`at most ${MAX_BULK_RUNS}`) }),
    );
    expect(logicalDump(db)).toBe(dump);
  });

  it('nothing eligible: nothing changes, nothing is audited', async () => {
    const { db, acme, globex, alice } = await acmeWorld();
    const globexRuns = seedRuns(db, { kind: 'business', businessId: globex }, 3, { statuses: ['pending'] });
    const scope: TenantScope = { kind: 'business', businessId: acme };
    const selection = { kind: 'ids' as const, ids: globexRuns };
    expect(previewBulkAction(db, alice, scope, { action: 'cancel', selection })).toMatchObject({ matching: 0, eligible: 0 });
    const dump = logicalDump(db);
    const { runner } = runnerFor(db);
    expect(bulkCancelRuns(db, alice, scope, { selection, expectedEligible: 0 }, runner)).toEqual({ done: 0, skipped: 0 });
    expect(logicalDump(db)).toBe(dump);
  });

  it('exports every column, formula-safe, times in ISO 8601, atomically into the folder, and audits it', async () => {
    const { db, acme, ann } = await acmeWorld();
    const owner: SeedOwner = { kind: 'business', businessId: acme };
    const [failed, pending] = insertRuns(db, [
      {
        owner,
        createdAt: Date.UTC(2026, 1, 3, 4, 5, 6, 7),
        startedAt: Date.UTC(2026, 1, 3, 4, 5, 7),
        finishedAt: Date.UTC(2026, 1, 3, 4, 5, 9),
        durationMs: 2000,
        status: 'failed',
        trigger: 'manual',
        legacyId: 'b6f1c2d4',
        tags: { team: 'billing', env: '=cmd|x' },
        triggeredByUserId: ann.userId,
        error: '=HYPERLINK("http://evil"), then "quotes"\nand a line',
      },
      { owner, createdAt: Date.UTC(2026, 1, 4), status: 'pending' },
    ]);
    db.sqlite.prepare('UPDATE job_runs SET triggered_by = ? WHERE id = ?').run(ann.email, failed);
    // Ann reads times in UTC: the file's instants end in Z (local time with its offset: test/exports/download.test.ts).
    db.sqlite.prepare("UPDATE users SET time_display = 'utc' WHERE id = ?").run(ann.userId);
    const folder = path.join(tempDir(), 'exports');
    const result = exportRunsCsv(db, ann, { kind: 'business', businessId: acme }, { selection: { kind: 'filter', filters: {} } }, folder);
    expect(path.dirname(result.path)).toBe(folder);
    expect(path.basename(result.path)).toMatch(new RegExp(`^runs-business-${acme}-\\d{8}T\\d{9}Z\\.csv$`));
    expect(fs.readdirSync(folder)).toEqual([path.basename(result.path)]);
    const content = fs.readFileSync(result.path, 'utf8');
    expect(result).toMatchObject({ rows: 2, bytes: Buffer.byteLength(content) });
    expect(parseCsv(content)).toEqual([
      [...RUNS_CSV_HEADER],
      [String(pending), '', 'Acme', 'diagnostics.probe', 'pending', 'manual', '', '2026-02-04T00:00:00.000Z', '', '', '', '', ''],
      [
        String(failed),
        'b6f1c2d4',
        'Acme',
        'diagnostics.probe',
        'failed',
        'manual',
        ann.email,
        '2026-02-03T04:05:06.007Z',
        '2026-02-03T04:05:07.000Z',
        '2026-02-03T04:05:09.000Z',
        '2000',
        `'=HYPERLINK("http://evil"), then "quotes"\nand a line`,
        // A JSON object by key: it starts with "{", so a value that would be a formula is not one here.
        '{"env":"=cmd|x","team":"billing"}',
      ],
    ]);
    expect(readAuditEvents(db).at(-1)).toMatchObject({
      action: 'jobs.export',
      actorLabel: ann.email,
      businessId: acme,
      details: { rows: 2, bytes: result.bytes, selection: { kind: 'filter', filters: {} } },
    });
  });

  it('refuses an export above 100,000 rows before writing anything', async () => {
    const { db, root } = await acmeWorld();
    seedRuns(db, { kind: 'system' }, MAX_EXPORT_ROWS + 1);
    const folder = path.join(tempDir(), 'never-made');
    expect(() => exportRunsCsv(db, root, { kind: 'all' }, { selection: { kind: 'filter', filters: {} } }, folder)).toThrow(
      refusedField('selection', 'The selection matches 100,001 runs; one export holds at most 100,000. Narrow the selection.'),
    );
    expect(fs.existsSync(folder)).toBe(false);
    expect(readAuditEvents(db).filter((event) => event.action === 'jobs.export')).toEqual([]);
  });
});
