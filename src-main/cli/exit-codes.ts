// What the CLI's exit status means. Scripts depend on these: never renumber.
export const ExitCode = {
  ok: 0,
  /** An operation failed (verify found a leak, a business was not found, a run id is not an orphan, …). */
  failure: 1,
  /** The command line is wrong: unknown command or flag, missing or malformed value. */
  usage: 2,
  /** The change needs a confirmation that was not given (no terminal and no --yes), or it was declined. */
  confirmation: 3,
  /** The database cannot be opened or migrated. */
  database: 4,
  /** The data changed between the preview and the change, or (restore) another program has the database open. */
  conflict: 5,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The command line is wrong; the message names what. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A change needed the operator's confirmation and did not get it. Nothing was changed. */
export class ConfirmationError extends Error {
  override name = 'ConfirmationError';
}
