// The job types this app knows: what each is called and where it may run (a business, system-wide, or either).
// A later issue adds each entry's zod params schema and its handler `(ctx, params, signal) => result`.

export interface JobTypeDefinition {
  key: string;
  title: string;
  description: string;
  /** `business`: needs a business target; `system`: system-wide only; `either`: both. */
  scope: 'business' | 'system' | 'either';
}

export const JOB_TYPES: readonly JobTypeDefinition[] = [
  {
    key: 'maintenance.backup',
    title: 'Back up the database',
    description: 'Copies the live database file to a timestamped backup with SQLite’s online backup, while the app keeps running.',
    scope: 'system',
  },
  {
    key: 'maintenance.integrity_check',
    title: 'Check database integrity',
    description: 'Runs SQLite’s integrity and foreign-key checks over the whole database and reports any problem found.',
    scope: 'system',
  },
  {
    key: 'runs.retention',
    title: 'Purge old runs',
    description: 'Deletes finished runs older than the retention period, for one business or across the system.',
    scope: 'either',
  },
  {
    key: 'reports.monthly_usage',
    title: 'Monthly usage report',
    description: 'Counts a business’s runs, failures and durations for one month and writes them to a CSV file.',
    scope: 'business',
  },
  {
    key: 'diagnostics.probe',
    title: 'Diagnostic probe',
    description: 'Waits for a chosen duration, reporting progress, and fails on request: for demos and for testing the runner.',
    scope: 'either',
  },
];

const byKey = new Map(JOB_TYPES.map((type) => [type.key, type]));

export function findJobType(key: string): JobTypeDefinition | null {
  return byKey.get(key) ?? null;
}
