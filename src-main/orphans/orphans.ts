// Orphans: business-scoped runs whose business is missing (adopted from the server edition). The
// operations behind the orphan wizard and the CLI: check, list, and preview-then-execute delete and assign.
// System runs have no business either, but they are not orphans, and nothing here can touch them:
// every statement filters through runScopeCondition(ORPHANS).
import { type BulkRunChange, withOwnerRollupsMoved, withRollupsMovedInBulk } from '../db/rollup-bulk';
import { and, count, sql, type SQL } from 'drizzle-orm';
import { AppError, invalidField } from '../../src-shared/errors';
import type { ProgressListener } from '../../src-shared/progress';
import type { JobRunPageView, JobRunView, ListJobRunsInput } from '../../src-shared/schemas/jobs';
import { backUpThenWrite } from '../db/backup';
import { pruneAfterBackup } from '../backups/prune';
import { backupPathFor } from '../db/backup-files';
import { deleteWithReferencesSetNull, setNullReferencesTo } from '../db/bulk-delete';
import { withForeignKeysOff } from '../db/migrations';
import { inImmediateTransaction, type AppDatabase, type InTransaction } from '../db/connection';
import { jobRuns, type BusinessRow } from '../db/schema';
import { recordAuditEvent, type AuditActor } from '../audit/record';
import { listBusinesses, requireEnabledBusiness } from '../accounts/businesses';
import { listJobRuns } from '../history/pages';
import { countJobRunsByOwner } from '../history/runs';
import type { TenantScope } from '../../src-shared/tenancy';
import { ORPHANS_OWNER, runScopeCondition } from '../tenancy/owner-sql';
import { inIdList } from '../db/id-list';

const ORPHANS: TenantScope = { kind: 'orphans' };

/** Which orphans an operation applies to: every one, or the runs with these ids (each must be an orphan). */
export type OrphanSelection = { kind: 'all' } | { kind: 'ids'; ids: number[] };

// ---- Check and list ---------------------------------------------------------------------------------

export interface RunsOverview {
  /** The businesses that have runs, with their run counts, by name. */
  businesses: { id: number; name: string; disabled: boolean; runs: number }[];
  /** How many businesses have no runs (left out of `businesses`). */
  businessesWithoutRuns: number;
  systemRuns: number;
  orphans: number;
  newestOrphans: JobRunView[];
}

export function checkRuns(db: AppDatabase, options: { newestLimit?: number } = {}): RunsOverview {
  const runsByOwner = new Map(countJobRunsByOwner(db, { kind: 'all' }).map((o) => [`${o.scope}:${o.businessId}`, o.runs]));
  const runsOf = (scope: 'business' | 'system', businessId: number | null) => runsByOwner.get(`${scope}:${businessId}`) ?? 0;
  const counted = listBusinesses(db).map((b) => ({ id: b.id, name: b.name, disabled: b.disabledAt !== null, runs: runsOf('business', b.id) }));
  const businesses = counted.filter((business) => business.runs > 0);
  return {
    businesses,
    businessesWithoutRuns: counted.length - businesses.length,
    systemRuns: runsOf('system', null),
    orphans: runsOf('business', null),
    newestOrphans: listJobRuns(db, ORPHANS, {
      filters: {},
      sort: { field: 'createdAt', direction: 'desc' },
      cursor: null,
      limit: options.newestLimit ?? 20,
    }).runs,
  };
}

export function listOrphans(db: AppDatabase, input: ListJobRunsInput): JobRunPageView {
  return listJobRuns(db, ORPHANS, input);
}

// ---- Delete ---------------------------------------------------------------------------------------

export interface OrphanDeletionPreview {
  count: number;
}

export function previewOrphanDeletion(db: AppDatabase, selection: OrphanSelection): OrphanDeletionPreview {
  const selected = normalizeSelection(selection);
  requireSelectedAreOrphans(db, selected);
  return { count: countSelectedOrphans(db, selected) };
}

export interface OrphanChangeOptions {
  actor: AuditActor;
  /** The count the operator confirmed in the preview; the change is refused when it no longer holds. */
  expectedCount: number;
  onProgress?: ProgressListener;
  now?: () => Date;
}

export interface OrphanDeletionResult {
  deleted: number;
  /** The copy of the database made just before deleting; null when there was nothing to delete. */
  backupPath: string | null;
}

