// The automation view's state in the URL (#/automation?range=7d&status=failed,cancelled&q=…&tag=env%3Dprod&sort=durationMs:desc):
// parsed into the time range and the history's filters and sort, and written back when they change.
import { RUN_STATUSES, RUN_TRIGGERS, type RunStatus, type RunTrigger } from '../../src-shared/domain';
import { JOB_RUN_SORT_FIELDS, rangeEndAfter, type JobRunFilters, type ListJobRunsInput } from '../../src-shared/schemas/jobs';
import { formatTag, MAX_TAGS, parseTag, sortedTags, tagProblem, type RunTags } from '../../src-shared/tags';
import { type HistoryQuery } from '../queries/keys';
import { dayStartMs } from '../lib/time';

export const RANGE_PRESETS = ['24h', '7d', '30d', '90d'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
const PRESET_MS: Record<RangePreset, number> = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000, '90d': 90 * 86_400_000 };
const MINUTE = 60_000;

/** The calendar day after YYYY-MM-DD. */
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

export type TimeRange = { kind: 'preset'; preset: RangePreset } | { kind: 'custom'; from: string; to: string };
export type HistorySort = ListJobRunsInput['sort'];

/** The history's columns a person may hide (the run, its status and its creation time always show). */
export const HIDEABLE_COLUMNS = ['jobType', 'error', 'trigger', 'triggeredBy', 'business', 'tags', 'startedAt', 'durationMs'] as const;
export type HideableColumn = (typeof HIDEABLE_COLUMNS)[number];

export interface AutomationQuery {
  range: TimeRange;
  statuses: RunStatus[];
  jobTypes: string[];
  triggers: RunTrigger[];
  triggeredBy: string;
  search: string;
  /** Runs carrying every one of these tags (`tag=env%3Dprod`, one param per tag). */
  tags: RunTags;
  sort: HistorySort;
  /** The history's columns hidden by choice (`hide=error,trigger`). */
  hidden: HideableColumn[];
}

const DEFAULT_SORT: HistorySort = { field: 'createdAt', direction: 'desc' };

const list = (value: string | null) => (value ? value.split(',').filter(Boolean) : []);
const isOneOf = <T extends string>(values: readonly T[]) => (value: string): value is T => (values as readonly string[]).includes(value);
/** A calendar day as the URL and the date fields hold it (YYYY-MM-DD). */
export const isDay = (value: string | null): value is string => value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value);

/**
 * The URL's tags, by name: one that is not `name=value` or that no run could carry is left out, a name given again
 * takes the later value (a run has one value per name), and those after the first MAX_TAGS names are left out.
 */
function tagsOfQuery(values: readonly string[]): RunTags {
  const tags = new Map<string, string>();
  for (const text of values) {
    const tag = parseTag(text);
    if (!tag || tagProblem(...tag) !== null) continue;
    if (!tags.has(tag[0]) && tags.size >= MAX_TAGS) continue;
    tags.set(tag[0], tag[1]);
  }
  return Object.fromEntries(sortedTags(Object.fromEntries(tags)));
}

export function parseAutomationQuery(query: URLSearchParams): AutomationQuery {
  const range = query.get('range') ?? '7d';
  const from = query.get('from');
  const to = query.get('to');
  const [field, direction] = (query.get('sort') ?? '').split(':');
  return {
    range:
      range === 'custom' && isDay(from) && isDay(to)
        ? { kind: 'custom', from, to }
        : { kind: 'preset', preset: isOneOf(RANGE_PRESETS)(range) ? range : '7d' },
    statuses: list(query.get('status')).filter(isOneOf(RUN_STATUSES)),
    jobTypes: list(query.get('jobType')),
    triggers: list(query.get('trigger')).filter(isOneOf(RUN_TRIGGERS)),
    triggeredBy: query.get('by') ?? '',
    search: query.get('q') ?? '',
    tags: tagsOfQuery(query.getAll('tag')),
    sort:
      field && isOneOf(JOB_RUN_SORT_FIELDS)(field) && (direction === 'asc' || direction === 'desc') ? { field, direction } : DEFAULT_SORT,
    hidden: list(query.get('hide')).filter(isOneOf(HIDEABLE_COLUMNS)),
  };
}

export function formatAutomationQuery(state: AutomationQuery): URLSearchParams {
  const query = new URLSearchParams();
  if (state.range.kind === 'custom') {
    query.set('range', 'custom');
    query.set('from', state.range.from);
    query.set('to', state.range.to);
  } else if (state.range.preset !== '7d') {
    query.set('range', state.range.preset);
  }
  if (state.statuses.length) query.set('status', state.statuses.join(','));
  if (state.jobTypes.length) query.set('jobType', state.jobTypes.join(','));
  if (state.triggers.length) query.set('trigger', state.triggers.join(','));
  if (state.triggeredBy) query.set('by', state.triggeredBy);
  if (state.search) query.set('q', state.search);
  for (const [key, value] of sortedTags(state.tags)) query.append('tag', formatTag(key, value));
  if (state.sort.field !== DEFAULT_SORT.field || state.sort.direction !== DEFAULT_SORT.direction) {
    query.set('sort', `${state.sort.field}:${state.sort.direction}`);
  }
  if (state.hidden.length) query.set('hide', state.hidden.join(','));
  return query;
}

/** Milliseconds of a range. A preset ends at the next whole minute, so its query key holds still for a minute. */
export function rangeBounds(range: TimeRange, now = Date.now()): { from: number; to: number } {
  if (range.kind === 'custom') {
    // Whole days in the zone times are shown in; the next day's start, not 24 h, so a DST day counts right.
    const from = dayStartMs(range.from);
    const to = dayStartMs(nextDay(range.to));
    return { from, to: Math.max(to, from + MINUTE) };
  }
  const to = rangeEndAfter(now);
  return { from: to - PRESET_MS[range.preset], to };
}

/** The history's filters. A preset range has no end, so new runs keep arriving at the top. */
export function historyQuery(state: AutomationQuery, userIdByEmail: (text: string) => number | undefined): HistoryQuery {
  const filters: JobRunFilters = {};
  if (state.statuses.length) filters.statuses = state.statuses;
  if (state.jobTypes.length) filters.jobTypes = state.jobTypes;
  if (state.triggers.length) filters.triggers = state.triggers;
  const by = state.triggeredBy.trim();
  if (by) {
    // A user's id or an account's email: that user. Anything else as recorded: an email, `scheduler`, a
    // server-edition user id, or a schedule's name.
    const id = /^\d+$/.test(by) ? Number(by) : userIdByEmail(by);
    if (id !== undefined) filters.triggeredByUserId = id;
    else filters.triggeredBy = by;
  }
  const search = state.search.trim();
  if (search) filters.search = search;
  if (Object.keys(state.tags).length) filters.tags = state.tags;
  const bounds = rangeBounds(state.range);
  filters.createdFrom = bounds.from;
  if (state.range.kind === 'custom') filters.createdTo = bounds.to;
  return { filters, sort: state.sort };
}
