// Tags on screen: the editor the trigger and schedule forms share (rows of a name and a value, at most MAX_TAGS, each
// row's problem under it in words), and tags shown as small badges: plain CSS (`.tag-chip` in styles.css), so the
// history's many rows can show them, and buttons when choosing one does something (the history filters by it).
import { Button, CloseButton, Group, Input, Stack, Text, TextInput } from '@mantine/core';
import { useMemo, useState } from 'react';
import { formatTag, MAX_TAGS, sortedTags, type RunTags } from '../../src-shared/tags';
import { tagErrorsOf, tagRow, tagRowProblems, tagRows, tagsOfRows, tagsText, type TagRow } from './tag-rows';

/** A form's tags: the rows as edited, the tags they say, and each row's problem. */
export interface TagsField {
  rows: TagRow[];
  setRows(update: (rows: TagRow[]) => TagRow[]): void;
  /** What the form sends. */
  tags: RunTags;
  /** Each row's problem in a sentence, or null. */
  problems: (string | null)[];
  /** No row has a problem: the form may send the tags. */
  valid: boolean;
  /** The rows' problems show: the form was sent once (until then a half-typed tag is not an error). */
  revealed: boolean;
  reveal(): void;
}

/** The tags of a form, starting from `initial` (a run's or schedule's own). */
export function useTagsField(initial: RunTags | undefined): TagsField {
  const [rows, setRows] = useState(() => tagRows(initial ?? {}));
  const [revealed, setRevealed] = useState(false);
  const problems = useMemo(() => tagRowProblems(rows), [rows]);
  const tags = useMemo(() => tagsOfRows(rows), [rows]);
  return { rows, setRows, tags, problems, valid: problems.every((problem) => problem === null), revealed, reveal: () => setRevealed(true) };
}

/**
 * The rows, an "Add tag" while there are fewer than MAX_TAGS, and the problems: a row's own once the form was sent, else
 * main's for that tag (`errors` by path: `tags.<name>`); main's about all of them under the rows.
 */
export function TagsEditor({ field, errors, description, testId }: { field: TagsField; errors: Readonly<Record<string, string>>; description: string; testId: string }) {
  const [focusId, setFocusId] = useState<number | null>(null);
  const placed = tagErrorsOf(errors, field.rows);
  const full = field.rows.length >= MAX_TAGS;
  const change = (id: number, patch: Partial<TagRow>) => field.setRows((rows) => rows.map((row) => (row.id === id ? { ...row, ...patch } : row)));
  const add = () => {
    const row = tagRow();
    setFocusId(row.id);
    field.setRows((rows) => [...rows, row]);
  };

  return (
    <Input.Wrapper label="Tags" labelElement="div" description={description} error={placed.all} errorProps={{ 'data-testid': `${testId}-error` }} data-testid={testId}>
      <Stack gap={6} mt={6}>
        {field.rows.map((row, index) => {
          const error = (field.revealed ? field.problems[index] : null) ?? placed.rows[index];
          return (
            <div key={row.id} data-testid={`${testId}-row-${index}`}>
              <Group gap="xs" wrap="nowrap" align="center">
                <TextInput
                  aria-label={`Tag ${index + 1} name`}
                  placeholder="Name, such as env"
                  value={row.key}
                  onChange={(event) => change(row.id, { key: event.currentTarget.value })}
                  error={error ? true : undefined}
                  autoFocus={row.id === focusId}
                  style={{ flex: 2 }}
                  data-testid={`${testId}-key-${index}`}
                />
                <TextInput
                  aria-label={`Tag ${index + 1} value`}
                  placeholder="Value, such as prod"
                  value={row.value}
                  onChange={(event) => change(row.id, { value: event.currentTarget.value })}
                  error={error ? true : undefined}
                  style={{ flex: 3 }}
                  data-testid={`${testId}-value-${index}`}
                />
                <CloseButton aria-label={`Remove tag ${index + 1}`} onClick={() => field.setRows((rows) => rows.filter((other) => other.id !== row.id))} data-testid={`${testId}-remove-${index}`} />
              </Group>
              {error && (
                <Input.Error mt={4} data-testid={`${testId}-error-${index}`}>
                  {error}
                </Input.Error>
              )}
            </div>
          );
        })}
        <Group gap="sm">
          <Button variant="light" size="compact-sm" onClick={add} disabled={full} data-testid={`${testId}-add`}>
            Add tag
          </Button>
          {full && (
            <Text size="xs" c="dimmed">
              At most {MAX_TAGS} tags.
            </Text>
          )}
        </Group>
      </Stack>
    </Input.Wrapper>
  );
}

/**
 * Tags as badges (`name=value`, by name); `empty` when there are none. With `onSelect` each is a button that chooses
 * its tag, and its click and Enter stay on it (a history row around it opens its run).
 */
export function TagBadges({ tags, onSelect, empty = '—', testId }: { tags: RunTags; onSelect?(key: string, value: string): void; empty?: string; testId?: string }) {
  const entries = sortedTags(tags);
  if (entries.length === 0) return <span data-testid={testId}>{empty}</span>;
  return (
    <span className="tag-list" title={tagsText(tags)} data-testid={testId}>
      {entries.map(([key, value]) => {
        const text = formatTag(key, value);
        return onSelect ? (
          <button
            key={key}
            type="button"
            className="tag-chip"
            title={`Show the runs tagged ${text}`}
            data-tag={text}
            onClick={(event) => {
              event.stopPropagation();
              onSelect(key, value);
            }}
            onKeyDown={(event) => {
              if (event.key === 'Enter' || event.key === ' ') event.stopPropagation();
            }}
          >
            {text}
          </button>
        ) : (
          <span key={key} className="tag-chip" data-tag={text}>
            {text}
          </span>
        );
      })}
    </span>
  );
}
