// #/automation (and #/runs/<id> as a drawer over it): stats, charts, active and recent runs, the history.
import { Alert, Button, Group, Paper, SegmentedControl, SimpleGrid, Stack, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { type SessionView } from '../../src-shared/schemas/accounts';
import { jobRunStatsInput, MAX_STATS_DAYS, type JobRunFilters, type JobTypeView } from '../../src-shared/schemas/jobs';
import { mayTrigger } from '../lib/permissions';
import { dayInZone, displayZone } from '../lib/time';
import { navigate, type Route } from '../lib/router';
import { authKeys } from '../queries/keys';
import { isApiError } from '../queries/client';
import { useUserByEmail } from '../queries/users';
import { useActiveRuns, useJobStats, useJobTypes, useRecentRuns, useRunHistory, ACTIVE_LIMIT } from '../queries/jobs';
import { CancelConfirm } from '../runs/CancelConfirm';
import { RunDetailDrawer } from '../runs/RunDetail';
import { TriggerDialog } from '../runs/TriggerDialog';
import { NoBusinessScreen } from '../screens/NoBusinessScreen';
import { useUiStore, useViewLoaded } from '../stores/ui';
import { BulkActions } from './BulkActions';
import { Charts } from './Charts';
import { HistoryFilters } from './HistoryFilters';
import { useHistorySelection, type HistorySelectionState } from './history-selection';
import { HistoryTable } from './HistoryTable';
import { ActiveRuns, RecentRuns } from './RunLists';
import { StatCards } from './StatCards';
import { StatsTables } from './StatsTables';
import { formatAutomationQuery, historyQuery, parseAutomationQuery, RANGE_PRESETS, rangeBounds, type AutomationQuery, type TimeRange } from './view-query';
import { CopyLinkButton } from '../lib/links';
import { withTag } from '../lib/tag-rows';
import { useDefaultView } from '../views/ViewsMenu';

type Props = { session: SessionView; route: Extract<Route, { name: 'automation' | 'run' }> };


export function AutomationView({ session, route }: Props) {
  const queryClient = useQueryClient();
  const openTrigger = useUiStore((state) => state.setTriggerDialogOpen);
  const { state, storedQuery, update } = useAutomationQuery(route);
  useDefaultView(session, route);
  const isSystemAdmin = session.user.role === 'system_admin';
  const showBusiness = session.scope?.kind === 'all';
  const { stats, statsRefused, active, recent, types, historyInput, history, loadedIds } = useAutomationData(state, isSystemAdmin);
  const selection = useHistorySelection(historyInput.filters, loadedIds);

  const settled = (statsRefused || !stats.isPending) && !active.isPending && !recent.isPending && !types.isPending && !history.isPending;
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
      <AutomationHeader
        range={state.range}
        onRangeChange={(range) => update({ range })}
        canTrigger={mayTrigger(session.user)}
        onTrigger={() => openTrigger(true)}
        viewQuery={new URLSearchParams(route.name === 'automation' ? route.query : storedQuery)}
      />

      {statsRefused ? (
        <Alert color="yellow" data-testid="stats-range-too-long">
          Statistics cover at most {MAX_STATS_DAYS} days: choose a shorter range to see them. The history below covers the whole range.
        </Alert>
      ) : (
        <>
          {stats.isError && !forbidden && <Alert color="red">{stats.error.message}</Alert>}
          <StatCards stats={stats.data} activeCount={active.data?.runs.length} />
          <Charts stats={stats.data} />
          <StatsTables stats={stats.data} />
        </>
      )}

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <ActiveRuns runs={active.data?.runs} error={active.error} showBusiness={showBusiness} user={session.user} more={(active.data?.runs.length ?? 0) >= ACTIVE_LIMIT && active.data?.nextCursor !== null} />
        <RecentRuns runs={recent.data} error={recent.error} showBusiness={showBusiness} />
      </SimpleGrid>

      <HistorySection
        state={state}
        update={update}
        jobTypes={types.data}
        filters={historyInput.filters}
        history={history}
        loadedCount={loadedIds.length}
        selection={selection}
        showBusiness={showBusiness}
        onReload={() => void queryClient.resetQueries({ queryKey: ['jobs', 'list'] })}
        openRunId={route.name === 'run' ? route.id : null}
      />

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

/** A change of the view's state: the fields that change, or a function of the state as the URL has it when applied. */
type QueryPatch = Partial<AutomationQuery> | ((current: AutomationQuery) => Partial<AutomationQuery>);

/** The view's state from the URL (under a run's drawer, the one it had), and `update`, which patches it into the URL. */
function useAutomationQuery(route: Props['route']) {
  const storedQuery = useUiStore((state) => state.automationQuery);
  const storeQuery = useUiStore((state) => state.setAutomationQuery);
  // Under a run's drawer the view keeps the filters it had.
  const queryString = route.name === 'automation' ? route.query.toString() : storedQuery;
  useEffect(() => {
    if (route.name === 'automation') storeQuery(queryString);
  }, [route.name, queryString, storeQuery]);
  const state = useMemo(() => parseAutomationQuery(new URLSearchParams(queryString)), [queryString]);

  /** Read the URL at call time: debounced inputs call this after other filters may have changed. */
  const update = (patch: QueryPatch) => {
    const current = parseAutomationQuery(new URLSearchParams(useUiStore.getState().automationQuery));
    navigate('/automation', formatAutomationQuery({ ...current, ...(typeof patch === 'function' ? patch(current) : patch) }), { replace: true });
  };
  return { state, storedQuery, update };
}

/** The view's queries: stats over the time range, active and recent runs, the job types, and the history with its loaded ids. */
function useAutomationData(state: AutomationQuery, isSystemAdmin: boolean) {
  // A system admin filtering by an email: the one account with it, so the history filters by its id.
  const triggeredBy = state.triggeredBy.trim();
  const byEmail = useUserByEmail(isSystemAdmin && triggeredBy.includes('@') ? triggeredBy : null);
  const minute = useMinuteTick();
  // `minute` is a dependency on purpose: a preset range moves with the clock.
  const statsRange = useMemo(() => ({ ...rangeBounds(state.range), timeZone: displayZone() }), [state.range, minute]);
  // A custom range longer than main's stats take (jobRunStatsInput) asks for none; the history still covers it.
  const statsRefused = useMemo(() => !jobRunStatsInput.safeParse(statsRange).success, [statsRange]);
  const historyInput = useMemo(
    () => historyQuery(state, (email) => (byEmail.data?.email.toLowerCase() === email.toLowerCase() ? byEmail.data.id : undefined)),
    [state, byEmail.data],
  );
  // The history first: queries are asked in this order, and main's short reads are answered in the order asked
  // (src-main/reads/pool.ts), so the view's main content never waits behind the side panels' reads.
  const history = useRunHistory(historyInput);
  const stats = useJobStats(statsRange, !statsRefused);
  const active = useActiveRuns();
  const recent = useRecentRuns();
  const types = useJobTypes();
  const loadedIds = useMemo(() => history.data?.pages.flatMap((page) => page.runs.map((run) => run.id)) ?? [], [history.data]);
  return { stats, statsRefused, active, recent, types, historyInput, history, loadedIds };
}

/** The title, the time range, and "Trigger a run" for those who may trigger. */
interface HeaderProps {
  range: TimeRange;
  onRangeChange(range: TimeRange): void;
  canTrigger: boolean;
  onTrigger(): void;
  /** The view's filters, range and sort, as its link carries them. */
  viewQuery: URLSearchParams;
}

function AutomationHeader({ range, onRangeChange, canTrigger, onTrigger, viewQuery }: HeaderProps) {
  return (
    <Group justify="space-between" align="flex-end" wrap="wrap">
      <Title order={2}>Automation</Title>
      <Group align="flex-end" wrap="wrap" gap="sm">
        <RangePicker range={range} onChange={onRangeChange} />
        <CopyLinkButton path="/automation" query={viewQuery} testId="view-copy-link" />
        {canTrigger && (
          <Button onClick={onTrigger} data-testid="trigger-button">
            Trigger a run
          </Button>
        )}
      </Group>
    </Group>
  );
}

interface HistorySectionProps {
  state: AutomationQuery;
  update(patch: QueryPatch): void;
  jobTypes: JobTypeView[] | undefined;
  /** The history's filters, as jobs.list gets them. */
  filters: JobRunFilters;
  history: ReturnType<typeof useRunHistory>;
  loadedCount: number;
  selection: HistorySelectionState;
  showBusiness: boolean;
  /** Reloads the history from its first page. */
  onReload(): void;
  /** The run open in the detail drawer, if any. */
  openRunId: number | null;
}

/** The history panel: its filters, the bulk-action bar over the selection, and the table. */
function HistorySection({ state, update, jobTypes, filters, history, loadedCount, selection, showBusiness, onReload, openRunId }: HistorySectionProps) {
  return (
    <Paper withBorder p="md">
      <Title order={3} size="h5" mb="sm">
        History
      </Title>
      <Stack gap="sm">
        <HistoryFilters state={state} jobTypes={jobTypes} onChange={update} />
        <BulkActions selection={selection.selection} filters={filters} loadedCount={loadedCount} onSelectAllMatching={selection.selectAllMatching} onClear={selection.clear} />
        <HistoryTable
          data={history.data}
          isPending={history.isPending}
          isFetching={history.isFetching}
          error={history.error}
          hasNextPage={history.hasNextPage}
          isFetchingNextPage={history.isFetchingNextPage}
          fetchNextPage={() => void history.fetchNextPage()}
          isStale={history.isStale && !history.isFetching}
          reload={onReload}
          showBusiness={showBusiness}
          sort={state.sort}
          onSortChange={(sort) => update({ sort })}
          selection={selection.selection}
          onToggleRow={selection.toggleRow}
          onToggleLoaded={selection.toggleLoaded}
          openRunId={openRunId}
          hidden={state.hidden}
          onHiddenChange={(hidden) => update({ hidden })}
          onAddTag={(key, value) => update((current) => ({ tags: withTag(current.tags, key, value) }))}
        />
      </Stack>
    </Paper>
  );
}

function RangePicker({ range, onChange }: { range: TimeRange; onChange(range: TimeRange): void }) {
  const today = dayInZone();
  const weekAgo = dayInZone(6);
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
          <TextInput type="date" label={`From (${displayZone()})`} size="xs" value={range.from} max={range.to} onChange={(e) => e.currentTarget.value && onChange({ ...range, from: e.currentTarget.value })} data-testid="range-from" />
          <TextInput
            type="date"
            label={`To (${displayZone()})`}
            size="xs"
            value={range.to}
            min={range.from}
            // Typed by hand, a day before From reads as an empty range: say so rather than show zero runs.
            error={range.to < range.from ? 'To must be on or after From.' : undefined}
            onChange={(e) => e.currentTarget.value && onChange({ ...range, to: e.currentTarget.value })}
            data-testid="range-to"
          />
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
