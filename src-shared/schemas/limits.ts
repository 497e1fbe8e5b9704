// The limits that keep one business from crowding out the others (docs/job-engine.md#limits): how many runs a
// business may have waiting, how many of its runs the runner serves at once, and how many runs one person may
// trigger in a minute. A system admin changes them (limits.get, limits.set); main keeps them in the database.
import { z } from 'zod';

/** The largest value any limit takes. */
export const MAX_RUN_LIMIT = 100_000;

// No unit: each title names what is counted ("must be at least 1").
const limit = (title: string) => z.number().int().min(1).max(MAX_RUN_LIMIT).meta({ title });

export const runLimitsSchema = z.strictObject({
  /** Pending runs one business may have; a new run beyond it is refused (CONFLICT) and a schedule's due time skipped. */
  pendingPerBusiness: limit('Pending runs per business'),
  /** Runs of one business the runner serves at once; its other runs wait while it is at the limit. */
  runningPerBusiness: limit('Runs at once per business'),
  /** Runs one user may create (trigger or retry) in any 60 seconds. */
  triggersPerMinutePerUser: limit('Triggers per minute per user'),
});
export type RunLimits = z.output<typeof runLimitsSchema>;

/**
 * The limits of a database where no system admin has set them. Runs at once starts at the most slots a runner has
 * (16), so by default fair claiming alone shares the runner and a business alone on it may use every slot.
 */
export const DEFAULT_RUN_LIMITS: RunLimits = { pendingPerBusiness: 500, runningPerBusiness: 16, triggersPerMinutePerUser: 60 };

/** limits.set: every limit at once. */
export const setRunLimitsInput = z.strictObject({ limits: runLimitsSchema });

/** What limits.get answers: the limits in force, and the defaults they started from. */
export const runLimitsViewSchema = z.strictObject({ limits: runLimitsSchema, defaults: runLimitsSchema });
