// Validation failures in people's words. Each issue of a contract schema becomes { path, message }: the field's label
// and what it must be, in the user's terms ("Display name can be at most 100 characters."), never a validator's
// phrase. Main's dispatcher and the renderer's forms both use it, so a field reads the same wherever it is checked.
// Pure TypeScript.
import { z } from 'zod';
import { AppError, type FieldIssue } from './errors';
import { plural } from './text';

type Schema = z.core.$ZodType;
type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/** What a field's metadata may say of it (`.meta({ title, unit })` on a contract schema or a job type's params). */
interface FieldMeta {
  title?: string;
  unit?: string;
}

/** Issues in a sentence at most, with a count of the rest. */
const MAX_ISSUES = 5;
/** Fields listed at most: an input with a thousand unknown keys is refused with the first of them. */
const MAX_FIELDS = 20;
/** A key is named by at most this many characters (an unknown key may be a megabyte long). */
const MAX_KEY = 60;

const shortKey = (key: PropertyKey) => {
  const text = String(key);
  return text.length > MAX_KEY ? `${text.slice(0, MAX_KEY)}…` : text;
};

/** "filters.statuses[2]"; the whole input is "" (the form, not a field). */
export function fieldPath(path: Path): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : `${i === 0 ? '' : '.'}${shortKey(segment)}`)).join('');
}

/** The issues of `schema` parsing `input`, each with the field's path and a sentence for people; [] when it parses. */
export function fieldIssuesOf(schema: Schema, input: unknown): FieldIssue[] {
  const parsed = z.safeParse(schema, input);
  return parsed.success ? [] : toFieldIssues(schema, input, parsed.error.issues);
}

/**
 * Zod's issues as people's: an unknown key becomes one issue per key, at that key's path. A field with a sentence of
 * its own rule (a custom issue: a tag's "Tag “env” may have a value of at most 200 characters") shows that one only,
 * not also the schema's outer bound at the same path.
 */
export function toFieldIssues(schema: Schema, input: unknown, issues: readonly Issue[]): FieldIssue[] {
  const ruled = new Set(issues.filter((issue) => issue.code === 'custom').map((issue) => fieldPath(issue.path)));
  const fields = issues.flatMap((issue): FieldIssue[] => {
    if ((issue.code === 'too_big' || issue.code === 'too_small') && ruled.has(fieldPath(issue.path))) return [];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.slice(0, MAX_FIELDS).map((key) => ({ path: fieldPath([...issue.path, key]), message: `“${shortKey(key)}” is not a field this form knows.` }));
    }
    const meta = metaAt(schema, issue.path);
    const label = meta.title ?? labelOf(issue.path);
    return [{ path: fieldPath(issue.path), message: sentence(issue, label, meta.unit, valueAt(input, issue.path)) }];
  });
  return fields.slice(0, MAX_FIELDS);
}

/** One sentence for a VALIDATION error's message: the first issues' sentences, and how many more there are. */
export function issuesSentence(fields: readonly FieldIssue[]): string {
  if (fields.length === 0) return 'The input is not valid.';
  const shown = fields.slice(0, MAX_ISSUES).map((field) => field.message);
  const more = fields.length - shown.length;
  return more > 0 ? `${shown.join(' ')} (And ${more} more.)` : shown.join(' ');
}

/** "displayName" → "Display name", "businessId" → "Business", "olderThanDays" → "Older than days"; the whole input → "The input". */
export function labelOf(path: Path): string {
  const last = [...path].reverse().find((segment) => typeof segment === 'string');
  if (last === undefined) return path.length === 0 ? 'The input' : 'This item';
  const words = shortKey(last)
    .replace(/Id$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function sentence(issue: Issue, label: string, unit: string | undefined, value: unknown): string {
  const amount = (n: number | bigint) => `${Number(n).toLocaleString('en-US')}${unit ? ` ${unit}` : ''}`;
  const limit = (n: number | bigint): Limit => ({ n: Number(n), amount: amount(n) });
  if (written(issue.message)) return `${label} ${issue.message}.`;
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined || value === null || value === '') return `${label} is required.`;
      return `${label} must be ${EXPECTED[issue.expected] ?? `a ${issue.expected}`}.`;
    case 'too_big':
      return `${label} ${tooBig(issue.origin, issue.inclusive ?? true, limit(issue.maximum))}.`;
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) <= 1) return `${label} is required.`;
      if ((issue.origin === 'array' || issue.origin === 'set') && Number(issue.minimum) <= 1) return `${label}: choose at least one.`;
      return `${label} ${tooSmall(issue.origin, issue.inclusive ?? true, limit(issue.minimum))}.`;
    case 'invalid_format':
      if (issue.format === 'email') return `${label} must be an email address, such as name@example.com.`;
      return `${label} is not in the expected form.`;
    case 'invalid_value':
      return `${label} must be one of: ${issue.values.map(String).join(', ')}.`;
    case 'not_multiple_of':
      return `${label} must be a multiple of ${amount(issue.divisor)}.`;
    default:
      return `${label} is not valid.`;
  }
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'yes or no',
  array: 'a list',
  object: 'a set of fields',
  record: 'a set of names and values',
  date: 'a date',
};

