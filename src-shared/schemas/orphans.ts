// The orphan wizard as it crosses the IPC boundary: check, list, and preview-then-execute delete and assign
// (src-main/orphans/orphans.ts). System administrators only. The same rules as the CLI: a preview count,
// an exact confirmation phrase for deleting, a backup first, one transaction, CONFLICT when the count changed.
import { z } from 'zod';
import { RUN_STATUSES } from '../domain';
import { countSchema, idSchema } from './common';
import { jobRunFiltersSchema, jobRunSchema, jobRunSortSchema, jobTypeKeySchema, MAX_RUNS_PAGE, runStatusSchema } from './jobs';

/** How many run ids one orphan operation may name; beyond that, select all orphans. */
export const MAX_ORPHAN_IDS = 100_000;

/** Every orphan, or the runs with these ids (each must be an orphan, else VALIDATION naming the others). */
export const orphanSelectionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('all') }),
  z.strictObject({ kind: z.literal('ids'), ids: z.array(idSchema).min(1, 'must include at least one orphan').max(MAX_ORPHAN_IDS).meta({ title: 'Orphans' }) }),
]);
export type OrphanSelectionInput = z.output<typeof orphanSelectionSchema>;

export const orphansCheckInput = z.strictObject({
  /** How many of the newest orphans to show. */
  newestLimit: z.number().int().min(1).max(100).default(20),
});

/**
 * Runs per business (the businesses that have runs, by name; how many have none), system-wide runs, orphans, and
 * the newest orphans.
 */
export const runsOverviewSchema = z.strictObject({
  businesses: z.array(z.strictObject({ id: idSchema, name: z.string(), disabled: z.boolean(), runs: countSchema })),
  businessesWithoutRuns: countSchema,
  systemRuns: countSchema,
  orphans: countSchema,
  newestOrphans: z.array(jobRunSchema),
});
export type RunsOverviewView = z.output<typeof runsOverviewSchema>;

/** The orphans page: filters that mean something for runs without a business, sort and keyset paging as in jobs.list. */
export const listOrphansInput = z.strictObject({
  filters: z
    .strictObject({
      statuses: z.array(runStatusSchema).max(RUN_STATUSES.length).optional(),
      jobTypes: z.array(jobTypeKeySchema).max(50).optional(),
      /** Who triggered the run, as recorded (`triggered_by`: an email, a user's server-edition id, a label), without case. */
      triggeredBy: jobRunFiltersSchema.shape.triggeredBy,
      createdFrom: jobRunFiltersSchema.shape.createdFrom,
      createdTo: jobRunFiltersSchema.shape.createdTo,
      /** Matches a run id, a server-edition id, the job type, or the error text. */
      search: z.string().trim().max(200).optional(),
    })
    .refine((filters) => filters.createdFrom === undefined || filters.createdTo === undefined || filters.createdFrom < filters.createdTo, {
      message: 'must be after the start of the range',
      path: ['createdTo'],
    })
    .default({}),
  sort: jobRunSortSchema.default({ field: 'createdAt', direction: 'desc' }),
  cursor: z.string().max(512).nullable().default(null),
  limit: z.number().int().min(1).max(MAX_RUNS_PAGE).default(50),
});

export const orphanDeletionPreviewInput = z.strictObject({ selection: orphanSelectionSchema });
export const orphanDeletionPreviewSchema = z.strictObject({ count: countSchema });

/** The phrase a person types to delete `count` orphans: the CLI's, word for word. */
export function orphanDeletionPhrase(count: number): string {
  return `delete ${count} orphans`;
}

export const deleteOrphansInput = z
  .strictObject({
    selection: orphanSelectionSchema,
    /** The count from the preview; CONFLICT when the selection no longer holds exactly this many orphans. */
    expectedCount: countSchema,
    /** Exactly `delete N orphans`, N = expectedCount. */
    confirmation: z.string().max(200),
  })
  .superRefine((input, ctx) => {
    const phrase = orphanDeletionPhrase(input.expectedCount);
    if (input.confirmation !== phrase) ctx.addIssue({ code: 'custom', message: `must be exactly "${phrase}"`, path: ['confirmation'] });
  });

