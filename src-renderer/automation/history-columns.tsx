// The history table's columns: a checkbox per run and one in the header, then a column per field of a run (the
// business only in the all-businesses view).
import { Checkbox } from '@mantine/core';
import { type ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import { type JobRunView } from '../../src-shared/schemas/jobs';
import { formatDateTime, formatDuration, TRIGGER_LABELS } from '../lib/format';
import { type HistorySelection } from './history-selection';
import { ownerLabel } from './RunLists';
import { StatusPill } from './StatusBadge';

/** The columns main sorts the history by; the others have plain headers. */
export const SORTABLE = new Set(['createdAt', 'startedAt', 'durationMs']);

/** Clicks and keys on a checkbox stay there: the row around it opens the run. */
export const stayInCell = { onClick: (event: { stopPropagation(): void }) => event.stopPropagation(), onKeyDown: (event: { stopPropagation(): void }) => event.stopPropagation() };

interface ColumnsInput {
  showBusiness: boolean;
  selection: HistorySelection;
  /** The loaded rows: the header checkbox selects them all. */
  rows: JobRunView[];
  /** Every loaded row is selected: the header checkbox shows checked and clears the selection. */
  allLoaded: boolean;
  /** How many loaded rows are selected: some, but not all, shows the header checkbox indeterminate. */
  loadedSelected: number;
  onToggleRow(id: number): void;
  onToggleLoaded(ids: number[]): void;
}

export function useHistoryColumns({ showBusiness, selection, rows, allLoaded, loadedSelected, onToggleRow, onToggleLoaded }: ColumnsInput): ColumnDef<JobRunView>[] {
  return useMemo<ColumnDef<JobRunView>[]>(
    () => [
      {
        id: 'select',
        size: 44,
        header: () => (
          <Checkbox
            size="xs"
            aria-label={allLoaded ? 'Clear the selection' : 'Select the loaded runs'}
            checked={allLoaded}
            indeterminate={loadedSelected > 0 && !allLoaded}
            disabled={rows.length === 0}
            onChange={() => onToggleLoaded(rows.map((run) => run.id))}
            data-testid="history-select-all"
          />
        ),
        // Rows are plain elements (a native checkbox, a CSS pill): a fling renders a whole screen of new rows
        // per frame, and component-kit widgets there cost a frame of their own.
        cell: ({ row }) => (
          <input
            type="checkbox"
            className="row-check"
            aria-label={`Select run ${row.original.id}`}
            checked={selection.kind === 'filter' || selection.ids.has(row.original.id)}
            onChange={() => onToggleRow(row.original.id)}
            data-testid={`history-select-${row.original.id}`}
            {...stayInCell}
          />
        ),
      },
      { id: 'id', header: 'Run', size: 80, cell: ({ row }) => `#${row.original.id}` },
      { id: 'jobType', header: 'Job type', size: 170, cell: ({ row }) => row.original.jobType },
      { id: 'status', header: 'Status', size: 200, cell: ({ row }) => <StatusPill status={row.original.status} /> },
      { id: 'trigger', header: 'Trigger', size: 100, cell: ({ row }) => TRIGGER_LABELS[row.original.trigger] ?? row.original.trigger },
      { id: 'triggeredBy', header: 'Triggered by', size: 160, cell: ({ row }) => row.original.triggeredBy ?? '—' },
      ...(showBusiness ? [{ id: 'business', header: 'Business', size: 170, cell: ({ row }) => ownerLabel(row.original) } satisfies ColumnDef<JobRunView>] : []),
      { id: 'createdAt', header: 'Created', size: 175, cell: ({ row }) => formatDateTime(row.original.createdAt) },
      { id: 'startedAt', header: 'Started', size: 175, cell: ({ row }) => formatDateTime(row.original.startedAt) },
      { id: 'durationMs', header: 'Duration', size: 110, cell: ({ row }) => formatDuration(row.original.durationMs) },
    ],
    // The selection is read by the checkbox cells: a new selection renders them again.
    [showBusiness, selection, rows, allLoaded, loadedSelected, onToggleRow, onToggleLoaded],
  );
}
