// A preview before a change: read when the step that shows it opens (and again on "preview again", a refetch), never
// kept once the step closes. Its keys sit under their own root, apart from the data's: a change invalidates the data,
// never a preview, so a preview of something just deleted or moved is not asked for again (it would be refused).
import { useQuery } from '@tanstack/react-query';
import { type Channel } from '../../src-shared/channels';
import { type ChannelInput } from '../../src-shared/contract';
import { callOrThrow, useClient } from './client';

const previewKey = (channel: Channel, input: unknown) => ['preview', channel, input] as const;

/** `input` null: nothing to ask yet. */
export function usePreview<C extends Channel>(channel: C, input: ChannelInput<C> | null) {
  const client = useClient();
  return useQuery({
    queryKey: previewKey(channel, input),
    queryFn: () => callOrThrow(client, channel, input as ChannelInput<C>),
    enabled: input !== null,
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
    refetchOnWindowFocus: false,
  });
}
