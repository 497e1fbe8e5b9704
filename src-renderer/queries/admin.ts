// The admin screens' server state: businesses, users, schedules, the audit log, usage metrics.
// Every change invalidates what reads the tables it wrote (and the audit log, which records it).
import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { type Channel } from '../../src-shared/channels';
import { type ChannelInput, type ChannelOutput } from '../../src-shared/contract';
import { callOrThrow, useClient } from './client';
import { usePreview } from './preview';
import { endSession } from './auth';
import { appKeys, auditKeys, type AuditFilters, authKeys, backupKeys, businessKeys, jobKeys, limitKeys, metricsKeys, scheduleKeys, userKeys } from './keys';

export const AUDIT_PAGE_SIZE = 50;

/** A mutation on one channel that refetches these key prefixes afterwards. */
export function useChannelMutation<C extends Channel>(channel: C, invalidates: readonly QueryKey[]) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation<ChannelOutput<C>, Error, ChannelInput<C>>({
    mutationFn: (input) => callOrThrow(client, channel, input),
    onSuccess: () => {
      for (const key of invalidates) void queryClient.invalidateQueries({ queryKey: key });
    },
  });
}

// ---- Businesses -------------------------------------------------------------------------------------

const afterBusinessChange = [businessKeys.all, userKeys.all, auditKeys.all, appKeys.status] as const;
export const useCreateBusiness = () => useChannelMutation('businesses.create', afterBusinessChange);
export const useRenameBusiness = () => useChannelMutation('businesses.rename', [...afterBusinessChange, scheduleKeys.all, metricsKeys.all, jobKeys.all]);
export const useSetBusinessDisabled = () => useChannelMutation('businesses.setDisabled', afterBusinessChange);
export const useDeleteBusiness = () =>
  useChannelMutation('businesses.delete', [...afterBusinessChange, scheduleKeys.all, metricsKeys.all, jobKeys.all, authKeys.status]);

/** What disabling the business locks, read when the confirmation opens. */
export const useBusinessDisablePreview = (id: number | null) => usePreview('businesses.previewDisable', id === null ? null : { id });
/** What deleting the business takes with it, read when the confirmation opens. */
export const useBusinessDeletePreview = (id: number | null) => usePreview('businesses.previewDelete', id === null ? null : { id });

// ---- Users ------------------------------------------------------------------------------------------

const afterUserChange = [userKeys.all, auditKeys.all, appKeys.status, authKeys.status] as const;
export const useCreateUser = () => useChannelMutation('users.create', afterUserChange);
export const useUpdateUser = () => useChannelMutation('users.update', afterUserChange);
export const useSetUserDisabled = () => useChannelMutation('users.setDisabled', afterUserChange);
export const useSetUserPassword = () => useChannelMutation('users.setPassword', afterUserChange);
export const useDeleteUser = () => useChannelMutation('users.delete', afterUserChange);

// ---- Schedules --------------------------------------------------------------------------------------

export function useSchedules() {
  const client = useClient();
  return useQuery({ queryKey: scheduleKeys.list(), queryFn: () => callOrThrow(client, 'schedules.list', {}) });
}

const afterScheduleChange = [scheduleKeys.all, auditKeys.all, appKeys.status] as const;
export const useCreateSchedule = () => useChannelMutation('schedules.create', afterScheduleChange);
export const useUpdateSchedule = () => useChannelMutation('schedules.update', afterScheduleChange);
export const useSetScheduleEnabled = () => useChannelMutation('schedules.setEnabled', afterScheduleChange);
export const useDeleteSchedule = () => useChannelMutation('schedules.delete', afterScheduleChange);

/** The cron helper: the next runs of an expression in its zone (the caller debounces what it passes). */
export function useCronPreview(cron: string, timeZone: string) {
  const client = useClient();
  const trimmed = cron.trim();
  return useQuery({
    queryKey: scheduleKeys.preview(trimmed, timeZone),
    queryFn: () => callOrThrow(client, 'schedules.previewCron', { cron: trimmed, timeZone: timeZone || 'UTC', count: 5 }),
    enabled: trimmed.length > 0,
    retry: false,
    staleTime: 30_000,
  });
}

// ---- Audit log --------------------------------------------------------------------------------------

export function useAuditEvents(filters: AuditFilters) {
  const client = useClient();
  return useInfiniteQuery({
    queryKey: auditKeys.list(filters),
    queryFn: ({ pageParam }) => callOrThrow(client, 'audit.list', { filters, cursor: pageParam, limit: AUDIT_PAGE_SIZE }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
}

// ---- Usage ------------------------------------------------------------------------------------------

export function useUsage(range: { fromMonth: string; toMonth: string }) {
  const client = useClient();
  return useQuery({
    queryKey: metricsKeys.usage(range),
    queryFn: () => callOrThrow(client, 'metrics.usage', range),
    placeholderData: (previous) => previous,
  });
}

// ---- Limits ------------------------------------------------------------------------------------------

/** The per-business limits in force and their defaults (system admins). */
export function useRunLimits() {
  const client = useClient();
  return useQuery({ queryKey: limitKeys.all, queryFn: () => callOrThrow(client, 'limits.get', {}) });
}

export const useSetRunLimits = () => useChannelMutation('limits.set', [limitKeys.all, auditKeys.all]);

// ---- Backups -----------------------------------------------------------------------------------------

/** Every backup, their total size and the retention policy (system admins). */
export function useBackups() {
  const client = useClient();
  return useQuery({ queryKey: backupKeys.all, queryFn: () => callOrThrow(client, 'backups.list', {}) });
}

/** A check reads the whole backup; its outcome is kept in its record, which the list shows. */
export const useVerifyBackup = () => useChannelMutation('backups.verify', [backupKeys.all]);
export const usePruneBackups = () => useChannelMutation('backups.prune', [backupKeys.all, auditKeys.all]);
export const useSetBackupPolicy = () => useChannelMutation('backups.setPolicy', [backupKeys.all, auditKeys.all]);

/** What restoring the backup would do (backups.restorePreview), read when the wizard opens; `null`: nothing asked. */
export const useRestorePreview = (name: string | null) => usePreview('backups.restorePreview', name === null ? null : { backup: name });

/**
 * Restores a backup over the database. Every session ends with it, this one too: the session ends here as at a
 * sign-out (account.changed may have said so first), and the sign-in form says what was restored.
 */
export function useRestoreBackup() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation<ChannelOutput<'backups.restore'>, Error, ChannelInput<'backups.restore'>>({
    mutationFn: (input) => callOrThrow(client, 'backups.restore', input),
    onSuccess: (result) => endSession(queryClient, restoredNotice(result)),
  });
}

function restoredNotice({ restored, migrated, previousBackupPath }: ChannelOutput<'backups.restore'>): string {
  const migration = migrated ? `, migrated from schema ${migrated.from} to ${migrated.to}` : '';
  const previous = previousBackupPath.split(/[\\/]/).pop() ?? previousBackupPath;
  return `The database was restored from ${restored.name}${migration}. The file as it was is kept as the backup ${previous}. Every session ended: sign in again.`;
}