/** Backs the database up, then deletes the selected orphans in one transaction with one audit event. */
export async function deleteOrphans(
  db: AppDatabase,
  selection: OrphanSelection,
  options: OrphanChangeOptions,
): Promise<OrphanDeletionResult> {
  const selected = normalizeSelection(selection);
  const expectedCount = requireExpectedCount(options.expectedCount);
  const now = options.now ?? (() => new Date());
  // Checked before the backup too, so a stale preview does not leave a useless backup behind.
  requireUnchangedSince(db, selected, expectedCount);
  if (expectedCount === 0) return { deleted: 0, backupPath: null };

  // Runs referencing a deleted run (retry_of_run_id) lose the reference: set-based with foreign keys off, when
  // every key to job_runs is ON DELETE SET NULL (db/bulk-delete.ts); else by SQLite, row by row.
  const references = setNullReferencesTo(db.sqlite, 'job_runs');
  const phase = 'Backing up before deleting orphans';
  const { backup, result: deleted } = await backUpThenWrite(
    db,
    backupPathFor(db.path, 'before-delete-orphans', now()),
    (made, tx) => {
      options.onProgress?.({ phase: 'Deleting orphans', done: 0, total: expectedCount });
      requireUnchangedSince(tx, selected, expectedCount);
      const remove = () => tx.orm.delete(jobRuns).where(orphansIn(selected)).run().changes;
      const changes = inBulk(tx, selected, expectedCount, { kind: 'deleted' }, () =>
        references ? deleteWithReferencesSetNull(tx.sqlite, 'job_runs', references, selectedIds(tx, selected), remove) : remove(),
      );
      recordAuditEvent(tx, {
        actor: options.actor,
        action: 'orphans.delete',
        target: { type: 'job_runs', id: null },
        businessId: null,
        details: { count: changes, backupPath: made.path, ...selectedIdsDetail(selected) },
        at: now().getTime(),
      });
      return changes;
    },
    {
      onProgress: (p) => options.onProgress?.({ phase, done: p.copiedPages, total: p.totalPages }),
      transaction: references ? (work) => withForeignKeysOff(db.sqlite, work) : undefined,
    },
  );
  options.onProgress?.({ phase: 'Deleting orphans', done: deleted, total: expectedCount });
  pruneAfterBackup(db, backup.path);
  return { deleted, backupPath: backup.path };
}

/**
 * Up to 100,000 runs at once: the rollups move set-based, not by a trigger per run (db/rollup-bulk.ts). When the
 * selection is every orphan (`selectedCount`, the selected orphans counted inside the transaction, is all of them), the orphans' rollup rows move or go by
 * key; otherwise the selected runs are grouped and their groups taken out (and put back under the new owner).
 */
function inBulk<T>(db: InTransaction, selected: OrphanSelection, selectedCount: number, effect: BulkRunChange, change: () => T): T {
  if (selected.kind === 'all' || selectedCount === countSelectedOrphans(db, { kind: 'all' })) {
    return withOwnerRollupsMoved(db.sqlite, ORPHANS_OWNER, effect, change);
  }
  return withRollupsMovedInBulk(db.sqlite, selectedIds(db, selected), effect, change);
}

/** A SELECT of the selected orphans' ids. */
function selectedIds(db: AppDatabase, selected: OrphanSelection): { sql: string; params: unknown[] } {
  return db.orm.select({ id: jobRuns.id }).from(jobRuns).where(orphansIn(selected)).toSQL();
}

// ---- Assign ---------------------------------------------------------------------------------------

export interface OrphanAssignmentPreview {
  count: number;
  business: { id: number; name: string };
}

export function previewOrphanAssignment(
  db: AppDatabase,
  businessId: number,
  selection: OrphanSelection,
): OrphanAssignmentPreview {
  const business = requireAssignableBusiness(db, businessId);
  const selected = normalizeSelection(selection);
  requireSelectedAreOrphans(db, selected);
  return { count: countSelectedOrphans(db, selected), business: { id: business.id, name: business.name } };
}

export interface OrphanAssignmentResult {
  assigned: number;
  business: { id: number; name: string };
}

/** Gives the selected orphans to a business in one transaction with one audit event. */
export function assignOrphans(
  db: AppDatabase,
  businessId: number,
  selection: OrphanSelection,
  options: OrphanChangeOptions,
): OrphanAssignmentResult {
  const selected = normalizeSelection(selection);
  const expectedCount = requireExpectedCount(options.expectedCount);
  const now = options.now ?? (() => new Date());
  options.onProgress?.({ phase: 'Assigning orphans', done: 0, total: expectedCount });
  const result = inImmediateTransaction(db, (tx) => {
    const business = requireAssignableBusiness(tx, businessId);
    requireUnchangedSince(tx, selected, expectedCount);
    const summary = { id: business.id, name: business.name };
    if (expectedCount === 0) return { assigned: 0, business: summary };
    const assigned = moveOrphansTo(tx, business.id, selected, expectedCount);
    recordAuditEvent(tx, {
      actor: options.actor,
      action: 'orphans.assign',
      target: { type: 'business', id: business.id },
      businessId: business.id,
      details: { count: assigned, business: summary, ...selectedIdsDetail(selected) },
      at: now().getTime(),
    });
    return { assigned, business: summary };
  });
  options.onProgress?.({ phase: 'Assigning orphans', done: result.assigned, total: expectedCount });
  return result;
}

