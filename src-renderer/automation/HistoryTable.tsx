// The run history: TanStack Table for columns and sorting (done by main), TanStack Virtual for rows, and
// keyset pages fetched as the scroll nears the end. 100,000 loaded rows render as ~40 DOM rows, and no
// work per frame grows with the rows loaded: the table models only the virtual window, and the selection
// count is computed once per page or selection change, not per scroll.
import { Alert, Button, Center, Checkbox, Group, Loader, Menu, Text } from '@mantine/core';
import { type InfiniteData } from '@tanstack/react-query';
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type Row, type SortingState, type Table } from '@tanstack/react-table';
import { useVirtualizer, type VirtualItem } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type ReactNode, type RefObject } from 'react';
import { type JobRunPageView, type JobRunView } from '../../src-shared/schemas/jobs';
import { plural } from '../../src-shared/text';
import { useKeys } from '../keyboard/keys';
import { navigate } from '../lib/router';
import { ariaSort, SortHeader } from '../lib/sort-header';
import { errorMessage } from '../queries/client';
import { type HistorySelection } from './history-selection';
import { SORTABLE, stayInCell, useHistoryColumns, visibilityForWidth } from './history-columns';
import { HIDEABLE_COLUMNS, type HideableColumn, type HistorySort } from './view-query';

const ROW_HEIGHT = 38;

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
  /** The run open in the detail, if any: j and k then open the next and the previous run. */
  openRunId: number | null;
  /** The columns hidden by choice (the URL's `hide`), and the change of that choice. */
  hidden: readonly HideableColumn[];
  onHiddenChange(hidden: HideableColumn[]): void;
  /** A run's tag badge was clicked: its tag joins the filters. */
  onAddTag(key: string, value: string): void;
}

export function HistoryTable(props: Props) {
  const { data, showBusiness, sort, onSortChange, selection, onToggleRow, onToggleLoaded, onAddTag } = props;
  const rows = useMemo(() => data?.pages.flatMap((page) => page.runs) ?? [], [data]);
  const { loadedSelected, allLoaded } = useLoadedSelection(rows, selection);
  const columns = useHistoryColumns({ showBusiness, selection, rows, allLoaded, loadedSelected, onToggleRow, onToggleLoaded, onAddTag });
  const { scrollRef, virtualizer, items, firstIndex, lastIndex, windowRows } = useVirtualWindow(rows);
  // Narrower than its columns (900 px), the table drops the least scanned ones; the run's detail shows them all.
  const width = useWidth(scrollRef);
  const tagged = useMemo(() => rows.some((run) => Object.keys(run.tags).length > 0), [rows]);
  const visibility = useMemo(() => {
    const hidden = new Set<string>(props.hidden);
    const chosen = columns.filter((column) => !hidden.has(column.id ?? ''));
    return { ...visibilityForWidth(chosen, width, tagged), ...Object.fromEntries([...hidden].map((id) => [id, false])) };
  }, [columns, width, tagged, props.hidden]);
  const table = useWindowTable(windowRows, columns, sort, visibility);
  const windowRowModel = table.getRowModel().rows;
  const cursor = useRowCursor(rows, props.openRunId, virtualizer, scrollRef);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = props;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - 40) fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, lastIndex, rows.length]);

  // A new filter or sort starts at the top. The first list shown is there already: scrolling it would make the browser
  // lay the page out in the middle of the view's first render (tens of milliseconds as the window opens).
  const listKey = data === undefined ? null : JSON.stringify([sort.field, sort.direction, data.pageParams[0] ?? null]);
  const lastListKey = useRef<string | null>(null);
  useEffect(() => {
    if (listKey === null) return;
    const previous = lastListKey.current;
    lastListKey.current = listKey;
    if (previous !== null && previous !== listKey) {
      scrollRef.current?.scrollTo({ top: 0 });
      cursor.reset();
    }
  }, [listKey]);

  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = items.length ? virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0) : 0;
  const loaded = !props.isPending && !props.isFetchingNextPage;
  const widths = table.getVisibleLeafColumns().map((column) => column.getSize());

  return (
    <div>
      <HistoryStatus isPending={props.isPending} isFetching={props.isFetching} isStale={props.isStale} reload={props.reload} count={rows.length} hasNextPage={hasNextPage}>
        <ColumnChooser columns={columns} hidden={props.hidden} onChange={props.onHiddenChange} />
      </HistoryStatus>
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
          <HistoryHead table={table} sort={sort} onSortChange={onSortChange} />
          <HistoryBody
            items={items}
            rows={windowRowModel}
            firstIndex={firstIndex}
            paddingTop={paddingTop}
            paddingBottom={paddingBottom}
            colSpan={widths.length}
            selection={selection}
            cursorId={cursor.id}
          />
        </table>
        <HistoryPlaceholders isPending={props.isPending} empty={rows.length === 0 && !props.error} isFetchingNextPage={isFetchingNextPage} />
      </div>
    </div>
  );
}

