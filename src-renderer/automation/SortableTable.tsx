// A small table sorted in the renderer by any column: a header click sorts by that column (numbers largest first,
// text A to Z first; a second click turns it round), rows without a value stay last either way, and equal rows
// keep the order they came in.
import { ScrollArea, Table } from '@mantine/core';
import { useMemo, useState, type ReactNode } from 'react';
import { compareText } from '../../src-shared/tenancy';
import { ariaSort, SortHeader, type SortDirection } from '../lib/sort-header';

/** A column: its header, the value it sorts by (null sorts last), and how a cell shows. */
export interface SortableColumn<T> {
  id: string;
  header: string;
  sortValue(row: T): number | string | null;
  cell(row: T): ReactNode;
  /** Text columns sort A to Z first and stand left; number columns sort largest first and stand right. */
  kind: 'text' | 'number';
}

interface Props<T> {
  rows: readonly T[];
  columns: readonly SortableColumn<T>[];
  rowKey(row: T): string;
  /** The column sorted by at first, largest first. */
  initialSort: string;
  /** The table's data-testid; headers are `<testId>-sort-<column>`, rows `<testId>-row-<key>`, cells `<testId>-<column>-<key>`. */
  testId: string;
  onRowClick?(row: T): void;
  /** Taller tables scroll under their header. */
  maxHeight?: number;
}

interface Sort {
  id: string;
  direction: SortDirection;
}

/** The rows in the order of `sort`: values compared (text case-insensitively), nulls last, ties in the given order. */
function sortRows<T>(rows: readonly T[], column: SortableColumn<T> | undefined, direction: SortDirection): T[] {
  if (!column) return [...rows];
  const sign = direction === 'asc' ? 1 : -1;
  const keyed = rows.map((row, index) => ({ row, index, value: column.sortValue(row) }));
  keyed.sort((a, b) => {
    if (a.value === null || b.value === null) return a.value === b.value ? a.index - b.index : a.value === null ? 1 : -1;
    const order = typeof a.value === 'string' || typeof b.value === 'string' ? compareText(String(a.value).toLowerCase(), String(b.value).toLowerCase()) : a.value - b.value;
    return sign * order || a.index - b.index;
  });
  return keyed.map(({ row }) => row);
}

export function SortableTable<T>({ rows, columns, rowKey, initialSort, testId, onRowClick, maxHeight = 420 }: Props<T>) {
  const [sort, setSort] = useState<Sort>({ id: initialSort, direction: 'desc' });
  const sorted = useMemo(() => sortRows(rows, columns.find((column) => column.id === sort.id), sort.direction), [rows, columns, sort]);
  const sortBy = (column: SortableColumn<T>) =>
    setSort((current) =>
      current.id === column.id
        ? { id: column.id, direction: current.direction === 'asc' ? 'desc' : 'asc' }
        : { id: column.id, direction: column.kind === 'number' ? 'desc' : 'asc' },
    );

  return (
    <ScrollArea.Autosize mah={maxHeight} type="auto">
      <Table stickyHeader striped highlightOnHover={onRowClick !== undefined} data-testid={testId} data-sort={`${sort.id}:${sort.direction}`}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((column) => {
              const direction = sort.id === column.id ? sort.direction : null;
              return (
                <Table.Th key={column.id} ta={column.kind === 'number' ? 'right' : undefined} aria-sort={ariaSort(direction)} style={{ whiteSpace: 'nowrap' }}>
                  <SortHeader label={column.header} direction={direction} onClick={() => sortBy(column)} testId={`${testId}-sort-${column.id}`} />
                </Table.Th>
              );
            })}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sorted.map((row) => {
            const key = rowKey(row);
            return (
              <Table.Tr key={key} data-testid={`${testId}-row-${key}`} onClick={onRowClick ? () => onRowClick(row) : undefined} style={onRowClick ? { cursor: 'pointer' } : undefined}>
                {columns.map((column) => (
                  <Table.Td
                    key={column.id}
                    ta={column.kind === 'number' ? 'right' : undefined}
                    data-testid={`${testId}-${column.id}-${key}`}
                    // A long name wraps; a figure never does.
                    style={column.kind === 'number' ? { fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' } : { overflowWrap: 'anywhere' }}
                  >
                    {column.cell(row)}
                  </Table.Td>
                ))}
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </ScrollArea.Autosize>
  );
}
