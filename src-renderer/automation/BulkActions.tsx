// Bulk actions on the history: a bar over the selection (checked rows, or every run matching the filters) with
// Cancel, Retry and Export CSV, and Compare when two runs are checked. Each action previews first (jobs.bulkPreview) and the confirmation shows what
// the preview found; cancel and retry confirm the eligible count, and a CONFLICT re-previews.
import { Alert, Button, Group, Loader, Modal, Paper, Stack, Text } from '@mantine/core';
import { type BulkAction, type BulkIneligibleReason, type BulkPreviewView, type BulkSelectionInput } from '../../src-shared/schemas/bulk';
import { type JobRunFilters } from '../../src-shared/schemas/jobs';
import { plural } from '../../src-shared/text';
import { compareRunsQuery } from '../compare/compare-query';
import { ExportResult } from '../lib/export-result';
import { formatCount } from '../lib/format';
import { navigate } from '../lib/router';
import { errorMessage } from '../queries/client';
import { useMatchingCount } from '../queries/jobs';
import { useBulkFlow, type BulkFlow } from './bulk-flow';
import { type HistorySelection } from './history-selection';

/** What is selected: some runs by id, or every run matching the history's filters. */
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

/** The selection as the bulk channels take it: the ids, or the history's filters. */
function selectionInput(selection: HistorySelection, filters: JobRunFilters): BulkSelectionInput {
  return selection.kind === 'filter' ? { kind: 'filter', filters } : { kind: 'ids', ids: [...selection.ids] };
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
  const flow = useBulkFlow(onClear);

  const hasSelection = selection.kind === 'filter' || selection.ids.size > 0;
  if (loadedCount === 0 && !hasSelection && flow.action === null) return null;

  return (
    <>
      <BulkBar
        selection={selection}
        selectedCount={selectedCount}
        matching={matching.data}
        hasSelection={hasSelection}
        onSelectAllMatching={onSelectAllMatching}
        onClear={onClear}
        onStart={(action) => flow.start(action, selectionInput(selection, filters))}
      />
      <Modal opened={flow.action !== null} onClose={flow.close} title={flow.action ? TITLES[flow.action] : ''}>
        {flow.action && <BulkConfirmation action={flow.action} flow={flow} />}
      </Modal>
    </>
  );
}

interface BarProps {
  selection: HistorySelection;
  /** The checked rows' count; null when every matching run is selected. */
  selectedCount: number | null;
  /** How many runs match the filters, once counted. */
  matching: number | undefined;
  hasSelection: boolean;
  onSelectAllMatching(): void;
  onClear(): void;
  onStart(action: BulkAction): void;
}

/** The toolbar: what is selected, "All N matching the filter" and "Clear selection", and the three actions. */
function BulkBar({ selection, selectedCount, matching, hasSelection, onSelectAllMatching, onClear, onStart }: BarProps) {
  const matchingText = matching === undefined ? 'All matching the filter' : `All ${formatCount(matching)} matching the filter`;
  return (
    <Paper withBorder px="sm" py={6} data-testid="bulk-bar" aria-label="Bulk actions" role="toolbar">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Group gap="xs">
          <Text size="sm" data-testid="bulk-selected-count" data-kind={selection.kind} data-count={selectedCount ?? matching ?? ''}>
            {selection.kind === 'filter' ? `${matchingText} selected` : selectedCount === 0 ? 'No runs selected' : `${plural(selectedCount ?? 0, 'run')} selected`}
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
          {selection.kind === 'ids' && selection.ids.size === 2 && (
            <Button size="compact-sm" variant="light" color="gray" onClick={() => navigate('/compare/runs', compareRunsQuery([...selection.ids]))} data-testid="bulk-compare">
              Compare the two
            </Button>
          )}
          {(['cancel', 'retry', 'export'] as const).map((name) => (
            <Button key={name} size="compact-sm" variant="light" color={name === 'cancel' ? 'red' : undefined} disabled={!hasSelection} onClick={() => onStart(name)} data-testid={`bulk-${name}`}>
              {ACTION_LABELS[name]}
            </Button>
          ))}
        </Group>
      </Group>
    </Paper>
  );
}

/** The dialog's content: the preview or its progress, the failure or the result, and the buttons. */
function BulkConfirmation({ action, flow }: { action: BulkAction; flow: BulkFlow }) {
  const { preview, current, failure } = flow;
  return (
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
      {current && <PreviewSummary action={action} current={current} overLimit={flow.overLimit} />}
      {failure && (
        <Alert color="red" data-testid="bulk-error">
          {failure}
        </Alert>
      )}
      <BulkResult action={action} flow={flow} />
      <BulkFooter action={action} flow={flow} />
    </Stack>
  );
}

/** What the preview found: the matching and eligible counts, why the others are left alone, and the limit when over it. */
function PreviewSummary({ action, current, overLimit }: { action: BulkAction; current: BulkPreviewView; overLimit: boolean }) {
  return (
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
  );
}

/** The result message once a change or an export succeeded. */
function BulkResult({ action, flow: { change, exportRuns } }: { action: BulkAction; flow: BulkFlow }) {
  return (
    <>
      {change.isSuccess && (
        <Alert color="green" data-testid="bulk-result" data-done={change.data.done} data-skipped={change.data.skipped}>
          {action === 'cancel' ? 'Cancelled' : 'Retried'} {plural(change.data.done, 'run')}
          {change.data.skipped > 0 ? `; ${formatCount(change.data.skipped)} left alone` : ''}.
        </Alert>
      )}
      {exportRuns.isSuccess && <ExportResult exported={exportRuns.data} testId="bulk-result" />}
    </>
  );
}

/** Back (Close once done) and, until done, the confirm button naming the eligible count. */
function BulkFooter({ action, flow }: { action: BulkAction; flow: BulkFlow }) {
  const { preview, current, done } = flow;
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={flow.close} data-testid="bulk-close">
        {done ? 'Close' : 'Back'}
      </Button>
      {!done && (
        <Button
          color={action === 'cancel' ? 'red' : undefined}
          loading={flow.busy || (preview.isPending && current !== undefined)}
          disabled={!current || preview.isPending || current.eligible === 0 || flow.overLimit}
          onClick={() => current && flow.confirm(current)}
          data-testid="bulk-confirm"
        >
          {current ? `${ACTION_LABELS[action]} ${plural(current.eligible, action === 'export' ? 'row' : 'run')}` : ACTION_LABELS[action]}
        </Button>
      )}
    </Group>
  );
}
