// The run history: TanStack Table for columns and sorting (done by main), TanStack Virtual for rows, and
// keyset pages fetched as the scroll nears the end. 100,000 loaded rows render as ~40 DOM rows, and no
// work per frame grows with the rows loaded: the table models only the virtual window, and the selection
// count is computed once per page or selection change, not per scroll.
import { Alert, Button, Center, Checkbox, Group, Loader, Text, UnstyledButton } from '@mantine/core';
import { type InfiniteData } from '@tanstack/react-query';
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type SortingState } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import { type JobRunPageView, type JobRunView } from '../../src-shared/schemas/jobs';
import { formatCount, formatDateTime, formatDuration, TRIGGER_LABELS } from '../lib/format';
import { navigate } from '../lib/router';
import { errorMessage } from '../queries/client';
import { ownerLabel } from './RunLists';
import { type HistorySelection } from './BulkActions';
import { StatusPill } from './StatusBadge';
import { type HistorySort } from './view-query';

const ROW_HEIGHT = 38;
const SORTABLE = new Set(['createdAt', 'startedAt', 'durationMs']);

interface Props {
  data: InfiniteData<JobRunPageView> | undefined;
  isPending: boolean;
  isFetching: boolean;
  error: unknown;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage(): void;
  /** Long histories are not refetched on every event; this reloads them. */
  isStale: boolean;
  reload(): void;
  showBusiness: boolean;
  sort: HistorySort;
  onSortChange(sort: HistorySort): void;
  /** Checked rows, or every run matching the filters (every row shows checked). */
  selection: HistorySelection;
  onToggleRow(id: number): void;
  /** The header checkbox: selects the loaded rows, or clears them when all are selected. */
  onToggleLoaded(ids: number[]): void;
}

/** Clicks and keys on a checkbox stay there: the row around it opens the run. */
const stayInCell = { onClick: (event: { stopPropagation(): void }) => event.stopPropagation(), onKeyDown: (event: { stopPropagation(): void }) => event.stopPropagation() };

