import { Paper, SimpleGrid, Skeleton, Text } from '@mantine/core';
import { type JobRunStatsView } from '../../src-shared/schemas/jobs';
import { formatCount, formatDuration, formatPercent } from '../lib/format';

interface Props {
  stats: JobRunStatsView | undefined;
  activeCount: number | undefined;
}

export function StatCards({ stats, activeCount }: Props) {
  return (
    <SimpleGrid cols={{ base: 2, md: 4 }} spacing="md">
      <StatCard label="Runs in range" testId="stat-total" value={stats ? formatCount(stats.total) : undefined} />
      <StatCard
        label="Success rate"
        testId="stat-success-rate"
        value={stats ? formatPercent(stats.successRate) : undefined}
        hint="completed ÷ (completed + failed)"
      />
      <StatCard label="p95 duration" testId="stat-p95" value={stats ? formatDuration(stats.duration.p95Ms) : undefined} hint={stats ? `average ${formatDuration(stats.duration.avgMs)}` : undefined} />
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
