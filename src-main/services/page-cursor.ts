// Keyset cursors as the renderer sees them: opaque base64url of a small JSON object. Each list checks the
// fields of its own position; this module only packs, unpacks and refuses what is not a cursor at all.
import { invalidField } from '../../src-shared/errors';

export function encodePageCursor(position: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** The position's fields, or VALIDATION with `refusal` when the text is not a cursor of ours. */
export function decodePageCursor(cursor: string, refusal: string): Record<string, unknown> {
  const invalid = () => invalidField('cursor', refusal);
  if (typeof cursor !== 'string' || !/^[A-Za-z0-9_-]{1,512}$/.test(cursor)) throw invalid();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) throw invalid();
  return decoded as Record<string, unknown>;
}

export function isPositiveId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** A page size from 1 to `max`; VALIDATION naming the limit otherwise. */
export function requirePageSize(limit: number, max: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > max) {
    throw invalidField('limit', `Limit must be a whole number from 1 to ${max}, not ${limit}.`);
  }
  return limit;
}
