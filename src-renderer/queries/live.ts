// Main's pushed events, turned into cache updates: progress lands in place, state changes refetch exactly
// the queries that read runs, and table changes refetch what read those tables.
import { useQueryClient, type InfiniteData, type QueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect } from 'react';
import { type JobRunDetailView, type JobRunPageView, type JobRunView } from '../../src-shared/schemas/jobs';
import { type AppClient } from '../api';
import { refreshAccount } from './auth';
import { runsLinkedFrom } from './jobs';
import { appKeys, auditKeys, authKeys, businessKeys, jobKeys, metricsKeys, orphanKeys, scheduleKeys, userKeys } from './keys';

/** A history with more pages than this is not refetched on every new run (that would re-read them all): it goes stale. */
const MAX_LIVE_HISTORY_PAGES = 5;
const FLUSH_MS = 250;

const isActive = (run: JobRunView) => run.status === 'pending' || run.status === 'running';

export function useLiveUpdates(client: AppClient): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const pending = new Map<string, QueryKey>();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const invalidate = (...keys: QueryKey[]) => {
      for (const key of keys) pending.set(JSON.stringify(key), key);
      timer ??= setTimeout(() => {
        timer = null;
        for (const key of pending.values()) void queryClient.invalidateQueries({ queryKey: key });
        pending.clear();
      }, FLUSH_MS);
    };

    const offRuns = client.on('jobs.changed', ({ run }) => {
      const stateChanged = applyRunInPlace(queryClient, run);
      if (!stateChanged) return;
      invalidate(jobKeys.active(), jobKeys.recentAll(), jobKeys.statsAll(), jobKeys.types(), jobKeys.matchingAll(), jobKeys.detail(run.id), jobKeys.auditTrail(run.id));
      // A new retry or re-run: the run it repeats now links to it.
      invalidate(...runsLinkedFrom(run).map((id) => jobKeys.detail(id)));
      // Usage counts and the audit log (trigger, cancel, retry) follow run state; a scheduled run moves its schedule's times.
      invalidate(metricsKeys.all, auditKeys.all);
      if (run.scheduleId !== null) invalidate(scheduleKeys.all);
      refreshHistories(queryClient, run);
    });
    const offTables = client.on('database.changed', ({ tables }) => {
      invalidate(appKeys.status, auditKeys.all);
      if (tables.includes('users')) invalidate(userKeys.all);
      // A deleted business may have been the switcher's: the session's scope comes back as all businesses.
      if (tables.includes('businesses')) invalidate(businessKeys.all, jobKeys.all, scheduleKeys.all, authKeys.status);
      if (tables.includes('job_runs')) invalidate(jobKeys.all, orphanKeys.all, metricsKeys.all);
    });
    const offSchedules = client.on('schedules.changed', () => invalidate(scheduleKeys.all, auditKeys.all));
    return () => {
      offSchedules();
      offRuns();
      offTables();
      if (timer) clearTimeout(timer);
    };
  }, [client, queryClient]);
}

/**
 * The signed-in user's own access changed (account.changed: their role or business, their business enabled,
 * disabled, renamed or deleted, their account disabled): refreshAccount reads who they are, then every view. Mounted
 * above every signed-in screen, the no-business and business-disabled screens included, so they leave by themselves.
 */
export function useAccountUpdates(client: AppClient): void {
  const queryClient = useQueryClient();
  useEffect(() => client.on('account.changed', () => void refreshAccount(queryClient)), [client, queryClient]);
}

/**
 * Writes the run into every cached list and detail that holds it. Returns whether its state is news (a new
 * run, or a status other than the cached one); progress alone is not.
 */
function applyRunInPlace(queryClient: QueryClient, run: JobRunView): boolean {
  let known: JobRunView | undefined;
  const replace = (row: JobRunView) => {
    if (row.id !== run.id) return row;
    known ??= row;
    return { ...row, ...run };
  };

  queryClient.setQueryData<JobRunDetailView>(jobKeys.detail(run.id), (old) => {
    if (!old) return old;
    known ??= old;
    return { ...old, ...run };
  });
  queryClient.setQueryData<JobRunPageView>(jobKeys.active(), (old) => {
    if (!old) return old;
    const runs = old.runs.map(replace).filter((row) => row.id !== run.id || isActive(run));
    return { ...old, runs };
  });
  queryClient.setQueriesData<JobRunView[]>({ queryKey: jobKeys.recentAll() }, (old) => old?.map(replace));
  // Only the page holding the run is copied; a history without it keeps its data (returning undefined leaves
  // the cache untouched), so 100,000 loaded rows are not re-rendered for a run they do not show.
  queryClient.setQueriesData<InfiniteData<JobRunPageView>>({ queryKey: jobKeys.lists() }, (old) => {
    const at = old?.pages.findIndex((page) => page.runs.some((row) => row.id === run.id)) ?? -1;
    if (!old || at < 0) return undefined;
    const pages = old.pages.map((page, index) => (index === at ? { ...page, runs: page.runs.map(replace) } : page));
    return { ...old, pages };
  });
  const found = known as JobRunView | undefined;
  return !found || found.status !== run.status;
}

/** Short histories refetch (the new run appears where the sort puts it); long ones only go stale. */
function refreshHistories(queryClient: QueryClient, run: JobRunView): void {
  for (const query of queryClient.getQueryCache().findAll({ queryKey: jobKeys.lists() })) {
    const data = query.state.data as InfiniteData<JobRunPageView> | undefined;
    const holdsRun = data?.pages.some((page) => page.runs.some((row) => row.id === run.id)) ?? false;
    if (holdsRun) continue; // updated in place already
    const small = (data?.pages.length ?? 0) <= MAX_LIVE_HISTORY_PAGES;
    void queryClient.invalidateQueries({ queryKey: query.queryKey, exact: true, refetchType: small ? 'active' : 'none' }, { cancelRefetch: false });
  }
}
