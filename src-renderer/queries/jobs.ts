import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { type ChannelInput } from '../../src-shared/contract';
import { type JobRunView } from '../../src-shared/schemas/jobs';
import { callOrThrow, useClient } from './client';
import { usePreview } from './preview';
import { jobKeys, type HistoryQuery } from './keys';

export const HISTORY_PAGE_SIZE = 200;
export const ACTIVE_LIMIT = 200;
export const RECENT_LIMIT = 10;

/** The stats over `range`; `enabled` false asks main nothing (a range it would refuse). */
export function useJobStats(range: { from: number; to: number; timeZone: string }, enabled = true) {
  const client = useClient();
  return useQuery({
    queryKey: jobKeys.stats(range),
    queryFn: () => callOrThrow(client, 'jobs.stats', range),
    enabled,
    placeholderData: (previous) => previous,
  });
}

export function useRecentRuns(limit = RECENT_LIMIT) {
  const client = useClient();
  return useQuery({ queryKey: jobKeys.recent(limit), queryFn: () => callOrThrow(client, 'jobs.recent', { limit }) });
}

export function useActiveRuns() {
  const client = useClient();
  return useQuery({ queryKey: jobKeys.active(), queryFn: () => callOrThrow(client, 'jobs.active', { limit: ACTIVE_LIMIT }) });
}

export function useJobTypes() {
  const client = useClient();
  return useQuery({ queryKey: jobKeys.types(), queryFn: () => callOrThrow(client, 'jobs.types', {}), staleTime: 60_000 });
}

/** What a retention purge would delete now (null: nothing to ask yet). */
export const useRetentionPreview = (input: ChannelInput<'jobs.previewRetention'> | null) => usePreview('jobs.previewRetention', input);

/** The history, a keyset page at a time. */
/** The newest run of a job type in the session's scope (one row of jobs.list), or null when it has none. */
export function useLastRun(jobType: string) {
  const client = useClient();
  const query: HistoryQuery = { filters: { jobTypes: [jobType] }, sort: { field: 'createdAt', direction: 'desc' } };
  return useQuery({
    queryKey: [...jobKeys.list(query), 'last'] as const,
    queryFn: async () => (await callOrThrow(client, 'jobs.list', { ...query, limit: 1 })).runs[0] ?? null,
  });
}

export function useRunHistory(query: HistoryQuery) {
  const client = useClient();
  return useInfiniteQuery({
    queryKey: jobKeys.list(query),
    queryFn: ({ pageParam }) => callOrThrow(client, 'jobs.list', { ...query, cursor: pageParam, limit: HISTORY_PAGE_SIZE }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    // Pages are immutable snapshots: deep-comparing 100,000 loaded rows on every page would cost more than it saves.
    structuralSharing: false,
  });
}

export function useRunDetail(id: number | null) {
  const client = useClient();
  return useQuery({
    queryKey: jobKeys.detail(id ?? 0),
    queryFn: () => callOrThrow(client, 'jobs.get', { id: id ?? 0 }),
    enabled: id !== null,
  });
}

export function useRunAuditTrail(id: number | null) {
  const client = useClient();
  return useQuery({
    queryKey: jobKeys.auditTrail(id ?? 0),
    queryFn: () => callOrThrow(client, 'jobs.auditTrail', { id: id ?? 0 }),
    enabled: id !== null,
  });
}

/** After a trigger, cancel or retry: the summaries refetch now rather than waiting for main's event. */
function refreshAfterControl(queryClient: QueryClient, run: JobRunView): void {
  for (const key of [jobKeys.active(), jobKeys.recentAll(), jobKeys.statsAll(), jobKeys.types(), jobKeys.auditTrail(run.id)]) {
    void queryClient.invalidateQueries({ queryKey: key });
  }
  for (const id of [run.id, ...runsLinkedFrom(run)]) void queryClient.invalidateQueries({ queryKey: jobKeys.detail(id) });
}

/** The runs `run` links to (the one it retries, the one it re-runs): a new run changes what their details list. */
export function runsLinkedFrom(run: Pick<JobRunView, 'retryOfRunId' | 'rerunOfRunId'>): number[] {
  return [run.retryOfRunId, run.rerunOfRunId].filter((id): id is number => id !== null);
}

export function useCreateRun() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'jobs.create'>) => callOrThrow(client, 'jobs.create', input),
    onSuccess: (run) => refreshAfterControl(queryClient, run),
  });
}

export function useCancelRun() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => callOrThrow(client, 'jobs.cancel', { id }),
    onSuccess: (run) => refreshAfterControl(queryClient, run),
  });
}

export function useRetryRun() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => callOrThrow(client, 'jobs.retry', { id }),
    onSuccess: (run) => refreshAfterControl(queryClient, run),
  });
}

/** A bulk action's preview: how many runs match the selection, how many it would act on, and why not the rest. */
export function useBulkPreview() {
  const client = useClient();
  return useMutation({ mutationFn: (input: ChannelInput<'jobs.bulkPreview'>) => callOrThrow(client, 'jobs.bulkPreview', input) });
}

/** How many runs match the history's filters (the export preview counts every matching run). */
export function useMatchingCount(filters: ChannelInput<'jobs.list'>['filters'], enabled: boolean) {
  const client = useClient();
  return useQuery({
    queryKey: jobKeys.matching(filters),
    queryFn: () => callOrThrow(client, 'jobs.bulkPreview', { action: 'export', selection: { kind: 'filter', filters: filters ?? {} } }),
    select: (preview) => preview.matching,
    enabled,
  });
}

/** Bulk cancel or retry, confirming the eligible count the preview showed; every jobs query refetches after. */
export function useBulkChange() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ action, ...input }: ChannelInput<'jobs.bulkCancel'> & { action: 'cancel' | 'retry' }) =>
      callOrThrow(client, action === 'cancel' ? 'jobs.bulkCancel' : 'jobs.bulkRetry', input),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: jobKeys.all }),
  });
}
