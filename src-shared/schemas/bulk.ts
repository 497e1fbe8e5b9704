// Bulk actions on runs as they cross the IPC boundary (src-main/bulk/bulk-runs.ts): preview, cancel,
// retry and CSV export over a selection of runs in the caller's scope (the same scope as jobs.list).
// Cancel and retry follow the preview rule: the caller confirms the eligible count the preview showed, and
// the action is refused with CONFLICT when that count no longer holds.
import { z } from 'zod';
import { countSchema, idSchema } from './common';
import { jobRunFiltersSchema } from './jobs';

/** How many run ids one bulk selection may name; beyond that, select by filter. */
export const MAX_BULK_IDS = 10_000;
/** How many runs one bulk cancel or retry acts on. */
export const MAX_BULK_RUNS = 10_000;
/** How many runs one CSV export holds. */
export const MAX_EXPORT_ROWS = 100_000;

/**
 * The runs a bulk action applies to: these ids, or every run matching the filters (as jobs.list filters).
 * Either way only runs in the caller's scope match; an id outside it matches nothing, like a missing one.
 */
export const bulkSelectionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('ids'), ids: z.array(idSchema).min(1, 'must include at least one run').max(MAX_BULK_IDS).meta({ title: 'Runs' }) }),
  z.strictObject({ kind: z.literal('filter'), filters: jobRunFiltersSchema }),
]);
export type BulkSelectionInput = z.output<typeof bulkSelectionSchema>;

export const BULK_ACTIONS = ['cancel', 'retry', 'export'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/**
 * Why a matching run is not eligible, first reason that applies, in this order:
 * - `not_permitted`: not the caller's to control (a member controls only the runs they triggered);
 * - `not_active`: cancel: it has already finished;
 * - `not_retryable`: retry: it is not failed or cancelled;
 * - `orphan`: retry: an orphan has no business to run in (assign it first);
 * - `job_type_unavailable`: retry: its job type is not registered in this app, or cannot run for its owner;
 * - `business_disabled`: retry: its business is disabled.
 */
export const BULK_INELIGIBLE_REASONS = [
  'not_permitted',
  'not_active',
  'not_retryable',
  'orphan',
  'job_type_unavailable',
  'business_disabled',
] as const;
export type BulkIneligibleReason = (typeof BULK_INELIGIBLE_REASONS)[number];

export const bulkPreviewInput = z.strictObject({ action: z.enum(BULK_ACTIONS), selection: bulkSelectionSchema });
export type BulkPreviewInput = z.output<typeof bulkPreviewInput>;

export const bulkPreviewSchema = z.strictObject({
  /** Runs of the selection in the caller's scope. */
  matching: countSchema,
  /** Of those, the runs the action would apply to (export: all matching). */
  eligible: countSchema,
  /** The other matching runs, by reason; reasons with no run are left out. The counts add up to matching − eligible. */
  ineligibleReasons: z.array(z.strictObject({ reason: z.enum(BULK_INELIGIBLE_REASONS), count: countSchema })),
  /** The most runs the action takes at once (cancel and retry: eligible runs; export: rows); above it the action is VALIDATION. */
  limit: countSchema,
});
export type BulkPreviewView = z.output<typeof bulkPreviewSchema>;

export const bulkChangeInput = z.strictObject({
  selection: bulkSelectionSchema,
  /** The eligible count from the preview; CONFLICT when it no longer holds. */
  expectedEligible: countSchema,
});
export type BulkChangeInput = z.output<typeof bulkChangeInput>;

export const bulkChangeSchema = z.strictObject({
  /** Runs cancelled, or retried (one new linked run each). */
  done: countSchema,
  /** Matching runs left alone: the ineligible ones (and, for retry, any whose stored params this app no longer accepts). */
  skipped: countSchema,
});
export type BulkChangeView = z.output<typeof bulkChangeSchema>;

export const exportRunsInput = z.strictObject({ selection: bulkSelectionSchema });
export type ExportRunsInput = z.output<typeof exportRunsInput>;
