// Usage per UTC month and owner (a business, system-wide, orphaned), by job type; CSV export, downloaded or saved (lib/export-result.tsx).
import { ActionIcon, Button, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { type UsageRowView } from '../../src-shared/schemas/usage';
import { formatCount, formatDuration } from '../lib/format';
import { ownerKey, ownerName } from '../lib/owners';
import { useUsage } from '../queries/admin';
import { useDeliveredExport } from '../queries/exports';
import { ExportResult } from '../lib/export-result';
import { useViewLoaded } from '../stores/ui';
import { MutationError, QueryState } from './common';
import { useExpandedRows } from './expanded-rows';

/** YYYY-MM of the UTC month `offset` months from now. */
function monthOf(offset: number): string {
  const now = new Date();
  const date = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

interface MonthRange {
  fromMonth: string;
  toMonth: string;
}

const isMonthRange = (range: MonthRange) => MONTH.test(range.fromMonth) && MONTH.test(range.toMonth) && range.fromMonth <= range.toMonth;

/** The two month fields as typed, and the last valid range they made, which the query reads. */
function useMonthRange() {
  const [fromMonth, setFromMonth] = useState(() => monthOf(-2));
  const [toMonth, setToMonth] = useState(() => monthOf(0));
  const [range, setRange] = useState<MonthRange>({ fromMonth, toMonth });
  const apply = (next: MonthRange) => {
    if (isMonthRange(next)) setRange(next);
  };
  return {
    fromMonth,
    toMonth,
    range,
    valid: isMonthRange({ fromMonth, toMonth }),
    changeFrom(value: string) {
      setFromMonth(value);
      apply({ fromMonth: value, toMonth });
    },
    changeTo(value: string) {
      setToMonth(value);
      apply({ fromMonth, toMonth: value });
    },
  };
}

export function UsagePanel() {
  const months = useMonthRange();
  const usage = useUsage(months.range);
  const exportCsv = useDeliveredExport('metrics.exportCsv');
  useViewLoaded(!usage.isPending);
  const [expanded, toggle] = useExpandedRows<string>();
  const rows = usage.data?.rows ?? [];

  return (
    <Stack>
      <UsageToolbar months={months} exporting={exportCsv.isPending} onExport={() => exportCsv.mutate(months.range)} />
      <MutationError error={exportCsv.error} testId="usage-export-error" />
      {exportCsv.isSuccess && <ExportResult exported={exportCsv.data} testId="usage-export-result" />}
      <QueryState pending={usage.isPending} error={usage.error} empty={rows.length === 0} emptyText="No runs in these months.">
        <UsageTable rows={rows} fetching={usage.isFetching} expanded={expanded} onToggle={toggle} />
      </QueryState>
    </Stack>
  );
}

/** The month fields and the CSV export button. */
function UsageToolbar({ months, exporting, onExport }: { months: ReturnType<typeof useMonthRange>; exporting: boolean; onExport(): void }) {
  return (
    <Group align="flex-end">
      <TextInput label="From month (UTC)" type="month" value={months.fromMonth} onChange={(event) => months.changeFrom(event.currentTarget.value)} data-testid="usage-from" />
      <TextInput
        label="To month (UTC)"
        type="month"
        value={months.toMonth}
        onChange={(event) => months.changeTo(event.currentTarget.value)}
        data-testid="usage-to"
        error={months.valid ? undefined : 'The range must run from an earlier month to a later one'}
      />
      <Button variant="default" onClick={onExport} loading={exporting} disabled={!months.valid} data-testid="usage-export">
        Export CSV
      </Button>
    </Group>
  );
}

function UsageTable({ rows, fetching, expanded, onToggle }: { rows: readonly UsageRowView[]; fetching: boolean; expanded: ReadonlySet<string>; onToggle(key: string): void }) {
  return (
    <Table striped data-testid="usage-table" data-state={fetching ? 'loading' : 'loaded'}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={36} />
          <Table.Th>Month</Table.Th>
          <Table.Th>Owner</Table.Th>
          <Table.Th ta="right">Runs</Table.Th>
          <Table.Th ta="right">Failures</Table.Th>
          <Table.Th ta="right">Total duration</Table.Th>
          <Table.Th ta="right">p95</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => {
          const key = `${row.month}-${ownerKey(row.owner)}`;
          return <UsageRows key={key} rowKey={key} row={row} open={expanded.has(key)} onToggle={() => onToggle(key)} />;
        })}
      </Table.Tbody>
    </Table>
  );
}

/** One month and owner, then (when open) a row per job type. */
function UsageRows({ rowKey: key, row, open, onToggle }: { rowKey: string; row: UsageRowView; open: boolean; onToggle(): void }) {
  return (
    <>
      <Table.Tr data-testid={`usage-row-${key}`}>
        <Table.Td>
          {row.byJobType.length > 0 && (
            <ActionIcon
              variant="subtle"
              size="sm"
              aria-label={open ? 'Hide job types' : 'Show job types'}
              aria-expanded={open}
              data-testid={`usage-expand-${key}`}
              onClick={onToggle}
            >
              {open ? '▾' : '▸'}
            </ActionIcon>
          )}
        </Table.Td>
        <Table.Td>{row.month}</Table.Td>
        <Table.Td>{ownerName(row.owner)}</Table.Td>
        <Table.Td ta="right" data-testid={`usage-runs-${key}`}>
          {formatCount(row.runs)}
        </Table.Td>
        <Table.Td ta="right">{formatCount(row.failures)}</Table.Td>
        <Table.Td ta="right">{formatDuration(row.totalDurationMs)}</Table.Td>
        <Table.Td ta="right">{formatDuration(row.p95DurationMs)}</Table.Td>
      </Table.Tr>
      {open &&
        row.byJobType.map((type) => (
          <Table.Tr key={`${key}-${type.jobType}`} data-testid={`usage-jobtype-${key}-${type.jobType}`}>
            <Table.Td />
            <Table.Td />
            <Table.Td pl="lg">
              <Text size="sm" ff="monospace">
                {type.jobType}
              </Text>
            </Table.Td>
            <Table.Td ta="right" data-testid={`usage-jobtype-runs-${key}-${type.jobType}`}>
              {formatCount(type.runs)}
            </Table.Td>
            <Table.Td ta="right" data-testid={`usage-jobtype-failures-${key}-${type.jobType}`}>
              {formatCount(type.failures)}
            </Table.Td>
            <Table.Td ta="right">{formatDuration(type.totalDurationMs)}</Table.Td>
            <Table.Td ta="right">{formatDuration(type.p95DurationMs)}</Table.Td>
          </Table.Tr>
        ))}
    </>
  );
}
