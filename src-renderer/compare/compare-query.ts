// The compare pages' state in the URL: #/compare/periods?a=2026-11-30..2026-12-06&b=2026-11-23..2026-11-29 (whole days
// in the display zone, both ends included) and #/compare/runs?a=12&b=13, checked as the contract would check them.
import { jobRunStatsInput } from '../../src-shared/schemas/jobs';
import { fieldIssuesOf } from '../../src-shared/field-issues';
import { isDay, rangeBounds } from '../automation/view-query';
import { dayInZone, displayZone } from '../lib/time';

/** Whole days, first and last included, as typed. */
export interface DayRange {
  from: string;
  to: string;
}

/** A period as jobs.stats takes it, or why not, under the field to fix. */
export type PeriodBounds = { ok: true; range: { from: number; to: number; timeZone: string } } | { ok: false; errors: { from?: string; to?: string } };

/** The last `days` days (today included) against the `days` before them. */
export function presetPeriods(days: number, now = Date.now()): { a: DayRange; b: DayRange } {
  return {
    a: { from: dayInZone(days - 1, now), to: dayInZone(0, now) },
    b: { from: dayInZone(2 * days - 1, now), to: dayInZone(days, now) },
  };
}

function parseDayRange(value: string | null): DayRange | null {
  const [from = '', to = ''] = (value ?? '').split('..');
  return value === null ? null : { from, to };
}

/** The two periods of the URL; the last 7 days against the 7 before for any that is missing. */
export function parsePeriodsQuery(query: URLSearchParams, now = Date.now()): { a: DayRange; b: DayRange } {
  const preset = presetPeriods(7, now);
  return { a: parseDayRange(query.get('a')) ?? preset.a, b: parseDayRange(query.get('b')) ?? preset.b };
}

export function periodsQuery(periods: { a: DayRange; b: DayRange }): URLSearchParams {
  return new URLSearchParams({ a: `${periods.a.from}..${periods.a.to}`, b: `${periods.b.from}..${periods.b.to}` });
}

/** A period's instants in the display zone, or each field's message: a day missing, the last before the first, over 366 days. */
export function periodBounds(range: DayRange): PeriodBounds {
  const errors: { from?: string; to?: string } = {};
  if (!isDay(range.from)) errors.from = 'From must be a day.';
  if (!isDay(range.to)) errors.to = 'To must be a day.';
  else if (isDay(range.from) && range.to < range.from) errors.to = 'To must be on or after From.';
  if (errors.from || errors.to) return { ok: false, errors };
  const bounds = { ...rangeBounds({ kind: 'custom', from: range.from, to: range.to }), timeZone: displayZone() };
  const issue = fieldIssuesOf(jobRunStatsInput, bounds).find((found) => found.path === 'to' || found.path === 'from');
  if (issue) return { ok: false, errors: { [issue.path === 'from' ? 'from' : 'to']: issue.message } };
  return { ok: true, range: bounds };
}

/** Two runs by id, oldest first, as the history's selection hands them over. */
export function compareRunsQuery(ids: readonly number[]): URLSearchParams {
  const [a, b] = [...ids].sort((x, y) => x - y);
  return new URLSearchParams({ a: String(a ?? ''), b: String(b ?? '') });
}

/** A run id of the URL, or null when it holds none. */
export function runIdOf(value: string | null): number | null {
  return value !== null && /^[1-9]\d{0,15}$/.test(value) ? Number(value) : null;
}
