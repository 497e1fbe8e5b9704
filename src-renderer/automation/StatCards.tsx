import { Paper, SimpleGrid, Skeleton, Text } from '@mantine/core';
import { type JobRunStatsView } from '../../src-shared/schemas/jobs';
import { formatCount, formatDuration, formatPercent } from '../lib/format';

interface Props {
  stats: JobRunStatsView | undefined;
  activeCount: number | undefined;
}

export function StatCards({ stats, activeCount }: Props) {
  const duration = stats?.duration;
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="md" data-testid="stat-cards">
      <StatCard label="Runs in range" testId="stat-total" value={stats ? formatCount(stats.total) : undefined} />
      <StatCard
        label="Success rate"
        testId="stat-success-rate"
        value={stats ? formatPercent(stats.successRate) : undefined}
        hint="completed ÷ (completed + failed)"
      />
      <StatCard label="p50 duration" testId="stat-p50" value={duration ? formatDuration(duration.p50Ms) : undefined} hint="median of finished runs" />
      <StatCard label="p95 duration" testId="stat-p95" value={duration ? formatDuration(duration.p95Ms) : undefined} hint="95% of finished runs took up to this" />
      <StatCard label="Average duration" testId="stat-avg" value={duration ? formatDuration(duration.avgMs) : undefined} hint="mean of finished runs" />
      <StatCard label="Active now" testId="stat-active" value={activeCount === undefined ? undefined : formatCount(activeCount)} hint="pending or running" />
    </SimpleGrid>
  );
}

function StatCard({ label, value, testId, hint }: { label: string; value: string | undefined; testId: string; hint?: string }) {
  return (
    <Paper withBorder p="md">
      <Text size="xs" tt="uppercase" fw={700} c="dimmed">
        {label}
      </Text>
      {value === undefined ? (
        <Skeleton h={32} mt={4} w="60%" />
      ) : (
        <Text fz={28} fw={700} data-testid={testId} style={{ fontVariantNumeric: 'tabular-nums' }}>
          {value}
        </Text>
      )}
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Paper>
  );
}
