// Compare: two periods of the session's scope, per job type with the largest changes first (two jobs.stats answers),
// or two runs side by side, their params and results as a difference (two jobs.get answers). Both read through
// channels that already carry their access rules, so a run the caller cannot see reads as missing here too.
import { Alert, Anchor, Badge, Button, Group, Loader, NumberInput, SegmentedControl, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState, type ReactNode } from 'react';
import { type JobRunDetailView } from '../../src-shared/schemas/jobs';
import { ownerLabel } from '../automation/RunLists';
import { StatusBadge } from '../automation/StatusBadge';
import { Fact } from '../lib/fact';
import { CopyLinkButton } from '../lib/links';
import { TagBadges } from '../lib/tags';
import { formatCount, formatDateTime, formatDuration, formatPercent, TRIGGER_LABELS } from '../lib/format';
import { hrefFor, navigate } from '../lib/router';
import { displayZone } from '../lib/time';
import { errorMessage } from '../queries/client';
import { useJobStats, useRunDetail } from '../queries/jobs';
import { useViewLoaded } from '../stores/ui';
import { comparePeriods, diffJson, type Change, type JsonDifference, type PeriodChange } from './compare';
import { parsePeriodsQuery, periodBounds, periodsQuery, presetPeriods, runIdOf, type DayRange } from './compare-query';

export function CompareView({ what, query }: { what: 'periods' | 'runs'; query: URLSearchParams }) {
  return (
    <Stack gap="md" data-testid="compare-view" data-what={what}>
      <Group justify="space-between">
        <Title order={2}>Compare</Title>
        <Group gap="sm">
          <CopyLinkButton path={`/compare/${what}`} query={query} testId="compare-copy-link" />
          <SegmentedControl
            value={what}
            onChange={(next) => navigate(`/compare/${next}`)}
            data={[
              { value: 'periods', label: 'Two periods' },
              { value: 'runs', label: 'Two runs' },
            ]}
            data-testid="compare-what"
          />
        </Group>
      </Group>
      {what === 'periods' ? <PeriodsCompare query={query} /> : <RunsCompare query={query} />}
    </Stack>
  );
}

// ---- Two periods --------------------------------------------------------------------------------------------------

function PeriodsCompare({ query }: { query: URLSearchParams }) {
  const periods = parsePeriodsQuery(query);
  const [a, b] = [periodBounds(periods.a), periodBounds(periods.b)];
  const statsA = useJobStats(a.ok ? a.range : { from: 0, to: 1, timeZone: 'UTC' }, a.ok);
  const statsB = useJobStats(b.ok ? b.range : { from: 0, to: 1, timeZone: 'UTC' }, b.ok);
  const loaded = !(a.ok && statsA.isPending) && !(b.ok && statsB.isPending);
  useViewLoaded(loaded);
  const set = (next: { a: DayRange; b: DayRange }) => navigate('/compare/periods', periodsQuery(next), { replace: true });
  const error = statsA.error ?? statsB.error;

  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        Every job type with runs in either period, the largest change first: in how many ran, the success rate, or the p95 duration. Days start at midnight {displayZone()}; both ends
        are included.
      </Text>
      <Group gap="xs">
        {[7, 30].map((days) => (
          <Button key={days} size="compact-sm" variant="light" onClick={() => set(presetPeriods(days))} data-testid={`compare-preset-${days}`}>
            Last {days} days against the {days} before
          </Button>
        ))}
      </Group>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <PeriodFields label="Period A" value={periods.a} errors={a.ok ? {} : a.errors} onChange={(next) => set({ ...periods, a: next })} testId="compare-a" />
        <PeriodFields label="Against period B" value={periods.b} errors={b.ok ? {} : b.errors} onChange={(next) => set({ ...periods, b: next })} testId="compare-b" />
      </SimpleGrid>
      {error && (
        <Alert color="red" data-testid="compare-error">
          {errorMessage(error)}
        </Alert>
      )}
      {!loaded && <Loader aria-label="Loading the statistics" />}
      {statsA.data && statsB.data && <PeriodsTable {...comparePeriods(statsA.data, statsB.data)} />}
    </Stack>
  );
}

function PeriodFields({ label, value, errors, onChange, testId }: { label: string; value: DayRange; errors: { from?: string; to?: string }; onChange(next: DayRange): void; testId: string }) {
  return (
    <div>
      <Text fw={500} size="sm" mb={4}>
        {label}
      </Text>
      <Group gap="sm" align="flex-start" wrap="nowrap">
        <TextInput label="From" type="date" value={value.from} onChange={(event) => onChange({ ...value, from: event.currentTarget.value })} error={errors.from} data-testid={`${testId}-from`} />
        <TextInput label="To" type="date" value={value.to} onChange={(event) => onChange({ ...value, to: event.currentTarget.value })} error={errors.to} data-testid={`${testId}-to`} />
      </Group>
    </div>
  );
}