export const orphanDeletionSchema = z.strictObject({
  deleted: countSchema,
  /** The copy of the database made just before deleting; null when there was nothing to delete. */
  backupPath: z.string().nullable(),
});

const businessSummarySchema = z.strictObject({ id: idSchema, name: z.string() });

export const orphanAssignmentPreviewInput = z.strictObject({ businessId: idSchema, selection: orphanSelectionSchema });
export const orphanAssignmentPreviewSchema = z.strictObject({ count: countSchema, business: businessSummarySchema });

export const assignOrphansInput = z.strictObject({
  businessId: idSchema,
  selection: orphanSelectionSchema,
  /** The count from the preview; CONFLICT when the selection no longer holds exactly this many orphans. */
  expectedCount: countSchema,
});
export const orphanAssignmentSchema = z.strictObject({ assigned: countSchema, business: businessSummarySchema });

// ---- Suggested assignments: a business proposed for an orphan by evidence the file holds ----------------

/**
 * Why a business is proposed for an orphan, strongest first; an orphan is proposed by the first that gives an
 * enabled business:
 * - `former_business`: the business id the run recorded in the server edition (orphaned_from) names an existing
 *   business, written differently (case, braces, hyphens), or is that business's name;
 * - `triggering_user`: the user who triggered it (the user the run links to, else the one whose server-edition id or
 *   email, without case, is its recorded triggered_by) belongs to that business.
 * Orphans without such evidence are left to the manual choice.
 */
export const ORPHAN_EVIDENCE = ['former_business', 'triggering_user'] as const;
export type OrphanEvidence = (typeof ORPHAN_EVIDENCE)[number];
export const orphanEvidenceSchema = z.enum(ORPHAN_EVIDENCE);

/** How each reason reads to a person, in the wizard, the CLI and the audit log. */
export const ORPHAN_EVIDENCE_LABELS: Readonly<Record<OrphanEvidence, string>> = {
  former_business: 'its former business id names this business',
  triggering_user: 'the user who triggered it belongs to this business',
};

export const orphanSuggestionsInput = z.strictObject({
  /** How many of each group's newest runs to show. */
  previewLimit: z.number().int().min(0).max(20).default(5),
});

export const orphanSuggestionGroupSchema = z.strictObject({
  business: businessSummarySchema,
  reason: orphanEvidenceSchema,
  /** How many orphans this group proposes for the business, for this reason. */
  count: countSchema,
  /** Its newest runs, at most previewLimit. */
  preview: z.array(jobRunSchema),
});
export type OrphanSuggestionGroupView = z.output<typeof orphanSuggestionGroupSchema>;

/** The proposed groups, by business name then reason; `orphans - suggested` orphans have no evidence. */
export const orphanSuggestionsSchema = z.strictObject({
  groups: z.array(orphanSuggestionGroupSchema),
  orphans: countSchema,
  suggested: countSchema,
});
export type OrphanSuggestionsView = z.output<typeof orphanSuggestionsSchema>;

/** A group the operator accepted, with the count its preview showed (CONFLICT when it no longer holds). */
export const acceptedSuggestionSchema = z.strictObject({ businessId: idSchema, reason: orphanEvidenceSchema, expectedCount: countSchema });

/** Backs the database up, then assigns the accepted groups' orphans in one transaction with one audit event. */
export const assignSuggestedOrphansInput = z
  .strictObject({ groups: z.array(acceptedSuggestionSchema).min(1, 'must include at least one suggested group').max(1_000) })
  .refine((input) => new Set(input.groups.map((group) => `${group.businessId}:${group.reason}`)).size === input.groups.length, {
    message: 'may accept each business and reason once',
    path: ['groups'],
  });

export const suggestedAssignmentSchema = z.strictObject({
  assigned: countSchema,
  groups: z.array(z.strictObject({ business: businessSummarySchema, reason: orphanEvidenceSchema, assigned: countSchema })),
  /** The copy of the database made just before assigning. */
  backupPath: z.string(),
});
export type SuggestedAssignmentView = z.output<typeof suggestedAssignmentSchema>;
