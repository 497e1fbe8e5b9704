// A preview before a change: read when there is something to ask (an input), never kept, since its counts change
// as the data does. The business disable and delete confirmations and the retention purge use it.
import { useQuery, type QueryKey } from '@tanstack/react-query';
import { type Channel } from '../../src-shared/channels';
import { type ChannelInput } from '../../src-shared/contract';
import { callOrThrow, useClient } from './client';

export function usePreview<C extends Channel>(key: QueryKey, channel: C, input: ChannelInput<C> | null) {
  const client = useClient();
  return useQuery({
    queryKey: [...key, channel, input] as const,
    queryFn: () => callOrThrow(client, channel, input as ChannelInput<C>),
    enabled: input !== null,
    staleTime: 0,
    gcTime: 0,
  });
}
