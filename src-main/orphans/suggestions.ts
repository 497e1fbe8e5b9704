// Suggested assignments: for each orphan, the business the file's evidence names and why (ORPHAN_EVIDENCE in
// src-shared/schemas/orphans.ts), defined once in SQL (PROPOSALS) and read by the view, the count for the adoption
// report, and the assignment, which backs up first and moves the accepted groups in one transaction.
import { sql } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { invalidField } from '../../src-shared/errors';
import type { ProgressListener } from '../../src-shared/progress';
import {
  ORPHAN_EVIDENCE,
  ORPHAN_EVIDENCE_LABELS,
  type OrphanEvidence,
  type OrphanSuggestionsView,
  type SuggestedAssignmentView,
} from '../../src-shared/schemas/orphans';
import { backUpThenWrite } from '../db/backup';
import { pruneAfterBackup } from '../backups/prune';
import { backupPathFor } from '../db/backup-files';
import type { AppDatabase } from '../db/connection';
import { recordAuditEvent, type AuditActor } from '../audit/record';
import { compareText, type TenantScope } from '../../src-shared/tenancy';
import { countJobRuns, findJobRunViews } from '../history/runs';
import { moveOrphansTo, requireAssignableBusiness, requireCountUnchanged, requireExpectedCount } from './orphans';
import { runScopeCondition } from '../tenancy/owner-sql';

const ORPHANS: TenantScope = { kind: 'orphans' };

/** What trimming means in the evidence rules: spaces, tabs and line breaks at either end. */
const TRIMMED = `char(32, 9, 10, 13)`;
/** A server-edition business id as written anywhere: `{7D4C0A52-…}`, `7d4c0a52…`: braces and hyphens out, trimmed, lower case (ASCII). */
const legacyKey = (column: string) => `lower(trim(replace(replace(replace(${column}, '{', ''), '}', ''), '-', ''), ${TRIMMED}))`;
/** A business name compared without case (ASCII, as the names' unique index does), trimmed. */
const nameKey = (column: string) => `lower(trim(${column}, ${TRIMMED}))`;

/**
 * The one definition of "each orphan's proposed business and reason": a WITH clause ending in the CTE
 * `proposal(run_id, created_at, business_id, reason)`, one row per orphan with evidence; a statement appends
 * its SELECT from `proposal`. Only enabled businesses are candidates. By former business: the legacy-id match
 * wins over a name match; two candidates of the winning kind are no evidence. By triggering user: the user is
 * the run's linked user, else the one whose server-edition id is `triggered_by`, else whose email is (without case).
 * Business keys are computed once per statement (materialized, indexed automatically), not per orphan; an orphan's own
 * key is computed only when it recorded a former business (a pre-tenant file's million orphans record none: its count
 * took 1.2-1.4 s with the keys joined for every orphan, 0.8-0.9 s so).
 */
const PROPOSALS = new SQLiteSyncDialect().sqlToQuery(sql`
  WITH enabled_business AS MATERIALIZED (
    SELECT id, ${sql.raw(legacyKey('legacy_id'))} AS legacy_key, ${sql.raw(nameKey('name'))} AS name_key
    FROM businesses WHERE disabled_at IS NULL
  ),
  by_legacy_id AS MATERIALIZED (
    SELECT legacy_key AS key, CASE WHEN count(*) = 1 THEN min(id) END AS business_id
    FROM enabled_business WHERE legacy_key <> '' GROUP BY legacy_key
  ),
  by_name AS MATERIALIZED (
    SELECT name_key AS key, CASE WHEN count(*) = 1 THEN min(id) END AS business_id
    FROM enabled_business WHERE name_key <> '' GROUP BY name_key
  ),
  evidence AS (
    SELECT
      job_runs.id AS run_id,
      job_runs.created_at AS created_at,
      CASE
        WHEN job_runs.orphaned_from IS NULL THEN NULL
        WHEN EXISTS (SELECT 1 FROM by_legacy_id WHERE key = ${sql.raw(legacyKey('job_runs.orphaned_from'))})
          THEN (SELECT business_id FROM by_legacy_id WHERE key = ${sql.raw(legacyKey('job_runs.orphaned_from'))})
        ELSE (SELECT business_id FROM by_name WHERE key = ${sql.raw(nameKey('job_runs.orphaned_from'))})
      END AS former_business_id,
      (
        SELECT b.id FROM users u JOIN businesses b ON b.id = u.business_id AND b.disabled_at IS NULL
        WHERE u.id = coalesce(
          job_runs.triggered_by_user_id,
          (SELECT id FROM users WHERE legacy_id = job_runs.triggered_by),
          (SELECT id FROM users WHERE email = job_runs.triggered_by COLLATE NOCASE)
        )
      ) AS user_business_id
    FROM job_runs
    WHERE ${runScopeCondition(ORPHANS)}
  ),
  proposal AS (
    SELECT run_id, created_at, coalesce(former_business_id, user_business_id) AS business_id,
      CASE WHEN former_business_id IS NOT NULL THEN 'former_business' ELSE 'triggering_user' END AS reason
    FROM evidence
    WHERE coalesce(former_business_id, user_business_id) IS NOT NULL
  )
`);

