// Inputs for the fuzz, from each channel's own schema: the contract's zod input as JSON Schema (z.toJSONSchema),
// turned into fast-check arbitraries. "Valid-looking" values follow the schema, biased towards the edges (its
// limits, one past them, the ids and names the seeded world holds, instants at the end of time); "malformed"
// ones break it one way at a time (a field missing, unknown or of another type, nested thousands deep, huge,
// `__proto__`). Hostile values (throwing getters, proxies, cycles) only reach the in-process dispatcher.
import fc from 'fast-check';
import { z } from 'zod';
import { MAX_INSTANT_MS } from '../../src-shared/schemas/common';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

/** What the seeded world offers the generator: real ids, texts worth trying in a field of that name. */
export interface Pools {
  ids: readonly number[];
  /** By field name (email, name, jobType, cron, timeZone, fileName, confirmName, …): values worth trying there. */
  strings: Readonly<Record<string, readonly string[]>>;
  /** Instants around the seeded runs. */
  instants: readonly number[];
}

/** The input schema of a channel as JSON Schema, as a caller would read it. */
export function inputJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

const YEAR_10000 = Date.UTC(10000, 0, 1);
const TIME_EDGES = [0, -1, 1, MAX_INSTANT_MS, MAX_INSTANT_MS + 1, YEAR_10000, 8_640_000_000_000_000, 8_640_000_000_000_001, Number.MAX_SAFE_INTEGER];
const NUMBER_EDGES = [0, -1, 1, 2 ** 31, 2 ** 53, -(2 ** 53), 1.5, 1e300, -1e300, Number.MIN_VALUE];
const TEXT_EDGES = ['', ' ', '  padded  ', '%', '_', "'; DROP TABLE job_runs; --", '\\', '"', '\u0000', 'é', '🦄', '\u202e', 'a'.repeat(101), 'x'.repeat(2000)];
const TIME_FIELD = /^(from|to|created(From|To)|at)$/i;

function isIdField(name: string): boolean {
  return /(^id$|Id$|^ids$|Ids$)/.test(name);
}

/** A value that follows `schema` (mostly), for the field named `name`. */
export function validLooking(schema: JsonSchema, pools: Pools, name = ''): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return fc.oneof(...options.map((option) => validLooking(option, pools, name)));
  if (schema.allOf?.length) return validLooking(schema.allOf[0]!, pools, name);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return name === 'params' ? paramsOf(schema, pools) : objectOf(schema, pools);
    case 'array':
      return fc.array(validLooking(schema.items ?? {}, pools, name), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 6, 6) });
    case 'string':
      return stringOf(schema, pools, name);
    case 'integer':
    case 'number':
      return numberOf(schema, pools, name, type === 'integer');
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 3 });
  }
}

/** A run's or schedule's params: often ones the probe takes (the job type most often tried), else any JSON object. */
function paramsOf(schema: JsonSchema, pools: Pools): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constant({}),
    fc.record({ durationMs: fc.integer({ min: 0, max: 50 }), steps: fc.integer({ min: 1, max: 3 }) }, { requiredKeys: [] }),
    fc.record({ durationMs: fc.constant(1), fail: fc.boolean(), failMessage: fc.string({ minLength: 1, maxLength: 20 }) }),
    objectOf(schema, pools),
  );
}

function objectOf(schema: JsonSchema, pools: Pools): fc.Arbitrary<unknown> {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0 && typeof schema.additionalProperties === 'object') {
    // A record (params): keys of its key schema, values of any JSON.
    return fc.dictionary(fc.oneof(fc.constantFrom('durationMs', 'steps', 'fail', 'failMessage', 'month', 'olderThanDays'), fc.string({ maxLength: 12 })), fc.jsonValue({ maxDepth: 3 }), {
      maxKeys: 5,
    });
  }
  const required = new Set(schema.required ?? []);
  const shape = Object.fromEntries(properties.map(([key, value]) => [key, validLooking(value, pools, key)]));
  const record = fc.record(shape, { requiredKeys: properties.map(([key]) => key).filter((key) => required.has(key)) });
  const range = RANGES.find(([from, to]) => from in shape && to in shape);
  if (!range) return record;
  // Ends drawn apart rarely make a range the schema takes: half the time, `to` follows `from` by up to a year.
  const [fromKey, toKey] = range;
  const anchor = fc.oneof(fc.constantFrom(...pools.instants), fc.constantFrom(...TIME_EDGES.filter((edge) => edge >= 0)));
  const span = fc.oneof(fc.integer({ min: 1, max: 366 * 86_400_000 }), fc.constantFrom(1, 86_400_000, 366 * 86_400_000));
  return fc.tuple(record, fc.boolean(), anchor, span).map(([value, paired, from, length]) =>
    paired ? { ...(value as object), [fromKey]: from - (from > MAX_INSTANT_MS - length ? length : 0), [toKey]: from + (from > MAX_INSTANT_MS - length ? 0 : length) } : value,
  );
}

/** Fields that make a range together: generated as one, within the widest range a channel takes, now and then. */
const RANGES = [
  ['from', 'to'],
  ['createdFrom', 'createdTo'],
] as const;

