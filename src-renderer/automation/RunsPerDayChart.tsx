// Runs per day: a bar a day, its runs stacked by status, on a count axis of round steps (day-scale.ts), the dates that
// fit beneath. Pointing at a bar, or the arrow keys once the plot has focus, shows that day's runs by status.
import { Group, Text } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { useState, type KeyboardEvent, type ReactNode } from 'react';
import { RUN_STATUS_LABELS, RUN_STATUSES, type RunStatus } from '../../src-shared/domain';
import { type JobRunStatsView } from '../../src-shared/schemas/jobs';
import { plural } from '../../src-shared/text';
import { formatCount, STATUS_CHART_COLORS } from '../lib/format';
import { countScale, dayLabels } from './day-scale';

type Day = JobRunStatsView['perDay'][number];

const dayTotal = (day: Day) => RUN_STATUSES.reduce((sum, status) => sum + day.byStatus[status], 0);

/** A day's runs in words: its date, its total, and each status it has runs of. */
function daySummary(day: Day, total: number): string {
  const parts = RUN_STATUSES.filter((status) => day.byStatus[status] > 0).map((status) => `${formatCount(day.byStatus[status])} ${RUN_STATUS_LABELS[status].toLowerCase()}`);
  return `${day.day}: ${plural(total, 'run')}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

export function RunsPerDayChart({ perDay }: { perDay: readonly Day[] }) {
  const { ref, width } = useElementSize();
  const [pointed, setPointed] = useState<number | null>(null);
  const totals = perDay.map(dayTotal);
  const scale = countScale(Math.max(0, ...totals));
  const labels = dayLabels(perDay.length, width);
  const height = (count: number) => `${(100 * count) / scale.top}%`;
  const across = (index: number) => `${(100 * (index + 0.5)) / perDay.length}%`;

  const onKeyDown = (event: KeyboardEvent) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    setPointed((at) => Math.min(perDay.length - 1, Math.max(0, at === null ? (step > 0 ? 0 : perDay.length - 1) : at + step)));
  };

  return (
    <div className="day-chart" data-testid="runs-per-day" data-top={scale.top}>
      <div className="day-chart-counts" aria-hidden>
        {scale.ticks.map((tick) => (
          <span key={tick} className="day-chart-count" style={{ bottom: height(tick) }}>
            {formatCount(tick)}
          </span>
        ))}
      </div>
      <div
        ref={ref}
        className="day-chart-plot"
        tabIndex={0}
        role="group"
        aria-label="Runs per day; the arrow keys step through the days"
        onKeyDown={onKeyDown}
        onBlur={() => setPointed(null)}
        onMouseLeave={() => setPointed(null)}
      >
        {scale.ticks.map((tick) => (
          <span key={tick} className="day-chart-grid" style={{ bottom: height(tick) }} />
        ))}
        {perDay.map((day, index) => (
          <div
            key={day.day}
            className="day-chart-column"
            data-pointed={index === pointed || undefined}
            onMouseEnter={() => setPointed(index)}
            role="img"
            aria-label={daySummary(day, totals[index]!)}
            data-testid={`day-bar-${day.day}`}
            data-total={totals[index]}
          >
            <div className="day-chart-bar" style={{ height: height(totals[index]!) }}>
              {RUN_STATUSES.map((status) =>
                day.byStatus[status] > 0 ? <span key={status} data-status={status} data-count={day.byStatus[status]} style={{ flexGrow: day.byStatus[status], background: STATUS_CHART_COLORS[status] }} /> : null,
              )}
            </div>
          </div>
        ))}
        {pointed !== null && <DayTooltip day={perDay[pointed]!} total={totals[pointed]!} at={pointed} days={perDay.length} />}
      </div>
      <span />
      <div className="axis-labels day-chart-days" aria-hidden>
        {labels.map(({ index, align }) => (
          <span key={index} className="axis-label" data-align={align} style={{ left: align === 'start' ? 0 : align === 'end' ? '100%' : across(index) }}>
            {perDay[index]!.day.slice(5)}
          </span>
        ))}
      </div>
      <span />
      <Group gap="md" mt={4} justify="center">
        {RUN_STATUSES.map((status) => (
          <StatusKey key={status} status={status} dimmed>
            {RUN_STATUS_LABELS[status]}
          </StatusKey>
        ))}
      </Group>
    </div>
  );
}

/** The pointed day's runs by status, at the top of the plot beside the bar: right of it in the first half, left in the second. */
function DayTooltip({ day, total, at, days }: { day: Day; total: number; at: number; days: number }) {
  const side = at < days / 2 ? { left: `${(100 * (at + 1)) / days}%` } : { right: `${(100 * (days - at)) / days}%` };
  return (
    <div className="day-chart-tooltip" data-testid="day-tooltip" style={side}>
      <Text size="xs" fw={600}>
        {day.day} · {plural(total, 'run')}
      </Text>
      {RUN_STATUSES.filter((status) => day.byStatus[status] > 0).map((status) => (
        <StatusKey key={status} status={status}>
          {RUN_STATUS_LABELS[status]} {formatCount(day.byStatus[status])}
        </StatusKey>
      ))}
    </div>
  );
}

/** A status's colour beside its words: the legend's entries and the tooltip's lines. */
function StatusKey({ status, dimmed = false, children }: { status: RunStatus; dimmed?: boolean; children: ReactNode }) {
  return (
    <Group gap={6} wrap="nowrap">
      <span className="day-chart-swatch" style={{ background: STATUS_CHART_COLORS[status] }} />
      <Text size="xs" c={dimmed ? 'dimmed' : undefined}>
        {children}
      </Text>
    </Group>
  );
}
