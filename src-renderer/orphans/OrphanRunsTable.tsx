// Orphaned runs as a table: the check's list (with a checkbox per run) and each suggested group's preview.
import { Checkbox, Table, Text } from '@mantine/core';
import { type JobRunView } from '../../src-shared/schemas/jobs';
import { StatusBadge } from '../automation/StatusBadge';
import { formatDateTime } from '../lib/format';

/** The check's selection, when the table offers one. */
export interface OrphanRowSelection {
  isPicked(id: number): boolean;
  toggle(id: number, on: boolean): void;
  /** Every orphan is selected: the boxes show it and cannot change. */
  locked: boolean;
  /** The header box: the runs shown, all or some of them picked. */
  shown: { all: boolean; some: boolean; toggle(): void };
}

interface Props {
  runs: JobRunView[];
  loading: boolean;
  emptyText: string;
  selection?: OrphanRowSelection;
  testId: string;
  /** data-state for tests: "loaded" once the rows shown are the ones asked for. */
  state?: 'loading' | 'loaded';
}

export function OrphanRunsTable({ runs, loading, emptyText, selection, testId, state }: Props) {
  const columns = selection ? 8 : 7;
  return (
    <Table striped highlightOnHover withTableBorder data-testid={testId} data-state={state}>
      <Table.Thead>
        <Table.Tr>
          {selection && (
            <Table.Th w={40}>
              <Checkbox
                aria-label="Select the orphans shown"
                checked={selection.shown.all}
                indeterminate={!selection.shown.all && selection.shown.some}
                disabled={selection.locked || runs.length === 0}
                onChange={selection.shown.toggle}
                data-testid="orphans-select-shown"
              />
            </Table.Th>
          )}
          <Table.Th>Run</Table.Th>
          <Table.Th>Job type</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Triggered by</Table.Th>
          <Table.Th>Former business</Table.Th>
          <Table.Th>Created</Table.Th>
          <Table.Th>Error</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {loading && (
          <Table.Tr>
            <Table.Td colSpan={columns}>
              <Text c="dimmed" size="sm">
                Loading orphans…
              </Text>
            </Table.Td>
          </Table.Tr>
        )}
        {!loading && runs.length === 0 && (
          <Table.Tr>
            <Table.Td colSpan={columns}>
              <Text c="dimmed" size="sm" data-testid={`${testId}-empty`}>
                {emptyText}
              </Text>
            </Table.Td>
          </Table.Tr>
        )}
        {runs.map((run) => (
          <Table.Tr key={run.id} data-testid={`orphan-row-${run.id}`}>
            {selection && (
              <Table.Td>
                <Checkbox
                  aria-label={`Select run ${run.id}`}
                  checked={selection.isPicked(run.id)}
                  disabled={selection.locked}
                  onChange={(e) => selection.toggle(run.id, e.currentTarget.checked)}
                  data-testid={`orphan-select-${run.id}`}
                />
              </Table.Td>
            )}
            <Table.Td>
              <Text size="sm">#{run.id}</Text>
              {run.legacyId && (
                <Text size="xs" c="dimmed" title={run.legacyId}>
                  {run.legacyId.slice(0, 8)}…
                </Text>
              )}
            </Table.Td>
            <Table.Td>
              <Text size="sm">{run.jobType}</Text>
            </Table.Td>
            <Table.Td>
              <StatusBadge status={run.status} />
            </Table.Td>
            <Table.Td maw={220}>
              <Text size="sm" truncate title={run.triggeredBy ?? undefined} data-testid={`orphan-triggered-by-${run.id}`}>
                {run.triggeredBy ?? '—'}
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="xs" c="dimmed" title={run.orphanedFrom ?? undefined}>
                {run.orphanedFrom ? `${run.orphanedFrom.slice(0, 8)}…` : '—'}
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm" data-testid={`orphan-created-${run.id}`} data-ms={run.createdAt}>
                {formatDateTime(run.createdAt)}
              </Text>
            </Table.Td>
            <Table.Td maw={260}>
              <Text size="xs" c="red" lineClamp={1} title={run.error ?? undefined}>
                {run.error ?? ''}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
