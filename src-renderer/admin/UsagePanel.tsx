// Usage per UTC month and owner (a business, system-wide, orphaned), by job type; CSV export to exports/.
import { ActionIcon, Alert, Button, Code, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { Fragment, useState } from 'react';
import { type UsageRowView } from '../../src-shared/schemas/usage';
import { formatCount, formatDuration } from '../lib/format';
import { useExportUsage, useUsage } from '../queries/admin';
import { useViewLoaded } from '../stores/ui';
import { MutationError, QueryState } from './common';

/** YYYY-MM of the UTC month `offset` months from now. */
function monthOf(offset: number): string {
  const now = new Date();
  const date = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function ownerLabel(owner: UsageRowView['owner']): string {
  switch (owner.kind) {
    case 'business':
      return owner.businessName;
    case 'system':
      return 'System-wide';
    case 'orphans':
      return 'Orphaned';
  }
}

const ownerKey = (owner: UsageRowView['owner']) => (owner.kind === 'business' ? `business-${owner.businessId}` : owner.kind);

export function UsagePanel() {
  const [fromMonth, setFromMonth] = useState(() => monthOf(-2));
  const [toMonth, setToMonth] = useState(() => monthOf(0));
  const [range, setRange] = useState({ fromMonth, toMonth });
  const valid = MONTH.test(fromMonth) && MONTH.test(toMonth) && fromMonth <= toMonth;
  const usage = useUsage(range);
  const exportCsv = useExportUsage();
  useViewLoaded(!usage.isPending);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const rows = usage.data?.rows ?? [];

  const apply = (next: { fromMonth: string; toMonth: string }) => {
    if (MONTH.test(next.fromMonth) && MONTH.test(next.toMonth) && next.fromMonth <= next.toMonth) setRange(next);
  };

  return (
    <Stack>
      <Group align="flex-end">
        <TextInput
          label="From month (UTC)"
          type="month"
          value={fromMonth}
          onChange={(event) => {
            setFromMonth(event.currentTarget.value);
            apply({ fromMonth: event.currentTarget.value, toMonth });
          }}
          data-testid="usage-from"
        />
        <TextInput
          label="To month (UTC)"
          type="month"
          value={toMonth}
          onChange={(event) => {
            setToMonth(event.currentTarget.value);
            apply({ fromMonth, toMonth: event.currentTarget.value });
          }}
          data-testid="usage-to"
          error={valid ? undefined : 'The range must run from an earlier month to a later one'}
        />
        <Button variant="default" onClick={() => exportCsv.mutate(range)} loading={exportCsv.isPending} disabled={!valid} data-testid="usage-export">
          Export CSV
        </Button>
      </Group>
      <MutationError error={exportCsv.error} testId="usage-export-error" />
      {exportCsv.isSuccess && (
        <Alert color="teal" title="Exported">
          <Text size="sm">
            {formatCount(exportCsv.data.rows)} rows ({formatCount(exportCsv.data.bytes)} bytes) written to
          </Text>
          <Code block data-testid="usage-export-path">
            {exportCsv.data.path}
          </Code>
        </Alert>
      )}
      <QueryState pending={usage.isPending} error={usage.error} empty={rows.length === 0} emptyText="No runs in these months.">
        <Table striped data-testid="usage-table" data-state={usage.isFetching ? 'loading' : 'loaded'}>
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
              const open = expanded.has(key);
              return (
                <Fragment key={key}>
                  <Table.Tr data-testid={`usage-row-${key}`}>
                    <Table.Td>
                      {row.byJobType.length > 0 && (
                        <ActionIcon
                          variant="subtle"
                          size="sm"
                          aria-label={open ? 'Hide job types' : 'Show job types'}
                          aria-expanded={open}
                          data-testid={`usage-expand-${key}`}
                          onClick={() =>
                            setExpanded((old) => {
                              const next = new Set(old);
                              if (next.has(key)) next.delete(key);
                              else next.add(key);
                              return next;
                            })
                          }
                        >
                          {open ? '▾' : '▸'}
                        </ActionIcon>
                      )}
                    </Table.Td>
                    <Table.Td>{row.month}</Table.Td>
                    <Table.Td>{ownerLabel(row.owner)}</Table.Td>
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
                </Fragment>
              );
            })}
          </Table.Tbody>
        </Table>
      </QueryState>
    </Stack>
  );
}
