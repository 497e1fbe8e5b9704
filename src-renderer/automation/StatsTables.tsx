// The statistics as tables, each sortable by every column: per job type, and in the all-view the businesses
// compared (with system-wide and orphaned runs) against the previous period; a row there switches the business
// switcher to that owner.
import { Anchor, Paper, Skeleton, Text, Title, Tooltip } from '@mantine/core';
import { useDeferredValue } from 'react';
import { type JobRunStatsView } from '../../src-shared/schemas/jobs';
import { FormRefusal } from '../lib/contract-form';
import { formatCount, formatDuration, formatPercent } from '../lib/format';
import { ownerKey, ownerName, ownerScope } from '../lib/owners';
import { errorMessage } from '../queries/client';
import { useScopeSwitch } from '../shell/ScopeSwitcher';
import { SortableTable, type SortableColumn } from './SortableTable';
import { previousPeriodName, runsTrend } from './stats-trend';

type TypeRow = JobRunStatsView['byJobType'][number];
type OwnerRow = NonNullable<JobRunStatsView['byBusiness']>[number];
type Figures = Pick<TypeRow, 'total' | 'byStatus' | 'successRate' | 'duration'>;

/** The figures both tables show, after their first column(s). */
function figureColumns<T extends Figures>(): SortableColumn<T>[] {
  const number = (id: string, header: string, value: (row: T) => number | null, format: (value: number | null) => string): SortableColumn<T> => ({
    id,
    header,
    kind: 'number',
    sortValue: value,
    cell: (row) => format(value(row)),
  });
  return [
    number('successRate', 'Success rate', (row) => row.successRate, formatPercent),
    number('p50', 'p50', (row) => row.duration.p50Ms, formatDuration),
    number('p95', 'p95', (row) => row.duration.p95Ms, formatDuration),
    number('avg', 'Average', (row) => row.duration.avgMs, formatDuration),
    {
      id: 'failures',
      header: 'Failures',
      kind: 'number',
      sortValue: (row) => row.byStatus.failed,
      cell: (row) => <Text span inherit c={row.byStatus.failed > 0 ? 'red' : undefined}>{formatCount(row.byStatus.failed)}</Text>,
    },
  ];
}

const runsColumn = <T extends Figures>(): SortableColumn<T> => ({ id: 'runs', header: 'Runs', kind: 'number', sortValue: (row) => row.total, cell: (row) => formatCount(row.total) });

const TYPE_COLUMNS: SortableColumn<TypeRow>[] = [
  {
    id: 'jobType',
    header: 'Job type',
    kind: 'text',
    sortValue: (row) => row.jobType,
    cell: (row) => (
      <Text span size="sm" ff="monospace">
        {row.jobType}
      </Text>
    ),
  },
  runsColumn(),
  ...figureColumns<TypeRow>(),
];

function ownerColumns(stats: JobRunStatsView): SortableColumn<OwnerRow>[] {
  const before = previousPeriodName(stats.from, stats.to);
  return [
    {
      id: 'owner',
      header: 'Business',
      kind: 'text',
      sortValue: (row) => ownerName(row.owner),
      // A button inside the row: the row's click switches, and the keyboard reaches it here.
      cell: (row) => (
        <Anchor component="button" type="button" size="sm" ta="left" data-testid={`stats-owner-link-${ownerKey(row.owner)}`} title={`Show ${ownerName(row.owner)}`}>
          {ownerName(row.owner)}
        </Anchor>
      ),
    },
    runsColumn(),
    {
      id: 'trend',
      header: 'vs before',
      kind: 'number',
      sortValue: (row) => runsTrend(row.total, row.previous).change,
      cell: (row) => {
        const trend = runsTrend(row.total, row.previous);
        const label = row.previous ? `${before}: ${formatCount(row.previous.total)} runs, ${formatPercent(row.previous.successRate)} success` : 'No earlier period to compare';
        return (
          <Tooltip label={label} withinPortal>
            <Text span inherit c="dimmed" data-direction={trend.direction ?? 'none'}>
              {trend.label}
            </Text>
          </Tooltip>
        );
      },
    },
    ...figureColumns<OwnerRow>(),
  ];
}

/** The per-type table and, in the all-view, the comparison of businesses; skeletons until the stats arrive. */
export function StatsTables({ stats }: { stats: JobRunStatsView | undefined }) {
  return (
    <>
      {stats?.byBusiness && <OwnerComparison stats={stats} rows={stats.byBusiness} />}
      <Paper withBorder p="md" data-testid="stats-types" data-from={stats?.from} data-to={stats?.to}>
        <Title order={3} size="h5" mb="sm">
          By job type
        </Title>
        {!stats ? (
          <Skeleton h={120} />
        ) : stats.byJobType.length === 0 ? (
          <Text c="dimmed">No runs in this range.</Text>
        ) : (
          <SortableTable rows={stats.byJobType} columns={TYPE_COLUMNS} rowKey={(row) => row.jobType} initialSort="runs" testId="stats-types-table" />
        )}
      </Paper>
    </>
  );
}

function OwnerComparison({ stats, rows }: { stats: JobRunStatsView; rows: OwnerRow[] }) {
  const scopeSwitch = useScopeSwitch();
  // A row per business, a hundred or more: rendered after the rest of the view has painted (a render in the
  // background, which React interrupts for input), so the figures above and the history come first.
  const shown = useDeferredValue<OwnerRow[] | null>(rows, null);
  return (
    <Paper withBorder p="md" data-testid="stats-owners" data-from={stats.from} data-to={stats.to}>
      <Title order={3} size="h5">
        Businesses compared
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        “vs before”: runs against {previousPeriodName(stats.from, stats.to)}. Choose a business to see its runs.
      </Text>
      <FormRefusal refusal={scopeSwitch.error ? errorMessage(scopeSwitch.error) : null} testId="stats-owners-error" />
      {shown === null ? (
        <Skeleton h={240} />
      ) : shown.length === 0 ? (
        <Text c="dimmed">No runs in this range or the one before.</Text>
      ) : (
        <SortableTable
          rows={shown}
          columns={ownerColumns(stats)}
          rowKey={(row) => ownerKey(row.owner)}
          initialSort="runs"
          testId="stats-owners-table"
          onRowClick={(row) => scopeSwitch.switchTo(ownerScope(row.owner))}
        />
      )}
    </Paper>
  );
}
