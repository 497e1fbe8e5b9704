// The "where does it run" select of the trigger dialog and the schedule form: values `system` or `business:<id>`.
import { type BusinessView, type SessionView } from '../../src-shared/schemas/accounts';
import { type JobRunView, type JobTypeView, type RunTargetInput } from '../../src-shared/schemas/jobs';

/** System-wide unless the type is business-only; each enabled business unless the type is system-only. */
export function runTargetOptions(jobType: JobTypeView | null, businesses: readonly BusinessView[] | undefined): { value: string; label: string }[] {
  return [
    ...(jobType?.scope !== 'business' ? [{ value: 'system', label: 'System-wide' }] : []),
    ...(jobType?.scope !== 'system'
      ? (businesses ?? []).filter((business) => !business.disabled).map((business) => ({ value: `business:${business.id}`, label: business.name }))
      : []),
  ];
}

export function parseRunTarget(value: string | null): RunTargetInput | undefined {
  if (value === 'system') return { kind: 'system' };
  const match = /^business:(\d+)$/.exec(value ?? '');
  return match ? { kind: 'business', businessId: Number(match[1]) } : undefined;
}

/**
 * Where a new run or schedule goes unless the system admin picks: system-wide for a system-only type (its one place);
 * else the switcher's business, else the admin's own business, when the type may run in a business; else nothing, and
 * the form asks. Never system-wide by default for a type that may run in a business.
 */
export function defaultRunTarget(session: SessionView, jobType: JobTypeView | null): string | null {
  if (!jobType) return null;
  if (jobType.scope === 'system') return 'system';
  if (session.scope?.kind === 'business') return `business:${session.scope.businessId}`;
  return session.user.businessId !== null ? `business:${session.user.businessId}` : null;
}

/** Where a run ran, as a value of the select (what an edited re-run starts from): null for an orphan, which has no place to keep. */
export function runTargetValueOf(run: Pick<JobRunView, 'scope' | 'businessId'>): string | null {
  if (run.scope === 'system') return 'system';
  return run.businessId === null ? null : `business:${run.businessId}`;
}
