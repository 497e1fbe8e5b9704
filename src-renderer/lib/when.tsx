// A time as "5 min ago", with the instant and its zone on hover: for lists read at a glance.
import { formatInstant, formatRelative } from './time';

export function When({ ms, testId }: { ms: number | null; testId?: string }) {
  if (ms === null) return <>—</>;
  return (
    <time dateTime={new Date(ms).toISOString()} title={formatInstant(ms)} data-testid={testId}>
      {formatRelative(ms)}
    </time>
  );
}
