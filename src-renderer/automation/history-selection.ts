// The history's selection (for the bulk actions), kept with the filters it was made under: new filters start with none.
import { useState } from 'react';
import { type JobRunFilters } from '../../src-shared/schemas/jobs';

/** The checked rows, or every run matching the filters. */
export type HistorySelection = { kind: 'ids'; ids: ReadonlySet<number> } | { kind: 'filter' };

export interface HistorySelectionState {
  selection: HistorySelection;
  /** A row's checkbox. */
  toggleRow(id: number): void;
  /** The header checkbox: selects `ids` (the loaded rows), or clears them when all are selected. */
  toggleLoaded(ids: number[]): void;
  selectAllMatching(): void;
  clear(): void;
}

/** `loadedIds`: the history's loaded rows, which stay checked when one run of "all matching" is unchecked. */
export function useHistorySelection(filters: JobRunFilters, loadedIds: number[]): HistorySelectionState {
  const filtersKey = JSON.stringify(filters);
  const [stored, setStored] = useState<{ key: string; selection: HistorySelection }>({ key: filtersKey, selection: { kind: 'ids', ids: new Set() } });
  const selection: HistorySelection = stored.key === filtersKey ? stored.selection : { kind: 'ids', ids: new Set() };
  const setSelection = (next: HistorySelection) => setStored({ key: filtersKey, selection: next });
  const toggleRow = (id: number) => {
    // Unchecking one run of "all matching" keeps the other loaded runs.
    const ids = new Set(selection.kind === 'filter' ? loadedIds : selection.ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    setSelection({ kind: 'ids', ids });
  };
  const toggleLoaded = (ids: number[]) => {
    const all = selection.kind === 'filter' || (ids.length > 0 && ids.every((id) => selection.ids.has(id)));
    setSelection({ kind: 'ids', ids: all ? new Set() : new Set(ids) });
  };
  return {
    selection,
    toggleRow,
    toggleLoaded,
    selectAllMatching: () => setSelection({ kind: 'filter' }),
    clear: () => setSelection({ kind: 'ids', ids: new Set() }),
  };
}
