// Error codes the UI can act on, and the envelope every contract call returns. Pure TypeScript.

export const ERROR_CODES = ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'VALIDATION', 'CONFLICT', 'INTERNAL'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** What crosses the process boundary: a code and a sentence a person can read, never a stack. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

/**
 * An expected failure thrown by main-side services. The dispatcher turns it into `{ok:false, error}` with
 * this code and message; `details` stay on the main side (logs, CLI), they are not sent to the renderer.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

export function okEnvelope<T>(value: T): Envelope<T> {
  return { ok: true, value };
}

export function errorEnvelope<T = never>(code: ErrorCode, message: string): Envelope<T> {
  return { ok: false, error: { code, message } };
}
