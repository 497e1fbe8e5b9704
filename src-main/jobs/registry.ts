// The job types this app knows: what each is called, where it may run (a business, system-wide, or either),
// its params (a strict zod schema with defaults and bounds) and its handler `(ctx, params, signal) => result`.
import { z } from 'zod';
import { AppError } from '../../src-shared/errors';
import type { JobContext } from './context';
import { backupParams, runBackup } from './handlers/backup';
import { integrityCheckParams, runIntegrityCheck } from './handlers/integrity-check';
import { monthlyUsageParams, runMonthlyUsage } from './handlers/monthly-usage';
import { probeParams, runProbe } from './handlers/probe';
import { retentionParams, runRetention } from './handlers/retention';

export type JobParams = Record<string, unknown>;

export interface JobTypeDefinition {
  key: string;
  title: string;
  description: string;
  /** `business`: needs a business target; `system`: system-wide only; `either`: both. */
  scope: 'business' | 'system' | 'either';
  params: z.ZodType<JobParams>;
  /** Parses `params` with the type's schema before handing them to the handler. */
  run: (ctx: JobContext, params: unknown, signal: AbortSignal) => Promise<unknown>;
}

/** Ties a handler to its own schema's output type, then erases it so all types fit one list. */
function defineJobType<S extends z.ZodType<JobParams>>(
  definition: Omit<JobTypeDefinition, 'params' | 'run'> & {
    params: S;
    run: (ctx: JobContext, params: z.output<S>, signal: AbortSignal) => Promise<unknown>;
  },
): JobTypeDefinition {
  return { ...definition, run: (ctx, params, signal) => definition.run(ctx, definition.params.parse(params), signal) };
}

export const JOB_TYPES: readonly JobTypeDefinition[] = [
  defineJobType({
    key: 'maintenance.backup',
    title: 'Back up the database',
    description: 'Copies the live database file to a timestamped backup with SQLite’s online backup, while the app keeps running.',
    scope: 'system',
    params: backupParams,
    run: runBackup,
  }),
  defineJobType({
    key: 'maintenance.integrity_check',
    title: 'Check database integrity',
    description: 'Runs SQLite’s integrity and foreign-key checks over the whole database and reports any problem found.',
    scope: 'system',
    params: integrityCheckParams,
    run: runIntegrityCheck,
  }),
  defineJobType({
    key: 'runs.retention',
    title: 'Purge old runs',
    description: 'Deletes finished runs older than the retention period, for one business or across the system.',
    scope: 'either',
    params: retentionParams,
    run: runRetention,
  }),
  defineJobType({
    key: 'reports.monthly_usage',
    title: 'Monthly usage report',
    description: 'Counts a business’s runs, failures and durations for one month and writes them to a CSV file.',
    scope: 'business',
    params: monthlyUsageParams,
    run: runMonthlyUsage,
  }),
  defineJobType({
    key: 'diagnostics.probe',
    title: 'Diagnostic probe',
    description: 'Waits for a chosen duration, reporting progress, and fails on request: for demos and for testing the runner.',
    scope: 'either',
    params: probeParams,
    run: runProbe,
  }),
];

const byKey = new Map(JOB_TYPES.map((type) => [type.key, type]));

export function findJobType(key: string): JobTypeDefinition | null {
  return byKey.get(key) ?? null;
}

export function unknownJobTypeError(key: unknown): AppError {
  const known = JOB_TYPES.map((type) => type.key).join(', ');
  return new AppError('VALIDATION', `jobType: unknown job type ${JSON.stringify(key)}; known: ${known}`);
}

/**
 * The params as the job type will run them (defaults filled in), or VALIDATION naming each bad field:
 * `params.durationMs: Too big: expected number to be <=600000`. Missing params mean `{}`.
 */
export function validateJobParams(jobType: string, params: unknown): JobParams {
  const type = findJobType(jobType);
  if (!type) throw unknownJobTypeError(jobType);
  const parsed = type.params.safeParse(params ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.flatMap((issue) => {
    const at = ['params', ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${at}.${key}: not a parameter of ${type.key}`);
    return [`${at}: ${issue.message}`];
  });
  throw new AppError('VALIDATION', problems.join('; '), parsed.error.issues);
}

const jsonSchemas = new Map<string, Record<string, unknown>>();

/** The type's params as JSON Schema (what a form may send: defaulted fields are optional); null for an unknown type. */
export function jobTypeParamsJsonSchema(key: string): Record<string, unknown> | null {
  const type = findJobType(key);
  if (!type) return null;
  let schema = jsonSchemas.get(key);
  if (!schema) {
    schema = z.toJSONSchema(type.params, { io: 'input' }) as Record<string, unknown>;
    jsonSchemas.set(key, schema);
  }
  return schema;
}
