// The job types page: what each type does, where it may run, its parameters, and its runs in the session's scope
// (all of them; the last 30 days' runs, success rate and p95; the newest run), with Trigger where the caller may.
import { Anchor, Badge, Button, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { type SessionView } from '../../src-shared/schemas/accounts';
import { type JobRunStatsView, type JobTypeView } from '../../src-shared/schemas/jobs';
import { Fact } from '../lib/fact';
import { When } from '../lib/when';
import { formatCount, formatDuration, formatPercent } from '../lib/format';
import { mayRunType, mayTrigger } from '../lib/permissions';
import { hrefFor } from '../lib/router';
import { useJobStats, useJobTypes, useLastRun } from '../queries/jobs';
import { paramFields } from '../runs/params-form';
import { TriggerDialog } from '../runs/TriggerDialog';
import { useUiStore, useViewLoaded } from '../stores/ui';

const DAY_MS = 86_400_000;
const WINDOW_DAYS = 30;
const SCOPE_LABELS: Record<NonNullable<JobTypeView['scope']>, string> = { business: 'In a business', system: 'System-wide only', either: 'In a business or system-wide' };

type TypeFigures = JobRunStatsView['byJobType'][number];

export function JobTypesView({ session }: { session: SessionView }) {
  const types = useJobTypes();
  // The window is fixed when the page opens: its figures do not shift under the reader.
  const [range] = useState(() => ({ from: Date.now() - WINDOW_DAYS * DAY_MS, to: Date.now(), timeZone: 'UTC' }));
  const stats = useJobStats(range);
  useViewLoaded(!types.isPending && !stats.isPending);
  const figures = useMemo(() => new Map((stats.data?.byJobType ?? []).map((row) => [row.jobType, row])), [stats.data]);
  const openTrigger = useUiStore((state) => state.setTriggerDialogOpen);
  const canTrigger = (type: JobTypeView) => mayTrigger(session.user) && mayRunType(session.user, type);

  return (
    <Stack gap="md" data-testid="job-types-view">
      <Title order={2}>Job types</Title>
      <Text size="sm" c="dimmed">
        What each job does, where it may run and what it takes. Runs are counted in the scope you are looking at; the last {WINDOW_DAYS} days end when this page opened.
      </Text>
      {(types.data ?? []).map((type) => (
        <JobTypeCard key={type.key} type={type} figures={figures.get(type.key)} onTrigger={canTrigger(type) ? () => openTrigger(true, { jobType: type.key }) : undefined} />
      ))}
      <TriggerDialog session={session} />
    </Stack>
  );
}

function JobTypeCard({ type, figures, onTrigger }: { type: JobTypeView; figures: TypeFigures | undefined; onTrigger: (() => void) | undefined }) {
  const params = paramFields(type.paramsSchema);
  return (
    <Paper withBorder p="md" data-testid={`job-type-${type.key}`}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={4}>
          <Group gap="xs">
            <Title order={3} size="h5">
              {type.title ?? type.key}
            </Title>
            <Text size="xs" c="dimmed" ff="monospace">
              {type.key}
            </Text>
            {type.scope && <Badge variant="light">{SCOPE_LABELS[type.scope]}</Badge>}
            {!type.registered && <Badge color="gray">Not run by this app (from the server edition)</Badge>}
          </Group>
          {type.description && <Text size="sm">{type.description}</Text>}
        </Stack>
        {onTrigger && (
          <Button size="xs" onClick={onTrigger} data-testid={`job-type-trigger-${type.key}`}>
            Trigger
          </Button>
        )}
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 5 }} mt="sm" data-testid={`job-type-figures-${type.key}`}>
        <Fact figure label="Runs (all time)">{formatCount(type.runs)}</Fact>
        <Fact figure label={`Runs (${WINDOW_DAYS} days)`}>{formatCount(figures?.total ?? 0)}</Fact>
        <Fact figure label="Success rate">{formatPercent(figures?.successRate)}</Fact>
        <Fact figure label="p95 duration">{formatDuration(figures?.duration.p95Ms)}</Fact>
        <LastRun jobType={type.key} />
      </SimpleGrid>
      {params.length > 0 && (
        <Table mt="sm" withTableBorder fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Parameter</Table.Th>
              <Table.Th>What it is</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {params.map((param) => (
              <Table.Tr key={param.name}>
                <Table.Td>
                  {param.title ?? param.name}
                  {param.unit ? ` (${param.unit})` : ''}
                  {param.required ? '' : ', optional'}
                </Table.Td>
                <Table.Td>{param.description ?? '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

/** The newest run of the type, linked to its detail. */
function LastRun({ jobType }: { jobType: string }) {
  const last = useLastRun(jobType);
  const run = last.data;
  return (
    <Fact figure label="Last run">
      {last.isPending ? (
        '…'
      ) : run ? (
        <Anchor href={hrefFor(`/runs/${run.id}`)} data-testid={`job-type-last-${jobType}`}>
          <When ms={run.createdAt} />
        </Anchor>
      ) : (
        'never'
      )}
    </Fact>
  );
}
