// A from–to pair of date-times in the display zone (lib/time.ts), as the filters that take a time range show it.
import { Group, TextInput } from '@mantine/core';
import { displayZone } from './time';

interface Props {
  from: string;
  to: string;
  onFrom(value: string): void;
  onTo(value: string): void;
  /** Shown under "To" (the range's refinement names that field). */
  toError?: string | undefined;
  /** The two fields' labels; "From" and "To" unless the filter needs to say what they bound. */
  labels?: readonly [string, string];
  testIdPrefix: string;
}

export function TimeRangeFields({ from, to, onFrom, onTo, toError, labels: given = ['From', 'To'], testIdPrefix }: Props) {
  // The fields are read in the zone times are shown in, and say which.
  const labels = given.map((label) => `${label} (${displayZone()})`);
  return (
    <Group gap="sm" align="flex-start" wrap="nowrap">
      <TextInput label={labels[0]} type="datetime-local" value={from} onChange={(event) => onFrom(event.currentTarget.value)} data-testid={`${testIdPrefix}-from`} />
      <TextInput
        label={labels[1]}
        type="datetime-local"
        value={to}
        onChange={(event) => onTo(event.currentTarget.value)}
        error={toError}
        errorProps={{ 'data-testid': `${testIdPrefix}-to-error` }}
        data-testid={`${testIdPrefix}-to`}
      />
    </Group>
  );
}
