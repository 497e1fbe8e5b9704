import { onlineManager, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { type ChannelInput, type ChannelOutput } from '../../src-shared/contract';
import { type TimeDisplay } from '../../src-shared/domain';
import { type ScopeSelection, type SessionView } from '../../src-shared/schemas/accounts';
import { appKeys, authKeys, tenantKeyRoots } from './keys';
import { callOrThrow, useClient } from './client';
import { whenQueriesIdle } from './idle';
import { noAccessReason } from '../lib/permissions';
import { useUiStore } from '../stores/ui';

export type AuthStatus = ChannelOutput<'auth.status'>;

export function useAuthStatus() {
  const client = useClient();
  return useQuery({ queryKey: authKeys.status, queryFn: () => callOrThrow(client, 'auth.status', {}), staleTime: Infinity });
}

/** The signed-in session; only call below the sign-in gate. */
export function useSession(): SessionView {
  const { data } = useAuthStatus();
  if (!data?.session) throw new Error('useSession is used outside a signed-in view');
  return data.session;
}

/** A new session (sign-in, setup): nothing cached under the previous one survives. */
function beginSession(queryClient: QueryClient, session: SessionView): void {
  useUiStore.getState().setSignInNotice(null);
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'app' && query.queryKey[0] !== 'auth' });
  queryClient.setQueryData<AuthStatus>(authKeys.status, { needsSetup: false, session });
  // What app.status tells depends on who asks (the database's facts are for a role that reads it).
  void queryClient.invalidateQueries({ queryKey: appKeys.status });
}

export function useSignIn() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'auth.login'>) => callOrThrow(client, 'auth.login', input),
    onSuccess: (session) => beginSession(queryClient, session),
  });
}

export function useSetup() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'auth.setup'>) => callOrThrow(client, 'auth.setup', input),
    onSuccess: (session) => beginSession(queryClient, session),
  });
}

/** The user's choice of local time or UTC, kept with their account; the session answered becomes the gate's. */
export function useSetTimeDisplay() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (timeDisplay: TimeDisplay) => callOrThrow(client, 'auth.setTimeDisplay', { timeDisplay }),
    // The gate renders the app anew in the new zone; the statistics' per-day series, keyed by zone, is read again.
    onSuccess: (session) => queryClient.setQueryData<AuthStatus>(authKeys.status, { needsSetup: false, session }),
  });
}

/**
 * Main says the user's own access changed (account.changed): who they are is read first. Signed out (disabled,
 * deleted) or without a business to work in, nothing else is asked: the gate shows why. Otherwise every view reads
 * again, from their new scope.
 */
export async function refreshAccount(queryClient: QueryClient): Promise<void> {
  await queryClient.refetchQueries({ queryKey: authKeys.status });
  const session = queryClient.getQueryData<AuthStatus>(authKeys.status)?.session;
  // Signed out, or left with nothing to work in: the gate shows why, and the views' reads would be refused.
  if (!session || noAccessReason(session)) return;
  await queryClient.invalidateQueries({ predicate: (query) => query.queryKey[0] !== 'auth' });
}

/**
 * The session is over (a sign-out, or a restore, which ends every session): everything it could see goes; the auth
 * status stays observed, so the gate shows sign-in, with `notice` above the form when there is one.
 */
export function endSession(queryClient: QueryClient, notice: string | null = null): void {
  useUiStore.getState().setSignInNotice(notice);
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'app' && query.queryKey[0] !== 'auth' });
  queryClient.setQueryData<AuthStatus>(authKeys.status, { needsSetup: false, session: null });
  void queryClient.invalidateQueries({ queryKey: appKeys.status });
}

/** How long a sign-out waits for the reads under way (a page, a refetch) before it ends the session anyway. */
const SIGN_OUT_WAIT_MS = 2_000;

/**
 * Signs out once the session's reads have ended: a read main answered after the sign-out would be refused (401), an
 * error the person never caused. No read starts meanwhile (the query client counts as offline until the session has
 * ended: reads asked then wait, and those of the ended session are dropped with it), and those under way are waited
 * for, up to SIGN_OUT_WAIT_MS.
 */
export function useSignOut() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    networkMode: 'always',
    mutationFn: async () => {
      onlineManager.setOnline(false);
      await whenQueriesIdle(queryClient, SIGN_OUT_WAIT_MS);
      return callOrThrow(client, 'auth.logout', {});
    },
    onSettled: () => {
      endSession(queryClient);
      onlineManager.setOnline(true);
    },
  });
}

/** A system admin's switcher: main checks the choice; every tenant query then refetches in the new scope. */
export function useSetScope() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (scope: ScopeSelection) => callOrThrow(client, 'session.setScope', { scope }),
    onSuccess: async (session) => {
      queryClient.setQueryData<AuthStatus>(authKeys.status, (old) => ({ needsSetup: old?.needsSetup ?? false, session }));
      for (const root of tenantKeyRoots) queryClient.removeQueries({ queryKey: root, type: 'inactive' });
      await Promise.all(tenantKeyRoots.map((root) => queryClient.invalidateQueries({ queryKey: root })));
    },
  });
}
