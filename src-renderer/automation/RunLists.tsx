// Active runs with live progress, and the most recent runs.
import { Alert, Anchor, Button, Group, Paper, Progress, Skeleton, Stack, Text, Title } from '@mantine/core';
import { type ReactNode } from 'react';
import { type UserView } from '../../src-shared/schemas/accounts';
import { type JobRunView } from '../../src-shared/schemas/jobs';
import { formatDuration } from '../lib/format';
import { When } from '../lib/when';
import { isCancellable, mayControlRun } from '../lib/permissions';
import { hrefFor } from '../lib/router';
import { errorMessage } from '../queries/client';
import { useUiStore } from '../stores/ui';
import { StatusBadge } from './StatusBadge';

interface ListProps {
  runs: JobRunView[] | undefined;
  error: unknown;
  showBusiness: boolean;
}

/** The list's error, its loading or empty state, or the list itself. */
function RunListBody({ runs, error, emptyText, children }: { runs: JobRunView[] | undefined; error: unknown; emptyText: string; children: (runs: JobRunView[]) => ReactNode }) {
  if (error) return <Alert color="red">{errorMessage(error)}</Alert>;
  if (!runs) return <Skeleton h={80} />;
  if (runs.length === 0) {
    return (
      <Text c="dimmed" size="sm">
        {emptyText}
      </Text>
    );
  }
  return children(runs);
}

/** `#id job type · owner`, the id linking to the run. */
function RunLabel({ run, showBusiness }: { run: JobRunView; showBusiness: boolean }) {
  return (
    <>
      <Anchor href={hrefFor(`/runs/${run.id}`)} fw={500} size="sm">
        #{run.id}
      </Anchor>
      <Text size="sm" truncate title={showBusiness ? `${run.jobType} · ${ownerLabel(run)}` : run.jobType}>
        {run.jobType}
        {showBusiness && <Text span c="dimmed"> · {ownerLabel(run)}</Text>}
      </Text>
    </>
  );
}

export function ActiveRuns({ runs, error, showBusiness, user, more }: ListProps & { user: UserView; more: boolean }) {
  const askCancel = useUiStore((state) => state.setCancelConfirmRunId);
  return (
    <Paper withBorder p="md" data-testid="active-runs" data-state={runs ? 'loaded' : 'loading'}>
      <Title order={3} size="h5" mb="sm">
        Active runs {runs && runs.length > 0 && <Text span c="dimmed">({runs.length}{more ? '+' : ''})</Text>}
      </Title>
      <RunListBody runs={runs} error={error} emptyText="Nothing is running or waiting.">
        {(runs) => (
          <Stack gap="sm" mah={360} style={{ overflowY: 'auto' }}>
            {runs.map((run) => (
              <div key={run.id} data-testid={`active-run-${run.id}`} data-status={run.status}>
                <Group justify="space-between" wrap="nowrap" gap="xs">
                  <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
                    <RunLabel run={run} showBusiness={showBusiness} />
                    <StatusBadge status={run.status} />
                  </Group>
                  {isCancellable(run) && mayControlRun(user, run) && (
                    <Button size="compact-xs" variant="light" color="red" onClick={() => askCancel(run.id)} data-testid={`cancel-run-${run.id}`} aria-label={`Cancel run ${run.id}`}>
                      Cancel
                    </Button>
                  )}
                </Group>
                <Progress
                  mt={4}
                  value={(run.progress ?? 0) * 100}
                  animated={run.status === 'running'}
                  striped={run.status === 'pending'}
                  aria-label={`Progress of run ${run.id}`}
                  data-testid={`active-run-progress-${run.id}`}
                />
                <Text size="xs" c="dimmed">
                  {run.status === 'pending' ? 'Waiting for its turn' : `${Math.round((run.progress ?? 0) * 100)}%${run.progressMessage ? ` · ${run.progressMessage}` : ''}`}
                </Text>
              </div>
            ))}
          </Stack>
        )}
      </RunListBody>
    </Paper>
  );
}

export function RecentRuns({ runs, error, showBusiness }: ListProps) {
  return (
    <Paper withBorder p="md" data-testid="recent-runs" data-state={runs ? 'loaded' : 'loading'}>
      <Title order={3} size="h5" mb="sm">
        Recent runs
      </Title>
      <RunListBody runs={runs} error={error} emptyText="No runs yet. Trigger one with “Trigger a run”.">
        {(runs) => (
          <Stack gap={6}>
            {runs.map((run) => (
              <Group key={run.id} justify="space-between" wrap="nowrap" data-testid={`recent-run-${run.id}`} data-status={run.status}>
                <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
                  <RunLabel run={run} showBusiness={showBusiness} />
                </Group>
                {/* The time and status keep their width; the run's label gives way, cut with its whole text on hover. */}
                <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
                  <Text size="xs" c="dimmed" visibleFrom="sm" style={{ whiteSpace: 'nowrap' }}>
                    <When ms={run.createdAt} /> · {formatDuration(run.durationMs)}
                  </Text>
                  <StatusBadge status={run.status} />
                </Group>
              </Group>
            ))}
          </Stack>
        )}
      </RunListBody>
    </Paper>
  );
}

export function ownerLabel(run: Pick<JobRunView, 'scope' | 'businessName' | 'businessId' | 'orphanedFrom'>): string {
  if (run.scope === 'system') return 'System-wide';
  if (run.businessId === null) return run.orphanedFrom ? `Orphan (was ${run.orphanedFrom})` : 'Orphan';
  return run.businessName ?? `Business ${run.businessId}`;
}
