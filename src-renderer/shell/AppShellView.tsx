// The signed-in frame: header (app, scope, user), the orphan banner, and the current route's view.
import { Alert, Anchor, AppShell, Badge, Button, Group, Text, Title } from '@mantine/core';
import { type SessionView } from '../../src-shared/schemas/accounts';
import { AutomationView } from '../automation/AutomationView';
import { parseHash, useHash } from '../lib/router';
import { useAppStatus } from '../queries/app';
import { useSignOut } from '../queries/auth';
import { useLiveUpdates } from '../queries/live';
import { useClient } from '../queries/client';
import { useUiStore } from '../stores/ui';
import { AdminView } from '../admin/AdminView';
import { OrphansView } from '../orphans/OrphansView';
import { PlaceholderView } from './PlaceholderView';
import { ScopeSwitcher } from './ScopeSwitcher';

const ROLE_LABELS = { system_admin: 'System admin', business_admin: 'Business admin', member: 'Member' } as const;

export function AppShellView({ session }: { session: SessionView }) {
  const client = useClient();
  useLiveUpdates(client);
  const route = parseHash(useHash());
  const signOut = useSignOut();
  const viewLoaded = useUiStore((state) => state.viewLoaded);
  const isSystemAdmin = session.user.role === 'system_admin';

  return (
    <AppShell header={{ height: 60 }} padding="md" data-testid="app-shell" data-state={viewLoaded ? 'loaded' : 'loading'}>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="md" wrap="nowrap">
            <Title order={1} size="h4">
              <Anchor href="#/automation" underline="never" c="inherit">
                Automation Console
              </Anchor>
            </Title>
            {isSystemAdmin ? (
              <ScopeSwitcher session={session} />
            ) : (
              <Text fw={500} data-testid="current-business">
                {session.user.businessName ?? 'No business'}
              </Text>
            )}
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Anchor href="#/automation" size="sm" data-testid="nav-automation">
              Automation
            </Anchor>
            {isSystemAdmin && (
              <Anchor href="#/orphans" size="sm" data-testid="nav-orphans">
                Orphans
              </Anchor>
            )}
            <Anchor href="#/admin" size="sm" data-testid="nav-admin">
              Admin
            </Anchor>
            <Text size="sm" c="dimmed" visibleFrom="sm" data-testid="current-user">
              {session.user.displayName ?? session.user.email}
            </Text>
            <Badge variant="light" visibleFrom="sm">
              {ROLE_LABELS[session.user.role]}
            </Badge>
            <Button variant="default" size="xs" onClick={() => signOut.mutate()} loading={signOut.isPending} data-testid="signout">
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        {isSystemAdmin && <OrphanBanner />}
        {route.name === 'automation' || route.name === 'run' ? (
          <AutomationView session={session} route={route} />
        ) : route.name === 'orphans' ? (
          <OrphansView session={session} route={route} />
        ) : route.name === 'admin' ? (
          <AdminView session={session} route={route} />
) : (
          <PlaceholderView title="Page not found" testId="not-found-view">
            There is no page at “{route.path}”.
          </PlaceholderView>
        )}
      </AppShell.Main>
    </AppShell>
  );
}

function OrphanBanner() {
  const status = useAppStatus();
  const orphans = status.data?.state === 'ready' ? (status.data.info?.counts.orphanRuns ?? 0) : 0;
  if (orphans === 0) return null;
  return (
    <Alert color="yellow" mb="md" data-testid="orphan-banner" title="Orphaned runs">
      {orphans.toLocaleString()} {orphans === 1 ? 'run belongs' : 'runs belong'} to no existing business.{' '}
      <Anchor href="#/orphans">Review orphaned runs</Anchor>
    </Alert>
  );
}
