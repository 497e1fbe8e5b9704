// A job type's params as JSON Schema (from its zod schema in main) → the fields of the trigger and schedule forms.
// Every property becomes a field: a number, a switch, a choice or text where the schema is that simple, and JSON
// (checked as JSON, then by main against the schema) for anything else: lists, objects, nullable values.

/** What every param's input shows: its key, its title and unit (from the schema's metadata), its help. */
interface ParamCommon {
  name: string;
  title?: string;
  unit?: string;
  description?: string;
  required: boolean;
}

export type ParamField =
  | (ParamCommon & { kind: 'number'; integer: boolean; min?: number; max?: number; defaultValue?: number })
  | (ParamCommon & { kind: 'boolean'; defaultValue?: boolean })
  | (ParamCommon & { kind: 'enum'; options: string[]; defaultValue?: string })
  | (ParamCommon & { kind: 'string'; pattern?: string; defaultValue?: string })
  /** Any other shape, edited as JSON text; `defaultValue` is the default written as JSON. */
  | (ParamCommon & { kind: 'json'; defaultValue?: string });

export type ParamValues = Record<string, string | number | boolean | undefined>;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const num = (value: unknown) => (typeof value === 'number' ? value : undefined);
const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

export function paramFields(schema: Record<string, unknown> | null): ParamField[] {
  if (!schema || !isRecord(schema.properties)) return [];
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : []);
  return Object.entries(schema.properties).flatMap(([name, raw]): ParamField[] => {
    if (!isRecord(raw)) return [{ name, required: required.has(name), kind: 'json' }];
    const common = { name, title: str(raw.title), unit: str(raw.unit), description: str(raw.description), required: required.has(name) };
    if (Array.isArray(raw.enum)) {
      const options = raw.enum.filter((option): option is string => typeof option === 'string');
      return [{ ...common, kind: 'enum', options, defaultValue: str(raw.default) }];
    }
    switch (raw.type) {
      case 'integer':
      case 'number':
        return [{ ...common, kind: 'number', integer: raw.type === 'integer', min: num(raw.minimum), max: num(raw.maximum), defaultValue: num(raw.default) }];
      case 'boolean':
        return [{ ...common, kind: 'boolean', defaultValue: typeof raw.default === 'boolean' ? raw.default : undefined }];
      case 'string':
        return [{ ...common, kind: 'string', pattern: str(raw.pattern), defaultValue: str(raw.default) }];
      default:
        return [{ ...common, kind: 'json', defaultValue: raw.default === undefined ? undefined : JSON.stringify(raw.default, null, 2) }];
    }
  });
}

export function defaultValues(fields: ParamField[]): ParamValues {
  const values: ParamValues = {};
  for (const field of fields) {
    if (field.defaultValue !== undefined) values[field.name] = field.defaultValue;
    else if (field.kind === 'boolean') values[field.name] = false;
  }
  return values;
}

/**
 * Params a run or schedule holds, as the form's values: each field's own value where the params hold one it can show
 * (a JSON field's as JSON text), else its default. Keys the type's schema no longer has are left out.
 */
export function valuesFromParams(fields: ParamField[], params: Record<string, unknown>): ParamValues {
  const values = defaultValues(fields);
  for (const field of fields) {
    if (!Object.hasOwn(params, field.name)) continue;
    const value = params[field.name];
    if (field.kind === 'json') values[field.name] = JSON.stringify(value, null, 2);
    else if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') values[field.name] = value;
  }
  return values;
}

/** What is sent: empty fields are left out, so main applies the type's defaults. */
export function paramsToSend(fields: ParamField[], values: ParamValues): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (value === undefined || value === '') continue;
    params[field.name] = field.kind === 'json' && typeof value === 'string' ? parsedJson(value) : value;
  }
  return params;
}

/** JSON text as its value; text that is not JSON is sent as it is, and main refuses it naming the field. */
function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The paths main uses for the params' fields: `params.<name>`. */
export const paramPaths = (fields: readonly ParamField[]): string[] => fields.map((field) => `params.${field.name}`);

/** The params' messages by param name, out of messages by path. */
export function byParam(byPath: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(byPath).flatMap(([path, message]) => (path.startsWith('params.') ? [[path.slice('params.'.length), message]] : [])));
}
