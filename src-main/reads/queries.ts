// The reads that run on the read workers (pool.ts): each is the domain function a channel's handler called, of the
// database, the caller as the access gate admitted them on the main thread (the actor and, on a tenant channel, the
// scope) and the channel's parsed input. The tenant rules keep their one home: main derives the scope
// (src-main/access/policy.ts), and a worker runs these same functions with it, whose SQL takes the scope through
// src-main/tenancy/owner-sql.ts as ever. Only reads of the database belong here (an export also writes its file): a
// worker's connection is read-only.
import { type RunTarget, type TenantScope } from '../../src-shared/tenancy';
import { type ListAuditEventsInput } from '../../src-shared/schemas/audit';
import { type BulkPreviewInput, type ExportRunsInput } from '../../src-shared/schemas/bulk';
import { type JobRunStatsInput, type ListJobRunsInput } from '../../src-shared/schemas/jobs';
import { type UsageInput } from '../../src-shared/schemas/usage';
import { type Actor } from '../access/policy';
import { listAuditEvents } from '../audit/list';
import { backupToRestore, previewRestore } from '../backups/restore-preview';
import { verifyNamedBackup } from '../backups/store';
import { previewBulkAction, writeRunsCsv } from '../bulk/bulk-runs';
import { type AppDatabase } from '../db/connection';
import { getActiveJobRuns, getRecentJobRuns, listJobRuns } from '../history/pages';
import { getJobTypes } from '../history/runs';
import { previewRetention } from '../lifecycle/retention';
import { checkRuns, listOrphans, previewOrphanAssignment, previewOrphanDeletion, type OrphanSelection } from '../orphans/orphans';
import { suggestOrphanAssignments } from '../orphans/suggestions';
import { getJobRunStats } from '../stats/stats';
import { loadMigrations } from '../db/migrations';
import { exportsFolderFor } from '../db/paths';
import { getUsage, writeUsageCsv } from '../usage/usage';

/** Who asks: the actor, and on a tenant channel the scope main derived for them (null on the others). */
export interface ReadCaller {
  actor: Actor;
  scope: TenantScope | null;
}

type Read<I, O> = (db: AppDatabase, caller: ReadCaller, input: I) => O;
const read = <I, O>(fn: Read<I, O>): Read<I, O> => fn;

/** The scope of a tenant read: main always passes one for these (a missing one is a bug, never a wider read). */
function scopeOf(caller: ReadCaller): TenantScope {
  if (!caller.scope) throw new Error('A tenant read was asked without a scope');
  return caller.scope;
}

/** The run target of a read about one owner's runs (a retention preview): main resolved it (resolveRunTarget) and passed it as the scope. */
function runTargetOf(caller: ReadCaller): RunTarget {
  const scope = scopeOf(caller);
  if (scope.kind !== 'business' && scope.kind !== 'system') throw new Error(`A run target was asked with the ${scope.kind} scope`);
  return scope;
}

/** By the channel each serves. Cheap point reads (one run, its audit trail, the session) stay on the main thread. */
export const READS = {
  'jobs.list': read((db, caller, input: ListJobRunsInput) => listJobRuns(db, scopeOf(caller), input)),
  'jobs.stats': read((db, caller, input: JobRunStatsInput) => getJobRunStats(db, scopeOf(caller), input)),
  'jobs.recent': read((db, caller, input: { limit: number }) => getRecentJobRuns(db, scopeOf(caller), input)),
  'jobs.active': read((db, caller, input: { cursor: string | null; limit: number }) => getActiveJobRuns(db, scopeOf(caller), input)),
  'jobs.types': read((db, caller, _input: unknown) => getJobTypes(db, scopeOf(caller))),
  // Counts the target's completed runs before the cutoff: up to all of a business's runs, or the system-wide ones.
  'jobs.previewRetention': read((db, caller, input: { olderThanDays: number }) => previewRetention(db, runTargetOf(caller), input)),
  'jobs.bulkPreview': read((db, caller, input: BulkPreviewInput) => previewBulkAction(db, caller.actor, scopeOf(caller), input)),
  'metrics.usage': read((db, caller, input: UsageInput) => getUsage(db, scopeOf(caller), input)),
  // The exports read the runs and write their file in the exports folder; the audit event is the main thread's.
  'jobs.exportCsv': read((db, caller, input: ExportRunsInput) => writeRunsCsv(db, caller.actor, scopeOf(caller), input, exportsFolderFor(db.path))),
  'metrics.exportCsv': read((db, caller, input: { fromMonth: string; toMonth: string }) => {
    const scope = scopeOf(caller);
    return writeUsageCsv(db, scope, input, exportsFolderFor(db.path), scope.kind === 'business' ? `business-${scope.businessId}` : scope.kind);
  }),
  'audit.list': read((db, caller, input: ListAuditEventsInput) => listAuditEvents(db, caller.actor, input)),
  'orphans.check': read((db, _caller, input: { newestLimit?: number }) => checkRuns(db, { newestLimit: input.newestLimit })),
  'orphans.list': read((db, _caller, input: ListJobRunsInput) => listOrphans(db, input)),
  'orphans.previewDelete': read((db, _caller, input: { selection: OrphanSelection }) => previewOrphanDeletion(db, input.selection)),
  'orphans.previewAssign': read((db, _caller, input: { businessId: number; selection: OrphanSelection }) =>
    previewOrphanAssignment(db, input.businessId, input.selection),
  ),
  // A backup's check reads the whole file (integrity check, checksum) and writes its outcome beside it, never the database.
  'backups.verify': read((db, _caller, input: { name: string }) => verifyNamedBackup(db.path, input.name)),
  // A restore's preview checks the backup the same way, then counts both files.
  'backups.restorePreview': read((db, _caller, input: { backup: string; migrationsFolder: string }) =>
    previewRestore(db, backupToRestore(db.path, input.backup), loadMigrations(input.migrationsFolder)),
  ),
  'orphans.suggestions': read((db, _caller, input: { previewLimit: number }) => suggestOrphanAssignments(db, { previewLimit: input.previewLimit })),
};

export type ReadName = keyof typeof READS;
export type ReadInput<N extends ReadName> = Parameters<(typeof READS)[N]>[2];
export type ReadOutput<N extends ReadName> = ReturnType<(typeof READS)[N]>;

/** Runs one read on `db`, on whichever thread calls it. */
export function runRead<N extends ReadName>(db: AppDatabase, name: N, caller: ReadCaller, input: ReadInput<N>): ReadOutput<N> {
  const fn = READS[name] as Read<ReadInput<N>, ReadOutput<N>>;
  return fn(db, caller, input);
}
