// #/automation (and #/runs/<id> as a drawer over it): stats, charts, active and recent runs, the history.
import { Alert, Button, Group, Paper, SegmentedControl, SimpleGrid, Stack, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { type SessionView } from '../../src-shared/schemas/accounts';
import { mayTrigger } from '../lib/permissions';
import { navigate, type Route } from '../lib/router';
import { authKeys } from '../queries/keys';
import { isApiError } from '../queries/client';
import { useUsers } from '../queries/users';
import { useActiveRuns, useJobStats, useJobTypes, useRecentRuns, useRunHistory, ACTIVE_LIMIT } from '../queries/jobs';
import { CancelConfirm } from '../runs/CancelConfirm';
import { RunDetailDrawer } from '../runs/RunDetail';
import { TriggerDialog } from '../runs/TriggerDialog';
import { NoBusinessScreen } from '../screens/NoBusinessScreen';
import { useUiStore, useViewLoaded } from '../stores/ui';
import { BulkActions, type HistorySelection } from './BulkActions';
import { Charts } from './Charts';
import { HistoryFilters } from './HistoryFilters';
import { HistoryTable } from './HistoryTable';
import { ActiveRuns, RecentRuns } from './RunLists';
import { StatCards } from './StatCards';
import { formatAutomationQuery, historyQuery, parseAutomationQuery, RANGE_PRESETS, rangeBounds, type AutomationQuery, type TimeRange } from './view-query';

type Props = { session: SessionView; route: Extract<Route, { name: 'automation' | 'run' }> };

const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function AutomationView({ session, route }: Props) {
  const queryClient = useQueryClient();
  const storedQuery = useUiStore((state) => state.automationQuery);
  const storeQuery = useUiStore((state) => state.setAutomationQuery);
  const openTrigger = useUiStore((state) => state.setTriggerDialogOpen);
  // Under a run's drawer the view keeps the filters it had.
  const queryString = route.name === 'automation' ? route.query.toString() : storedQuery;
  useEffect(() => {
    if (route.name === 'automation') storeQuery(queryString);
  }, [route.name, queryString, storeQuery]);
  const state = useMemo(() => parseAutomationQuery(new URLSearchParams(queryString)), [queryString]);

  /** Read the URL at call time: debounced inputs call this after other filters may have changed. */
  const update = (patch: Partial<AutomationQuery>) => {
    const current = parseAutomationQuery(new URLSearchParams(useUiStore.getState().automationQuery));
    navigate('/automation', formatAutomationQuery({ ...current, ...patch }), { replace: true });
  };

  const isSystemAdmin = session.user.role === 'system_admin';
  const showBusiness = session.scope?.kind === 'all';
  const users = useUsers(isSystemAdmin && state.triggeredBy.includes('@'));

  const minute = useMinuteTick();
  // `minute` is a dependency on purpose: a preset range moves with the clock.
  const statsRange = useMemo(() => ({ ...rangeBounds(state.range), timeZone: TIME_ZONE }), [state.range, minute]);
  const stats = useJobStats(statsRange);
  const active = useActiveRuns();
  const recent = useRecentRuns();
  const types = useJobTypes();
  const historyInput = useMemo(
    () => historyQuery(state, (email) => users.data?.find((user) => user.email === email.toLowerCase())?.id),
    [state, users.data],
  );
  const history = useRunHistory(historyInput);
  const loadedIds = useMemo(() => history.data?.pages.flatMap((page) => page.runs.map((run) => run.id)) ?? [], [history.data]);

  // The selection belongs to the filters it was made under: new filters start with none.
  const filtersKey = JSON.stringify(historyInput.filters);
  const [stored, setStored] = useState<{ key: string; selection: HistorySelection }>({ key: filtersKey, selection: { kind: 'ids', ids: new Set() } });
  const selection: HistorySelection = stored.key === filtersKey ? stored.selection : { kind: 'ids', ids: new Set() };
  const setSelection = (next: HistorySelection) => setStored({ key: filtersKey, selection: next });
  const toggleRow = (id: number) => {
    // Unchecking one run of "all matching" keeps the other loaded runs.
    const ids = new Set(selection.kind === 'filter' ? loadedIds : selection.ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    setSelection({ kind: 'ids', ids });
  };
  const toggleLoaded = (ids: number[]) => {
    const all = selection.kind === 'filter' || (ids.length > 0 && ids.every((id) => selection.ids.has(id)));
    setSelection({ kind: 'ids', ids: all ? new Set() : new Set(ids) });
  };

  const settled = !stats.isPending && !active.isPending && !recent.isPending && !types.isPending && !history.isPending;
  useViewLoaded(settled || stats.isError);

  const forbidden = [stats.error, active.error, recent.error, history.error].find((error) => isApiError(error, 'FORBIDDEN'));
  useEffect(() => {
    // Maybe the account was unlinked or its business disabled since sign-in: ask who we are now.
    if (forbidden) void queryClient.invalidateQueries({ queryKey: authKeys.status });
  }, [forbidden, queryClient]);
  if (forbidden && !isSystemAdmin) {
    const message = forbidden.message;
    return <NoBusinessScreen reason={/not linked/i.test(message) ? 'no_business' : 'business_disabled'} message={message} />;
  }

  return (
    <Stack gap="md" data-testid="automation-view">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Title order={2}>Automation</Title>
        <Group align="flex-end" wrap="wrap" gap="sm">
          <RangePicker range={state.range} onChange={(range) => update({ range })} />
          {mayTrigger(session.user) && (
            <Button onClick={() => openTrigger(true)} data-testid="trigger-button">
              Trigger a run
            </Button>
          )}
        </Group>
      </Group>

      {stats.isError && !forbidden && <Alert color="red">{stats.error.message}</Alert>}
      <StatCards stats={stats.data} activeCount={active.data?.runs.length} />
      <Charts stats={stats.data} />

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <ActiveRuns runs={active.data?.runs} error={active.error} showBusiness={showBusiness} user={session.user} more={(active.data?.runs.length ?? 0) >= ACTIVE_LIMIT && active.data?.nextCursor !== null} />
        <RecentRuns runs={recent.data} error={recent.error} showBusiness={showBusiness} />
      </SimpleGrid>

      <Paper withBorder p="md">
        <Title order={3} size="h5" mb="sm">
          History
        </Title>
        <Stack gap="sm">
          <HistoryFilters state={state} jobTypes={types.data} onChange={update} />
          <BulkActions
            selection={selection}
            filters={historyInput.filters}
            loadedCount={loadedIds.length}
            onSelectAllMatching={() => setSelection({ kind: 'filter' })}
            onClear={() => setSelection({ kind: 'ids', ids: new Set() })}
          />
          <HistoryTable
            data={history.data}
            isPending={history.isPending}
            isFetching={history.isFetching}
            error={history.error}
            hasNextPage={history.hasNextPage}
            isFetchingNextPage={history.isFetchingNextPage}
            fetchNextPage={() => void history.fetchNextPage()}
            isStale={history.isStale && !history.isFetching}
            reload={() => void queryClient.resetQueries({ queryKey: ['jobs', 'list'] })}
            showBusiness={showBusiness}
            sort={state.sort}
            onSortChange={(sort) => update({ sort })}
            selection={selection}
            onToggleRow={toggleRow}
            onToggleLoaded={toggleLoaded}
          />
        </Stack>
      </Paper>

      <RunDetailDrawer
        runId={route.name === 'run' ? route.id : null}
        session={session}
        onClose={() => navigate('/automation', new URLSearchParams(storedQuery))}
      />
      <TriggerDialog session={session} />
      <CancelConfirm />
    </Stack>
  );
}

function RangePicker({ range, onChange }: { range: TimeRange; onChange(range: TimeRange): void }) {
  const today = new Date().toISOString().slice(0, 10);
  const weekAgo = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
  return (
    <Group gap="xs" align="flex-end" data-testid="time-range">
      <SegmentedControl
        aria-label="Time range"
        data={[...RANGE_PRESETS.map((preset) => ({ value: preset, label: preset })), { value: 'custom', label: 'Custom' }]}
        value={range.kind === 'custom' ? 'custom' : range.preset}
        onChange={(value) =>
          onChange(value === 'custom' ? { kind: 'custom', from: weekAgo, to: today } : { kind: 'preset', preset: value as (typeof RANGE_PRESETS)[number] })
        }
      />
      {range.kind === 'custom' && (
        <>
          <TextInput type="date" label="From" size="xs" value={range.from} max={range.to} onChange={(e) => e.currentTarget.value && onChange({ ...range, from: e.currentTarget.value })} data-testid="range-from" />
          <TextInput type="date" label="To" size="xs" value={range.to} min={range.from} onChange={(e) => e.currentTarget.value && onChange({ ...range, to: e.currentTarget.value })} data-testid="range-to" />
        </>
      )}
    </Group>
  );
}

/** A preset range ends at the next minute: this moves it along while the view stays open. */
function useMinuteTick(): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 60_000);
    return () => clearInterval(timer);
  }, []);
  return tick;
}
