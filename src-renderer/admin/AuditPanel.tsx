// The audit log: business admins see their business's events, system admins all. Filters by action, actor, target
// and time (AuditFilters.tsx); a row's actor or target filters by it. Pages with keyset cursors.
import { ActionIcon, Anchor, Badge, Code, Stack, Table, Text } from '@mantine/core';
import { Fragment, useMemo } from 'react';
import { AUDIT_TARGET_TYPES, type AuditEventView, type AuditTargetType } from '../../src-shared/schemas/audit';
import { formatDateTime } from '../lib/format';
import { useAuditEvents } from '../queries/admin';
import { useViewLoaded } from '../stores/ui';
import { AuditToolbar, type AuditTarget, useAuditFilters } from './AuditFilters';
import { LoadMore, QueryState, ROLE_LABELS } from './common';
import { useExpandedRows } from './expanded-rows';
import { type PickedUser } from './UserPicker';

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
        <AuditTable events={events} loaded={settled && !fields.typing} expanded={expanded} onToggle={toggle} filterBy={{ actor: fields.setActor, target: fields.setTarget }} />
      </QueryState>
      <LoadMore list={audit} testId="audit-load-more" />
    </Stack>
  );
}

/** A row's actor or target, chosen as the filter. */
interface FilterBy {
  actor(user: PickedUser): void;
  target(target: AuditTarget): void;
}

interface TableProps {
  events: readonly AuditEventView[];
  /** False while a filter is typed or a new first page loads (the table's data-state, which tests wait on). */
  loaded: boolean;
  expanded: ReadonlySet<number>;
  onToggle(id: number): void;
  filterBy: FilterBy;
}

function AuditTable({ events, loaded, expanded, onToggle, filterBy }: TableProps) {
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
          <AuditRow key={event.id} event={event} expanded={expanded.has(event.id)} onToggle={() => onToggle(event.id)} filterBy={filterBy} />
        ))}
      </Table.Tbody>
    </Table>
  );
}

function AuditRow({ event, expanded, onToggle, filterBy }: { event: AuditEventView; expanded: boolean; onToggle(): void; filterBy: FilterBy }) {
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
        <Table.Td>
          {event.actorUserId === null ? (
            event.actorLabel
          ) : (
            <FilterLink label={event.actorLabel} title="Show only this actor’s events" testId={`audit-actor-${event.id}`} onClick={() => filterBy.actor({ id: event.actorUserId!, label: event.actorLabel })} />
          )}
        </Table.Td>
        <Table.Td>{event.actorRole ? (ROLE_LABELS[event.actorRole as keyof typeof ROLE_LABELS] ?? event.actorRole) : '—'}</Table.Td>
        <Table.Td>
          <Badge variant="light" tt="none">
            {event.action}
          </Badge>
        </Table.Td>
        <Table.Td>
          <TargetCell event={event} onFilter={filterBy.target} />
        </Table.Td>
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

/** A value in a row that, clicked, filters the log by it. */
function FilterLink({ label, title, testId, onClick }: { label: string; title: string; testId: string; onClick(): void }) {
  return (
    <Anchor component="button" type="button" size="sm" title={title} onClick={onClick} data-testid={testId}>
      {label}
    </Anchor>
  );
}

const isTargetType = (type: string): type is AuditTargetType => (AUDIT_TARGET_TYPES as readonly string[]).includes(type);

/**
 * The target by its name now (a user, business or schedule; "run #6"; a file), else as recorded, for one since
 * deleted; one the filter can name is a link to its events. A user's label is the email the event recorded.
 */
function TargetCell({ event, onFilter }: { event: AuditEventView; onFilter(target: AuditTarget): void }) {
  const { targetType: type, targetId: id } = event;
  if (type === null) return <>—</>;
  const text = event.targetName ?? `${type}${id ? ` ${id}` : ''}`;
  if (id === null || !isTargetType(type)) return <>{text}</>;
  const email = event.details.email;
  const label = type === 'user' && typeof email === 'string' ? email : null;
  return <FilterLink label={text} title="Show only this target’s events" testId={`audit-target-${event.id}`} onClick={() => onFilter({ type, id, label })} />;
}
