// A job type's params as JSON Schema (from its zod schema in main) → the fields of the trigger form.

export type ParamField =
  | { name: string; kind: 'number'; integer: boolean; min?: number; max?: number; defaultValue?: number; description?: string; required: boolean }
  | { name: string; kind: 'boolean'; defaultValue?: boolean; description?: string; required: boolean }
  | { name: string; kind: 'enum'; options: string[]; defaultValue?: string; description?: string; required: boolean }
  | { name: string; kind: 'string'; pattern?: string; defaultValue?: string; description?: string; required: boolean };

export type ParamValues = Record<string, string | number | boolean | undefined>;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const num = (value: unknown) => (typeof value === 'number' ? value : undefined);
const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

export function paramFields(schema: Record<string, unknown> | null): ParamField[] {
  if (!schema || !isRecord(schema.properties)) return [];
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : []);
  return Object.entries(schema.properties).flatMap(([name, raw]): ParamField[] => {
    if (!isRecord(raw)) return [];
    const common = { name, description: str(raw.description), required: required.has(name) };
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
        return [];
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

/** What is sent: empty fields are left out, so main applies the type's defaults. */
export function paramsToSend(fields: ParamField[], values: ParamValues): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (value === undefined || value === '') continue;
    params[field.name] = value;
  }
  return params;
}

/** Main's VALIDATION message names fields as `params.<name>: …`; each goes to its field, the rest to the form. */
export function fieldErrors(message: string, fields: ParamField[]): { byField: Record<string, string>; rest: string[] } {
  const names = new Set(fields.map((field) => field.name));
  const byField: Record<string, string> = {};
  const rest: string[] = [];
  for (const part of message.split('; ')) {
    const match = /^params\.([^.:\s]+): (.*)$/.exec(part);
    if (match?.[1] && names.has(match[1])) byField[match[1]] = match[2] ?? part;
    else rest.push(part);
  }
  return { byField, rest };
}
