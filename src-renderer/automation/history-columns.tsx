// The history table's columns: a checkbox per run and one in the header, then a column per field of a run (the
// business only in the all-businesses view). A run's tags are buttons that add their tag to the history's filters.
import { Checkbox } from '@mantine/core';
import { type ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import { type JobRunView } from '../../src-shared/schemas/jobs';
import { formatDuration, TRIGGER_LABELS } from '../lib/format';
import { TagBadges } from '../lib/tags';
import { formatInstantInColumn, zoneLabel } from '../lib/time';
import { type HistorySelection } from './history-selection';
import { ownerLabel } from './RunLists';
import { StatusPill } from './StatusBadge';

/**
 * Hidden first when the table is narrower than its columns, in this order: Created, Status and Duration stay. Tags go
 * first while no loaded run has any (the column would show only dashes), and after Started and Trigger once one has.
 */
export function narrowHidden(tagged: boolean): readonly string[] {
  return tagged ? ['startedAt', 'trigger', 'tags', 'triggeredBy', 'error', 'jobType'] : ['tags', 'startedAt', 'trigger', 'triggeredBy', 'error', 'jobType'];
}

/** TanStack's column visibility that lets the columns fit `width`: narrowHidden's, in order, go (false) until they do. */
export function visibilityForWidth(columns: readonly { id?: string; size?: number }[], width: number | null, tagged: boolean): Record<string, boolean> {
  const visibility: Record<string, boolean> = {};
  if (!width) return visibility;
  let total = columns.reduce((sum, column) => sum + (column.size ?? 150), 0);
  for (const id of narrowHidden(tagged)) {
    if (total <= width) break;
    const column = columns.find((candidate) => candidate.id === id);
    if (!column) continue;
    visibility[id] = false;
    total -= column.size ?? 150;
  }
  return visibility;
}

/** A cell's text, cut with an ellipsis by the table's CSS, whole on hover. */
function Full({ text, shown }: { text: string | null; shown?: string }) {
  if (text === null || text === '') return '—';
  return <span title={text}>{shown ?? text}</span>;
}

const firstLine = (text: string | null) => (text ?? '').split(/\r?\n/, 1)[0] ?? '';

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
  /** A run's tag was chosen: the history shows only the runs with it too. */
  onAddTag(key: string, value: string): void;
}

export function useHistoryColumns({ showBusiness, selection, rows, allLoaded, loadedSelected, onToggleRow, onToggleLoaded, onAddTag }: ColumnsInput): ColumnDef<JobRunView>[] {
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
      { id: 'jobType', header: 'Job type', size: 160, cell: ({ row }) => <Full text={row.original.jobType} /> },
      { id: 'status', header: 'Status', size: 130, cell: ({ row }) => <StatusPill status={row.original.status} /> },
      { id: 'error', header: 'Error', size: 200, cell: ({ row }) => <Full text={row.original.error} shown={firstLine(row.original.error)} /> },
      { id: 'trigger', header: 'Trigger', size: 130, cell: ({ row }) => <Full text={TRIGGER_LABELS[row.original.trigger] ?? row.original.trigger} /> },
      { id: 'triggeredBy', header: 'Triggered by', size: 160, cell: ({ row }) => <Full text={row.original.triggeredByName ?? row.original.triggeredBy} /> },
      ...(showBusiness ? [{ id: 'business', header: 'Business', size: 170, cell: ({ row }) => <Full text={ownerLabel(row.original)} /> } satisfies ColumnDef<JobRunView>] : []),
      { id: 'tags', header: 'Tags', size: 180, cell: ({ row }) => <TagBadges tags={row.original.tags} onSelect={onAddTag} testId={`history-tags-${row.original.id}`} /> },
      // The zone is in the header, each cell the instant in it.
      { id: 'createdAt', header: `Created (${zoneLabel()})`, size: 175, cell: ({ row }) => formatInstantInColumn(row.original.createdAt) },
      { id: 'startedAt', header: `Started (${zoneLabel()})`, size: 175, cell: ({ row }) => (row.original.startedAt === null ? '—' : formatInstantInColumn(row.original.startedAt)) },
      { id: 'durationMs', header: 'Duration', size: 110, cell: ({ row }) => formatDuration(row.original.durationMs) },
    ],
    // The selection is read by the checkbox cells: a new selection renders them again.
    [showBusiness, selection, rows, allLoaded, loadedSelected, onToggleRow, onToggleLoaded, onAddTag],
  );
}
