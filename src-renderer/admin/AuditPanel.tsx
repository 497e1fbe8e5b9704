// The audit log: business admins see their business's events, system admins all. Filters by action (a
// trailing * matches a prefix, several separated by commas) and time; pages with keyset cursors.
import { ActionIcon, Badge, Button, Code, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { Fragment, useMemo, useState } from 'react';
import { type AuditEventView } from '../../src-shared/schemas/audit';
import { formatDateTime } from '../lib/format';
import { localToMs, TimeRangeFields } from '../lib/time-range';
import { useAuditEvents, type AuditFilters } from '../queries/admin';
import { useViewLoaded } from '../stores/ui';
import { QueryState, ROLE_LABELS } from './common';
import { useExpandedRows } from './expanded-rows';

/** The filter fields as typed, and the filters the query reads (the action list after a pause in typing). */
function useAuditFilters() {
  const [actionText, setActionText] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [debouncedAction] = useDebouncedValue(actionText, 300);
  const filters = useMemo<AuditFilters>(() => {
    const actions = debouncedAction
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    const fromMs = localToMs(from);
    const toMs = localToMs(to);
    return { ...(actions.length ? { actions } : {}), ...(fromMs !== undefined ? { from: fromMs } : {}), ...(toMs !== undefined ? { to: toMs } : {}) };
  }, [debouncedAction, from, to]);
  const clear = () => {
    setActionText('');
    setFrom('');
    setTo('');
  };
  return { actionText, setActionText, from, setFrom, to, setTo, clear, filters, typing: debouncedAction !== actionText };
}

export function AuditPanel() {
  const fields = useAuditFilters();
  const audit = useAuditEvents(fields.filters);
  useViewLoaded(!audit.isPending);
  const events = useMemo(() => audit.data?.pages.flatMap((page) => page.events) ?? [], [audit.data]);
  const [expanded, toggle] = useExpandedRows<number>();
  const settled = !audit.isFetching || audit.isFetchingNextPage;

  return (
    <Stack>
      <AuditToolbar fields={fields} />
      <QueryState pending={audit.isPending} error={audit.error} empty={events.length === 0} emptyText="No audit events match.">
        <AuditTable events={events} loaded={settled && !fields.typing} expanded={expanded} onToggle={toggle} />
      </QueryState>
      {audit.hasNextPage && (
        <Group justify="center">
          <Button variant="default" onClick={() => void audit.fetchNextPage()} loading={audit.isFetchingNextPage} data-testid="audit-load-more">
            Load more
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/** The action and time filters, and a button that clears them. */
function AuditToolbar({ fields }: { fields: ReturnType<typeof useAuditFilters> }) {
  return (
    <Group align="flex-end">
      <TextInput
        label="Action"
        description="Exact, or a prefix such as job.*; several separated by commas"
        placeholder="job.*"
        value={fields.actionText}
        onChange={(event) => fields.setActionText(event.currentTarget.value)}
        data-testid="audit-filter-action"
        style={{ flex: 1 }}
      />
      <TimeRangeFields from={fields.from} to={fields.to} onFrom={fields.setFrom} onTo={fields.setTo} testIdPrefix="audit-filter" />
      <Button variant="default" data-testid="audit-filter-clear" onClick={fields.clear}>
        Clear
      </Button>
    </Group>
  );
}

/** `loaded` is false while a filter is typed or a new first page loads (the table's data-state, which tests wait on). */
function AuditTable({ events, loaded, expanded, onToggle }: { events: readonly AuditEventView[]; loaded: boolean; expanded: ReadonlySet<number>; onToggle(id: number): void }) {
  return (
    <Table striped data-testid="audit-table" data-state={loaded ? 'loaded' : 'loading'}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={36} />
          <Table.Th>Time</Table.Th>
          <Table.Th>Actor</Table.Th>
          <Table.Th>Role</Table.Th>
          <Table.Th>Action</Table.Th>
          <Table.Th>Target</Table.Th>
          <Table.Th>Details</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {events.map((event) => (
          <AuditRow key={event.id} event={event} expanded={expanded.has(event.id)} onToggle={() => onToggle(event.id)} />
        ))}
      </Table.Tbody>
    </Table>
  );
}

function AuditRow({ event, expanded, onToggle }: { event: AuditEventView; expanded: boolean; onToggle(): void }) {
  const details = Object.entries(event.details);
  const summary = details
    .slice(0, 3)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
  return (
    <Fragment>
      <Table.Tr data-testid={`audit-row-${event.id}`} data-action={event.action}>
        <Table.Td>
          {details.length > 0 && (
            <ActionIcon variant="subtle" size="sm" onClick={onToggle} aria-label={expanded ? 'Hide details' : 'Show details'} aria-expanded={expanded}>
              {expanded ? '▾' : '▸'}
            </ActionIcon>
          )}
        </Table.Td>
        <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(event.at)}</Table.Td>
        <Table.Td>{event.actorLabel}</Table.Td>
        <Table.Td>{event.actorRole ? (ROLE_LABELS[event.actorRole as keyof typeof ROLE_LABELS] ?? event.actorRole) : '—'}</Table.Td>
        <Table.Td>
          <Badge variant="light" tt="none">
            {event.action}
          </Badge>
        </Table.Td>
        <Table.Td>{event.targetType ? `${event.targetType}${event.targetId ? ` ${event.targetId}` : ''}` : '—'}</Table.Td>
        <Table.Td>
          <Text size="xs" c="dimmed" lineClamp={1} maw={360}>
            {summary}
          </Text>
        </Table.Td>
      </Table.Tr>
      {expanded && (
        <Table.Tr>
          <Table.Td />
          <Table.Td colSpan={6}>
            <Code block data-testid={`audit-details-${event.id}`}>
              {JSON.stringify(event.details, null, 2)}
            </Code>
          </Table.Td>
        </Table.Tr>
      )}
    </Fragment>
  );
}
