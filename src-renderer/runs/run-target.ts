// The "where does it run" select of the trigger dialog and the schedule form: values `system` or `business:<id>`.
import { type BusinessView } from '../../src-shared/schemas/accounts';
import { type JobTypeView, type RunTargetInput } from '../../src-shared/schemas/jobs';

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
