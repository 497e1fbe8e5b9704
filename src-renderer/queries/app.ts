import { useQuery } from '@tanstack/react-query';
import { appKeys } from './keys';
import { callOrThrow, useClient } from './client';

/** What the database holds and how the start went; refreshed when main says tables changed. Never retried:
 * an unreachable app is a screen of its own. */
export function useAppStatus() {
  const client = useClient();
  return useQuery({ queryKey: appKeys.status, queryFn: () => callOrThrow(client, 'app.status', {}), staleTime: Infinity, retry: false });
}
