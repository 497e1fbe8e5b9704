// The orphan list's filters: the fields as the operator typed and chose them, and the filters the list is asked with.
import { useDebouncedValue } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import { type RunStatus } from '../../src-shared/domain';
import { listOrphansInput } from '../../src-shared/schemas/orphans';
import { fieldIssuesOf } from '../../src-shared/field-issues';
import { type TypedRange, typedRange } from '../lib/typed-range';
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
  const { from: createdFrom, to: createdTo } = range;
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
  const filtered = Object.keys(filters).length > 0 || range.wrong;

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
    /** The created-time range as typed, with a message under a field the list would refuse. */
    range,
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

/** The created-time range, checked by the orphans list's own schema: a message under the field it is about. */
function createdRange(from: string, to: string): TypedRange {
  return typedRange(
    { from, to },
    (createdFrom, createdTo) => fieldIssuesOf(listOrphansInput, { filters: { createdFrom, createdTo } }),
    { from: 'filters.createdFrom', to: 'filters.createdTo' },
  );
}
