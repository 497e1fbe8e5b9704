// The job types with their handlers, for the runner: each entry of the catalog (catalog.ts, which services read)
// wired to the handler `(ctx, params, signal) => result` that does its work.
import type { z } from 'zod';
import { BACKUP, INTEGRITY_CHECK, MONTHLY_USAGE, PROBE, RETENTION, type JobParams, type JobTypeInfo } from './catalog';
import type { JobContext } from './context';
import { runBackup } from './handlers/backup';
import { runIntegrityCheck } from './handlers/integrity-check';
import { runMonthlyUsage } from './handlers/monthly-usage';
import { runProbe } from './handlers/probe';
import { runRetention } from './handlers/retention';

export interface JobTypeDefinition extends JobTypeInfo {
  /** Parses `params` with the type's schema before handing them to the handler. */
  run: (ctx: JobContext, params: unknown, signal: AbortSignal) => Promise<unknown>;
}

/** Ties a handler to its type's own schema's output type, then erases it so all types fit one list. */
export function withHandler<S extends z.ZodType<JobParams>>(
  type: JobTypeInfo<S>,
  run: (ctx: JobContext, params: z.output<S>, signal: AbortSignal) => Promise<unknown>,
): JobTypeDefinition {
  return { ...type, run: (ctx, params, signal) => run(ctx, type.params.parse(params), signal) };
}

export const JOB_TYPES: readonly JobTypeDefinition[] = [
  withHandler(BACKUP, runBackup),
  withHandler(INTEGRITY_CHECK, runIntegrityCheck),
  withHandler(RETENTION, runRetention),
  withHandler(MONTHLY_USAGE, runMonthlyUsage),
  withHandler(PROBE, runProbe),
];
