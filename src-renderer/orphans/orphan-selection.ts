// Which orphans the check has selected, and the list table's checkboxes over that selection.
import { type JobRunView } from '../../src-shared/schemas/jobs';
import { type OrphanRowSelection } from './OrphanRunsTable';

/** Which orphans are selected: every orphan, or these ids. */
export type Picked = { mode: 'all' } | { mode: 'ids'; ids: Set<number> };

/** The checkboxes of the runs shown: one run, or all of them from the header; none changes while every orphan is picked. */
export function orphanRowSelection(picked: Picked, onPick: (picked: Picked) => void, runs: JobRunView[]): OrphanRowSelection {
  const ids = picked.mode === 'ids' ? picked.ids : null;
  const isPicked = (id: number) => ids === null || ids.has(id);
  const change = (edit: (next: Set<number>) => void) => {
    if (!ids) return;
    const next = new Set(ids);
    edit(next);
    onPick({ mode: 'ids', ids: next });
  };
  const shownAll = runs.length > 0 && runs.every((run) => isPicked(run.id));
  return {
    isPicked,
    toggle: (id, on) =>
      change((next) => {
        if (on) next.add(id);
        else next.delete(id);
      }),
    locked: picked.mode === 'all',
    shown: {
      all: shownAll,
      some: runs.some((run) => isPicked(run.id)),
      toggle: () =>
        change((next) => {
          for (const run of runs) {
            if (shownAll) next.delete(run.id);
            else next.add(run.id);
          }
        }),
    },
  };
}
