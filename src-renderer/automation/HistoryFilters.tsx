// The history's filters; every change goes to the URL (the parent writes it), so the view can be bookmarked. A tag
// filter is typed as name=value (Enter adds it) and shows, under the fields, as a chip that removes it, beside
// "Clear filters".
import { ActionIcon, Button, Group, MultiSelect, Pill, Stack, TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useEffect, useRef, useState } from 'react';
import { RUN_STATUS_LABELS, RUN_STATUSES, RUN_TRIGGERS, type RunStatus, type RunTrigger } from '../../src-shared/domain';
import { type JobTypeView } from '../../src-shared/schemas/jobs';
import { formatTag, MAX_TAGS, sortedTags, type RunTags } from '../../src-shared/tags';
import { useKeys } from '../keyboard/keys';
import { TRIGGER_LABELS } from '../lib/format';
import { parseTagFilter, withoutTag, withTag } from '../lib/tag-rows';
import { type AutomationQuery } from './view-query';

interface Props {
  state: AutomationQuery;
  jobTypes: JobTypeView[] | undefined;
  onChange(patch: Partial<AutomationQuery>): void;
}

export function HistoryFilters({ state, jobTypes, onChange }: Props) {
  const [search, setSearch] = useDebouncedText(state.search, (search) => onChange({ search }));
  const [by, setBy] = useDebouncedText(state.triggeredBy, (triggeredBy) => onChange({ triggeredBy }));
  const filtered = state.statuses.length + state.jobTypes.length + state.triggers.length + Object.keys(state.tags).length > 0 || state.search !== '' || state.triggeredBy !== '';
  // `/` searches the history, unless a dialog is open over it.
  const searchRef = useRef<HTMLInputElement>(null);
  useKeys({ '/': () => searchRef.current?.focus() }, { page: true });

  return (
    <Stack gap="xs">
      {/* Tops aligned: a field's error (the tag's) grows it downwards, leaving the others in line. */}
      <Group align="flex-start" gap="sm" wrap="wrap">
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
        <TagFilterInput tags={state.tags} onAdd={(key, value) => onChange({ tags: withTag(state.tags, key, value) })} />
      </Group>
      {filtered && (
        <Group gap={6}>
          {sortedTags(state.tags).map(([key, value]) => (
            <TagFilterChip key={key} text={formatTag(key, value)} onRemove={() => onChange({ tags: withoutTag(state.tags, key) })} />
          ))}
          <Button variant="subtle" size="compact-sm" onClick={() => onChange({ statuses: [], jobTypes: [], triggers: [], search: '', triggeredBy: '', tags: {} })} data-testid="filter-clear">
            Clear filters
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/** A tag to filter by, typed as name=value: Enter (or +) adds it; what it is not says why under it. */
function TagFilterInput({ tags, onAdd }: { tags: RunTags; onAdd(key: string, value: string): void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const add = () => {
    if (text.trim() === '') return;
    const parsed = parseTagFilter(text);
    if ('error' in parsed) return setError(parsed.error);
    const [key, value] = parsed.tag;
    if (!Object.hasOwn(tags, key) && Object.keys(tags).length >= MAX_TAGS) return setError(`The history filters by at most ${MAX_TAGS} tags.`);
    onAdd(key, value);
    setText('');
    setError(null);
  };
  return (
    <TextInput
      label="Tag"
      placeholder="name=value"
      value={text}
      onChange={(event) => {
        setText(event.currentTarget.value);
        setError(null);
      }}
      onKeyDown={(event) => {
        if (event.key === 'Enter') {
          event.preventDefault();
          add();
        }
      }}
      error={error}
      w={180}
      rightSection={
        <ActionIcon variant="subtle" size="sm" aria-label="Add the tag filter" onClick={add} disabled={text.trim() === ''} data-testid="filter-tag-add">
          +
        </ActionIcon>
      }
      data-testid="filter-tag"
    />
  );
}

/** A tag filtered by, as a chip whose × removes it. */
function TagFilterChip({ text, onRemove }: { text: string; onRemove(): void }) {
  return (
    <Pill
      withRemoveButton
      onRemove={onRemove}
      // Mantine hides the × from the keyboard and screen readers (in an input, Backspace removes a pill): here it is the only way.
      removeButtonProps={{ 'aria-label': `Stop filtering by ${text}`, 'aria-hidden': false, tabIndex: 0 }}
      ff="monospace"
      data-tag={text}
      data-testid="filter-tag-chip"
    >
      {text}
    </Pill>
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
