// How an owner's runs changed against the previous period of the same length, as the comparison table shows it. Pure.
import { plural } from '../../src-shared/text';

export interface RunsTrend {
  /** (now − before) ÷ before; Infinity when there were none before; null without a previous period. */
  change: number | null;
  /** "▲ 25%", "▼ 10%", "±0%", "new", or "—" without a previous period. */
  label: string;
  direction: 'up' | 'down' | 'same' | null;
}

export function runsTrend(total: number, previous: { total: number } | null): RunsTrend {
  if (previous === null) return { change: null, label: '—', direction: null };
  if (previous.total === 0) return total === 0 ? { change: 0, label: '±0%', direction: 'same' } : { change: Infinity, label: 'new', direction: 'up' };
  const change = (total - previous.total) / previous.total;
  if (change === 0) return { change, label: '±0%', direction: 'same' };
  const percent = Math.abs(change * 100);
  return { change, label: `${change > 0 ? '▲' : '▼'} ${percent.toFixed(percent < 10 ? 1 : 0)}%`, direction: change > 0 ? 'up' : 'down' };
}

/** "the 7 days before", "the 24 hours before": the previous period, of the range's length. */
export function previousPeriodName(from: number, to: number): string {
  const hours = (to - from) / 3_600_000;
  return `the ${hours < 48 ? plural(Math.round(hours), 'hour') : plural(Math.round(hours / 24), 'day')} before`;
}
