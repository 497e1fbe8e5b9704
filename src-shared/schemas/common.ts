// Small schemas every channel uses. Bounds are part of the contract: huge or negative values are VALIDATION.
import { z } from 'zod';

export const idSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** Milliseconds since the Unix epoch (UTC), as the app records them. */
export const epochMsSchema = z.number().int().min(0).max(8_640_000_000_000_000);

/**
 * The last instant a person may name: the end of 30 December 9999 (UTC), so that its day in any time zone (at most
 * 14 hours ahead) is still in a four-digit year, which every date the app writes and shows has.
 */
export const MAX_INSTANT_MS = Date.UTC(9999, 11, 31) - 1;
/**
 * An instant a caller names (a range's ends, a filter's From and To): milliseconds since the Unix epoch, from
 * 1 January 1970 to 30 December 9999 (UTC). Every time input of the contract is one of these.
 */
export const instantSchema = z
  .number()
  .int('must be a whole number of milliseconds')
  .min(0, 'must be on or after 1 January 1970')
  .max(MAX_INSTANT_MS, 'must be on or before 30 December 9999');
export const countSchema = z.number().int().nonnegative();
export const emptyInput = z.strictObject({});

/**
 * A name a person types: trimmed, 1–100 characters, none of them a control character (a line break, a tab, a NUL,
 * which SQLite's length() stops at, so that "\u0000" would pass here and break the database's not-blank check).
 */
export const nameSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^\P{Cc}*$/u, 'must not contain control characters such as line breaks or tabs');
/** The longest email an address may have (RFC 5321). */
export const MAX_EMAIL_LENGTH = 254;
export const emailSchema = z.string().trim().toLowerCase().max(MAX_EMAIL_LENGTH).email();
/** Local account passwords: long enough to matter, short enough to hash quickly. */
export const passwordSchema = z.string().min(10).max(200);
/** An IANA time zone name; main checks it exists. */
export const timeZoneSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_+\-/]+$/, 'must be an IANA time zone such as Europe/Berlin');
