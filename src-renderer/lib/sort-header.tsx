// A sortable column's header, the same in every table: a button that sorts by the column and shows the direction.
import { UnstyledButton } from '@mantine/core';
import { type ReactNode } from 'react';

export type SortDirection = 'asc' | 'desc';

/** The header cell's aria-sort for a column sorted this way (none when the table is not sorted by it). */
export function ariaSort(direction: SortDirection | null): 'ascending' | 'descending' | undefined {
  return direction === null ? undefined : direction === 'asc' ? 'ascending' : 'descending';
}

/** ▲ ascending, ▼ descending, ↕ a column the table is not sorted by. */
export function SortHeader({ label, direction, onClick, testId }: { label: ReactNode; direction: SortDirection | null; onClick(): void; testId: string }) {
  return (
    <UnstyledButton className="sort-button" onClick={onClick} data-testid={testId}>
      {label}
      <span aria-hidden="true">{direction === 'asc' ? ' ▲' : direction === 'desc' ? ' ▼' : ' ↕'}</span>
    </UnstyledButton>
  );
}
