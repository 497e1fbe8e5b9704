import { Badge } from '@mantine/core';
import { RUN_STATUS_LABELS, type RunStatus } from '../../src-shared/domain';
import { STATUS_COLORS } from '../lib/format';

export function StatusBadge({ status, testId }: { status: RunStatus; testId?: string }) {
  return (
    <Badge color={STATUS_COLORS[status]} variant="light" data-testid={testId} data-status={status}>
      {RUN_STATUS_LABELS[status]}
    </Badge>
  );
}

/** The same badge as plain CSS (`.status-pill` in styles.css, Mantine's light-variant colours) for the history's many rows. */
export function StatusPill({ status }: { status: RunStatus }) {
  return (
    <span className="status-pill" data-status={status} title={RUN_STATUS_LABELS[status]}>
      {RUN_STATUS_LABELS[status]}
    </span>
  );
}
