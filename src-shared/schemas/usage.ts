// Usage metrics as they cross the IPC boundary: runs, failures and durations per owner and UTC month, and the CSV export.
import { z } from 'zod';
import { countSchema } from './common';
import { runOwnerSchema } from '../tenancy';

/** A month (UTC) from 1970-01 to 9999-12, as YYYY-MM: the months an instant (src-shared/schemas/common.ts) falls in. */
export const monthSchema = z.string().regex(/^(19[7-9]\d|[2-9]\d{3})-(0[1-9]|1[0-2])$/, 'must be a month from 1970-01 to 9999-12, such as 2026-03');

export const usageInput = z
  .strictObject({ fromMonth: monthSchema, toMonth: monthSchema })
  .refine((range) => range.fromMonth <= range.toMonth, { message: 'must not be before the first month', path: ['toMonth'] });
export type UsageInput = z.output<typeof usageInput>;

const usageFigures = {
  runs: countSchema,
  failures: countSchema,
  totalDurationMs: z.number().int().nonnegative(),
  /** Exact, nearest rank, over finished runs with a duration; null when there are none. */
  p95DurationMs: z.number().nullable(),
};

/** One owner's usage in one month (UTC): a business, system-wide runs, or orphans. */
export const usageRowSchema = z.strictObject({
  month: monthSchema,
  owner: runOwnerSchema,
  ...usageFigures,
  byJobType: z.array(z.strictObject({ jobType: z.string(), ...usageFigures })),
});
export type UsageRowView = z.output<typeof usageRowSchema>;
export const usageReportSchema = z.strictObject({ rows: z.array(usageRowSchema) });
