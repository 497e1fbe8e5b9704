import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { MAX_USER_SEARCH, type UserFilters } from '../../src-shared/schemas/accounts';
import { MAX_EMAIL_LENGTH } from '../../src-shared/schemas/common';
import { userKeys } from './keys';
import { callOrThrow, useClient } from './client';

export const USERS_PAGE_SIZE = 50;
/** How many users a picker offers at once: the rest are a narrower search away. */
export const USER_PICKER_SIZE = 20;

/** The users the caller may see (system admins: all; business admins: their business), filtered, page by page. */
export function useUserPages(filters: UserFilters) {
  const client = useClient();
  return useInfiniteQuery({
    queryKey: userKeys.list(filters),
    queryFn: ({ pageParam }) => callOrThrow(client, 'users.list', { filters, cursor: pageParam, limit: USERS_PAGE_SIZE }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    // The table keeps its rows while a new search loads, instead of flashing empty.
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

/** The first users whose email or name holds `search` (the caller debounces it): what a user picker offers. */
export function useUserSearch(search: string, enabled = true) {
  const client = useClient();
  // Longer text matches nobody; main would refuse it.
  const text = search.trim().slice(0, MAX_USER_SEARCH);
  return useQuery({
    queryKey: userKeys.search(text),
    queryFn: () => callOrThrow(client, 'users.list', { filters: text ? { search: text } : {}, limit: USER_PICKER_SIZE }),
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

/** The account with exactly this email (without case), null when there is none the caller may see; off when `email` is null. */
export function useUserByEmail(email: string | null) {
  const client = useClient();
  // No account has an email longer than an email may be.
  const asked = email !== null && email.trim().length <= MAX_EMAIL_LENGTH ? email.trim() : null;
  return useQuery({
    queryKey: userKeys.byEmail(asked?.toLowerCase() ?? ''),
    queryFn: async () => (asked === null ? null : ((await callOrThrow(client, 'users.list', { filters: { email: asked }, limit: 1 })).users[0] ?? null)),
    enabled: email !== null,
    staleTime: 60_000,
  });
}