/**
 * Gives the selected orphans (`selectedCount` of them, counted in this transaction) to a business: the business
 * set, the server-edition business id they recorded cleared, the rollups moved in bulk. Inside a transaction.
 */
export function moveOrphansTo(db: InTransaction, businessId: number, selected: OrphanSelection, selectedCount: number): number {
  return inBulk(
    db,
    selected,
    selectedCount,
    { kind: 'moved', toOwner: businessId },
    () => db.orm.update(jobRuns).set({ businessId, orphanedFrom: null }).where(orphansIn(selected)).run().changes,
  );
}

// ---- Rules shared by the operations ---------------------------------------------------------------

function normalizeSelection(selection: OrphanSelection): OrphanSelection {
  if (selection.kind === 'all') return selection;
  if (!Array.isArray(selection.ids) || selection.ids.length === 0) {
    throw invalidField('ids', 'Select at least one orphan, or all of them.');
  }
  const invalid = selection.ids.filter((id) => !Number.isSafeInteger(id) || id <= 0);
  if (invalid.length > 0) {
    throw invalidField('ids', `Run ids must be positive whole numbers; not: ${invalid.slice(0, 10).map(String).join(', ')}.`);
  }
  return { kind: 'ids', ids: [...new Set(selection.ids)] };
}

/** The orphans a selection means, as one set-based condition (ids travel as one JSON parameter, however many). */
function orphansIn(selection: OrphanSelection): SQL {
  const scoped = runScopeCondition(ORPHANS);
  if (selection.kind === 'all') return scoped;
  return and(scoped, inIdList(jobRuns.id, selection.ids)) as SQL;
}

function countSelectedOrphans(db: AppDatabase, selection: OrphanSelection): number {
  return db.orm.select({ n: count() }).from(jobRuns).where(orphansIn(selection)).get()?.n ?? 0;
}

const SHOWN_IDS = 20;

function requireSelectedAreOrphans(db: AppDatabase, selection: OrphanSelection): void {
  if (selection.kind === 'all') return;
  const notOrphans = db.orm
    .all<{ id: number }>(
      sql`SELECT value AS id FROM json_each(${JSON.stringify(selection.ids)})
          WHERE value NOT IN (SELECT ${jobRuns.id} FROM ${jobRuns} WHERE ${runScopeCondition(ORPHANS)})
          ORDER BY value`,
    )
    .map((row) => row.id);
  if (notOrphans.length === 0) return;
  const shown = notOrphans.slice(0, SHOWN_IDS).join(', ');
  const more = notOrphans.length > SHOWN_IDS ? `, … (${notOrphans.length} in all)` : '';
  const which = notOrphans.length === 1 ? `Run ${shown} is not an orphan` : `Runs ${shown}${more} are not orphans`;
  throw new AppError(
    'VALIDATION',
    `${which} (they belong to a business, are system runs, or do not exist). Nothing was changed.`,
    { field: 'ids', notOrphans },
  );
}

export function requireExpectedCount(expectedCount: number, field = 'expectedCount'): number {
  if (!Number.isSafeInteger(expectedCount) || expectedCount < 0) {
    throw invalidField(field, `The count must be the one the preview showed, not ${expectedCount}.`);
  }
  return expectedCount;
}

/** Counts first, so selected orphans that were deleted or assigned meanwhile read as a conflict, not as bad input. */
function requireUnchangedSince(db: AppDatabase, selection: OrphanSelection, expectedCount: number): void {
  requireCountUnchanged('The orphans', expectedCount, countSelectedOrphans(db, selection));
  requireSelectedAreOrphans(db, selection);
}

/** CONFLICT when what the operator previewed (`what`, e.g. "The orphans") no longer holds as many orphans. */
export function requireCountUnchanged(what: string, expectedCount: number, found: number): void {
  if (found !== expectedCount) {
    throw new AppError('CONFLICT', `${what} changed since the preview: expected ${expectedCount}, found ${found}. Nothing was changed.`);
  }
}

/** An existing, enabled business: VALIDATION naming `field` for a bad id or a disabled business, NOT_FOUND for a missing one. */
export function requireAssignableBusiness(db: AppDatabase, businessId: number, field = 'businessId'): BusinessRow {
  if (!Number.isSafeInteger(businessId) || businessId <= 0) {
    throw invalidField(field, `Business must be chosen (a positive whole number), not ${businessId}.`);
  }
  return requireEnabledBusiness(db, businessId, field);
}

function selectedIdsDetail(selection: OrphanSelection): { ids?: number[] } {
  return selection.kind === 'ids' ? { ids: selection.ids } : {};
}

