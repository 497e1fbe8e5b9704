// The check's orphan list: the filters, the selection controls, and the matching orphans a page at a time.
import { Alert, Autocomplete, Button, Group, MultiSelect, Stack, Text, TextInput } from '@mantine/core';
import { useMemo } from 'react';
import { RUN_STATUS_LABELS, RUN_STATUSES, type RunStatus } from '../../src-shared/domain';
import { type JobRunView } from '../../src-shared/schemas/jobs';
import { formatCount } from '../lib/format';
import { TimeRangeFields } from '../lib/time-range';
import { errorMessage } from '../queries/client';
import { useJobTypes } from '../queries/jobs';
import { useCollectOrphanIds, useOrphanList } from '../queries/orphans';
import { useOrphanFilters, type OrphanFilterState } from './orphan-filters';
import { orphanRowSelection, type Picked } from './orphan-selection';
import { OrphanRunsTable } from './OrphanRunsTable';

interface PickProps {
  picked: Picked;
  onPick(picked: Picked): void;
}

export function OrphanList({ picked, onPick }: PickProps) {
  const filterState = useOrphanFilters();
  const list = useOrphanList(filterState.filters);
  const runs = useMemo(() => list.data?.pages.flatMap((page) => page.runs) ?? [], [list.data]);

  return (
    <Stack gap="sm">
      <OrphanFilterBar state={filterState} runs={runs} />
      <OrphanSelectBar state={filterState} picked={picked} onPick={onPick} />
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
        state={list.isPending || list.isPlaceholderData || filterState.typing ? 'loading' : 'loaded'}
        selection={orphanRowSelection(picked, onPick, runs)}
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

/** The first row of filters: status, job type, who triggered, when created. */
function OrphanFilterBar({ state, runs }: { state: OrphanFilterState; runs: JobRunView[] }) {
  const { fields, set } = state;
  const types = useJobTypes();
  // Who triggered the orphans loaded so far: offered as you type, any other text still matches.
  const triggeredBySeen = useMemo(() => [...new Set(runs.flatMap((run) => (run.triggeredBy ? [run.triggeredBy] : [])))].sort().slice(0, 100), [runs]);
  return (
    <Group align="flex-start" gap="sm" wrap="wrap">
      <MultiSelect
        label="Status"
        placeholder={fields.statuses.length ? undefined : 'Any'}
        data={RUN_STATUSES.map((status) => ({ value: status, label: RUN_STATUS_LABELS[status] }))}
        value={fields.statuses}
        onChange={(values) => set.statuses(values as RunStatus[])}
        clearable
        w={240}
        data-testid="orphans-filter-status"
      />
      <MultiSelect
        label="Job type"
        placeholder={fields.jobTypes.length ? undefined : 'Any'}
        data={(types.data ?? []).map((type) => ({ value: type.key, label: type.key }))}
        value={fields.jobTypes}
        onChange={set.jobTypes}
        searchable
        clearable
        w={220}
        data-testid="orphans-filter-jobtype"
      />
      <Autocomplete
        label="Triggered by"
        placeholder="Email, user id or label"
        data={triggeredBySeen}
        value={fields.byText}
        onChange={set.byText}
        limit={20}
        w={240}
        data-testid="orphans-filter-triggered-by"
      />
      <TimeRangeFields
        from={fields.from}
        to={fields.to}
        onFrom={set.from}
        onTo={set.to}
        errors={state.range.errors}
        labels={['Created from', 'Created before']}
        testIdPrefix="orphans-filter-created"
      />
    </Group>
  );
}

/** The second row: the search box, select all (matching) or none, clear the filters; it owns collecting the matching ids. */
function OrphanSelectBar({ state, picked, onPick }: PickProps & { state: OrphanFilterState }) {
  const collect = useCollectOrphanIds();
  const selectAllMatching = () => {
    if (!state.filtered) {
      onPick({ mode: 'all' });
      return;
    }
    collect.mutate(state.filters, { onSuccess: (matching) => onPick({ mode: 'ids', ids: new Set(matching) }) });
  };
  const hasSelection = picked.mode === 'all' || picked.ids.size > 0;
  return (
    <>
      <Group align="flex-end" gap="sm" wrap="wrap">
        <TextInput
          label="Search"
          placeholder="Run id, server-edition id, job type, error…"
          value={state.fields.searchText}
          onChange={(e) => state.set.searchText(e.currentTarget.value)}
          type="search"
          w={320}
          data-testid="orphans-filter-search"
        />
        <Button
          variant="light"
          onClick={selectAllMatching}
          loading={collect.isPending}
          disabled={picked.mode === 'all' || state.typing || state.range.wrong}
          data-testid="orphans-select-all"
        >
          {state.filtered ? 'Select all matching' : 'Select all orphans'}
        </Button>
        {hasSelection && (
          <Button variant="subtle" onClick={() => onPick({ mode: 'ids', ids: new Set() })} data-testid="orphans-select-none">
            Clear selection
          </Button>
        )}
        {state.anyInput && (
          <Button variant="subtle" onClick={state.clear} data-testid="orphans-filter-clear">
            Clear filters
          </Button>
        )}
      </Group>
      {collect.isError && (
        <Alert color="red" data-testid="orphans-select-error">
          {errorMessage(collect.error)}
        </Alert>
      )}
    </>
  );
}