/**
 * The row j and k are on: each moves it one row (scrolled into view, and focused so Enter opens it), or, with a run
 * open in the detail, opens the next or previous run. A dialog open over the view leaves it alone.
 */
function useRowCursor(rows: JobRunView[], openRunId: number | null, virtualizer: ReturnType<typeof useVirtualWindow>['virtualizer'], scrollRef: RefObject<HTMLDivElement | null>) {
  const [index, setIndex] = useState<number | null>(null);
  const move = (step: 1 | -1) => {
    if (rows.length === 0) return;
    const from = openRunId !== null ? rows.findIndex((run) => run.id === openRunId) : (index ?? -1);
    const next = from < 0 ? 0 : Math.max(0, Math.min(rows.length - 1, from + step));
    setIndex(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
    const id = rows[next]!.id;
    if (openRunId !== null) return navigate(`/runs/${id}`);
    // Once the virtual window has drawn it.
    requestAnimationFrame(() => scrollRef.current?.querySelector<HTMLElement>(`[data-testid="history-row-${id}"]`)?.focus({ preventScroll: true }));
  };
  useKeys({ j: () => move(1), k: () => move(-1) }, { page: true });
  return { id: index === null ? null : (rows[index]?.id ?? null), reset: () => setIndex(null) };
}

/** How many loaded rows are selected, and whether that is every one of them (the header checkbox's state). */
function useLoadedSelection(rows: JobRunView[], selection: HistorySelection): { loadedSelected: number; allLoaded: boolean } {
  const loadedSelected = useMemo(() => {
    if (selection.kind === 'filter') return rows.length;
    if (selection.ids.size === 0) return 0;
    let count = 0;
    for (const run of rows) if (selection.ids.has(run.id)) count++;
    return count;
  }, [rows, selection]);
  return { loadedSelected, allLoaded: rows.length > 0 && loadedSelected === rows.length };
}

/** The scrolling element's ref, its virtual items (the rows in view plus overscan), and the loaded rows they show. */
function useVirtualWindow(rows: JobRunView[]) {
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
  return { scrollRef, virtualizer, items, firstIndex, lastIndex, windowRows };
}

/** The table over the window's rows, showing the sort main applied. */
function useWindowTable(windowRows: JobRunView[], columns: ColumnDef<JobRunView>[], sort: HistorySort, columnVisibility: Record<string, boolean>): Table<JobRunView> {
  const sorting: SortingState = [{ id: sort.field, desc: sort.direction === 'desc' }];
  return useReactTable({
    data: windowRows,
    columns,
    state: { sorting, columnVisibility },
    manualSorting: true,
    enableSortingRemoval: false,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (run) => String(run.id),
  });
}

/** The element's inner width, followed as it resizes; null until measured. */
function useWidth(ref: RefObject<HTMLElement | null>): number | null {
  const [width, setWidth] = useState<number | null>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    setWidth(element.clientWidth);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/** The line above the table: the count loaded, a spinner while refetching, and a reload button once new runs arrived. */
function HistoryStatus({
  isPending,
  isFetching,
  isStale,
  reload,
  count,
  hasNextPage,
  children,
}: Pick<Props, 'isPending' | 'isFetching' | 'isStale' | 'reload' | 'hasNextPage'> & { count: number; children: ReactNode }) {
  return (
    <Group justify="space-between" mb={6}>
      <Text size="sm" c="dimmed" data-testid="history-count">
        {isPending ? 'Loading…' : `${plural(count, 'run')} loaded${hasNextPage ? ', more as you scroll' : ''}`}
      </Text>
      <Group gap="xs">
        {isFetching && !isPending && <Loader size="xs" aria-label="Refreshing" />}
        {children}
        {isStale && (
          <Button size="compact-xs" variant="light" onClick={reload} data-testid="history-reload">
            New runs arrived: reload
          </Button>
        )}
      </Group>
    </Group>
  );
}

/** Which of the hideable columns the history shows, each by its header (a narrow window may still drop some: visibilityForWidth). */
function ColumnChooser({ columns, hidden, onChange }: { columns: ColumnDef<JobRunView>[]; hidden: readonly HideableColumn[]; onChange(hidden: HideableColumn[]): void }) {
  const headers = new Map(columns.map((column) => [column.id, typeof column.header === 'string' ? column.header : column.id]));
  const choices = HIDEABLE_COLUMNS.filter((id) => headers.has(id));
  return (
    <Menu position="bottom-end" closeOnItemClick={false} withinPortal>
      <Menu.Target>
        <Button size="compact-xs" variant="subtle" data-testid="history-columns">
          Columns{hidden.length > 0 ? ` (${hidden.length} hidden)` : ''}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {choices.map((id) => (
          <Menu.Item key={id}>
            <Checkbox
              label={headers.get(id)}
              checked={!hidden.includes(id)}
              onChange={(event) => onChange(event.currentTarget.checked ? hidden.filter((other) => other !== id) : [...hidden, id])}
              data-testid={`history-column-${id}`}
            />
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

/** The header row: a sortable column's header is a button that sorts by it, descending first, and shows the direction. */
function HistoryHead({ table, sort, onSortChange }: { table: Table<JobRunView>; sort: HistorySort; onSortChange(sort: HistorySort): void }) {
  const toggleSort = (id: string) => {
    if (!SORTABLE.has(id)) return;
    const field = id as HistorySort['field'];
    onSortChange({ field, direction: sort.field === field && sort.direction === 'desc' ? 'asc' : 'desc' });
  };

  return (
    <thead>
      {table.getHeaderGroups().map((group) => (
        <tr key={group.id}>
          {group.headers.map((header) => {
            const sortable = SORTABLE.has(header.column.id);
            const direction = sort.field === header.column.id ? sort.direction : null;
            return (
              <th key={header.id} aria-sort={ariaSort(direction)}>
                {sortable ? (
                  <SortHeader
                    label={flexRender(header.column.columnDef.header, header.getContext())}
                    direction={direction}
                    onClick={() => toggleSort(header.column.id)}
                    testId={`sort-${header.column.id}`}
                  />
                ) : (
                  flexRender(header.column.columnDef.header, header.getContext())
                )}
              </th>
            );
          })}
        </tr>
      ))}
    </thead>
  );
}

interface BodyProps {
  items: VirtualItem[];
  /** The table's rows for the virtual window: `items[i]` shows `rows[items[i].index - firstIndex]`. */
  rows: Row<JobRunView>[];
  firstIndex: number;
  /** The height of the rows above and below the window. */
  paddingTop: number;
  paddingBottom: number;
  colSpan: number;
  selection: HistorySelection;
  /** The row j and k are on. */
  cursorId: number | null;
}

/** The window's rows, each opening its run on click or Enter/Space, between spacers for the rows outside the window. */
function HistoryBody({ items, rows, firstIndex, paddingTop, paddingBottom, colSpan, selection, cursorId }: BodyProps) {
  const isSelected = (id: number) => selection.kind === 'filter' || selection.ids.has(id);
  return (
    <tbody>
      <SpacerRow height={paddingTop} colSpan={colSpan} />
      {items.map((item) => {
        const row = rows[item.index - firstIndex];
        if (!row) return null;
        const run = row.original;
        return (
          <tr
            key={row.id}
            data-testid={`history-row-${run.id}`}
            data-status={run.status}
            aria-selected={isSelected(run.id)}
            aria-current={run.id === cursorId ? 'true' : undefined}
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
      <SpacerRow height={paddingBottom} colSpan={colSpan} />
    </tbody>
  );
}

/** An empty row standing for rows outside the virtual window; nothing when there are none. */
function SpacerRow({ height, colSpan }: { height: number; colSpan: number }) {
  return height > 0 ? (
    <tr aria-hidden="true">
      <td style={{ height, padding: 0, border: 0 }} colSpan={colSpan} />
    </tr>
  ) : null;
}

/** Under the rows: the first load's spinner, the no-match message once loaded empty, the next page's spinner. */
function HistoryPlaceholders({ isPending, empty, isFetchingNextPage }: { isPending: boolean; empty: boolean; isFetchingNextPage: boolean }) {
  return (
    <>
      {isPending && (
        <Center py="xl">
          <Loader aria-label="Loading the history" />
        </Center>
      )}
      {!isPending && empty && (
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
    </>
  );
}
