// Orphaned runs as a table: the check's list (with a checkbox per run) and each suggested group's preview.
import { Checkbox, Table, Text } from '@mantine/core';
import { type ReactNode } from 'react';
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

/** The columns after the checkbox: each one's header, its cell's maximum width, and what the cell shows of a run. */
const COLUMNS: { title: string; maw?: number; cell(run: JobRunView): ReactNode }[] = [
  {
    title: 'Run',
    cell: (run) => (
      <>
        <Text size="sm">#{run.id}</Text>
        {run.legacyId && (
          <Text size="xs" c="dimmed" title={run.legacyId}>
            {run.legacyId.slice(0, 8)}…
          </Text>
        )}
      </>
    ),
  },
  { title: 'Job type', cell: (run) => <Text size="sm">{run.jobType}</Text> },
  { title: 'Status', cell: (run) => <StatusBadge status={run.status} /> },
  {
    title: 'Triggered by',
    maw: 220,
    cell: (run) => (
      <Text size="sm" truncate title={run.triggeredBy ?? undefined} data-testid={`orphan-triggered-by-${run.id}`}>
        {run.triggeredBy ?? '—'}
      </Text>
    ),
  },
  {
    title: 'Former business',
    cell: (run) => (
      <Text size="xs" c="dimmed" title={run.orphanedFrom ?? undefined}>
        {run.orphanedFrom ? `${run.orphanedFrom.slice(0, 8)}…` : '—'}
      </Text>
    ),
  },
  {
    title: 'Created',
    cell: (run) => (
      <Text size="sm" data-testid={`orphan-created-${run.id}`} data-ms={run.createdAt}>
        {formatDateTime(run.createdAt)}
      </Text>
    ),
  },
  {
    title: 'Error',
    maw: 260,
    cell: (run) => (
      <Text size="xs" c="red" lineClamp={1} title={run.error ?? undefined}>
        {run.error ?? ''}
      </Text>
    ),
  },
];

export function OrphanRunsTable({ runs, loading, emptyText, selection, testId, state }: Props) {
  const columns = COLUMNS.length + (selection ? 1 : 0);
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
          {COLUMNS.map((column) => (
            <Table.Th key={column.title}>{column.title}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {loading && <MessageRow colSpan={columns}>Loading orphans…</MessageRow>}
        {!loading && runs.length === 0 && (
          <MessageRow colSpan={columns} testId={`${testId}-empty`}>
            {emptyText}
          </MessageRow>
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
            {COLUMNS.map((column) => (
              <Table.Td key={column.title} maw={column.maw}>
                {column.cell(run)}
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** A row across the whole table with one dimmed line: loading, or why there is no run. */
function MessageRow({ colSpan, testId, children }: { colSpan: number; testId?: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Td colSpan={colSpan}>
        <Text c="dimmed" size="sm" data-testid={testId}>
          {children}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}
