// The vocabulary of the product, shared by main and renderer. Pure TypeScript.

export const USER_ROLES = ['system_admin', 'business_admin', 'member'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** How a user sees times: in their computer's zone, or in UTC. Stored per user. */
export const TIME_DISPLAYS = ['local', 'utc'] as const;
export type TimeDisplay = (typeof TIME_DISPLAYS)[number];

/** How each role reads to a person. */
export const USER_ROLE_LABELS: Readonly<Record<UserRole, string>> = { system_admin: 'System admin', business_admin: 'Business admin', member: 'Member' };

/** A role as recorded (the audit log keeps it as text): its words when it is one of these roles, else as it is. */
export function roleLabel(role: string): string {
  return (USER_ROLE_LABELS as Readonly<Record<string, string>>)[role] ?? role;
}

export const RUN_SCOPES = ['business', 'system'] as const;
export type RunScope = (typeof RUN_SCOPES)[number];

/**
 * `unfinished`: adopted from the server edition, where it was still pending or running when the file was adopted.
 * Its end was never recorded, so it has no outcome; this app never runs, finishes or times it (docs/runs.md).
 */
export const RUN_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled', 'unfinished'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** The runs this app may still progress: its queue and the runs its runner holds. */
export const ACTIVE_RUN_STATUSES = ['pending', 'running'] as const satisfies readonly RunStatus[];
/**
 * The runs a retry may repeat (a new linked run of the same type, owner and params): those that did not complete,
 * including an unfinished one of the server edition, whose outcome nobody recorded.
 */
export const RETRYABLE_RUN_STATUSES = ['failed', 'cancelled', 'unfinished'] as const satisfies readonly RunStatus[];
export const isRetryableStatus = (status: RunStatus): boolean => (RETRYABLE_RUN_STATUSES as readonly RunStatus[]).includes(status);

/** How each status reads to a person. */
export const RUN_STATUS_LABELS: Readonly<Record<RunStatus, string>> = {
  pending: 'pending',
  running: 'running',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  unfinished: 'unfinished (server edition)',
};

/** `legacy`: adopted from the server edition, which did not record how a run was started. */
export const RUN_TRIGGERS = ['manual', 'schedule', 'retry', 'system', 'legacy'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export const MISSED_RUN_POLICIES = ['skip', 'run_once'] as const;
export type MissedRunPolicy = (typeof MISSED_RUN_POLICIES)[number];
