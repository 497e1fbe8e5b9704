// Two typed date-times (the time-range fields) as the instants a list filter takes, checked by that list's schema.
import { type FieldIssue } from '../../src-shared/errors';
import { typedTimeMs } from './time';

/** Two typed times as instants, or each field's message when the list they filter would refuse them. */
export interface TypedRange {
  /** Both undefined while either field is wrong: a list is never asked with half a range. */
  from: number | undefined;
  to: number | undefined;
  errors: RangeErrors;
  /** A field holds a time the list would refuse. */
  wrong: boolean;
}

export interface RangeErrors {
  from?: string | undefined;
  to?: string | undefined;
}

/**
 * Reads the two fields in the display zone and checks them with the input schema of the list they filter (`issuesOf`,
 * e.g. fieldIssuesOf over the list's input), so each field shows the same sentence main would answer, under it.
 */
export function typedRange(
  text: { from: string; to: string },
  issuesOf: (from: number | undefined, to: number | undefined) => readonly FieldIssue[],
  paths: { from: string; to: string },
): TypedRange {
  const from = typedTimeMs(text.from);
  const to = typedTimeMs(text.to);
  const issues = issuesOf(from, to);
  const messageAt = (path: string) => issues.find((issue) => issue.path === path)?.message;
  const errors: RangeErrors = { from: messageAt(paths.from), to: messageAt(paths.to) };
  const wrong = errors.from !== undefined || errors.to !== undefined;
  return wrong ? { from: undefined, to: undefined, errors, wrong } : { from, to, errors, wrong };
}
