// Step 1: what the database holds (runs per business, system-wide, orphans) and the orphan list to select from.
import { Alert, Autocomplete, Badge, Button, Group, Loader, MultiSelect, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { type UseQueryResult } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { RUN_STATUS_LABELS, RUN_STATUSES, type RunStatus } from '../../src-shared/domain';
import { listOrphansInput, type RunsOverviewView } from '../../src-shared/schemas/orphans';
import { formatCount } from '../lib/format';
import { localToMs, TimeRangeFields } from '../lib/time-range';
import { errorMessage } from '../queries/client';
import { useJobTypes } from '../queries/jobs';
import { useCollectOrphanIds, useOrphanList, type OrphanFilters } from '../queries/orphans';
import { OrphanRunsTable } from './OrphanRunsTable';

/** Which orphans are selected: every orphan, or these ids. */
export type Picked = { mode: 'all' } | { mode: 'ids'; ids: Set<number> };

type CheckQuery = UseQueryResult<RunsOverviewView>;

interface Props {
  check: CheckQuery;
  picked: Picked;
  onPick(picked: Picked): void;
  selectedCount: number;
  onSuggest(): void;
  onAssign(): void;
  onDelete(): void;
}

export function CheckStep({ check, picked, onPick, selectedCount, onSuggest, onAssign, onDelete }: Props) {
  const orphans = check.data?.orphans ?? 0;
  return (
    <Stack gap="md">
      <CheckSummary check={check} testId="orphans-check" />
      {check.data && (
        <Paper withBorder p="md">
          <Stack gap="sm">
            <Group justify="space-between" align="center">
              <Title order={3} size="h4">
                Orphans
              </Title>
              <Group gap="sm">
                <Text size="sm" c="dimmed" data-testid="orphans-selected-count">
                  {picked.mode === 'all' ? `All ${formatCount(orphans)} orphans selected` : `${formatCount(selectedCount)} selected`}
                </Text>
                <Button variant="light" onClick={onSuggest} disabled={orphans === 0} data-testid="orphans-suggested-start">
                  Suggested assignments…
                </Button>
                <Button onClick={onAssign} disabled={orphans === 0} data-testid="orphans-assign-start">
                  Assign…
                </Button>
                <Button color="red" variant="light" onClick={onDelete} disabled={orphans === 0} data-testid="orphans-delete-start">
                  Delete…
                </Button>
              </Group>
            </Group>
            {orphans === 0 ? (
              <Text c="dimmed" data-testid="orphans-none">
                There are no orphaned runs: every run belongs to a business or is system-wide.
              </Text>
            ) : (
              <OrphanList picked={picked} onPick={onPick} />
            )}
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}

/** The counts of the check; under "Done" the same, refreshed, with what changed since `before`. */
export function CheckSummary({ check, before, testId }: { check: CheckQuery; before?: RunsOverviewView | undefined; testId: string }) {
  const data = check.data;
  const loaded = data !== undefined && !check.isFetching;
  const previousRuns = new Map((before?.businesses ?? []).map((business) => [business.id, business.runs]));
  return (
    <Paper withBorder p="md" data-testid={testId} data-state={loaded ? 'loaded' : 'loading'}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">
            {before ? 'Re-check' : 'Check'}
          </Title>
          {check.isFetching && <Loader size="xs" />}
        </Group>
        {check.isError && !data && <Text c="red">{errorMessage(check.error)}</Text>}
        {!data && check.isPending && <Text c="dimmed">Counting runs…</Text>}
        {data && (
          <>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <Stat label="Orphaned runs" value={data.orphans} previous={before?.orphans} testId="orphans-count" warn={data.orphans > 0} />
              <Stat label="System-wide runs" value={data.systemRuns} previous={before?.systemRuns} testId="orphans-system-count" />
              <Stat
                label="Runs in businesses"
                value={data.businesses.reduce((sum, business) => sum + business.runs, 0)}
                previous={before?.businesses.reduce((sum, business) => sum + business.runs, 0)}
                testId="orphans-business-total"
              />
            </SimpleGrid>
            <Table striped withTableBorder data-testid="orphans-businesses">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Business</Table.Th>
                  <Table.Th ta="right">Runs</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.businesses.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={2}>
                      <Text c="dimmed" size="sm">
                        There are no businesses yet.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
                {data.businesses.map((business) => {
                  const was = previousRuns.get(business.id);
                  const delta = was === undefined ? 0 : business.runs - was;
                  return (
                    <Table.Tr key={business.id} data-testid={`orphans-business-row-${business.id}`}>
                      <Table.Td>
                        {business.name}{' '}
                        {business.disabled && (
                          <Badge size="xs" color="gray" variant="light">
                            disabled
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td ta="right">
                        <span data-testid={`orphans-business-runs-${business.id}`}>{formatCount(business.runs)}</span>
                        {delta !== 0 && (
                          <Text span size="xs" c={delta > 0 ? 'teal' : 'red'} ml={6}>
                            ({delta > 0 ? '+' : '−'}
                            {formatCount(Math.abs(delta))})
                          </Text>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </>
        )}
      </Stack>
    </Paper>
  );
}

function Stat({ label, value, previous, testId, warn }: { label: string; value: number; previous?: number | undefined; testId: string; warn?: boolean }) {
  return (
    <Paper withBorder p="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} c={warn ? 'yellow.8' : undefined} data-testid={testId}>
        {value}
      </Text>
      {previous !== undefined && previous !== value && (
        <Text size="xs" c="dimmed">
          was {formatCount(previous)}
        </Text>
      )}
    </Paper>
  );
}

function OrphanList({ picked, onPick }: { picked: Picked; onPick(picked: Picked): void }) {
  const [statuses, setStatuses] = useState<RunStatus[]>([]);
  const [jobTypes, setJobTypes] = useState<string[]>([]);
  const [searchText, setSearchText] = useState('');
  const [search] = useDebouncedValue(searchText.trim(), 300);
  const [byText, setByText] = useState('');
  const [triggeredBy] = useDebouncedValue(byText.trim(), 300);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const range = createdRange(from, to);
  const { createdFrom, createdTo } = range.filters;
  const filters = useMemo<OrphanFilters>(() => {
    const value: OrphanFilters = {};
    if (statuses.length) value.statuses = statuses;
    if (jobTypes.length) value.jobTypes = jobTypes;
    if (triggeredBy) value.triggeredBy = triggeredBy;
    if (createdFrom !== undefined) value.createdFrom = createdFrom;
    if (createdTo !== undefined) value.createdTo = createdTo;
    if (search) value.search = search;
    return value;
  }, [statuses, jobTypes, triggeredBy, createdFrom, createdTo, search]);
  // A range still being corrected is a filter too: "all orphans" is not what the operator is narrowing to.
  const filtered = Object.keys(filters).length > 0 || range.toError !== undefined;
  const typing = search !== searchText.trim() || triggeredBy !== byText.trim();

  const list = useOrphanList(filters);
  const types = useJobTypes();
  const collect = useCollectOrphanIds();
  const runs = useMemo(() => list.data?.pages.flatMap((page) => page.runs) ?? [], [list.data]);
  // Who triggered the orphans loaded so far: offered as you type, any other text still matches.
  const triggeredBySeen = useMemo(() => [...new Set(runs.flatMap((run) => (run.triggeredBy ? [run.triggeredBy] : [])))].sort().slice(0, 100), [runs]);

  const ids = picked.mode === 'ids' ? picked.ids : null;
  const isPicked = (id: number) => ids === null || ids.has(id);
  const toggle = (id: number, on: boolean) => {
    if (!ids) return;
    const next = new Set(ids);
    if (on) next.add(id);
    else next.delete(id);
    onPick({ mode: 'ids', ids: next });
  };
  const shownAllPicked = runs.length > 0 && runs.every((run) => isPicked(run.id));
  const shownSomePicked = runs.some((run) => isPicked(run.id));
  const toggleShown = () => {
    if (!ids) return;
    const next = new Set(ids);
    for (const run of runs) {
      if (shownAllPicked) next.delete(run.id);
      else next.add(run.id);
    }
    onPick({ mode: 'ids', ids: next });
  };
  const selectAllMatching = () => {
    if (!filtered) {
      onPick({ mode: 'all' });
      return;
    }
    collect.mutate(filters, { onSuccess: (matching) => onPick({ mode: 'ids', ids: new Set(matching) }) });
  };
  const hasSelection = picked.mode === 'all' || picked.ids.size > 0;
  const clearFilters = () => {
    setStatuses([]);
    setJobTypes([]);
    setSearchText('');
    setByText('');
    setFrom('');
    setTo('');
  };
  const anyFilterText = filtered || searchText !== '' || byText !== '' || from !== '' || to !== '';

  return (
    <Stack gap="sm">
      <Group align="flex-start" gap="sm" wrap="wrap">
        <MultiSelect
          label="Status"
          placeholder={statuses.length ? undefined : 'Any'}
          data={RUN_STATUSES.map((status) => ({ value: status, label: RUN_STATUS_LABELS[status] }))}
          value={statuses}
          onChange={(values) => setStatuses(values as RunStatus[])}
          clearable
          w={240}
          data-testid="orphans-filter-status"
        />
        <MultiSelect
          label="Job type"
          placeholder={jobTypes.length ? undefined : 'Any'}
          data={(types.data ?? []).map((type) => ({ value: type.key, label: type.key }))}
          value={jobTypes}
          onChange={setJobTypes}
          searchable
          clearable
          w={220}
          data-testid="orphans-filter-jobtype"
        />
        <Autocomplete
          label="Triggered by"
          placeholder="Email, user id or label"
          data={triggeredBySeen}
          value={byText}
          onChange={setByText}
          limit={20}
          w={240}
          data-testid="orphans-filter-triggered-by"
        />
        <TimeRangeFields
          from={from}
          to={to}
          onFrom={setFrom}
          onTo={setTo}
          toError={range.toError}
          labels={['Created from', 'Created before']}
          testIdPrefix="orphans-filter-created"
        />
      </Group>
      <Group align="flex-end" gap="sm" wrap="wrap">
        <TextInput
          label="Search"
          placeholder="Run id, server-edition id, job type, error…"
          value={searchText}
          onChange={(e) => setSearchText(e.currentTarget.value)}
          type="search"
          w={320}
          data-testid="orphans-filter-search"
        />
        <Button variant="light" onClick={selectAllMatching} loading={collect.isPending} disabled={picked.mode === 'all' || typing || range.toError !== undefined} data-testid="orphans-select-all">
          {filtered ? 'Select all matching' : 'Select all orphans'}
        </Button>
        {hasSelection && (
          <Button variant="subtle" onClick={() => onPick({ mode: 'ids', ids: new Set() })} data-testid="orphans-select-none">
            Clear selection
          </Button>
        )}
        {anyFilterText && (
          <Button variant="subtle" onClick={clearFilters} data-testid="orphans-filter-clear">
            Clear filters
          </Button>
        )}
      </Group>
      {collect.isError && (
        <Alert color="red" data-testid="orphans-select-error">
          {errorMessage(collect.error)}
        </Alert>
      )}
      {list.isError && (
        <Alert color="red" title="The orphans could not be listed" data-testid="orphans-list-error">
          {errorMessage(list.error)}
        </Alert>
      )}
      <OrphanRunsTable
        runs={runs}
        loading={list.isPending}
        emptyText="No orphan matches these filters."
        testId="orphans-list"
        state={list.isPending || list.isPlaceholderData || typing ? 'loading' : 'loaded'}
        selection={{ isPicked, toggle, locked: picked.mode === 'all', shown: { all: shownAllPicked, some: shownSomePicked, toggle: toggleShown } }}
      />
      <Group justify="space-between">
        <Text size="sm" c="dimmed" data-testid="orphans-shown-count">
          {formatCount(runs.length)} shown{list.hasNextPage ? ', more to load' : ''}
        </Text>
        {list.hasNextPage && (
          <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage} data-testid="orphans-load-more">
            Load more
          </Button>
        )}
      </Group>
    </Stack>
  );
}

/** The created-time range as filters, checked by the orphans list's own schema (its error belongs to "To"). */
function createdRange(from: string, to: string): { filters: Pick<OrphanFilters, 'createdFrom' | 'createdTo'>; toError: string | undefined } {
  const filters: Pick<OrphanFilters, 'createdFrom' | 'createdTo'> = {};
  const createdFrom = localToMs(from);
  const createdTo = localToMs(to);
  if (createdFrom !== undefined) filters.createdFrom = createdFrom;
  if (createdTo !== undefined) filters.createdTo = createdTo;
  const checked = listOrphansInput.safeParse({ filters });
  if (checked.success) return { filters, toError: undefined };
  const issue = checked.error.issues.find((candidate) => candidate.path.join('.') === 'filters.createdTo') ?? checked.error.issues[0];
  return { filters: {}, toError: issue?.message };
}
