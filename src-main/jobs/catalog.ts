// The job types this app knows, as data: what each is called, where it may run (a business, system-wide, or either) and
// its params (a strict zod schema with defaults and bounds). Pure: services read it to create, validate and list runs;
// the handlers that do the work are wired to it one floor up, in registry.ts, for the runner.
import { z } from 'zod';
import { type AppError, invalidField } from '../../src-shared/errors';
import { retentionDaysSchema } from '../../src-shared/schemas/jobs';
import { monthSchema } from '../../src-shared/schemas/usage';
import { parseOrRefuse } from '../../src-shared/field-issues';

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
  description: 'Deletes completed runs older than the retention period, for one business or system-wide runs.',
  scope: 'either',
  params: z.strictObject({
    olderThanDays: retentionDaysSchema.default(90),
    batchSize: z
      .number()
      .int()
      .min(100)
      .max(50_000)
      .default(5000)
      .meta({ title: 'Batch size', unit: 'runs', description: 'Runs deleted per transaction; smaller batches hold the write lock for less time.' }),
  }),
} satisfies JobTypeInfo;

export const MONTHLY_USAGE = {
  key: 'reports.monthly_usage',
  title: 'Monthly usage report',
  description: 'Counts a business’s runs, failures and durations for one month and writes them to a CSV file.',
  scope: 'business',
  params: z.strictObject({
    // No zod default: "the previous month" must be the one before each run, not the one before a schedule was saved.
    month: monthSchema.optional().meta({ title: 'Month', description: 'YYYY-MM; default: the month (UTC) before the run was created' }),
  }),
} satisfies JobTypeInfo;

export const PROBE = {
  key: 'diagnostics.probe',
  title: 'Diagnostic probe',
  description: 'Waits for a chosen duration, reporting progress, and fails on request: for demos and for testing the runner.',
  scope: 'either',
  params: z.strictObject({
    durationMs: z.number().int().min(0).max(600_000).default(2000).meta({ title: 'Duration', unit: 'ms', description: 'How long the probe runs.' }),
    steps: z.number().int().min(1).max(100).default(5).meta({ title: 'Steps', description: 'How many progress reports it makes along the way.' }),
    fail: z.boolean().default(false).meta({ title: 'Fail at the end', description: 'Ends the run as failed, to test what a failure looks like.' }),
    failMessage: z.string().min(1).max(500).optional().meta({ title: 'Failure message', description: 'The error the failed run records.' }),
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
  return invalidField('jobType', `Job type ${JSON.stringify(key)} is not one this app knows; it knows ${known}.`);
}

/**
 * The params as the job type will run them (defaults filled in), or VALIDATION listing each bad field under
 * `params.` with its title: `params.durationMs`, "Duration can be at most 600,000 ms.". Missing params mean `{}`.
 */
export function validateJobParams(jobType: string, params: unknown): JobParams {
  const type = findJobType(jobType);
  if (!type) throw unknownJobTypeError(jobType);
  return parseOrRefuse(type.params, params ?? {}, 'params');
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