/** The rows of a SELECT over `proposal` (see PROPOSALS), whose own parameters follow the definition's. */
function overProposals<Row>(db: AppDatabase, select: string, ...params: unknown[]): Row[] {
  return db.sqlite.prepare(`${PROPOSALS.sql} ${select}`).all(...PROPOSALS.params, ...params) as Row[];
}

/**
 * How many orphans have a suggested business, as one statement (a single value) with its positional parameters: adoption
 * runs it on a worker thread over the file it has just built (adoption/adopt.ts).
 */
export const COUNT_ORPHANS_WITH_SUGGESTION = { sql: `${PROPOSALS.sql} SELECT count(*) FROM proposal`, params: PROPOSALS.params };

/** How many orphans have a suggested business. */
export function countOrphansWithSuggestion(db: AppDatabase): number {
  return db.sqlite.prepare(COUNT_ORPHANS_WITH_SUGGESTION.sql).pluck().get(...COUNT_ORPHANS_WITH_SUGGESTION.params) as number;
}

interface ProposedGroup {
  businessId: number;
  businessName: string;
  reason: OrphanEvidence;
  count: number;
}

/** The proposed groups with their business's name, by business name (code-unit order), id, then reason strength. */
function proposedGroups(db: AppDatabase): ProposedGroup[] {
  const rows = overProposals<ProposedGroup>(
    db,
    `SELECT proposal.business_id AS businessId, businesses.name AS businessName, proposal.reason AS reason, count(*) AS count
     FROM proposal JOIN businesses ON businesses.id = proposal.business_id
     GROUP BY proposal.business_id, proposal.reason`,
  );
  return rows.sort(
    (x, y) =>
      compareText(x.businessName, y.businessName) || x.businessId - y.businessId || ORPHAN_EVIDENCE.indexOf(x.reason) - ORPHAN_EVIDENCE.indexOf(y.reason),
  );
}

const groupKey = (businessId: number, reason: string) => `${businessId}:${reason}`;

/** The orphans.suggestions view: each proposed group with its count and its newest `previewLimit` runs. */
export function suggestOrphanAssignments(db: AppDatabase, options: { previewLimit: number }): OrphanSuggestionsView {
  const previewLimit = options.previewLimit;
  if (!Number.isSafeInteger(previewLimit) || previewLimit < 0 || previewLimit > 20) {
    throw invalidField('previewLimit', `Preview limit must be a whole number from 0 to 20, not ${previewLimit}.`);
  }
  const groups = proposedGroups(db);
  const previewIds = new Map<string, number[]>();
  if (previewLimit > 0 && groups.length > 0) {
    const newest = overProposals<{ runId: number; businessId: number; reason: string }>(
      db,
      `SELECT run_id AS runId, business_id AS businessId, reason FROM (
         SELECT run_id, business_id, reason,
           row_number() OVER (PARTITION BY business_id, reason ORDER BY created_at DESC, run_id DESC) AS rank
         FROM proposal
       ) WHERE rank <= ? ORDER BY rank`,
      previewLimit,
    );
    for (const row of newest) {
      pushTo(previewIds, groupKey(row.businessId, row.reason), row.runId);
    }
  }
  const views = new Map(findJobRunViews(db, ORPHANS, [...previewIds.values()].flat()).map((run) => [run.id, run]));
  return {
    groups: groups.map((group) => ({
      business: { id: group.businessId, name: group.businessName },
      reason: group.reason,
      count: group.count,
      preview: (previewIds.get(groupKey(group.businessId, group.reason)) ?? []).flatMap((id) => views.get(id) ?? []),
    })),
    orphans: countJobRuns(db, ORPHANS),
    suggested: groups.reduce((total, group) => total + group.count, 0),
  };
}

/** A group the operator accepted: its business and reason, with the count its preview showed. */
export interface AcceptedSuggestion {
  businessId: number;
  reason: OrphanEvidence;
  expectedCount: number;
}

export interface SuggestedAssignmentOptions {
  actor: AuditActor;
  onProgress?: ProgressListener;
  now?: () => Date;
}

interface CheckedGroup {
  business: { id: number; name: string };
  reason: OrphanEvidence;
  runIds: number[];
}

/**
 * Backs the database up, then, in one transaction, re-derives each accepted group's orphans, refuses the whole
 * change when a business is missing or disabled (NOT_FOUND, VALIDATION) or a group no longer holds its
 * expectedCount (CONFLICT), moves them to their businesses, and records one audit event with every group.
 */
