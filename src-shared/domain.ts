// The vocabulary of the product, shared by main and renderer. Pure TypeScript.

export const USER_ROLES = ['system_admin', 'business_admin', 'member'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const RUN_SCOPES = ['business', 'system'] as const;
export type RunScope = (typeof RUN_SCOPES)[number];

export const RUN_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const ACTIVE_RUN_STATUSES = ['pending', 'running'] as const satisfies readonly RunStatus[];

/** `legacy`: adopted from the server edition, which did not record how a run was started. */
export const RUN_TRIGGERS = ['manual', 'schedule', 'retry', 'system', 'legacy'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export const MISSED_RUN_POLICIES = ['skip', 'run_once'] as const;
export type MissedRunPolicy = (typeof MISSED_RUN_POLICIES)[number];
