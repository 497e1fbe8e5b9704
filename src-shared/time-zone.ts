// Time zones as people name them (IANA names such as Europe/Berlin), checked against what this runtime knows. Pure.
import { invalidField, type AppError } from './errors';

/** VALIDATION naming the time zone field for a zone this runtime does not know. */
export function unknownTimeZone(timeZone: unknown, field = 'timeZone'): AppError {
  return invalidField(field, `Time zone ${JSON.stringify(timeZone)} is not one this app knows; use an IANA name such as Europe/Berlin.`);
}

/** Throws unknownTimeZone unless `timeZone` names a zone Intl knows. */
export function requireTimeZone(timeZone: string, field = 'timeZone'): void {
  try {
    if (typeof timeZone !== 'string' || timeZone.length === 0) throw new RangeError('empty');
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw unknownTimeZone(timeZone, field);
  }
}
