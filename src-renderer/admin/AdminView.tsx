// The admin screens at #/admin/<section>: businesses, users, schedules, audit log, usage metrics, limits, backups, the database.
// Tabs show only what the role may reach (src-shared/access.ts); main still decides every request.
import { Alert, Anchor, Stack, Tabs, Title } from '@mantine/core';
import { reachOf, type Action } from '../../src-shared/access';
import type { SessionView } from '../../src-shared/schemas/accounts';
import { navigate, type Route } from '../lib/router';
import { useViewLoaded } from '../stores/ui';
import { AuditPanel } from './AuditPanel';
import { BackupsPanel } from './BackupsPanel';
import { BusinessesPanel } from './BusinessesPanel';
import { DatabasePanel } from './DatabasePanel';
import { LimitsPanel } from './LimitsPanel';
import { SchedulesPanel } from './SchedulesPanel';
import { UsagePanel } from './UsagePanel';
import { UsersPanel } from './UsersPanel';

const SECTIONS = [
  { key: 'businesses', label: 'Businesses', action: 'businesses.manage' },
  { key: 'users', label: 'Users', action: 'users.manage' },
  { key: 'schedules', label: 'Schedules', action: 'schedules.read' },
  { key: 'audit', label: 'Audit log', action: 'audit.read' },
  { key: 'usage', label: 'Usage', action: 'metrics.read' },
  { key: 'limits', label: 'Limits', action: 'limits.manage' },
  { key: 'backups', label: 'Backups', action: 'backups.manage' },
  { key: 'database', label: 'Database', action: 'database.read' },
] as const satisfies readonly { key: string; label: string; action: Action }[];

type SectionKey = (typeof SECTIONS)[number]['key'];

export function AdminView({ session, route }: { session: SessionView; route: Extract<Route, { name: 'admin' }> }) {
  const visible = SECTIONS.filter((section) => reachOf(session.user.role, section.action) !== null);
  const requested = visible.find((section) => section.key === route.section);
  const current: SectionKey | null = requested?.key ?? (route.section === '' ? (visible[0]?.key ?? null) : null);

  return (
    <Stack data-testid="admin-view" data-section={current ?? ''}>
      <Title order={2}>Administration</Title>
      {visible.length === 0 ? (
        <NothingHere text="Your role has no administration screens." />
      ) : (
        <Tabs value={current} onChange={(value) => value && navigate(`/admin/${value}`)} keepMounted={false}>
          <Tabs.List>
            {visible.map((section) => (
              <Tabs.Tab key={section.key} value={section.key} data-testid={`admin-tab-${section.key}`}>
                {section.label}
              </Tabs.Tab>
            ))}
          </Tabs.List>
        </Tabs>
      )}
      {current === null && visible.length > 0 ? (
        <NothingHere text={`There is no admin section “${route.section}” you may open.`} />
      ) : current === 'businesses' ? (
        <BusinessesPanel />
      ) : current === 'users' ? (
        <UsersPanel session={session} />
      ) : current === 'schedules' ? (
        <SchedulesPanel session={session} />
      ) : current === 'audit' ? (
        <AuditPanel />
      ) : current === 'usage' ? (
        <UsagePanel />
      ) : current === 'limits' ? (
        <LimitsPanel />
      ) : current === 'backups' ? (
        <BackupsPanel />
      ) : current === 'database' ? (
        <DatabasePanel />
      ) : null}
    </Stack>
  );
}

function NothingHere({ text }: { text: string }) {
  useViewLoaded(true);
  return (
    <Alert color="gray" data-testid="admin-not-available">
      {text} <Anchor href="#/automation">Back to the Automation view</Anchor>
    </Alert>
  );
}
