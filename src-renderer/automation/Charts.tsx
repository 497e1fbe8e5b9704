import { Paper, SimpleGrid, Skeleton, Text, Title } from '@mantine/core';
import { type JobRunStatsView } from '../../src-shared/schemas/jobs';
import { DurationChart } from './DurationChart';
import { RunsPerDayChart } from './RunsPerDayChart';

export function Charts({ stats }: { stats: JobRunStatsView | undefined }) {
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
          <RunsPerDayChart perDay={stats.perDay} />
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
