// Tags on runs: key/value labels given when a run is triggered (the trigger form, a schedule, the contract), shown
// with the run, filtered on (every given key must have the given value) and exported. Pure TypeScript: main's
// contract, the renderer's forms and the history's URL read and write them through this one module.
import { z } from 'zod';

/** The most tags one run (or schedule) carries. */
export const MAX_TAGS = 10;
export const MAX_TAG_KEY = 50;
export const MAX_TAG_VALUE = 200;

const TAG_KEY = /^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/;
const NO_CONTROL_CHARACTERS = /^\P{Cc}*$/u;

/** What is wrong with a tag, in words that follow "Tag “key” ", or null when nothing is. */
export function tagProblem(key: string, value: string): string | null {
  if (key.length > MAX_TAG_KEY) return `must have a name of at most ${MAX_TAG_KEY} characters`;
  if (!TAG_KEY.test(key)) return 'must have a name that starts with a letter or digit and holds only letters, digits and _ . : / -';
  if (value.length === 0) return 'must have a value';
  if (value.length > MAX_TAG_VALUE) return `may have a value of at most ${MAX_TAG_VALUE} characters`;
  if (!NO_CONTROL_CHARACTERS.test(value)) return 'must not have control characters such as line breaks or tabs in its value';
  return null;
}

const quoted = (key: string) => `“${key.length > 60 ? `${key.slice(0, 60)}…` : key}”`;

/** tagProblem as the sentence every form and refusal shows ("Tag “env” must have a value."), or null. */
export function tagSentence(key: string, value: string): string | null {
  const problem = tagProblem(key, value);
  return problem === null ? null : `Tag ${quoted(key)} ${problem}.`;
}

export type RunTags = Record<string, string>;

/**
 * A run's tags: at most MAX_TAGS keys, each with one value; a value is matched exactly as given (never trimmed).
 * Each problem names its tag ("Tag “env” must have a value."), at the tag's path.
 */
export const runTagsSchema = z
  .record(z.string().max(MAX_TAG_KEY * 4), z.string().max(MAX_TAG_VALUE * 4).meta({ title: 'Tag' }))
  .superRefine((tags, ctx) => {
    const keys = Object.keys(tags);
    if (keys.length > MAX_TAGS) ctx.addIssue({ code: 'custom', message: `can be at most ${MAX_TAGS} per run` });
    for (const key of keys.slice(0, MAX_TAGS + 1)) {
      const problem = tagProblem(key, tags[key] as string);
      if (problem) ctx.addIssue({ code: 'custom', path: [key], message: `${quoted(key)} ${problem}` });
    }
  })
  .meta({ title: 'Tags' });

/** Tags in a stable order (by key), so equal tags are equal JSON and read the same everywhere. */
export function sortedTags(tags: RunTags): [string, string][] {
  return Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The stored form: JSON of the tags by key; null for none. */
export function tagsJson(tags: RunTags | undefined | null): string | null {
  if (!tags) return null;
  const entries = sortedTags(tags);
  return entries.length === 0 ? null : JSON.stringify(Object.fromEntries(entries));
}

/** The stored form read back: {} for none. */
export function tagsOf(json: string | null): RunTags {
  return json === null ? {} : (JSON.parse(json) as RunTags);
}

/** One tag as people write it and the history's URL carries it: `key=value` (the key holds no `=`). */
export function formatTag(key: string, value: string): string {
  return `${key}=${value}`;
}

/** `key=value` back into its parts; null when there is no `=` or either side is empty. */
export function parseTag(text: string): [key: string, value: string] | null {
  const at = text.indexOf('=');
  if (at <= 0 || at === text.length - 1) return null;
  return [text.slice(0, at), text.slice(at + 1)];
}
