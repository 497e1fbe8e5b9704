// How numbers, times and durations read on screen.
import { type RunStatus } from '../../src-shared/domain';
import { formatInstant } from './time';

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min`;
}

export function formatPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  return `${(rate * 100).toFixed(rate === 1 || rate === 0 ? 0 : 1)}%`;
}

/** An instant in the user's chosen zone, with the zone (lib/time.ts). */
export function formatDateTime(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '—' : formatInstant(ms);
}

export function formatCount(n: number): string {
  return n.toLocaleString();
}

export const STATUS_COLORS: Record<RunStatus, string> = {
  pending: 'gray',
  running: 'blue',
  completed: 'teal',
  failed: 'red',
  cancelled: 'orange',
  unfinished: 'violet',
};

/** The same colours for charts, readable on light and dark backgrounds. */
export const STATUS_CHART_COLORS: Record<RunStatus, string> = {
  pending: '#868e96',
  running: '#339af0',
  completed: '#20c997',
  failed: '#fa5252',
  cancelled: '#fd7e14',
  unfinished: '#7950f2',
};

export const TRIGGER_LABELS: Record<string, string> = {
  manual: 'Manual',
  schedule: 'Schedule',
  retry: 'Retry',
  system: 'System',
  legacy: 'Server edition',
};
