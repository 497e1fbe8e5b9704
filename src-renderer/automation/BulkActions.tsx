// Bulk actions on the history: a bar over the selection (checked rows, or every run matching the filters) with
// Cancel, Retry and Export CSV. Each action previews first (jobs.bulkPreview) and the confirmation shows what
// the preview found; cancel and retry confirm the eligible count, and a CONFLICT re-previews.
import { Alert, Button, Group, Loader, Modal, Paper, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { type BulkAction, type BulkIneligibleReason, type BulkPreviewView, type BulkSelectionInput } from '../../src-shared/schemas/bulk';
import { type JobRunFilters } from '../../src-shared/schemas/jobs';
import { formatCount } from '../lib/format';
import { errorMessage, isApiError } from '../queries/client';
import { useBulkChange, useBulkPreview, useExportRuns, useMatchingCount } from '../queries/jobs';

/** What is selected: some runs by id, or every run matching the history's filters. */
export type HistorySelection = { kind: 'ids'; ids: ReadonlySet<number> } | { kind: 'filter' };

const ACTION_LABELS: Record<BulkAction, string> = { cancel: 'Cancel', retry: 'Retry', export: 'Export CSV' };
const TITLES: Record<BulkAction, string> = { cancel: 'Cancel the selected runs?', retry: 'Retry the selected runs?', export: 'Export the selected runs as CSV?' };
const ACTION_VERBS: Record<BulkAction, string> = { cancel: 'cancel', retry: 'retry', export: 'export' };

/** A reason, in plain words, after its count: "2 not yours to cancel". */
function reasonText(action: BulkAction, reason: BulkIneligibleReason, count: number): string {
  const runs = count === 1 ? 'run' : 'runs';
  switch (reason) {
    case 'not_permitted':
      return `${formatCount(count)} not yours to ${ACTION_VERBS[action]}`;
    case 'not_active':
      return `${formatCount(count)} already finished`;
    case 'not_retryable':
      return `${formatCount(count)} not failed or cancelled`;
    case 'orphan':
      return `${formatCount(count)} orphaned ${runs} with no business (assign ${count === 1 ? 'it' : 'them'} first)`;
    case 'job_type_unavailable':
      return `${formatCount(count)} of a job type this app cannot run for ${count === 1 ? 'its' : 'their'} owner`;
    case 'business_disabled':
      return `${formatCount(count)} in a disabled business`;
  }
}

interface Props {
  selection: HistorySelection;
  /** The history's filters, as jobs.list gets them. */
  filters: JobRunFilters;
  /** Rows loaded in the table: the bar shows once there are some. */
  loadedCount: number;
  onSelectAllMatching(): void;
  onClear(): void;
}

export function BulkActions({ selection, filters, loadedCount, onSelectAllMatching, onClear }: Props) {
  const selectedCount = selection.kind === 'ids' ? selection.ids.size : null;
  const matching = useMatchingCount(filters, loadedCount > 0);
  const [action, setAction] = useState<BulkAction | null>(null);
  const [sent, setSent] = useState<BulkSelectionInput | null>(null);
  const preview = useBulkPreview();
  const change = useBulkChange();
  const exportRuns = useExportRuns();
  const [conflict, setConflict] = useState<string | null>(null);

  const hasSelection = selection.kind === 'filter' || selection.ids.size > 0;
  if (loadedCount === 0 && !hasSelection && action === null) return null;
  const matchingText = matching.data === undefined ? 'All matching the filter' : `All ${formatCount(matching.data)} matching the filter`;

  const start = (next: BulkAction) => {
    const input: BulkSelectionInput = selection.kind === 'filter' ? { kind: 'filter', filters } : { kind: 'ids', ids: [...selection.ids] };
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
      exportRuns.mutate({ selection: sent }, { onSuccess: onClear });
      return;
    }
    change.mutate(
      { action, selection: sent, expectedEligible: current.eligible },
      {
        onSuccess: onClear,
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

  const done = change.isSuccess || exportRuns.isSuccess;
  const busy = change.isPending || exportRuns.isPending;
  const failure = conflict ?? (change.isError ? errorMessage(change.error) : exportRuns.isError ? errorMessage(exportRuns.error) : null);
  const current = preview.data;
  const overLimit = current !== undefined && current.eligible > current.limit;

  return (
    <>
      <Paper withBorder px="sm" py={6} data-testid="bulk-bar" aria-label="Bulk actions" role="toolbar">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Group gap="xs">
            <Text size="sm" data-testid="bulk-selected-count" data-kind={selection.kind} data-count={selectedCount ?? matching.data ?? ''}>
              {selection.kind === 'filter'
                ? `${matchingText} selected`
                : selectedCount === 0
                  ? 'No runs selected'
                  : `${formatCount(selectedCount ?? 0)} ${selectedCount === 1 ? 'run' : 'runs'} selected`}
            </Text>
            {selection.kind === 'ids' && (
              <Button size="compact-xs" variant="subtle" onClick={onSelectAllMatching} data-testid="bulk-all-matching">
                {matchingText}
              </Button>
            )}
            {hasSelection && (
              <Button size="compact-xs" variant="subtle" color="gray" onClick={onClear} data-testid="bulk-clear">
                Clear selection
              </Button>
            )}
          </Group>
          <Group gap="xs">
            {(['cancel', 'retry', 'export'] as const).map((name) => (
              <Button key={name} size="compact-sm" variant="light" color={name === 'cancel' ? 'red' : undefined} disabled={!hasSelection} onClick={() => start(name)} data-testid={`bulk-${name}`}>
                {ACTION_LABELS[name]}
              </Button>
            ))}
          </Group>
        </Group>
      </Paper>

      <Modal opened={action !== null} onClose={close} title={action ? TITLES[action] : ''}>
        {action && (
          <Stack gap="sm" data-testid="bulk-preview" data-state={preview.isPending ? 'loading' : current ? 'loaded' : 'error'}>
            {preview.isPending && !current && (
              <Group gap="xs">
                <Loader size="xs" />
                <Text size="sm">Counting the runs…</Text>
              </Group>
            )}
            {preview.isError && (
              <Alert color="red" data-testid="bulk-error">
                {errorMessage(preview.error)}
              </Alert>
            )}
            {current && (
              <>
                <Text size="sm">
                  Matching: <strong data-testid="bulk-preview-matching">{formatCount(current.matching)}</strong>
                </Text>
                <Text size="sm">
                  {action === 'export' ? 'Rows to export' : `Eligible to ${ACTION_VERBS[action]}`}:{' '}
                  <strong data-testid="bulk-preview-eligible">{formatCount(current.eligible)}</strong>
                </Text>
                {current.ineligibleReasons.length > 0 && (
                  <Stack gap={2} data-testid="bulk-preview-reasons">
                    <Text size="sm">Left alone:</Text>
                    {current.ineligibleReasons.map(({ reason, count }) => (
                      <Text key={reason} size="sm" pl="sm" data-testid={`bulk-preview-reason-${reason}`} data-count={count}>
                        • {reasonText(action, reason, count)}
                      </Text>
                    ))}
                  </Stack>
                )}
                {overLimit && (
                  <Alert color="yellow">
                    At most {formatCount(current.limit)} runs at once: narrow the selection.
                  </Alert>
                )}
              </>
            )}
            {failure && (
              <Alert color="red" data-testid="bulk-error">
                {failure}
              </Alert>
            )}
            {change.isSuccess && (
              <Alert color="green" data-testid="bulk-result" data-done={change.data.done} data-skipped={change.data.skipped}>
                {action === 'cancel' ? 'Cancelled' : 'Retried'} {formatCount(change.data.done)} {change.data.done === 1 ? 'run' : 'runs'}
                {change.data.skipped > 0 ? `; ${formatCount(change.data.skipped)} left alone` : ''}.
              </Alert>
            )}
            {exportRuns.isSuccess && (
              <Alert color="green" data-testid="bulk-result" data-path={exportRuns.data.path} data-rows={exportRuns.data.rows}>
                Exported {formatCount(exportRuns.data.rows)} {exportRuns.data.rows === 1 ? 'row' : 'rows'} to <code>{exportRuns.data.path}</code>
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close} data-testid="bulk-close">
                {done ? 'Close' : 'Back'}
              </Button>
              {!done && (
                <Button
                  color={action === 'cancel' ? 'red' : undefined}
                  loading={busy || (preview.isPending && current !== undefined)}
                  disabled={!current || preview.isPending || current.eligible === 0 || overLimit}
                  onClick={() => current && confirm(current)}
                  data-testid="bulk-confirm"
                >
                  {current ? `${ACTION_LABELS[action]} ${formatCount(current.eligible)} ${current.eligible === 1 ? (action === 'export' ? 'row' : 'run') : action === 'export' ? 'rows' : 'runs'}` : ACTION_LABELS[action]}
                </Button>
              )}
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}
