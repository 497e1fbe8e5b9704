// The orphan list's filters: the fields as the operator typed and chose them, and the filters the list is asked with.
import { useDebouncedValue } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import { type RunStatus } from '../../src-shared/domain';
import { listOrphansInput } from '../../src-shared/schemas/orphans';
import { typedTimeMs } from '../lib/time';
import { type OrphanFilters } from '../queries/orphans';

/** The filter fields' state; the two texts reach the filters 300 ms after the last keystroke. */
export function useOrphanFilters() {
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

  const clear = () => {
    setStatuses([]);
    setJobTypes([]);
    setSearchText('');
    setByText('');
    setFrom('');
    setTo('');
  };

  return {
    fields: { statuses, jobTypes, searchText, byText, from, to },
    set: { statuses: setStatuses, jobTypes: setJobTypes, searchText: setSearchText, byText: setByText, from: setFrom, to: setTo },
    toError: range.toError,
    filters,
    filtered,
    /** A text typed has not reached the filters yet. */
    typing: search !== searchText.trim() || triggeredBy !== byText.trim(),
    /** Any field holds something, even text that filters nothing yet. */
    anyInput: filtered || searchText !== '' || byText !== '' || from !== '' || to !== '',
    clear,
  };
}

export type OrphanFilterState = ReturnType<typeof useOrphanFilters>;

/** The created-time range as filters, checked by the orphans list's own schema (its error belongs to "To"). */
function createdRange(from: string, to: string): { filters: Pick<OrphanFilters, 'createdFrom' | 'createdTo'>; toError: string | undefined } {
  const filters: Pick<OrphanFilters, 'createdFrom' | 'createdTo'> = {};
  const createdFrom = typedTimeMs(from);
  const createdTo = typedTimeMs(to);
  if (createdFrom !== undefined) filters.createdFrom = createdFrom;
  if (createdTo !== undefined) filters.createdTo = createdTo;
  const checked = listOrphansInput.safeParse({ filters });
  if (checked.success) return { filters, toError: undefined };
  const issue = checked.error.issues.find((candidate) => candidate.path.join('.') === 'filters.createdTo') ?? checked.error.issues[0];
  return { filters: {}, toError: issue?.message };
}
