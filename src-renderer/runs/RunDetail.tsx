// One run: params, result, error, timeline, people, its tags, its audit trail; Retry, Edit and re-run, and Cancel when
// allowed. A tag, chosen, opens the history filtered by it.
import { Alert, Anchor, Badge, Button, Code, Drawer, Group, Loader, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { Fragment } from 'react';
import { roleLabel } from '../../src-shared/domain';
import { Fact } from '../lib/fact';
import { type SessionView } from '../../src-shared/schemas/accounts';
import { type JobRunDetailView } from '../../src-shared/schemas/jobs';
import { ownerLabel } from '../automation/RunLists';
import { StatusBadge } from '../automation/StatusBadge';
import { formatDateTime, formatDuration, TRIGGER_LABELS } from '../lib/format';
import { isCancellable, isRetryable, mayControlRun, mayRunType, mayTrigger } from '../lib/permissions';
import { compareRunsQuery } from '../compare/compare-query';
import { CopyLinkButton } from '../lib/links';
import { hrefFor, navigate } from '../lib/router';
import { errorMessage } from '../queries/client';
import { useJobTypes, useRetryRun, useRunAuditTrail, useRunDetail } from '../queries/jobs';
import { useUiStore } from '../stores/ui';
import { formatAutomationQuery, parseAutomationQuery } from '../automation/view-query';
import { withTag } from '../lib/tag-rows';
import { TagBadges } from '../lib/tags';
import { runTargetValueOf } from './run-target';

export function RunDetailDrawer({ runId, session, onClose }: { runId: number | null; session: SessionView; onClose(): void }) {
  return (
    <Drawer opened={runId !== null} onClose={onClose} position="right" size="xl" title={runId !== null ? `Run #${runId}` : ''}>
      {runId !== null && <RunDetail runId={runId} session={session} />}
    </Drawer>
  );
}

function RunDetail({ runId, session }: { runId: number; session: SessionView }) {
  const detail = useRunDetail(runId);
  // Asked for beside the run, not after it: both load at once.
  const trail = useRunAuditTrail(runId);
  // Held here, not in RunHeader: its state (a failed retry's error) outlasts the header while the run loads again.
  const retry = useRetryRun();
  const types = useJobTypes();

  if (detail.isPending) {
    return <Loader aria-label="Loading the run" />;
  }
  if (detail.isError) {
    return (
      <Alert color="red" data-testid="run-detail-error">
        {errorMessage(detail.error)}
      </Alert>
    );
  }
  const run = detail.data;
  const mayControl = mayControlRun(session.user, run);
  // A type this app has no handler for (a server-edition one) cannot run here: main would refuse the retry.
  const type = types.data?.find((candidate) => candidate.key === run.jobType);
  const unknownType = type?.registered === false;
  const mayRetry = mayControl && isRetryable(run) && !unknownType;
  // Anyone who may trigger this type may re-run a run they see with its params edited: it is a new run of theirs.
  const mayRerun = type !== undefined && mayTrigger(session.user) && mayRunType(session.user, type);

  return (
    <Stack data-testid="run-detail" data-run-id={run.id} gap="md">
      <RunHeader run={run} retry={retry} mayRetry={mayRetry} mayRerun={mayRerun} mayCancel={mayControl && isCancellable(run)} />
      {run.status === 'running' && (
        <div>
          <Progress value={(run.progress ?? 0) * 100} animated aria-label="Progress" />
          <Text size="xs" c="dimmed">
            {Math.round((run.progress ?? 0) * 100)}% {run.progressMessage ?? ''}
          </Text>
        </div>
      )}

      {run.status === 'unfinished' && <UnfinishedNote run={run} mayRetry={mayRetry} unknownType={unknownType} />}

      <RunFacts run={run} />
      <Fact label="Tags">
        <TagBadges tags={run.tags} empty="None" onSelect={openHistoryWithTag} testId="run-tags" />
      </Fact>

      {run.error && (
        <Alert color="red" title="Error" data-testid="run-error">
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {run.error}
          </Text>
        </Alert>
      )}

      <JsonSection title="Params" value={run.params} testId="run-params" />
      <JsonSection title="Result" value={run.result} testId="run-result" />

      <AuditTrail trail={trail} />
    </Stack>
  );
}

/** The history as it was under the run (its filters, range and sort), showing only the runs with this tag too. */
function openHistoryWithTag(key: string, value: string) {
  const current = parseAutomationQuery(new URLSearchParams(useUiStore.getState().automationQuery));
  navigate('/automation', formatAutomationQuery({ ...current, tags: withTag(current.tags, key, value) }));
}

/** The job type and status, Retry, Edit and re-run and Cancel when allowed, and why a retry failed. */
function RunHeader({
  run,
  retry,
  mayRetry,
  mayRerun,
  mayCancel,
}: {
  run: JobRunDetailView;
  retry: ReturnType<typeof useRetryRun>;
  mayRetry: boolean;
  mayRerun: boolean;
  mayCancel: boolean;
}) {
  const askCancel = useUiStore((state) => state.setCancelConfirmRunId);
  const openTrigger = useUiStore((state) => state.setTriggerDialogOpen);
  // The run this one repeats, as a re-run or a retry.
  const origin = run.rerunOfRunId ?? run.retryOfRunId;
  return (
    <>
      <Group justify="space-between">
        <Group gap="sm">
          <Title order={3} size="h4">
            {run.jobType}
          </Title>
          <StatusBadge status={run.status} testId="run-status" />
        </Group>
        <Group gap="xs">
          {mayRetry && (
            <Button
              variant="light"
              loading={retry.isPending}
              data-testid="run-retry"
              onClick={() => retry.mutate(run.id, { onSuccess: (created) => navigate(`/runs/${created.id}`) })}
            >
              Retry
            </Button>
          )}
          {mayRerun && (
            <Button variant="light" data-testid="run-rerun" onClick={() => openTrigger(true, { jobType: run.jobType, rerun: { runId: run.id, params: run.params, tags: run.tags, target: runTargetValueOf(run) } })}>
              Edit and re-run
            </Button>
          )}
          {mayCancel && (
            <Button variant="light" color="red" data-testid="run-cancel" onClick={() => askCancel(run.id)}>
              Cancel
            </Button>
          )}
          {origin !== null && (
            <Button variant="default" onClick={() => navigate('/compare/runs', compareRunsQuery([origin, run.id]))} data-testid="run-compare-origin">
              Compare with #{origin}
            </Button>
          )}
          <CopyLinkButton path={`/runs/${run.id}`} testId="run-copy-link" />
        </Group>
      </Group>
      {retry.isError && <Alert color="red">{errorMessage(retry.error)}</Alert>}
    </>
  );
}

/** A run the server edition left unfinished: what it recorded, and whether Retry can run it here. */
function UnfinishedNote({ run, mayRetry, unknownType }: { run: JobRunDetailView; mayRetry: boolean; unknownType: boolean }) {
  return (
    <Alert color="violet" title="Not finished in the server edition" data-testid="run-unfinished">
      <Text size="sm">
        {run.startedAt === null ? 'It was queued there' : `It had started there at ${formatDateTime(run.startedAt)}`}
        {run.finishedAt === null ? ' and no end was recorded.' : ' and no outcome was recorded, only the end time below.'} This app never runs or times
        it.{' '}
        {mayRetry && 'Retry runs it again here as a new run; this one stays as it was.'}
        {unknownType && `It cannot be retried here: this app has no handler for its job type, ${run.jobType}.`}
      </Text>
    </Alert>
  );
}

/** Who the run belongs to, how and by whom it was triggered, its times, and where it came from. */
function RunFacts({ run }: { run: JobRunDetailView }) {
  const unfinished = run.status === 'unfinished';
  return (
    <SimpleGrid cols={2} spacing="xs" verticalSpacing={4}>
      <Fact label="Belongs to">{ownerLabel(run)}</Fact>
      <Fact label="Trigger">{TRIGGER_LABELS[run.trigger] ?? run.trigger}</Fact>
      <Fact label="Triggered by">
        {run.triggeredByName ?? run.triggeredBy ?? '—'}
        {run.triggeredByName && run.triggeredBy && run.triggeredBy !== run.triggeredByName && run.trigger === 'legacy' ? ` (recorded as ${run.triggeredBy})` : ''}
      </Fact>
      <Fact label="Cancelled by">{run.cancelledBy ?? (run.cancelledByUserId !== null ? 'a user since deleted' : '—')}</Fact>
      <Fact label="Created">{formatDateTime(run.createdAt)}</Fact>
      <Fact label="Started">{formatDateTime(run.startedAt)}</Fact>
      {/* An unfinished run shows only what the server edition recorded, as its record. */}
      {(!unfinished || run.finishedAt !== null) && <Fact label={unfinished ? 'Finished (as recorded there)' : 'Finished'}>{formatDateTime(run.finishedAt)}</Fact>}
      {(!unfinished || run.durationMs !== null) && <Fact label={unfinished ? 'Duration (as recorded there)' : 'Duration'}>{formatDuration(run.durationMs)}</Fact>}
      {run.retryOfRunId !== null && (
        <Fact label="Retry of">
          <RunLink id={run.retryOfRunId} testId="run-retry-of" />
        </Fact>
      )}
      {run.retriedAs.length > 0 && <RunLinks label="Retried as" ids={run.retriedAs} testId="run-retried-as" />}
      {run.rerunOfRunId !== null && (
        <Fact label="Re-run of">
          <RunLink id={run.rerunOfRunId} testId="run-rerun-of" />
        </Fact>
      )}
      {run.rerunAs.length > 0 && <RunLinks label="Re-run as" ids={run.rerunAs} testId="run-rerun-as" />}
      {run.scheduleId !== null && <Fact label="Schedule">{run.scheduleName ?? 'a schedule since deleted'}</Fact>}
      {run.legacyId && <Fact label="Server-edition id">{run.legacyId}</Fact>}
    </SimpleGrid>
  );
}

/** A link to a run's detail: `#12`. */
function RunLink({ id, testId }: { id: number; testId: string }) {
  return (
    <Anchor href={hrefFor(`/runs/${id}`)} data-testid={testId}>
      #{id}
    </Anchor>
  );
}

/** The runs that link to this one (its retries, its re-runs), oldest first, each a link. */
function RunLinks({ label, ids, testId }: { label: string; ids: readonly number[]; testId: string }) {
  return (
    <Fact label={ids.length === 1 ? label : `${label} (oldest first)`}>
      <span data-testid={testId}>
        {ids.map((id, index) => (
          <Fragment key={id}>
            {index > 0 && ', '}
            <RunLink id={id} testId={`${testId}-${id}`} />
          </Fragment>
        ))}
      </span>
    </Fact>
  );
}

/** The audit events about the run: when, who (with their role), what. */
function AuditTrail({ trail }: { trail: ReturnType<typeof useRunAuditTrail> }) {
  return (
    <div data-testid="run-audit-trail" data-state={trail.isPending ? 'loading' : 'loaded'}>
      <Title order={4} size="h6" mb={4}>
        Audit trail
      </Title>
      {trail.isPending ? (
        <Loader size="sm" />
      ) : trail.isError ? (
        <Alert color="red">{errorMessage(trail.error)}</Alert>
      ) : trail.data.length === 0 ? (
        <Text size="sm" c="dimmed">
          No audit events for this run.
        </Text>
      ) : (
        <Table striped withTableBorder fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Who</Table.Th>
              <Table.Th>What</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {trail.data.map((event) => (
              <Table.Tr key={event.id}>
                <Table.Td>{formatDateTime(event.at)}</Table.Td>
                <Table.Td>
                  {event.actorLabel}
                  {event.actorRole && (
                    <Badge ml={4} size="xs" variant="outline">
                      {roleLabel(event.actorRole)}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{event.action}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </div>
  );
}


function JsonSection({ title, value, testId }: { title: string; value: unknown; testId: string }) {
  const empty = value === null || value === undefined || (typeof value === 'object' && Object.keys(value).length === 0);
  return (
    <div data-testid={testId}>
      <Title order={4} size="h6" mb={4}>
        {title}
      </Title>
      {empty ? (
        <Text size="sm" c="dimmed">
          None
        </Text>
      ) : (
        <Code block className="json-block">
          {JSON.stringify(value, null, 2)}
        </Code>
      )}
    </div>
  );
}