function stringOf(schema: JsonSchema, pools: Pools, name: string): fc.Arbitrary<unknown> {
  const max = schema.maxLength ?? 200;
  const min = schema.minLength ?? 0;
  const generated = schema.pattern
    ? fc.stringMatching(new RegExp(schema.pattern)).filter((text) => text.length >= min && text.length <= max)
    : schema.format === 'email'
      ? fc.emailAddress()
      : fc.string({ minLength: min, maxLength: Math.min(max, 40), unit: fc.oneof(fc.constant('a'), fc.constant('Z'), fc.constant(' '), fc.constant('é'), fc.constant('%')) });
  const pooled = pools.strings[name] ?? [];
  // Where the world has values for a field of this name, mostly those: a made-up cron or time zone is refused early.
  return fc.oneof(
    { weight: pooled.length > 0 ? 2 : 6, arbitrary: generated },
    { weight: pooled.length > 0 ? 6 : 0, arbitrary: fc.constantFrom(...(pooled.length > 0 ? pooled : [''])) },
    { weight: 1, arbitrary: fc.constantFrom(...TEXT_EDGES, 'a'.repeat(max), 'a'.repeat(max + 1)) },
  );
}

function numberOf(schema: JsonSchema, pools: Pools, name: string, integer: boolean): fc.Arbitrary<unknown> {
  const low = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1e6);
  const high = Math.min(schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 1e6), Number.MAX_SAFE_INTEGER);
  const inRange = integer ? fc.integer({ min: Math.max(low, Number.MIN_SAFE_INTEGER), max: high }) : fc.double({ min: low, max: high, noNaN: true });
  const edges = [low, high, low - 1, high + 1, ...NUMBER_EDGES];
  if (TIME_FIELD.test(name)) return fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...pools.instants) }, { weight: 2, arbitrary: fc.constantFrom(...TIME_EDGES) }, { weight: 1, arbitrary: inRange });
  if (isIdField(name)) return fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...pools.ids) }, { weight: 1, arbitrary: fc.constantFrom(...edges) }, { weight: 1, arbitrary: inRange });
  return fc.oneof({ weight: 6, arbitrary: inRange }, { weight: 1, arbitrary: fc.constantFrom(...edges) });
}

/** A value nested `depth` levels deep, built without recursion (as a hostile client sends it). */
export function nested(depth: number, kind: 'array' | 'object'): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
}

/** Picks a whole number in [0, n): the choices a breakage makes, from the fuzz's own seed. */
type Pick = (n: number) => number;
type Breakage = (value: unknown, pick: Pick) => unknown;

const replacements: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom<unknown>(null, true, '', [], {}, -1, 1e308, 'x'.repeat(300_000)),
  fc.constantFrom(4_000, 20_000).chain((depth) => fc.constantFrom(nested(depth, 'array'), nested(depth, 'object'))),
  fc.constant(Array.from({ length: 120_000 }, (_, i) => i + 1)),
);

/** `value` broken in one place: a field dropped, an unknown one added, a leaf of another kind, or the whole input replaced. */
export function malformed(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const breakages: fc.Arbitrary<Breakage> = fc.oneof(
    fc.constant<Breakage>((value, pick) => withLeaf(value, pick, () => undefined)),
    fc.tuple(fc.constantFrom('businessId', 'scope', '__proto__', 'constructor', 'extra'), replacements).map(
      ([key, extra]): Breakage =>
        // JSON.parse makes "__proto__" an own field, as a request body does.
        (value) => (isPlainObject(value) ? { ...value, ...(JSON.parse(`{${JSON.stringify(key)}: 0}`) as object), [key]: extra } : value),
    ),
    replacements.map((replacement): Breakage => (value, pick) => withLeaf(value, pick, () => replacement)),
    replacements.map((replacement): Breakage => () => replacement),
  );
  return fc
    .tuple(valid, breakages, fc.array(fc.nat(), { minLength: 8, maxLength: 8 }))
    .map(([value, breakage, choices]) => {
      let next = 0;
      const pick: Pick = (n) => choices[next++ % choices.length]! % n;
      return breakage(structuredClone(value), pick);
    });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` with one of its leaves (chosen by `pick`) replaced by `make()`; undefined drops the field. */
function withLeaf(value: unknown, pick: Pick, make: () => unknown): unknown {
  if (!isPlainObject(value) && !Array.isArray(value)) return make();
  const keys = Object.keys(value);
  if (keys.length === 0) return make();
  const key = keys[pick(keys.length)]!;
  const container = value as Record<string, unknown>;
  const child = container[key];
  const replaced = (isPlainObject(child) || Array.isArray(child)) && pick(2) === 0 ? withLeaf(child, pick, make) : make();
  if (replaced === undefined) delete container[key];
  else container[key] = replaced;
  return value;
}

/** Values no JSON carries, for the in-process dispatcher only: it must answer VALIDATION, never throw. */
export function hostileInputs(): { why: string; make: () => unknown }[] {
  const cyclic = (): unknown => {
    const value: Record<string, unknown> = { id: 1 };
    value.self = value;
    return value;
  };
  return [
    { why: 'a throwing getter', make: () => Object.defineProperty({}, 'id', { enumerable: true, get: () => { throw new Error('getter'); } }) },
    { why: 'a proxy whose traps throw', make: () => new Proxy({}, { ownKeys: () => { throw new Error('ownKeys'); }, get: () => { throw new Error('get'); } }) },
    { why: 'a cycle', make: cyclic },
    { why: 'a BigInt', make: () => ({ id: 10n }) },
    { why: 'a symbol', make: () => ({ id: Symbol('id') }) },
    { why: 'a function', make: () => ({ id: () => 1 }) },
    { why: 'a Date', make: () => ({ from: new Date(0), to: new Date() }) },
    { why: 'a Map', make: () => new Map([['id', 1]]) },
    { why: 'an object without a prototype', make: () => Object.assign(Object.create(null) as object, { id: 1 }) },
    { why: 'a toString that throws', make: () => ({ id: { toString: () => { throw new Error('toString'); } } }) },
  ];
}
