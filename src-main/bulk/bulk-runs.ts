// Bulk actions on runs: preview, cancel, retry and CSV export over a selection (ids, or jobs.list's filters),
// always within the caller's tenant scope (every statement filters through runScopeCondition), and every run
// judged by canControlRun, as a single cancel or retry would be. Cancel and retry follow the preview rule:
// the caller passes the eligible count the preview showed; one immediate transaction re-counts, refuses with
// CONFLICT when it changed, acts, and records one audit event for the whole action.
import { and, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { reachOf } from '../../src-shared/access';
import { ACTIVE_RUN_STATUSES, isRetryableStatus, RETRYABLE_RUN_STATUSES, type RunScope, type RunStatus } from '../../src-shared/domain';
import { AppError, invalidField } from '../../src-shared/errors';
import {
  BULK_INELIGIBLE_REASONS,
  MAX_BULK_RUNS,
  MAX_EXPORT_ROWS,
  type BulkAction,
  type BulkChangeInput,
  type BulkChangeView,
  type BulkIneligibleReason,
  type BulkPreviewInput,
  type BulkPreviewView,
  type BulkSelectionInput,
  type ExportRunsInput,
} from '../../src-shared/schemas/bulk';
import type { JobRunView } from '../../src-shared/schemas/jobs';
import { canControlRun, type Actor } from '../access/policy';
import { inImmediateTransaction, type AppDatabase, type InTransaction } from '../db/connection';
import { businesses, jobRuns } from '../db/schema';
import { findJobType } from '../jobs/catalog';
import { recordAuditEvent, userAuditActor } from '../audit/record';
import { filterConditions } from '../history/pages';
import { createRetryRun, retryTargetOf, type RunCanceller } from '../lifecycle/control';
import { tagsOf } from '../../src-shared/tags';
import { admitNewRuns } from '../lifecycle/limits';
import type { TenantScope } from '../../src-shared/tenancy';
import { runScopeCondition } from '../tenancy/owner-sql';
import { csvLine, exportStamp, isoInDisplay, safeLabel, writeCsvAtomically, type CsvCell } from '../exports/csv-files';
import { timeDisplayOf } from '../accounts/accounts';
import { type ExportedFileView } from '../../src-shared/schemas/exports';
import { inIdList } from '../db/id-list';
import { plural } from '../../src-shared/text';

// ---- Selection and eligibility --------------------------------------------------------------------

/** The runs a selection means within `scope`: the scope always, then the ids (as one JSON parameter) or the list's filters. */
function selectionCondition(scope: TenantScope, selection: BulkSelectionInput): SQL {
  const narrowing =
    selection.kind === 'ids'
      ? [inIdList(jobRuns.id, requireIds(selection.ids))]
      : filterConditions(selection.filters);
  return and(runScopeCondition(scope), ...narrowing) as SQL;
}

function requireIds(ids: readonly number[]): number[] {
  if (!Array.isArray(ids) || ids.length === 0) throw invalidField('selection.ids', 'Select at least one run.');
  const invalid = ids.filter((id) => !Number.isSafeInteger(id) || id <= 0);
  if (invalid.length > 0) throw invalidField('selection.ids', `Run ids must be positive whole numbers; not: ${invalid.slice(0, 10).join(', ')}.`);
  return [...new Set(ids)];
}

/** What eligibility depends on: whose run it is (canControlRun's question), its status, job type, and its business. */
export interface RunFacts {
  scope: RunScope;
  businessId: number | null;
  triggeredByUserId: number | null;
  status: RunStatus;
  jobType: string;
  businessDisabled: boolean;
}

/**
 * Why `actor` may not apply `action` to this run, or null when they may. The first reason that applies, in the
 * order of BULK_INELIGIBLE_REASONS; the same checks as a single cancel (cancelJobRun) or retry (retryJobRun).
 */
export function ineligibilityOf(action: BulkAction, actor: Actor, run: RunFacts): BulkIneligibleReason | null {
  if (action === 'export') return null;
  if (!canControlRun(actor, run)) return 'not_permitted';
  if (action === 'cancel') return (ACTIVE_RUN_STATUSES as readonly RunStatus[]).includes(run.status) ? null : 'not_active';
  if (!isRetryableStatus(run.status)) return 'not_retryable';
  if (run.scope === 'business' && run.businessId === null) return 'orphan';
  const type = findJobType(run.jobType);
  if (!type || type.scope === (run.scope === 'business' ? 'system' : 'business')) return 'job_type_unavailable';
  if (run.businessDisabled) return 'business_disabled';
  return null;
}

const factColumns = {
  scope: jobRuns.scope,
  businessId: jobRuns.businessId,
  triggeredByUserId: jobRuns.triggeredByUserId,
  status: jobRuns.status,
  jobType: jobRuns.jobType,
  businessDisabled: sql<number>`${businesses.disabledAt} IS NOT NULL`,
};

function toFacts(row: Omit<RunFacts, 'businessDisabled'> & { businessDisabled: number | boolean }): RunFacts {
  return { ...row, businessDisabled: Boolean(row.businessDisabled) };
}

interface Classification {
  matching: number;
  eligible: number;
  reasons: Map<BulkIneligibleReason, number>;
}

/**
 * Counts the selection by eligibility without loading its runs: one row per distinct combination of the facts
 * eligibility depends on, each judged once (every run in a group has exactly those facts).
 */
function classify(db: AppDatabase, actor: Actor, scope: TenantScope, action: BulkAction, selection: BulkSelectionInput): Classification {
  const where = selectionCondition(scope, selection);
  if (action === 'export') {
    const matching = db.orm.select({ n: count() }).from(jobRuns).where(where).get()?.n ?? 0;
    return { matching, eligible: matching, reasons: new Map() };
  }
  const groups = db.orm
    .select({ ...factColumns, n: count() })
    .from(jobRuns)
    .leftJoin(businesses, eq(businesses.id, jobRuns.businessId))
    .where(where)
    .groupBy(jobRuns.scope, jobRuns.businessId, jobRuns.triggeredByUserId, jobRuns.status, jobRuns.jobType, factColumns.businessDisabled)
    .all();
  const result: Classification = { matching: 0, eligible: 0, reasons: new Map() };
  for (const { n, ...facts } of groups) {
    result.matching += n;
    const reason = ineligibilityOf(action, actor, toFacts(facts));
    if (reason === null) result.eligible += n;
    else result.reasons.set(reason, (result.reasons.get(reason) ?? 0) + n);
  }
  return result;
}

function limitOf(action: BulkAction): number {
  return action === 'export' ? MAX_EXPORT_ROWS : MAX_BULK_RUNS;
}

/** How many runs of the selection the caller's scope holds, how many the action would apply to, and why not the rest. */
export function previewBulkAction(db: AppDatabase, actor: Actor, scope: TenantScope, input: BulkPreviewInput): BulkPreviewView {
  const { matching, eligible, reasons } = classify(db, actor, scope, input.action, input.selection);
  return {
    matching,
    eligible,
    ineligibleReasons: BULK_INELIGIBLE_REASONS.filter((reason) => reasons.has(reason)).map((reason) => ({ reason, count: reasons.get(reason)! })),
    limit: limitOf(input.action),
  };
}

// ---- Cancel and retry -----------------------------------------------------------------------------

interface EligibleRun extends RunFacts {
  id: number;
}

/**
 * Inside the action's transaction: the eligible runs now, checked against the preview's count (CONFLICT when it
 * changed) and the limit (VALIDATION above it). Statuses the action cannot take are filtered in SQL, and so are
 * other people's runs for a member (who controls only their own); canControlRun still judges every run.
 */
function eligibleRunsNow(db: InTransaction, actor: Actor, scope: TenantScope, action: 'cancel' | 'retry', input: BulkChangeInput): {
  runs: EligibleRun[];
  matching: number;
} {
  const expected = input.expectedEligible;
  if (!Number.isSafeInteger(expected) || expected < 0) {
    throw invalidField('expectedEligible', `The eligible count must be the one the preview showed, not ${expected}.`);
  }
  const counted = classify(db, actor, scope, action, input.selection);
  if (counted.eligible > MAX_BULK_RUNS) {
    throw new AppError(
      'VALIDATION',
      `selection: ${counted.eligible} runs are eligible; one bulk ${action} takes at most ${MAX_BULK_RUNS}. Narrow the selection. Nothing was changed.`,
    );
  }
  if (counted.eligible !== expected) {
    throw new AppError(
      'CONFLICT',
      `The runs changed since the preview: expected ${expected} eligible for ${action}, found ${counted.eligible}. Nothing was changed.`,
    );
  }
  const statuses: RunStatus[] = action === 'cancel' ? [...ACTIVE_RUN_STATUSES] : [...RETRYABLE_RUN_STATUSES];
  const narrowing: SQL[] = [inArray(jobRuns.status, statuses)];
  if (reachOf(actor.role, 'runs.control') === 'own_triggered') narrowing.push(eq(jobRuns.triggeredByUserId, actor.userId));
  const runs = db.orm
    .select({ id: jobRuns.id, ...factColumns })
    .from(jobRuns)
    .leftJoin(businesses, eq(businesses.id, jobRuns.businessId))
    .where(and(selectionCondition(scope, input.selection), ...narrowing))
    .orderBy(jobRuns.id)
    .all()
    .map((row) => ({ ...toFacts(row), id: row.id }))
    .filter((run) => ineligibilityOf(action, actor, run) === null);
  // The grouped count and the rows are read in the same transaction, so they agree; a mismatch would be a bug here.
  if (runs.length !== counted.eligible) throw new Error(`bulk ${action}: counted ${counted.eligible} eligible runs but found ${runs.length}`);
  return { runs, matching: counted.matching };
}

/** The audit event's business: the one business every affected run belongs to, else none (several, system-wide, orphans). */
function soleBusinessOf(runs: readonly { scope: RunScope; businessId: number | null }[]): number | null {
  const owners = new Set(runs.map((run) => (run.scope === 'business' ? run.businessId : null)));
  const [only] = [...owners];
  return owners.size === 1 && only !== undefined ? only : null;
}

/** How a selection is recorded in the audit log: the filters, or how many ids were named. */
function selectionDetail(selection: BulkSelectionInput): Record<string, unknown> {
  return selection.kind === 'filter' ? { kind: 'filter', filters: selection.filters } : { kind: 'ids', named: selection.ids.length };
}

/**
 * Cancels every eligible run (pending or running, the actor's to control) through the runner, which marks each
 * cancelled, aborts its handler if running, and announces it (jobs.changed). One transaction, one audit event.
 */
export function bulkCancelRuns(db: AppDatabase, actor: Actor, scope: TenantScope, input: BulkChangeInput, runner: RunCanceller): BulkChangeView {
  return inImmediateTransaction(db, (tx) => {
    const { runs, matching } = eligibleRunsNow(tx, actor, scope, 'cancel', input);
    const cancelled = runs.filter((run) => runner.cancel(run.id, actor) !== null);
    if (cancelled.length > 0) {
      recordAuditEvent(tx, {
        actor: userAuditActor(actor),
        action: 'jobs.bulk_cancel',
        target: { type: 'job_runs', id: null },
        businessId: soleBusinessOf(cancelled),
        details: { count: cancelled.length, ids: cancelled.map((run) => run.id), selection: selectionDetail(input.selection) },
      });
    }
    return { done: cancelled.length, skipped: matching - cancelled.length };
  });
}

export interface BulkRetryResult extends BulkChangeView {
  /** The new runs, pending: the caller announces them and wakes the runner once. */
  runs: JobRunView[];
}

/**
 * One new pending run per eligible failed or cancelled run: same job type, owner, params and tags, trigger 'retry',
 * linked to the original, triggered by the actor. A run whose stored params this app no longer accepts is
 * skipped (nothing is written for it). One transaction, one audit event.
 */
export function bulkRetryRuns(db: AppDatabase, actor: Actor, scope: TenantScope, input: BulkChangeInput): BulkRetryResult {
  return inImmediateTransaction(db, (tx) => {
    const { runs, matching } = eligibleRunsNow(tx, actor, scope, 'retry', input);
    admitRetries(tx, actor, runs);
    const retried: { original: EligibleRun; retry: JobRunView }[] = [];
    for (const original of runs) {
      const stored = tx.orm.select({ params: jobRuns.params, tags: jobRuns.tags }).from(jobRuns).where(eq(jobRuns.id, original.id)).get();
      try {
        retried.push({ original, retry: createRetryRun(tx, actor, original, { params: stored?.params ?? {}, tags: tagsOf(stored?.tags ?? null) }) });
      } catch (error) {
        // createJobRun checks everything before it writes: a refused run leaves nothing behind.
        if (!(error instanceof AppError)) throw error;
      }
    }
    if (retried.length > 0) {
      recordAuditEvent(tx, {
        actor: userAuditActor(actor),
        action: 'jobs.bulk_retry',
        target: { type: 'job_runs', id: null },
        businessId: soleBusinessOf(retried.map((r) => r.original)),
        details: {
          count: retried.length,
          ids: retried.map((r) => r.original.id),
          retryIds: retried.map((r) => r.retry.id),
          selection: selectionDetail(input.selection),
        },
      });
    }
    return { done: retried.length, skipped: matching - retried.length, runs: retried.map((r) => r.retry) };
  });
}

/** The limits (lifecycle/limits.ts) for the retries, per business, before any is written: the call is one trigger. */
function admitRetries(tx: InTransaction, actor: Actor, runs: readonly EligibleRun[]): void {
  const perTarget = new Map<number | null, number>();
  for (const run of runs) perTarget.set(run.businessId, (perTarget.get(run.businessId) ?? 0) + 1);
  for (const [businessId, count] of perTarget) admitNewRuns(tx, retryTargetOf({ businessId }), count, actor);
}

// ---- CSV export -----------------------------------------------------------------------------------

export const RUNS_CSV_HEADER = [
  'id',
  'legacy_id',
  'business',
  'job_type',
  'status',
  'trigger',
  'triggered_by',
  'created_at',
  'started_at',
  'finished_at',
  'duration_ms',
  'error',
  // The run's tags as a JSON object by key ({"env":"prod"}), empty when it has none: a spreadsheet reads it as text,
  // a program parses it, and no separator can clash with a value.
  'tags',
] as const;

/** The business column of runs that have none. */
export const SYSTEM_WIDE_LABEL = '(system-wide)';
export const ORPHAN_LABEL = '(orphan)';


/** writeRunsCsv, then the audit event 'jobs.export' that records it (recordRunsExport). */
export function exportRunsCsv(db: AppDatabase, actor: Actor, scope: TenantScope, input: ExportRunsInput, folder: string): ExportedFileView {
  const file = writeRunsCsv(db, actor, scope, input, folder);
  recordRunsExport(db, actor, scope, input, file);
  return file;
}

/** The audit event of a runs export (on the main thread's connection: a read worker's cannot write). */
export function recordRunsExport(db: AppDatabase, actor: Actor, scope: TenantScope, input: ExportRunsInput, file: ExportedFileView): void {
  recordAuditEvent(db, {
    actor: userAuditActor(actor),
    action: 'jobs.export',
    target: { type: 'file', id: file.path },
    businessId: scope.kind === 'business' ? scope.businessId : null,
    details: { rows: file.rows, bytes: file.bytes, selection: selectionDetail(input.selection) },
  });
}

/**
 * Writes the selected runs of `scope`, newest first, as RFC 4180 CSV (formula-safe, exports/csv-files.ts csvField) into
 * `folder` as `runs-<scope>-<timestamp>.csv`, atomically. VALIDATION, before writing anything, when the
 * selection holds more than MAX_EXPORT_ROWS runs. Reads only: it runs on a read worker (src-main/reads/).
 */
export function writeRunsCsv(db: AppDatabase, actor: Actor, scope: TenantScope, input: ExportRunsInput, folder: string): ExportedFileView {
  const where = selectionCondition(scope, input.selection);
  const rows = db.orm
    .select({
      id: jobRuns.id,
      legacyId: jobRuns.legacyId,
      scope: jobRuns.scope,
      businessId: jobRuns.businessId,
      businessName: businesses.name,
      jobType: jobRuns.jobType,
      status: jobRuns.status,
      trigger: jobRuns.trigger,
      triggeredBy: jobRuns.triggeredBy,
      createdAt: jobRuns.createdAt,
      startedAt: jobRuns.startedAt,
      finishedAt: jobRuns.finishedAt,
      durationMs: jobRuns.durationMs,
      error: jobRuns.error,
      tags: jobRuns.tags,
    })
    .from(jobRuns)
    .leftJoin(businesses, eq(businesses.id, jobRuns.businessId))
    .where(where)
    .orderBy(desc(jobRuns.createdAt), desc(jobRuns.id))
    .limit(MAX_EXPORT_ROWS + 1)
    .all();
  if (rows.length > MAX_EXPORT_ROWS) {
    const matching = db.orm.select({ n: count() }).from(jobRuns).where(where).get()?.n ?? rows.length;
    throw invalidField('selection', `The selection matches ${plural(matching, 'run')}; one export holds at most ${MAX_EXPORT_ROWS.toLocaleString('en-US')}. Narrow the selection.`);
  }
  // Times as the user reads them: UTC, or their computer's zone with its offset.
  const display = timeDisplayOf(db, actor.userId);
  const iso = (ms: number | null): string | null => (ms === null ? null : isoInDisplay(ms, display));
  const records = rows.map((run): CsvCell[] => [
    run.id,
    run.legacyId,
    run.scope === 'system' ? SYSTEM_WIDE_LABEL : run.businessId === null ? ORPHAN_LABEL : (run.businessName ?? `Business ${run.businessId}`),
    run.jobType,
    run.status,
    run.trigger,
    run.triggeredBy,
    iso(run.createdAt),
    iso(run.startedAt),
    iso(run.finishedAt),
    run.durationMs,
    run.error,
    run.tags,
  ]);
  const content = Buffer.from([RUNS_CSV_HEADER, ...records].map(csvLine).join(''), 'utf8');
  const label = scope.kind === 'business' ? `business-${scope.businessId}` : scope.kind;
  return writeCsvAtomically(folder, `runs-${safeLabel(label)}-${exportStamp()}`, content, rows.length);
}
