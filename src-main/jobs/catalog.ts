// The job types this app knows, as data: what each is called, where it may run (a business, system-wide, or either) and
// its params (a strict zod schema with defaults and bounds). Pure: services read it to create, validate and list runs;
// the handlers that do the work are wired to it one floor up, in registry.ts, for the runner.
import { z } from 'zod';
import { AppError } from '../../src-shared/errors';
import { monthSchema } from '../../src-shared/schemas/usage';

export type JobParams = Record<string, unknown>;

export interface JobTypeInfo<Params extends z.ZodType<JobParams> = z.ZodType<JobParams>> {
  key: string;
  title: string;
  description: string;
  /** `business`: needs a business target; `system`: system-wide only; `either`: both. */
  scope: 'business' | 'system' | 'either';
  params: Params;
}

export const BACKUP = {
  key: 'maintenance.backup',
  title: 'Back up the database',
  description: 'Copies the live database file to a timestamped backup with SQLite’s online backup, while the app keeps running.',
  scope: 'system',
  params: z.strictObject({}),
} satisfies JobTypeInfo;

export const INTEGRITY_CHECK = {
  key: 'maintenance.integrity_check',
  title: 'Check database integrity',
  description: 'Runs SQLite’s integrity and foreign-key checks over the whole database and reports any problem found.',
  scope: 'system',
  params: z.strictObject({}),
} satisfies JobTypeInfo;

export const RETENTION = {
  key: 'runs.retention',
  title: 'Purge old runs',
  description: 'Deletes finished runs older than the retention period, for one business or across the system.',
  scope: 'either',
  params: z.strictObject({
    olderThanDays: z.number().int().min(1).max(3650).default(90),
    batchSize: z.number().int().min(100).max(50_000).default(5000),
  }),
} satisfies JobTypeInfo;

export const MONTHLY_USAGE = {
  key: 'reports.monthly_usage',
  title: 'Monthly usage report',
  description: 'Counts a business’s runs, failures and durations for one month and writes them to a CSV file.',
  scope: 'business',
  params: z.strictObject({
    // No zod default: "the previous month" must be the one before each run, not the one before a schedule was saved.
    month: monthSchema.optional().describe('YYYY-MM; default: the month (UTC) before the run was created'),
  }),
} satisfies JobTypeInfo;

export const PROBE = {
  key: 'diagnostics.probe',
  title: 'Diagnostic probe',
  description: 'Waits for a chosen duration, reporting progress, and fails on request: for demos and for testing the runner.',
  scope: 'either',
  params: z.strictObject({
    durationMs: z.number().int().min(0).max(600_000).default(2000),
    steps: z.number().int().min(1).max(100).default(5),
    fail: z.boolean().default(false),
    failMessage: z.string().min(1).max(500).optional(),
  }),
} satisfies JobTypeInfo;

/** The params a type's handler receives: its schema's output. */
export type ParamsOf<T extends JobTypeInfo> = z.output<T['params']>;

export const JOB_CATALOG: readonly JobTypeInfo[] = [BACKUP, INTEGRITY_CHECK, RETENTION, MONTHLY_USAGE, PROBE];

const byKey = new Map(JOB_CATALOG.map((type) => [type.key, type]));

export function findJobType(key: string): JobTypeInfo | null {
  return byKey.get(key) ?? null;
}

export function unknownJobTypeError(key: unknown): AppError {
  const known = JOB_CATALOG.map((type) => type.key).join(', ');
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
