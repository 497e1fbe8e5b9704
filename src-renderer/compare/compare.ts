// What the compare pages show, from what the contract already answers (no channel of their own, so no access rule of
// their own): two periods of one scope from two jobs.stats answers, per job type, largest changes first; two runs
// from two jobs.get answers, their params and results as a list of changed paths.
import { type JobRunStatsView } from '../../src-shared/schemas/jobs';

/** One figure in the two periods: A (the period looked at) and B (the one it is compared against). */
export interface Change {
  a: number | null;
  b: number | null;
  /** a − b, null when either is missing. */
  delta: number | null;
}

export interface PeriodChange {
  jobType: string;
  runs: Change;
  /** completed / (completed + failed), 0 to 1. */
  successRate: Change;
  p50Ms: Change;
  p95Ms: Change;
  /**
   * How large the change is, 0 to 1, for the order: the largest of the runs' change against the larger count, the
   * success rate's change, and the p95's change against the larger p95. A type found in one period only scores 1.
   */
  score: number;
}

type Figures = Pick<JobRunStatsView, 'total' | 'successRate' | 'duration'>;

function change(a: number | null, b: number | null): Change {
  return { a, b, delta: a === null || b === null ? null : a - b };
}

/** |a − b| against the larger of the two; 0 when both are 0 or either is missing. */
function relative(c: Change): number {
  if (c.a === null || c.b === null) return 0;
  const larger = Math.max(Math.abs(c.a), Math.abs(c.b));
  return larger === 0 ? 0 : Math.abs(c.a - c.b) / larger;
}

function changeOf(jobType: string, a: Figures | undefined, b: Figures | undefined): PeriodChange {
  const runs = change(a?.total ?? 0, b?.total ?? 0);
  const successRate = change(a?.successRate ?? null, b?.successRate ?? null);
  const p50Ms = change(a?.duration.p50Ms ?? null, b?.duration.p50Ms ?? null);
  const p95Ms = change(a?.duration.p95Ms ?? null, b?.duration.p95Ms ?? null);
  const onlyOne = (a?.total ?? 0) === 0 || (b?.total ?? 0) === 0;
  const score = onlyOne ? 1 : Math.max(relative(runs), Math.abs(successRate.delta ?? 0), relative(p95Ms));
  return { jobType, runs, successRate, p50Ms, p95Ms, score };
}

/**
 * Every job type with runs in either period, largest change first (then by name); and the whole scope's figures.
 * A type with no runs in both is left out.
 */
export function comparePeriods(a: JobRunStatsView, b: JobRunStatsView): { total: PeriodChange; byJobType: PeriodChange[] } {
  const inA = new Map(a.byJobType.map((row) => [row.jobType, row]));
  const inB = new Map(b.byJobType.map((row) => [row.jobType, row]));
  const types = [...new Set([...inA.keys(), ...inB.keys()])].filter((type) => (inA.get(type)?.total ?? 0) + (inB.get(type)?.total ?? 0) > 0);
  const byJobType = types.map((type) => changeOf(type, inA.get(type), inB.get(type)));
  byJobType.sort((x, y) => y.score - x.score || (x.jobType < y.jobType ? -1 : x.jobType > y.jobType ? 1 : 0));
  return { total: changeOf('All job types', a, b), byJobType };
}

/** One place in two JSON values where they differ, or agree. */
export interface JsonDifference {
  /** `durationMs`, `limits.max`, `items[2]`; empty for the values themselves. */
  path: string;
  kind: 'same' | 'changed' | 'added' | 'removed';
  /** The value in A (undefined when only B has it), and in B. */
  a?: unknown;
  b?: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Two JSON values (a run's params, its result) as their leaves side by side: objects and lists are walked into, keys
 * in order of A then those only B has; every other value is a leaf, compared by its JSON text. `removed`: only A has
 * the path; `added`: only B does.
 */
export function diffJson(a: unknown, b: unknown, path = ''): JsonDifference[] {
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((key) => {
      const at = path ? `${path}.${key}` : key;
      if (!Object.hasOwn(b, key)) return [{ path: at, kind: 'removed' as const, a: a[key] }];
      if (!Object.hasOwn(a, key)) return [{ path: at, kind: 'added' as const, b: b[key] }];
      return diffJson(a[key], b[key], at);
    });
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => {
      const at = `${path}[${i}]`;
      if (i >= b.length) return [{ path: at, kind: 'removed' as const, a: a[i] }];
      if (i >= a.length) return [{ path: at, kind: 'added' as const, b: b[i] }];
      return diffJson(a[i], b[i], at);
    }).flat();
  }
  return [{ path, kind: JSON.stringify(a) === JSON.stringify(b) ? 'same' : 'changed', a, b }];
}
