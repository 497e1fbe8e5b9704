// The orphan wizards' server state (system admins): the check, the filtered list, previews and suggestions, and the changes.
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ChannelInput } from '../../src-shared/contract';
import { type JobRunPageView } from '../../src-shared/schemas/jobs';
import { type OrphanSelectionInput } from '../../src-shared/schemas/orphans';
import { type AppClient } from '../api';
import { callOrThrow, useClient } from './client';
import { usePreview } from './preview';
import { appKeys, jobKeys, orphanKeys } from './keys';

export const ORPHAN_PAGE_SIZE = 50;
const COLLECT_PAGE_SIZE = 200;

export type OrphanFilters = NonNullable<ChannelInput<'orphans.list'>['filters']>;

export function useOrphansCheck() {
  const client = useClient();
  return useQuery({ queryKey: orphanKeys.check(), queryFn: () => callOrThrow(client, 'orphans.check', { newestLimit: 20 }) });
}

/** The orphans matching the filters, newest first, a keyset page at a time. */
export function useOrphanList(filters: OrphanFilters) {
  const client = useClient();
  return useInfiniteQuery({
    queryKey: orphanKeys.list(filters),
    queryFn: ({ pageParam }) =>
      callOrThrow(client, 'orphans.list', { filters, sort: { field: 'createdAt', direction: 'desc' }, cursor: pageParam, limit: ORPHAN_PAGE_SIZE }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    placeholderData: keepPreviousData,
  });
}

/** Every orphan id matching the filters (for "select all matching" under a filter), read page by page. */
export async function collectOrphanIds(client: AppClient, filters: OrphanFilters): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | null = null;
  do {
    const page: JobRunPageView = await callOrThrow(client, 'orphans.list', { filters, sort: { field: 'createdAt', direction: 'desc' }, cursor, limit: COLLECT_PAGE_SIZE });
    for (const run of page.runs) ids.push(run.id);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return ids;
}

export function useCollectOrphanIds() {
  const client = useClient();
  return useMutation({ mutationFn: (filters: OrphanFilters) => collectOrphanIds(client, filters) });
}

/** The previews of the orphan changes (src-renderer/queries/preview.ts): read when the step opens, again on "preview again". */
export const useAssignPreview = (businessId: number | null, selection: OrphanSelectionInput) =>
  usePreview('orphans.previewAssign', businessId === null ? null : { businessId, selection });
export const useDeletePreview = (selection: OrphanSelectionInput) => usePreview('orphans.previewDelete', { selection });
/** The businesses proposed for orphans by evidence, grouped by business and reason: the suggested assignment's preview. */
export const useOrphanSuggestions = (previewLimit: number) => usePreview('orphans.suggestions', { previewLimit });

/** After a change: the orphan screens, every run view, and app.status (the orphan banner's count). */
function useRefreshAfterChange() {
  const queryClient = useQueryClient();
  return () => {
    for (const queryKey of [orphanKeys.all, jobKeys.all, appKeys.status]) void queryClient.invalidateQueries({ queryKey });
  };
}

/** A change to orphans: on success, everything it affects is read again. */
function useOrphanChange<C extends 'orphans.assign' | 'orphans.assignSuggested' | 'orphans.delete'>(channel: C) {
  const client = useClient();
  const refresh = useRefreshAfterChange();
  return useMutation({
    mutationFn: (input: ChannelInput<C>) => callOrThrow(client, channel, input),
    onSuccess: refresh,
  });
}

export const useAssignOrphans = () => useOrphanChange('orphans.assign');
export const useAssignSuggestedOrphans = () => useOrphanChange('orphans.assignSuggested');
export const useDeleteOrphans = () => useOrphanChange('orphans.delete');
