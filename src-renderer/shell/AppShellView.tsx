// The signed-in frame: header (app, scope, user), the orphan banner, and the current route's view. The Automation
// view comes with the first paint; Admin and Orphans load when first opened (their own chunks).
import { Alert, Anchor, AppShell, Badge, Button, Center, Group, Loader, SegmentedControl, Text, Title } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { USER_ROLE_LABELS, type TimeDisplay } from '../../src-shared/domain';
import { LOCAL_ZONE } from '../lib/time';
import { type SessionView } from '../../src-shared/schemas/accounts';
import { AutomationView } from '../automation/AutomationView';
import { parseHash, useHash } from '../lib/router';
import { useAppStatus } from '../queries/app';
import { useSetTimeDisplay, useSignOut } from '../queries/auth';
import { useLiveUpdates } from '../queries/live';
import { useClient } from '../queries/client';
import { useUiStore, useViewLoaded } from '../stores/ui';
import { PlaceholderView } from './PlaceholderView';
import { ScopeSwitcher } from './ScopeSwitcher';
import { KeyboardLayer } from '../keyboard/KeyboardLayer';
import { ViewsMenu } from '../views/ViewsMenu';
import { mayUseViews } from '../lib/permissions';

const AdminView = lazy(() => import('../admin/AdminView').then((module) => ({ default: module.AdminView })));
const JobTypesView = lazy(() => import('../automation/JobTypesView').then((module) => ({ default: module.JobTypesView })));
const CompareView = lazy(() => import('../compare/CompareView').then((module) => ({ default: module.CompareView })));
const OrphansView = lazy(() => import('../orphans/OrphansView').then((module) => ({ default: module.OrphansView })));


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
            <Title order={1} size="h4" style={{ whiteSpace: 'nowrap' }}>
              <Anchor href="#/automation" underline="never" c="inherit">
                Automation Console
              </Anchor>
            </Title>
            {isSystemAdmin ? (
              <ScopeSwitcher session={session} />
            ) : (
              <Text fw={500} truncate maw={220} title={session.user.businessName ?? undefined} data-testid="current-business">
                {session.user.businessName ?? 'No business'}
              </Text>
            )}
            {mayUseViews(session.user) && <ViewsMenu session={session} />}
          </Group>
          {/* Narrow (900 px), who is signed in and their role give way; the links, the time switch and Sign out stay. */}
          <Group gap="xs" wrap="nowrap" style={{ whiteSpace: 'nowrap' }}>
            <NavLinks isSystemAdmin={isSystemAdmin} />
            <Text size="sm" c="dimmed" visibleFrom="lg" data-testid="current-user">
              {session.user.displayName ?? session.user.email}
            </Text>
            <TimeDisplaySwitch value={session.timeDisplay} />
            <Badge variant="light" visibleFrom="lg">
              {USER_ROLE_LABELS[session.user.role]}
            </Badge>
            <Button variant="default" size="xs" onClick={() => signOut.mutate()} loading={signOut.isPending} data-testid="signout">
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        <KeyboardLayer session={session} />
        {isSystemAdmin && <OrphanBanner />}
        {route.name === 'automation' || route.name === 'run' ? (
          <AutomationView session={session} route={route} />
        ) : route.name === 'orphans' ? (
          <Suspense fallback={<ViewLoading />}>
            <OrphansView session={session} route={route} />
          </Suspense>
        ) : route.name === 'job_types' ? (
          <Suspense fallback={<ViewLoading />}>
            <JobTypesView session={session} />
          </Suspense>
        ) : route.name === 'compare' ? (
          <Suspense fallback={<ViewLoading />}>
            <CompareView what={route.what} query={route.query} />
          </Suspense>
        ) : route.name === 'admin' ? (
          <Suspense fallback={<ViewLoading />}>
            <AdminView session={session} route={route} />
          </Suspense>
        ) : (
          <PlaceholderView title="Page not found" testId="not-found-view">
            There is no page at “{route.path}”.
          </PlaceholderView>
        )}
      </AppShell.Main>
    </AppShell>
  );
}

/** The pages: Orphans for system admins only. */
function NavLinks({ isSystemAdmin }: { isSystemAdmin: boolean }) {
  const pages = [
    { href: '#/automation', label: 'Automation', testId: 'nav-automation' },
    { href: '#/job-types', label: 'Job types', testId: 'nav-job-types' },
    { href: '#/compare', label: 'Compare', testId: 'nav-compare' },
    ...(isSystemAdmin ? [{ href: '#/orphans', label: 'Orphans', testId: 'nav-orphans' }] : []),
    { href: '#/admin', label: 'Admin', testId: 'nav-admin' },
  ];
  return (
    <>
      {pages.map((page) => (
        <Anchor key={page.href} href={page.href} size="sm" data-testid={page.testId}>
          {page.label}
        </Anchor>
      ))}
    </>
  );
}

/** While a view's code loads: a spinner, and the shell says it is loading. */
function ViewLoading() {
  useViewLoaded(false);
  return (
    <Center py="xl" data-testid="view-loading">
      <Loader aria-label="Loading the page" />
    </Center>
  );
}

/** Local time or UTC, for every time the app shows; kept with the account. */
function TimeDisplaySwitch({ value }: { value: TimeDisplay }) {
  const change = useSetTimeDisplay();
  return (
    <SegmentedControl
      size="xs"
      aria-label="Show times in"
      title={`Times in your computer's zone (${LOCAL_ZONE}) or in UTC`}
      data={[
        {
          value: 'local',
          label: (
            <>
              Local
              <Text span inherit visibleFrom="lg">
                {' '}({LOCAL_ZONE})
              </Text>
            </>
          ),
        },
        { value: 'utc', label: 'UTC' },
      ]}
      value={value}
      disabled={change.isPending}
      onChange={(next) => change.mutate(next as TimeDisplay)}
      data-testid="time-display"
    />
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