export function HistoryTable(props: Props) {
  const { data, showBusiness, sort, onSortChange, selection, onToggleRow, onToggleLoaded } = props;
  const rows = useMemo(() => data?.pages.flatMap((page) => page.runs) ?? [], [data]);
  const isSelected = (id: number) => selection.kind === 'filter' || selection.ids.has(id);
  const loadedSelected = useMemo(() => {
    if (selection.kind === 'filter') return rows.length;
    if (selection.ids.size === 0) return 0;
    let count = 0;
    for (const run of rows) if (selection.ids.has(run.id)) count++;
    return count;
  }, [rows, selection]);
  const allLoaded = rows.length > 0 && loadedSelected === rows.length;

  const columns = useMemo<ColumnDef<JobRunView>[]>(
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

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 15,
  });
  const items = virtualizer.getVirtualItems();
  const firstIndex = items[0]?.index ?? 0;
  const lastIndex = items.at(-1)?.index ?? -1;
  // Only the rows in the virtual window go through the table's row model (a page more costs nothing here).
  const windowRows = useMemo(() => rows.slice(firstIndex, lastIndex + 1), [rows, firstIndex, lastIndex]);
  const sorting: SortingState = [{ id: sort.field, desc: sort.direction === 'desc' }];
  const table = useReactTable({
    data: windowRows,
    columns,
    state: { sorting },
    manualSorting: true,
    enableSortingRemoval: false,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (run) => String(run.id),
  });
  const windowRowModel = table.getRowModel().rows;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = props;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - 40) fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, lastIndex, rows.length]);

  // A new filter or sort starts at the top.
  const firstPageKey = data?.pageParams[0];
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [sort.field, sort.direction, firstPageKey]);

  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = items.length ? virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0) : 0;
  const loaded = !props.isPending && !props.isFetchingNextPage;
  const widths = table.getVisibleLeafColumns().map((column) => column.getSize());

  const toggleSort = (id: string) => {
    if (!SORTABLE.has(id)) return;
    const field = id as HistorySort['field'];
    onSortChange({ field, direction: sort.field === field && sort.direction === 'desc' ? 'asc' : 'desc' });
  };

  return (
    <div>
      <Group justify="space-between" mb={6}>
        <Text size="sm" c="dimmed" data-testid="history-count">
          {props.isPending ? 'Loading…' : `${formatCount(rows.length)} ${rows.length === 1 ? 'run' : 'runs'} loaded${hasNextPage ? ', more as you scroll' : ''}`}
        </Text>
        <Group gap="xs">
          {props.isFetching && !props.isPending && <Loader size="xs" aria-label="Refreshing" />}
          {props.isStale && (
            <Button size="compact-xs" variant="light" onClick={props.reload} data-testid="history-reload">
              New runs arrived: reload
            </Button>
          )}
        </Group>
      </Group>
      {props.error ? (
        <Alert color="red" data-testid="history-error">
          {errorMessage(props.error)}
        </Alert>
      ) : null}
      <div
        ref={scrollRef}
        className="history-scroll"
        data-testid="history-table"
        data-state={loaded ? 'loaded' : 'loading'}
        data-rows={rows.length}
        tabIndex={0}
        aria-label="Run history"
      >
        <table className="history" style={{ width: widths.reduce((a, b) => a + b, 0) }}>
          <colgroup>
            {widths.map((width, index) => (
              <col key={index} style={{ width }} />
            ))}
          </colgroup>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const sortable = SORTABLE.has(header.column.id);
                  const active = sort.field === header.column.id;
                  return (
                    <th key={header.id} aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined}>
                      {sortable ? (
                        <UnstyledButton className="sort-button" onClick={() => toggleSort(header.column.id)} data-testid={`sort-${header.column.id}`}>
                          {flexRender(header.column.columnDef.header, header.getContext())}
                          <span aria-hidden="true">{active ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ' ↕'}</span>
                        </UnstyledButton>
                      ) : (
                        flexRender(header.column.columnDef.header, header.getContext())
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {paddingTop > 0 && (
              <tr aria-hidden="true">
                <td style={{ height: paddingTop, padding: 0, border: 0 }} colSpan={widths.length} />
              </tr>
            )}
            {items.map((item) => {
              const row = windowRowModel[item.index - firstIndex];
              if (!row) return null;
              const run = row.original;
              return (
                <tr
                  key={row.id}
                  data-testid={`history-row-${run.id}`}
                  data-status={run.status}
                  aria-selected={isSelected(run.id)}
                  className="history-row"
                  style={{ height: ROW_HEIGHT }}
                  tabIndex={0}
                  onClick={() => navigate(`/runs/${run.id}`)}
                  onKeyDown={(event) => {
                    if (event.key === 'Enter' || event.key === ' ') {
                      event.preventDefault();
                      navigate(`/runs/${run.id}`);
                    }
                  }}
                  aria-label={`Run ${run.id}, ${run.jobType}, ${run.status}`}
                >
                  {row.getVisibleCells().map((cell) => (
                    <td key={cell.id} {...(cell.column.id === 'select' ? stayInCell : {})}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                  ))}
                </tr>
              );
            })}
            {paddingBottom > 0 && (
              <tr aria-hidden="true">
                <td style={{ height: paddingBottom, padding: 0, border: 0 }} colSpan={widths.length} />
              </tr>
            )}
          </tbody>
        </table>
        {props.isPending && (
          <Center py="xl">
            <Loader aria-label="Loading the history" />
          </Center>
        )}
        {!props.isPending && rows.length === 0 && !props.error && (
          <Center py="xl">
            <Text c="dimmed" data-testid="history-empty">
              No runs match these filters.
            </Text>
          </Center>
        )}
        {isFetchingNextPage && (
          <Center py="xs">
            <Loader size="sm" aria-label="Loading more runs" />
          </Center>
        )}
      </div>
    </div>
  );
}