function PeriodsTable({ total, byJobType }: { total: PeriodChange; byJobType: PeriodChange[] }) {
  if (byJobType.length === 0) {
    return (
      <Text c="dimmed" data-testid="compare-periods-empty">
        No runs in either period.
      </Text>
    );
  }
  return (
    <Table striped withTableBorder fz="sm" data-testid="compare-periods-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Job type</Table.Th>
          <Table.Th>Runs, B → A</Table.Th>
          <Table.Th>Success rate, B → A</Table.Th>
          <Table.Th>p50, B → A</Table.Th>
          <Table.Th>p95, B → A</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {[total, ...byJobType].map((row, index) => (
          <Table.Tr key={index === 0 ? '' : row.jobType} data-testid={index === 0 ? 'compare-total' : `compare-type-${row.jobType}`} fw={index === 0 ? 600 : undefined}>
            <Table.Td>{index === 0 ? row.jobType : <Text ff="monospace" size="sm">{row.jobType}</Text>}</Table.Td>
            <Table.Td>
              <ChangeCell change={row.runs} format={formatCount} delta={(d) => `${d > 0 ? '+' : ''}${formatCount(d)}`} />
            </Table.Td>
            <Table.Td>
              <ChangeCell change={row.successRate} format={formatPercent} delta={(d) => `${d > 0 ? '+' : ''}${(d * 100).toFixed(1)} pts`} worseWhen="down" />
            </Table.Td>
            <Table.Td>
              <ChangeCell change={row.p50Ms} format={formatDuration} delta={(d) => `${d > 0 ? '+' : '−'}${formatDuration(Math.abs(d))}`} worseWhen="up" />
            </Table.Td>
            <Table.Td>
              <ChangeCell change={row.p95Ms} format={formatDuration} delta={(d) => `${d > 0 ? '+' : '−'}${formatDuration(Math.abs(d))}`} worseWhen="up" />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** "B → A" (from the period compared against to the one looked at) and the change, red when it is for the worse (a lower success rate, a longer duration), green when better. */
function ChangeCell({ change, format, delta, worseWhen }: { change: Change; format(value: number): string; delta(d: number): string; worseWhen?: 'up' | 'down' }) {
  const shown = (value: number | null) => (value === null ? '—' : format(value));
  const d = change.delta;
  const worse = d !== null && d !== 0 && worseWhen !== undefined && (worseWhen === 'up' ? d > 0 : d < 0);
  return (
    <Stack gap={0}>
      <Text size="sm">
        {shown(change.b)} → {shown(change.a)}
      </Text>
      {d !== null && d !== 0 && (
        <Text size="xs" c={worseWhen === undefined ? 'dimmed' : worse ? 'red' : 'teal'}>
          {delta(d)}
        </Text>
      )}
    </Stack>
  );
}

// ---- Two runs -----------------------------------------------------------------------------------------------------

function RunsCompare({ query }: { query: URLSearchParams }) {
  const [a, b] = [runIdOf(query.get('a')), runIdOf(query.get('b'))];
  const runA = useRunDetail(a);
  const runB = useRunDetail(b);
  useViewLoaded(!(a !== null && runA.isPending) && !(b !== null && runB.isPending));
  return (
    <Stack gap="md">
      <RunIdsForm a={a} b={b} />
      {a !== null && b !== null && (
        <>
          <SimpleGrid cols={2}>
            <RunColumn label="A" id={a} run={runA} />
            <RunColumn label="B" id={b} run={runB} />
          </SimpleGrid>
          {runA.data && runB.data && (
            <>
              <Text size="sm" data-testid="compare-duration-change">
                Duration: {formatDuration(runA.data.durationMs)} against {formatDuration(runB.data.durationMs)}
                {runA.data.durationMs !== null && runB.data.durationMs !== null && runA.data.durationMs !== runB.data.durationMs
                  ? ` (A ${runA.data.durationMs > runB.data.durationMs ? 'longer' : 'shorter'} by ${formatDuration(Math.abs(runA.data.durationMs - runB.data.durationMs))})`
                  : ''}
              </Text>
              <DifferenceTable title="Params" differences={diffJson(runA.data.params, runB.data.params)} testId="compare-params" />
              <DifferenceTable title="Result" differences={diffJson(runA.data.result, runB.data.result)} testId="compare-result" />
            </>
          )}
        </>
      )}
    </Stack>
  );
}

/** Which two runs, by id: the history's selection fills it in, or type them. */
function RunIdsForm({ a, b }: { a: number | null; b: number | null }) {
  const [ids, setIds] = useState<{ a: number | string; b: number | string }>({ a: a ?? '', b: b ?? '' });
  useEffect(() => setIds({ a: a ?? '', b: b ?? '' }), [a, b]);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        navigate('/compare/runs', new URLSearchParams({ a: String(ids.a), b: String(ids.b) }));
      }}
    >
      <Group align="flex-end" gap="sm">
        <NumberInput label="Run A" min={1} allowDecimal={false} value={ids.a} onChange={(value) => setIds((old) => ({ ...old, a: value }))} error={a === null && ids.a !== '' ? 'Enter a run id.' : undefined} data-testid="compare-run-a" />
        <NumberInput label="Run B" min={1} allowDecimal={false} value={ids.b} onChange={(value) => setIds((old) => ({ ...old, b: value }))} data-testid="compare-run-b" />
        <Button type="submit" variant="light" data-testid="compare-runs-submit">
          Compare
        </Button>
      </Group>
      {(a === null || b === null) && (
        <Text size="sm" c="dimmed" mt="xs">
          Name two runs by id, or check two runs in the history and choose Compare the two.
        </Text>
      )}
    </form>
  );
}

function RunColumn({ label, id, run }: { label: string; id: number; run: ReturnType<typeof useRunDetail> }) {
  const testId = `compare-run-${label.toLowerCase()}-column`;
  if (run.isPending) return <Loader aria-label={`Loading run ${id}`} />;
  if (run.isError) {
    return (
      <Alert color="red" data-testid={testId} data-state="error">
        {label}: {errorMessage(run.error)}
      </Alert>
    );
  }
  return <RunFactsColumn label={label} run={run.data} testId={testId} />;
}

function RunFactsColumn({ label, run, testId }: { label: string; run: JobRunDetailView; testId: string }) {
  return (
    <Stack gap="xs" data-testid={testId} data-run-id={run.id}>
      <Group gap="sm">
        <Badge variant="outline">{label}</Badge>
        <Anchor href={hrefFor(`/runs/${run.id}`)}>Run #{run.id}</Anchor>
        <Text ff="monospace" size="sm">
          {run.jobType}
        </Text>
        <StatusBadge status={run.status} />
      </Group>
      <SimpleGrid cols={2} spacing="xs" verticalSpacing={4}>
        <Fact label="Belongs to">{ownerLabel(run)}</Fact>
        <Fact label="Trigger">{TRIGGER_LABELS[run.trigger] ?? run.trigger}</Fact>
        <Fact label="Triggered by">{run.triggeredByName ?? run.triggeredBy ?? '—'}</Fact>
        <Fact label="Created">{formatDateTime(run.createdAt)}</Fact>
        <Fact label="Started">{formatDateTime(run.startedAt)}</Fact>
        <Fact label="Finished">{formatDateTime(run.finishedAt)}</Fact>
        <Fact label="Duration">{formatDuration(run.durationMs)}</Fact>
        <Fact label="Tags">
          <TagBadges tags={run.tags} empty="None" testId={`${testId}-tags`} />
        </Fact>
        {run.error && <Fact label="Error">{run.error}</Fact>}
      </SimpleGrid>
    </Stack>
  );
}

const KIND_LABELS: Record<JsonDifference['kind'], ReactNode> = {
  same: null,
  changed: <Badge color="orange" variant="light" size="xs">changed</Badge>,
  added: <Badge color="teal" variant="light" size="xs">only in B</Badge>,
  removed: <Badge color="red" variant="light" size="xs">only in A</Badge>,
};

/** Each path of the two values: the same ones dimmed, the others marked; nothing differs, it says so. */
function DifferenceTable({ title, differences, testId }: { title: string; differences: JsonDifference[]; testId: string }) {
  const changed = differences.filter((difference) => difference.kind !== 'same').length;
  const shown = (value: unknown, present: boolean) => (present ? <Text ff="monospace" size="xs" style={{ whiteSpace: 'pre-wrap' }}>{JSON.stringify(value, null, 1)}</Text> : '—');
  return (
    <div data-testid={testId} data-changed={changed}>
      <Title order={4} size="h6" mb={4}>
        {title} {changed === 0 ? '(the same)' : `(${changed} ${changed === 1 ? 'difference' : 'differences'})`}
      </Title>
      <Table withTableBorder fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Path</Table.Th>
            <Table.Th>A</Table.Th>
            <Table.Th>B</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {differences.map((difference) => (
            <Table.Tr key={difference.path} data-testid={`${testId}-${difference.path || 'value'}`} data-kind={difference.kind} c={difference.kind === 'same' ? 'dimmed' : undefined}>
              <Table.Td>
                <Text ff="monospace" size="xs">
                  {difference.path || '(the whole value)'}
                </Text>
              </Table.Td>
              <Table.Td>{shown(difference.a, difference.kind !== 'added')}</Table.Td>
              <Table.Td>{shown(difference.b, difference.kind !== 'removed')}</Table.Td>
              <Table.Td>{KIND_LABELS[difference.kind]}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}
