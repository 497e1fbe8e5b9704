// Saved views (views.*): the ones the caller may open, and the changes to their own.
import { useQuery } from '@tanstack/react-query';
import { useChannelMutation } from './admin';
import { callOrThrow, useClient } from './client';
import { auditKeys, viewKeys } from './keys';

export function useViews(enabled = true) {
  const client = useClient();
  return useQuery({ queryKey: viewKeys.all, queryFn: () => callOrThrow(client, 'views.list', {}), enabled });
}

const afterViewChange = [viewKeys.all, auditKeys.all] as const;
export const useCreateView = () => useChannelMutation('views.create', afterViewChange);
export const useUpdateView = () => useChannelMutation('views.update', afterViewChange);
export const useDeleteView = () => useChannelMutation('views.delete', afterViewChange);
export const useSetDefaultView = () => useChannelMutation('views.setDefault', [viewKeys.all]);
