// Error codes the UI can act on, and the envelope every contract call returns. Pure TypeScript.

export const ERROR_CODES = ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'VALIDATION', 'CONFLICT', 'INTERNAL'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** One field a VALIDATION error refuses: its path in the input ("email", "params.durationMs") and why, for people. */
export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * What crosses the process boundary: a code and a sentence a person can read, never a stack. A VALIDATION error
 * also lists the fields it refuses, so a form puts each message under its field.
 */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  fields?: FieldIssue[];
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

/**
 * An expected failure thrown by main-side services. The dispatcher turns it into `{ok:false, error}` with
 * this code, message and fields; `details` stay on the main side (logs, CLI), they are not sent to the renderer.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly fields?: readonly FieldIssue[],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** VALIDATION of one field: `message` is a sentence for people that names the field ("Cron expression …"). */
export function invalidField(path: string, message: string): AppError {
  return new AppError('VALIDATION', message, undefined, [{ path, message }]);
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

export function okEnvelope<T>(value: T): Envelope<T> {
  return { ok: true, value };
}

export function errorEnvelope<T = never>(code: ErrorCode, message: string, fields?: readonly FieldIssue[]): Envelope<T> {
  return { ok: false, error: fields && fields.length > 0 ? { code, message, fields: [...fields] } : { code, message } };
}
