// Tags as the forms edit them (rows of a name and a value) and as the history's filter takes one typed (`env=prod`):
// each row's problem in people's words, the rows as the tags a call sends, and main's refusal of a tag placed at its
// row. Pure TypeScript: the trigger and schedule forms (lib/tags.tsx) and the history's filter use it.
import { formatTag, MAX_TAGS, parseTag, sortedTags, tagSentence, type RunTags } from '../../src-shared/tags';

/** One tag being edited; `id` keys the row while its name changes. */
export interface TagRow {
  id: number;
  key: string;
  value: string;
}

let nextRowId = 1;

/** A new row: empty, or holding a tag. */
export function tagRow(key = '', value = ''): TagRow {
  return { id: nextRowId++, key, value };
}

/** The rows of some tags, by name. */
export function tagRows(tags: RunTags): TagRow[] {
  return sortedTags(tags).map(([key, value]) => tagRow(key, value));
}

/** A row with neither a name nor a value is left out, as if it were not there. */
const isBlank = (row: TagRow) => row.key.trim() === '' && row.value === '';

/** The tags the rows say: each name without the spaces around it, each value exactly as typed. */
export function tagsOfRows(rows: readonly TagRow[]): RunTags {
  return Object.fromEntries(rows.filter((row) => !isBlank(row)).map((row) => [row.key.trim(), row.value]));
}

/** What is wrong with each row, in a sentence, or null: a missing name, a name given twice, then the tag's own rules. */
export function tagRowProblems(rows: readonly TagRow[]): (string | null)[] {
  const seen = new Set<string>();
  return rows.map((row) => {
    if (isBlank(row)) return null;
    const key = row.key.trim();
    if (key === '') return 'A tag must have a name.';
    if (seen.has(key)) return `Tag “${key}” is given twice: keep one.`;
    seen.add(key);
    return tagSentence(key, row.value);
  });
}

/** The tags as a new run or schedule is sent them: none, not even `tags`, when there are none. */
export function tagsInput(tags: RunTags): { tags?: RunTags } {
  return Object.keys(tags).length > 0 ? { tags } : {};
}

/** The paths main names a refused tag by: `tags` for them all, `tags.<name>` for one. */
export function tagPaths(rows: readonly TagRow[]): string[] {
  return ['tags', ...Object.keys(tagsOfRows(rows)).map((key) => `tags.${key}`)];
}

/** Main's messages about the tags (by path), placed: each under its row, by the row's name; the rest under them all. */
export function tagErrorsOf(byPath: Readonly<Record<string, string>>, rows: readonly TagRow[]): { rows: (string | undefined)[]; all: string | undefined } {
  return {
    rows: rows.map((row) => (isBlank(row) ? undefined : byPath[`tags.${row.key.trim()}`])),
    all: byPath.tags,
  };
}

/** A tag typed as `name=value` (the history's filter), or why it is not one. */
export function parseTagFilter(text: string): { tag: [key: string, value: string] } | { error: string } {
  const tag = parseTag(text.trim());
  if (!tag) return { error: 'Write a tag as name=value, such as env=prod.' };
  const error = tagSentence(...tag);
  return error === null ? { tag } : { error };
}

/** The tags with `key` set to `value`: a run has one value per name, so a new value replaces the old. At most MAX_TAGS. */
export function withTag(tags: RunTags, key: string, value: string): RunTags {
  if (!Object.hasOwn(tags, key) && Object.keys(tags).length >= MAX_TAGS) return tags;
  return Object.fromEntries(sortedTags({ ...tags, [key]: value }));
}

/** The tags without `key`. */
export function withoutTag(tags: RunTags, key: string): RunTags {
  return Object.fromEntries(sortedTags(tags).filter(([other]) => other !== key));
}

/** The tags as one line of text: `env=prod, team=ops`. */
export function tagsText(tags: RunTags): string {
  return sortedTags(tags)
    .map(([key, value]) => formatTag(key, value))
    .join(', ');
}