/** A limit on a length is a count of characters or items; on a number, the amount in the field's unit. */
type Limit = { n: number; amount: string };

function tooBig(origin: string, inclusive: boolean, limit: Limit): string {
  if (origin === 'string') return `can be at most ${plural(limit.n, 'character')}`;
  if (origin === 'array' || origin === 'set') return `can hold at most ${plural(limit.n, 'item')}`;
  return inclusive ? `can be at most ${limit.amount}` : `must be less than ${limit.amount}`;
}

function tooSmall(origin: string, inclusive: boolean, limit: Limit): string {
  if (origin === 'string') return `must be at least ${plural(limit.n, 'character')}`;
  if (origin === 'array' || origin === 'set') return `must hold at least ${plural(limit.n, 'item')}`;
  return inclusive ? `must be at least ${limit.amount}` : `must be more than ${limit.amount}`;
}

/**
 * A message a schema wrote itself: the predicate after the field's label ("must be an IANA time zone such as
 * Europe/Berlin", or "“env” must have a value" after "Tag"), as every custom message of the contract is written, and
 * used as it is. Zod's own messages start with a capital ("Too big: …") and are replaced by the sentences above.
 */
function written(message: string): boolean {
  return /^[a-z“]/.test(message);
}

function valueAt(input: unknown, path: Path): unknown {
  let value = input;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/** The metadata on the schema at `path` (the first title and unit found, from the outermost wrapper in). */
function metaAt(schema: Schema, path: Path): FieldMeta {
  let candidates: Schema[] = [schema];
  for (const segment of path) {
    candidates = candidates.flatMap((candidate) => unwrapped(candidate).flatMap((inner) => childOf(inner, segment)));
    if (candidates.length === 0) return {};
  }
  const meta: FieldMeta = {};
  for (const layer of candidates.flatMap((candidate) => layersOf(candidate))) {
    const found = z.globalRegistry.get(layer as z.ZodType) as FieldMeta | undefined;
    meta.title ??= typeof found?.title === 'string' ? found.title : undefined;
    meta.unit ??= typeof found?.unit === 'string' ? found.unit : undefined;
  }
  return meta;
}

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: Schema): Def => schema._zod.def as unknown as Def;

/** The schema and every wrapper under it (optional, nullable, default, pipe, …), outermost first. */
function layersOf(schema: Schema): Schema[] {
  const def = defOf(schema);
  const inner = (def.innerType ?? def.in) as Schema | undefined;
  return inner ? [schema, ...layersOf(inner)] : [schema];
}

/** The schemas a value of `schema` is checked against, wrappers removed (each option of a union). */
function unwrapped(schema: Schema): Schema[] {
  const layers = layersOf(schema);
  const innermost = layers[layers.length - 1]!;
  const def = defOf(innermost);
  if (def.type === 'union') return (def.options as Schema[]).flatMap(unwrapped);
  if (def.type === 'lazy') return unwrapped((def.getter as () => Schema)());
  return [innermost];
}

function childOf(schema: Schema, segment: PropertyKey): Schema[] {
  const def = defOf(schema);
  if (def.type === 'object' && typeof segment === 'string') {
    const child = (def.shape as Record<string, Schema>)[segment];
    return child ? [child] : [];
  }
  if (def.type === 'array') return [def.element as Schema];
  if (def.type === 'record') return [def.valueType as Schema];
  return [];
}

/** Each field's path put under `prefix` ("params" + "durationMs" → "params.durationMs"). */
export function underPath(prefix: string, fields: readonly FieldIssue[]): FieldIssue[] {
  if (prefix === '') return [...fields];
  return fields.map((field) => ({ ...field, path: field.path === '' ? prefix : field.path.startsWith('[') ? `${prefix}${field.path}` : `${prefix}.${field.path}` }));
}

/** `input` parsed by `schema`, or VALIDATION listing each bad field in people's words (paths under `prefix`). */
export function parseOrRefuse<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = underPath(prefix, toFieldIssues(schema, input, parsed.error.issues));
  throw new AppError('VALIDATION', issuesSentence(fields), undefined, fields);
}
