// Before a retention purge is triggered: how many runs it deletes, of which place, and a tick to say so on purpose.
import { Alert, Checkbox, Stack, Text } from '@mantine/core';
import { type RunTarget } from '../../src-shared/tenancy';
import { plural } from '../../src-shared/text';
import { formatDateTime } from '../lib/format';
import { errorMessage } from '../queries/client';
import { useRetentionPreview } from '../queries/jobs';

/** The job type whose runs delete other runs, and so ask first. */
export const RETENTION_JOB_TYPE = 'runs.retention';

export function RetentionPreview({
  olderThanDays,
  target,
  placeLabel,
  confirmed,
  onConfirm,
}: {
  olderThanDays: number | undefined;
  /** Where it runs; undefined: the caller's own business (members and business admins). */
  target: RunTarget | undefined;
  placeLabel: string;
  confirmed: boolean;
  onConfirm(confirmed: boolean): void;
}) {
  const valid = olderThanDays !== undefined && Number.isInteger(olderThanDays) && olderThanDays >= 1;
  const preview = useRetentionPreview(valid ? { olderThanDays, ...(target ? { target } : {}) } : null);
  if (!valid) return null;
  if (preview.isError) return <Alert color="red">{errorMessage(preview.error)}</Alert>;
  if (!preview.data) return <Text size="sm">Counting the runs this would delete…</Text>;
  return (
    <Alert color="orange" title="Runs will be deleted" data-testid="retention-preview">
      <Stack gap="xs">
        <Text size="sm">
          {plural(preview.data.runs, 'completed run')} of {placeLabel} created before {formatDateTime(preview.data.cutoff)} will be deleted, with their
          params and results. This cannot be undone; make a backup first if you may need them.
        </Text>
        <Checkbox
          label={`Delete ${plural(preview.data.runs, 'run')}`}
          checked={confirmed}
          onChange={(event) => onConfirm(event.currentTarget.checked)}
          data-testid="retention-confirm"
        />
      </Stack>
    </Alert>
  );
}
