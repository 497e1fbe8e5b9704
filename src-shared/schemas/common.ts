// Small schemas every channel uses. Bounds are part of the contract: huge or negative values are VALIDATION.
import { z } from 'zod';

export const idSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** Milliseconds since the Unix epoch (UTC). */
export const epochMsSchema = z.number().int().min(0).max(8_640_000_000_000_000);
export const countSchema = z.number().int().nonnegative();
export const emptyInput = z.strictObject({});

/** A name a person types: trimmed, 1–100 characters. */
export const nameSchema = z.string().trim().min(1).max(100);
/** The longest email an address may have (RFC 5321). */
export const MAX_EMAIL_LENGTH = 254;
export const emailSchema = z.string().trim().toLowerCase().max(MAX_EMAIL_LENGTH).email();
/** Local account passwords: long enough to matter, short enough to hash quickly. */
export const passwordSchema = z.string().min(10).max(200);
/** An IANA time zone name; main checks it exists. */
export const timeZoneSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_+\-/]+$/, 'must be an IANA time zone such as Europe/Berlin');
