import { Badge } from '@mantine/core';
import { type RunStatus } from '../../src-shared/domain';
import { STATUS_COLORS } from '../lib/format';

export function StatusBadge({ status, testId }: { status: RunStatus; testId?: string }) {
  return (
    <Badge color={STATUS_COLORS[status]} variant="light" data-testid={testId} data-status={status}>
      {status}
    </Badge>
  );
}
