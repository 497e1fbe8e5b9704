// A from–to pair of date-times in the display zone (lib/time.ts), as the filters that take a time range show it.
import { Group, TextInput } from '@mantine/core';
import { displayZone } from './time';
import { type RangeErrors } from './typed-range';

interface Props {
  from: string;
  to: string;
  onFrom(value: string): void;
  onTo(value: string): void;
  /** Shown under each field (typedRange). */
  errors?: RangeErrors;
  /** The two fields' labels; "From" and "To" unless the filter needs to say what they bound. */
  labels?: readonly [string, string];
  testIdPrefix: string;
}

export function TimeRangeFields({ from, to, onFrom, onTo, errors = {}, labels: given = ['From', 'To'], testIdPrefix }: Props) {
  // The fields are read in the zone times are shown in, and say which.
  const labels = given.map((label) => `${label} (${displayZone()})`);
  return (
    <Group gap="sm" align="flex-start" wrap="nowrap">
      <TextInput
        label={labels[0]}
        type="datetime-local"
        value={from}
        onChange={(event) => onFrom(event.currentTarget.value)}
        error={errors.from}
        errorProps={{ 'data-testid': `${testIdPrefix}-from-error` }}
        data-testid={`${testIdPrefix}-from`}
      />
      <TextInput
        label={labels[1]}
        type="datetime-local"
        value={to}
        onChange={(event) => onTo(event.currentTarget.value)}
        error={errors.to}
        errorProps={{ 'data-testid': `${testIdPrefix}-to-error` }}
        data-testid={`${testIdPrefix}-to`}
      />
    </Group>
  );
}
