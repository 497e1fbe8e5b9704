// A from–to pair of local date-times, as the filters that take a time range show it.
import { Group, TextInput } from '@mantine/core';

/** A datetime-local value (local time) as epoch ms, or undefined when empty or invalid. */
export function localToMs(value: string): number | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

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

export function TimeRangeFields({ from, to, onFrom, onTo, toError, labels = ['From', 'To'], testIdPrefix }: Props) {
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
