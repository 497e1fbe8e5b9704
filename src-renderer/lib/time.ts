// The zone every time on screen is read in: the user's choice (session.timeDisplay, kept with their account), their
// computer's zone or UTC. The gate sets it from the session before the app renders, and the app renders anew when
// it changes, so formatting reads it directly. Dates typed into a range are read in it too.
import { type TimeDisplay } from '../../src-shared/domain';

/** The computer's own zone. */
export const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

let zone = LOCAL_ZONE;

export function zoneFor(display: TimeDisplay): string {
  return display === 'utc' ? 'UTC' : LOCAL_ZONE;
}

export function setDisplayZone(next: string): void {
  zone = next;
}

export function displayZone(): string {
  return zone;
}

/** The first instant of a calendar day (YYYY-MM-DD) in the display zone. */
export function dayStartMs(day: string): number {
  return zone === 'UTC' ? Date.parse(`${day}T00:00:00Z`) : new Date(`${day}T00:00:00`).getTime();
}

/** A date-time typed in a datetime-local field (YYYY-MM-DDTHH:mm), read in the display zone; undefined when empty or invalid. */
export function typedTimeMs(value: string): number | undefined {
  if (!value) return undefined;
  const ms = zone === 'UTC' ? Date.parse(`${value}Z`) : new Date(value).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

/** Today's date (YYYY-MM-DD) in the display zone, `daysBack` days ago. */
export function dayInZone(daysBack = 0, now = Date.now()): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now - daysBack * 86_400_000);
  return parts.slice(0, 10);
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatOf(withZone: boolean): Intl.DateTimeFormat {
  const key = `${zone}|${withZone}`;
  let format = formats.get(key);
  if (!format) {
    // dateStyle/timeStyle cannot be combined with timeZoneName, hence the separate fields.
    format = new Intl.DateTimeFormat(undefined, {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      second: '2-digit',
      timeZone: zone,
      ...(withZone ? { timeZoneName: 'short' as const } : {}),
    });
    formats.set(key, format);
  }
  return format;
}

/** An instant with its zone: "Dec 6, 2026, 12:23:38 PM UTC". */
export function formatInstant(ms: number): string {
  return formatOf(true).format(ms);
}

/** An instant without its zone, for a column whose header names it (zoneLabel). */
export function formatInstantInColumn(ms: number): string {
  return formatOf(false).format(ms);
}

/** The display zone's short name now ("UTC", "GMT+1", "PST"), for a column's header. */
export function zoneLabel(now = Date.now()): string {
  return formatOf(true).formatToParts(now).find((part) => part.type === 'timeZoneName')?.value ?? zone;
}

/** How long ago, in words ("just now", "5 min ago", "3 h ago", "2 days ago"); in the future, "in 5 min". */
export function formatRelative(ms: number, now = Date.now()): string {
  const seconds = Math.round((now - ms) / 1000);
  const ahead = seconds < 0;
  const span = Math.abs(seconds);
  const words = span < 45 ? null : span < 3600 ? `${Math.round(span / 60)} min` : span < 86_400 ? `${Math.round(span / 3600)} h` : `${Math.round(span / 86_400)} days`;
  if (words === null) return 'just now';
  return ahead ? `in ${words}` : `${words === '1 days' ? '1 day' : words} ago`;
}
