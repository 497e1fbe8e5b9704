import { useQuery } from '@tanstack/react-query';
import { userKeys } from './keys';
import { callOrThrow, useClient } from './client';

/** The users the caller may see (system admins: all; business admins: their business). */
export function useUsers(enabled = true) {
  const client = useClient();
  return useQuery({ queryKey: userKeys.list(), queryFn: () => callOrThrow(client, 'users.list', {}), enabled, staleTime: 60_000 });
}
