// The benches' command lines: a refusal that prints the usage, and a whole-number flag read the same way everywhere.

/** A bad command line: the bench prints the message and its usage, and exits with 2. */
export class UsageError extends Error {}

/** The whole number after `flag`, at least `min`; refused in words naming the flag and what it got. */
export function wholeNumber(flag: string, raw: string | undefined, min: number): number {
  const value = Number(raw);
  if (raw === undefined || !Number.isSafeInteger(value) || value < min) throw new UsageError(`${flag} needs a whole number ≥ ${min}, got ${String(raw)}`);
  return value;
}
