// Duration by job type: each type's p50 and p95 on one logarithmic axis, so runs of milliseconds and of hours read
// side by side; the axis names durations people use (duration-scale.ts) and keeps only the labels that fit.
import { Group, Text, Tooltip } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { Fragment } from 'react';
import { type JobRunStatsView } from '../../src-shared/schemas/jobs';
import { formatDuration } from '../lib/format';
import { durationScale, durationTicks, type DurationScale } from './duration-scale';

/** The plot's inset on each side, so a dot at either end stays whole. */
const INSET_PX = 8;

type TypeStats = JobRunStatsView['byJobType'][number];

interface PlottedType {
  jobType: string;
  p50Ms: number;
  p95Ms: number;
}

/** Where `at` (0 to 1) is across the plot, as CSS. */
const across = (at: number) => `calc(${INSET_PX}px + (100% - ${2 * INSET_PX}px) * ${at})`;

export function DurationChart({ types }: { types: readonly TypeStats[] }) {
  const { ref, width } = useElementSize();
  const rows: PlottedType[] = types.flatMap(({ jobType, duration: { p50Ms, p95Ms } }) => (p50Ms === null || p95Ms === null ? [] : [{ jobType, p50Ms, p95Ms }]));
  if (rows.length === 0) {
    return (
      <Text c="dimmed" ta="center" py="xl">
        No finished runs in this range.
      </Text>
    );
  }
  const scale = durationScale(rows.flatMap((row) => [row.p50Ms, row.p95Ms]));
  const ticks = durationTicks(scale, Math.max(0, width - 2 * INSET_PX));

  return (
    <div>
      <div className="duration-chart" data-testid="duration-chart" data-ticks={ticks.map((tick) => tick.label).join(',')}>
        {rows.map((row) => (
          <Fragment key={row.jobType}>
            <Text size="xs" ff="monospace" className="duration-chart-label" title={row.jobType}>
              {row.jobType}
            </Text>
            <DurationTrack row={row} scale={scale} tickAts={ticks.map((tick) => tick.at)} />
          </Fragment>
        ))}
        <span />
        <div ref={ref} className="axis-labels" data-testid="duration-axis">
          {ticks.map((tick) => (
            <span key={tick.ms} className="axis-label" data-align={tick.align} style={{ left: across(tick.at) }}>
              {tick.label}
            </span>
          ))}
        </div>
      </div>
      <Group gap="md" mt="xs" justify="flex-end">
        <Legend className="duration-chart-dot-p50" label="p50 (median)" />
        <Legend className="duration-chart-dot-p95" label="p95" />
        <Text size="xs" c="dimmed">
          log scale
        </Text>
      </Group>
    </div>
  );
}

/** One type's track: the grid lines, the span from p50 to p95, and a dot at each. */
function DurationTrack({ row, scale, tickAts }: { row: PlottedType; scale: DurationScale; tickAts: number[] }) {
  const [p50, p95] = [scale.at(row.p50Ms), scale.at(row.p95Ms)];
  const summary = `p50 ${formatDuration(row.p50Ms)} · p95 ${formatDuration(row.p95Ms)}`;
  return (
    <Tooltip label={summary} position="top" withinPortal>
      <div className="duration-chart-track" role="img" aria-label={`${row.jobType}: ${summary}`} data-testid={`duration-row-${row.jobType}`} data-p50={row.p50Ms} data-p95={row.p95Ms}>
        {tickAts.map((at) => (
          <span key={at} className="duration-chart-grid" style={{ left: across(at) }} />
        ))}
        <span className="duration-chart-span" style={{ left: across(p50), width: `calc((100% - ${2 * INSET_PX}px) * ${p95 - p50})` }} />
        <span className="duration-chart-dot duration-chart-dot-p50" style={{ left: across(p50) }} />
        <span className="duration-chart-dot duration-chart-dot-p95" style={{ left: across(p95) }} />
      </div>
    </Tooltip>
  );
}

function Legend({ className, label }: { className: string; label: string }) {
  return (
    <Group gap={6} wrap="nowrap">
      <span className={`duration-chart-dot duration-chart-legend ${className}`} />
      <Text size="xs" c="dimmed">
        {label}
      </Text>
    </Group>
  );
}
