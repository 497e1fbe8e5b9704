// Query keys, one factory per domain. Invalidation works on prefixes: `jobKeys.all` covers every jobs query.
import { type UserFilters } from '../../src-shared/schemas/accounts';
import { type ListAuditEventsInput } from '../../src-shared/schemas/audit';
import { type ListJobRunsInput } from '../../src-shared/schemas/jobs';

/** The audit log's filters, as audit.list takes them. */
export type AuditFilters = ListAuditEventsInput['filters'];

export type HistoryQuery = Pick<ListJobRunsInput, 'filters' | 'sort'>;

export const appKeys = {
  status: ['app', 'status'] as const,
};

export const authKeys = {
  status: ['auth', 'status'] as const,
};

export const businessKeys = {
  all: ['businesses'] as const,
  list: () => [...businessKeys.all, 'list'] as const,
};

export const userKeys = {
  all: ['users'] as const,
  list: (filters: UserFilters) => [...userKeys.all, 'list', filters] as const,
  search: (text: string) => [...userKeys.all, 'search', text] as const,
  byEmail: (email: string) => [...userKeys.all, 'email', email] as const,
};

export const jobKeys = {
  all: ['jobs'] as const,
  lists: () => [...jobKeys.all, 'list'] as const,
  list: (query: HistoryQuery) => [...jobKeys.lists(), query] as const,
  stats: (range: { from: number; to: number; timeZone: string }) => [...jobKeys.all, 'stats', range] as const,
  statsAll: () => [...jobKeys.all, 'stats'] as const,
  recent: (limit: number) => [...jobKeys.all, 'recent', limit] as const,
  recentAll: () => [...jobKeys.all, 'recent'] as const,
  active: () => [...jobKeys.all, 'active'] as const,
  types: () => [...jobKeys.all, 'types'] as const,
  details: () => [...jobKeys.all, 'detail'] as const,
  detail: (id: number) => [...jobKeys.details(), id] as const,
  auditTrail: (id: number) => [...jobKeys.all, 'auditTrail', id] as const,
  /** How many runs match a history's filters (the bulk bar's "All N matching"). */
  matchingAll: () => [...jobKeys.all, 'matching'] as const,
  matching: (filters: HistoryQuery['filters'] | undefined) => [...jobKeys.matchingAll(), filters] as const,
};

export const scheduleKeys = {
  all: ['schedules'] as const,
  list: () => [...scheduleKeys.all, 'list'] as const,
  preview: (cron: string, timeZone: string) => [...scheduleKeys.all, 'preview', cron, timeZone] as const,
};

export const viewKeys = {
  all: ['views'] as const,
};

export const auditKeys = {
  all: ['audit'] as const,
  list: (filters: AuditFilters) => [...auditKeys.all, 'list', filters] as const,
};

export const metricsKeys = {
  all: ['metrics'] as const,
  usage: (range: { fromMonth: string; toMonth: string }) => [...metricsKeys.all, 'usage', range] as const,
};

export const limitKeys = {
  all: ['limits'] as const,
};

export const backupKeys = {
  all: ['backups'] as const,
};

export const orphanKeys = {
  all: ['orphans'] as const,
  check: () => [...orphanKeys.all, 'check'] as const,
  list: (filters: unknown) => [...orphanKeys.all, 'list', filters] as const,
};

/** Everything that depends on the session's tenant scope: refetched when a system admin switches. */
export const tenantKeyRoots = [jobKeys.all, ['schedules'], ['audit'], ['metrics'], ['orphans']] as const;
