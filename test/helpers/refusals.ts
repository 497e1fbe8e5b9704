// What a VALIDATION refusal promises: the field's path, and a sentence for people that names the field.
import { expect } from 'vitest';

/** Matches an AppError (or an envelope's error) refusing `path`, with `message` (exact, or a pattern) when given. */
export function refusedField(path: string, message?: string | RegExp) {
  const said = message === undefined ? expect.any(String) : typeof message === 'string' ? message : expect.stringMatching(message);
  return expect.objectContaining({ code: 'VALIDATION', fields: expect.arrayContaining([{ path, message: said }]) });
}
