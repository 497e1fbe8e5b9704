import { Paper, SimpleGrid, Skeleton, Text, Title, useComputedColorScheme } from '@mantine/core';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { RUN_STATUS_LABELS, RUN_STATUSES } from '../../src-shared/domain';
import { type JobRunStatsView } from '../../src-shared/schemas/jobs';
import { STATUS_CHART_COLORS } from '../lib/format';
import { DurationChart } from './DurationChart';

function useChartColors() {
  const dark = useComputedColorScheme('light') === 'dark';
  return {
    axis: dark ? '#a6a7ab' : '#5c5f66',
    grid: dark ? '#373a40' : '#e9ecef',
    tooltipBg: dark ? '#25262b' : '#ffffff',
    tooltipBorder: dark ? '#373a40' : '#dee2e6',
    cursor: dark ? 'rgba(255,255,255,0.06)' : 'rgba(0,0,0,0.04)',
  };
}

export function Charts({ stats }: { stats: JobRunStatsView | undefined }) {
  const colors = useChartColors();
  const tooltipStyle = { background: colors.tooltipBg, border: `1px solid ${colors.tooltipBorder}`, borderRadius: 6 };
  const perDay = stats?.perDay.map((day) => ({ day: day.day.slice(5), ...day.byStatus })) ?? [];

  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
      <Paper withBorder p="md" data-testid="chart-runs-per-day">
        <Title order={3} size="h5" mb="sm">
          Runs per day
        </Title>
        {!stats ? (
          <Skeleton h={240} />
        ) : stats.total === 0 ? (
          <EmptyChart>No runs in this range.</EmptyChart>
        ) : (
          <ResponsiveContainer width="100%" height={240}>
            <BarChart data={perDay}>
              <CartesianGrid strokeDasharray="3 3" stroke={colors.grid} vertical={false} />
              <XAxis dataKey="day" tick={{ fill: colors.axis, fontSize: 12 }} stroke={colors.grid} />
              <YAxis allowDecimals={false} tick={{ fill: colors.axis, fontSize: 12 }} stroke={colors.grid} width={40} />
              <Tooltip contentStyle={tooltipStyle} cursor={{ fill: colors.cursor }} />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              {RUN_STATUSES.map((status) => (
                <Bar key={status} dataKey={status} name={RUN_STATUS_LABELS[status]} stackId="status" fill={STATUS_CHART_COLORS[status]} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        )}
      </Paper>
      <Paper withBorder p="md" data-testid="chart-duration-by-type">
        <Title order={3} size="h5" mb="sm">
          Duration by job type
        </Title>
        {!stats ? <Skeleton h={240} /> : <DurationChart types={stats.byJobType} />}
      </Paper>
    </SimpleGrid>
  );
}

function EmptyChart({ children }: { children: string }) {
  return (
    <Text c="dimmed" h={240} ta="center" pt={100}>
      {children}
    </Text>
  );
}
