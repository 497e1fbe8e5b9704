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

export function AuditPanel() {
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
  const audit = useAuditEvents(filters);
  useViewLoaded(!audit.isPending);
  const events = useMemo(() => audit.data?.pages.flatMap((page) => page.events) ?? [], [audit.data]);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const toggle = (id: number) =>
    setExpanded((old) => {
      const next = new Set(old);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const settled = !audit.isFetching || audit.isFetchingNextPage;
  const typing = debouncedAction !== actionText;

  return (
    <Stack>
      <Group align="flex-end">
        <TextInput
          label="Action"
          description="Exact, or a prefix such as job.*; several separated by commas"
          placeholder="job.*"
          value={actionText}
          onChange={(event) => setActionText(event.currentTarget.value)}
          data-testid="audit-filter-action"
          style={{ flex: 1 }}
        />
        <TimeRangeFields from={from} to={to} onFrom={setFrom} onTo={setTo} testIdPrefix="audit-filter" />
        <Button
          variant="default"
          data-testid="audit-filter-clear"
          onClick={() => {
            setActionText('');
            setFrom('');
            setTo('');
          }}
        >
          Clear
        </Button>
      </Group>
      <QueryState pending={audit.isPending} error={audit.error} empty={events.length === 0} emptyText="No audit events match.">
        <Table striped data-testid="audit-table" data-state={settled && !typing ? 'loaded' : 'loading'}>
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
              <AuditRow key={event.id} event={event} expanded={expanded.has(event.id)} onToggle={() => toggle(event.id)} />
            ))}
          </Table.Tbody>
        </Table>
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
