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

/**
 * The cursor of a list paged by one kind of position: `{v: 1, kind, ...position}` of a page's last row. `read` takes
 * the position's fields back, or null when they are not one; a cursor of another list, or no cursor, is refused
 * with `refusal` (VALIDATION naming the cursor).
 */
export function positionCursor<P extends object>(kind: string, refusal: string, read: (fields: Record<string, unknown>) => P | null) {
  const version = 1;
  return {
    encode: (position: P): string => encodePageCursor({ v: version, kind, ...position }),
    decode: (cursor: string): P => {
      const { v, kind: found, ...fields } = decodePageCursor(cursor, refusal);
      const position = v === version && found === kind ? read(fields) : null;
      if (position === null) throw invalidField('cursor', refusal);
      return position;
    },
  };
}

/** A page size from 1 to `max`; VALIDATION naming the limit otherwise. */
export function requirePageSize(limit: number, max: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > max) {
    throw invalidField('limit', `Limit must be a whole number from 1 to ${max}, not ${limit}.`);
  }
  return limit;
}
