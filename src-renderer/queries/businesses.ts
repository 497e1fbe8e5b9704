import { useQuery } from '@tanstack/react-query';
import { businessKeys } from './keys';
import { callOrThrow, useClient } from './client';

export function useBusinesses(enabled = true) {
  const client = useClient();
  return useQuery({ queryKey: businessKeys.list(), queryFn: () => callOrThrow(client, 'businesses.list', {}), enabled });
}
