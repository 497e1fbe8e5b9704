// One bulk action from choosing it to its result: the preview (jobs.bulkPreview), then the confirmed cancel, retry
// or export. A CONFLICT (the runs changed since the preview) shows its message and previews again.
import { useState } from 'react';
import { type BulkAction, type BulkPreviewView, type BulkSelectionInput } from '../../src-shared/schemas/bulk';
import { errorMessage, isApiError } from '../queries/client';
import { useDeliveredExport } from '../queries/exports';
import { useBulkChange, useBulkPreview } from '../queries/jobs';

export type BulkFlow = ReturnType<typeof useBulkFlow>;

/** `onDone` runs after a change or an export succeeds (the bar clears the selection). */
export function useBulkFlow(onDone: () => void) {
  const [action, setAction] = useState<BulkAction | null>(null);
  const [sent, setSent] = useState<BulkSelectionInput | null>(null);
  const preview = useBulkPreview();
  const change = useBulkChange();
  const exportRuns = useDeliveredExport('jobs.exportCsv');
  const [conflict, setConflict] = useState<string | null>(null);

  /** Opens the dialog for `next` over `input` (kept for the confirmation) and previews it. */
  const start = (next: BulkAction, input: BulkSelectionInput) => {
    change.reset();
    exportRuns.reset();
    setConflict(null);
    setSent(input);
    setAction(next);
    preview.mutate({ action: next, selection: input });
  };

  const close = () => {
    setAction(null);
    setSent(null);
    setConflict(null);
    preview.reset();
    change.reset();
    exportRuns.reset();
  };

  const confirm = (current: BulkPreviewView) => {
    if (!action || !sent) return;
    setConflict(null);
    if (action === 'export') {
      exportRuns.mutate({ selection: sent }, { onSuccess: onDone });
      return;
    }
    change.mutate(
      { action, selection: sent, expectedEligible: current.eligible },
      {
        onSuccess: onDone,
        onError: (error) => {
          if (isApiError(error, 'CONFLICT')) {
            // The runs changed since the preview: say so, and show the preview as it is now.
            setConflict(error.message);
            change.reset();
            preview.mutate({ action, selection: sent });
          }
        },
      },
    );
  };

  const current = preview.data;
  return {
    /** The action whose dialog is open, or null. */
    action,
    preview,
    change,
    exportRuns,
    /** The latest preview, if any. */
    current,
    start,
    close,
    confirm,
    done: change.isSuccess || exportRuns.isSuccess,
    busy: change.isPending || exportRuns.isPending,
    /** The conflict's message, or the change's or export's error. */
    failure: conflict ?? (change.isError ? errorMessage(change.error) : exportRuns.isError ? errorMessage(exportRuns.error) : null),
    /** More eligible runs than one bulk action takes. */
    overLimit: current !== undefined && current.eligible > current.limit,
  };
}