export async function assignSuggestedOrphans(
  db: AppDatabase,
  accepted: readonly AcceptedSuggestion[],
  options: SuggestedAssignmentOptions,
): Promise<SuggestedAssignmentView> {
  const groups = requireAcceptedGroups(accepted);
  const total = groups.reduce((sum, group) => sum + group.expectedCount, 0);
  const now = options.now ?? (() => new Date());
  // Checked before the backup too, so a stale preview does not leave a useless backup behind.
  checkAcceptedGroups(db, groups);
  const phase = 'Assigning suggested orphans';
  const { backup, result } = await backUpThenWrite(
    db,
    backupPathFor(db.path, 'before-assign-suggested', now()),
    (made, tx) => {
      options.onProgress?.({ phase, done: 0, total });
      const checked = checkAcceptedGroups(tx, groups);
      let done = 0;
      const moved = mergedByBusiness(checked).map(({ businessId, runIds }) => {
        done += moveOrphansTo(tx, businessId, { kind: 'ids', ids: runIds }, runIds.length);
        options.onProgress?.({ phase, done, total });
        return runIds.length;
      });
      const assigned = moved.reduce((sum, n) => sum + n, 0);
      const details = checked.map((group) => ({ business: group.business, reason: group.reason, count: group.runIds.length }));
      recordAuditEvent(tx, {
        actor: options.actor,
        action: 'orphans.assign_suggested',
        target: { type: 'job_runs', id: null },
        businessId: null,
        details: { count: assigned, groups: details, backupPath: made.path },
        at: now().getTime(),
      });
      return { assigned, groups: checked.map((group) => ({ business: group.business, reason: group.reason, assigned: group.runIds.length })) };
    },
    { onProgress: (p) => options.onProgress?.({ phase: 'Backing up before assigning suggested orphans', done: p.copiedPages, total: p.totalPages }) },
  );
  pruneAfterBackup(db, backup.path);
  return { ...result, backupPath: backup.path };
}

function requireAcceptedGroups(accepted: readonly AcceptedSuggestion[]): AcceptedSuggestion[] {
  if (!Array.isArray(accepted) || accepted.length === 0) throw invalidField('groups', 'Accept at least one suggested group.');
  const seen = new Set<string>();
  return accepted.map((group, i) => {
    if (!(ORPHAN_EVIDENCE as readonly string[]).includes(group.reason)) {
      throw invalidField(`groups[${i}].reason`, `Reason must be one of: ${ORPHAN_EVIDENCE.join(', ')}; not ${JSON.stringify(group.reason)}.`);
    }
    requireExpectedCount(group.expectedCount, `groups[${i}].expectedCount`);
    const key = groupKey(group.businessId, group.reason);
    if (seen.has(key)) throw invalidField(`groups[${i}]`, 'Each business and reason may be accepted once.');
    seen.add(key);
    return group;
  });
}

/** Each accepted group's orphans as the evidence proposes them now; refuses as assignSuggestedOrphans says. */
function checkAcceptedGroups(db: AppDatabase, groups: readonly AcceptedSuggestion[]): CheckedGroup[] {
  const businesses = groups.map((group, i) => requireAssignableBusiness(db, group.businessId, `groups[${i}].businessId`));
  // Every proposal in one pass, filtered here: joined to the accepted groups in SQL, the proposals were derived once per group.
  const rows = overProposals<{ runId: number; businessId: number; reason: string }>(
    db,
    'SELECT run_id AS runId, business_id AS businessId, reason FROM proposal ORDER BY run_id',
  );
  const accepted = new Set(groups.map((group) => groupKey(group.businessId, group.reason)));
  const runIds = new Map<string, number[]>();
  for (const row of rows) {
    const key = groupKey(row.businessId, row.reason);
    if (accepted.has(key)) pushTo(runIds, key, row.runId);
  }
  return groups.map((group, i) => {
    const business = businesses[i]!;
    const ids = runIds.get(groupKey(group.businessId, group.reason)) ?? [];
    requireCountUnchanged(`The suggested orphans for ${business.name} (${ORPHAN_EVIDENCE_LABELS[group.reason]})`, group.expectedCount, ids.length);
    return { business: { id: business.id, name: business.name }, reason: group.reason, runIds: ids };
  });
}

/** One move per business, whatever the reasons: a run has one proposal, so the groups never share a run. */
function mergedByBusiness(groups: readonly CheckedGroup[]): { businessId: number; runIds: number[] }[] {
  const byBusiness = new Map<number, number[]>();
  for (const group of groups) pushTo(byBusiness, group.business.id, ...group.runIds);
  return [...byBusiness].filter(([, runIds]) => runIds.length > 0).map(([businessId, runIds]) => ({ businessId, runIds }));
}


/** Appends `value` to the list at `key`. */
function pushTo<K, V>(lists: Map<K, V[]>, key: K, ...values: V[]): void {
  const list = lists.get(key);
  if (list) list.push(...values);
  else lists.set(key, values);
}
