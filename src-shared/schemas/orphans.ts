// The orphan wizard as it crosses the IPC boundary: check, list, and preview-then-execute delete and assign
// (src-main/services/orphans.ts). System administrators only. The same rules as the CLI: a preview count,
// an exact confirmation phrase for deleting, a backup first, one transaction, CONFLICT when the count changed.
import { z } from 'zod';
import { RUN_STATUSES } from '../domain';
import { countSchema, idSchema } from './common';
import { jobRunSchema, jobRunSortSchema, jobTypeKeySchema, MAX_RUNS_PAGE, runStatusSchema } from './jobs';

/** How many run ids one orphan operation may name; beyond that, select all orphans. */
export const MAX_ORPHAN_IDS = 100_000;

/** Every orphan, or the runs with these ids (each must be an orphan, else VALIDATION naming the others). */
export const orphanSelectionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('all') }),
  z.strictObject({ kind: z.literal('ids'), ids: z.array(idSchema).min(1, 'select at least one run').max(MAX_ORPHAN_IDS) }),
]);
export type OrphanSelectionInput = z.output<typeof orphanSelectionSchema>;

export const orphansCheckInput = z.strictObject({
  /** How many of the newest orphans to show. */
  newestLimit: z.number().int().min(1).max(100).default(20),
});

/** Runs per business (0 included, by name), system-wide runs, orphans, and the newest orphans. */
export const runsOverviewSchema = z.strictObject({
  businesses: z.array(z.strictObject({ id: idSchema, name: z.string(), disabled: z.boolean(), runs: countSchema })),
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
      /** Matches a run id, a server-edition id, the job type, or the error text. */
      search: z.string().trim().max(200).optional(),
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
