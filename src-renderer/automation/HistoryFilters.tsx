// The history's filters; every change goes to the URL (the parent writes it), so the view can be bookmarked.
import { Button, Group, MultiSelect, TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useEffect, useRef, useState } from 'react';
import { RUN_STATUS_LABELS, RUN_STATUSES, RUN_TRIGGERS, type RunStatus, type RunTrigger } from '../../src-shared/domain';
import { type JobTypeView } from '../../src-shared/schemas/jobs';
import { useKeys } from '../keyboard/keys';
import { TRIGGER_LABELS } from '../lib/format';
import { type AutomationQuery } from './view-query';

interface Props {
  state: AutomationQuery;
  jobTypes: JobTypeView[] | undefined;
  onChange(patch: Partial<AutomationQuery>): void;
}

export function HistoryFilters({ state, jobTypes, onChange }: Props) {
  const [search, setSearch] = useDebouncedText(state.search, (search) => onChange({ search }));
  const [by, setBy] = useDebouncedText(state.triggeredBy, (triggeredBy) => onChange({ triggeredBy }));
  const filtered = state.statuses.length + state.jobTypes.length + state.triggers.length > 0 || state.search !== '' || state.triggeredBy !== '';
  // `/` searches the history, unless a dialog is open over it.
  const searchRef = useRef<HTMLInputElement>(null);
  useKeys({ '/': () => searchRef.current?.focus() }, { page: true });

  return (
    <Group align="flex-end" gap="sm" wrap="wrap">
      <MultiSelect
        label="Status"
        placeholder={state.statuses.length ? undefined : 'Any'}
        data={RUN_STATUSES.map((status) => ({ value: status, label: RUN_STATUS_LABELS[status] }))}
        value={state.statuses}
        onChange={(values) => onChange({ statuses: values as RunStatus[] })}
        clearable
        w={260}
        data-testid="filter-status"
      />
      <MultiSelect
        label="Job type"
        placeholder={state.jobTypes.length ? undefined : 'Any'}
        data={(jobTypes ?? []).map((type) => ({ value: type.key, label: type.key }))}
        value={state.jobTypes}
        onChange={(jobTypes) => onChange({ jobTypes })}
        searchable
        clearable
        w={240}
        data-testid="filter-jobtype"
      />
      <MultiSelect
        label="Trigger"
        placeholder={state.triggers.length ? undefined : 'Any'}
        data={RUN_TRIGGERS.map((trigger) => ({ value: trigger, label: TRIGGER_LABELS[trigger] ?? trigger }))}
        value={state.triggers}
        onChange={(values) => onChange({ triggers: values as RunTrigger[] })}
        clearable
        w={200}
        data-testid="filter-trigger"
      />
      <TextInput label="Triggered by" placeholder="User id or email" value={by} onChange={(e) => setBy(e.currentTarget.value)} w={180} data-testid="filter-triggered-by" />
      <TextInput
        label="Search"
        placeholder="Run id, job type, error…"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        w={220}
        type="search"
        ref={searchRef}
        data-testid="filter-search"
      />
      {filtered && (
        <Button variant="subtle" onClick={() => onChange({ statuses: [], jobTypes: [], triggers: [], search: '', triggeredBy: '' })} data-testid="filter-clear">
          Clear filters
        </Button>
      )}
    </Group>
  );
}

/** Typed text shows at once and reaches the URL after a pause; a URL change (back, bookmark) replaces it. */
function useDebouncedText(value: string, commit: (value: string) => void): [string, (value: string) => void] {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const debounced = useDebouncedCallback(commit, 300);
  return [
    text,
    (next) => {
      setText(next);
      debounced(next);
    },
  ];
}
