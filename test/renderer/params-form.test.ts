// The trigger and schedule forms' builder (src-renderer/runs/params-form.ts) against every job type this app has:
// no param is dropped, and what the form sends with its defaults is what the job type accepts.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JOB_CATALOG, jobTypeParamsJsonSchema, validateJobParams } from '../../src-main/jobs/catalog';
import { defaultValues, paramFields, paramsToSend, valuesFromParams } from '../../src-renderer/runs/params-form';

describe('the params form builder', () => {
  it.each(JOB_CATALOG.map((type) => [type.key]))('%s: one field per param, each titled, and its defaults accepted as sent', (key) => {
    const schema = jobTypeParamsJsonSchema(key);
    if (!schema) throw new Error(`no schema for ${key}`);
    const fields = paramFields(schema);
    expect(fields.map((field) => field.name)).toEqual(Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {}));
    for (const field of fields) expect(field.title, `${key}.${field.name} has a title for people`).toEqual(expect.any(String));
    const sent = paramsToSend(fields, defaultValues(fields));
    expect(() => validateJobParams(key, sent)).not.toThrow();
    // A run's params (as main filled them in) come back into the form, and the form sends them back unchanged.
    const held = validateJobParams(key, sent);
    expect(paramsToSend(fields, valuesFromParams(fields, held))).toEqual(held);
  });

  it('edits lists, objects and nullable values as JSON, never dropping them, and sends them parsed', () => {
    const schema = z.toJSONSchema(
      z.strictObject({
        tags: z.array(z.string()).default(['a']),
        limits: z.strictObject({ max: z.number() }).optional(),
        note: z.string().nullable(),
        count: z.number().int(),
      }),
      { io: 'input' },
    ) as Record<string, unknown>;
    const fields = paramFields(schema);
    expect(fields.map((field) => [field.name, field.kind])).toEqual([
      ['tags', 'json'],
      ['limits', 'json'],
      ['note', 'json'],
      ['count', 'number'],
    ]);
    const values = { ...defaultValues(fields), limits: '{ "max": 3 }', note: 'null', count: 2 };
    expect(paramsToSend(fields, values)).toEqual({ tags: ['a'], limits: { max: 3 }, note: null, count: 2 });
    // Text that is not JSON goes as it is: main refuses it, naming the field.
    expect(paramsToSend(fields, { ...values, limits: '{ max' })).toMatchObject({ limits: '{ max' });
  });

  it('fills the form from a run’s params (edit and re-run, an edited schedule): JSON fields as JSON text, the rest as they are, defaults for what is missing', () => {
    const schema = z.toJSONSchema(
      z.strictObject({
        tags: z.array(z.string()).default(['a']),
        note: z.string().nullable(),
        count: z.number().int().default(1),
        loud: z.boolean().default(false),
      }),
      { io: 'input' },
    ) as Record<string, unknown>;
    const fields = paramFields(schema);
    const values = valuesFromParams(fields, { tags: ['x', 'y'], note: null, loud: true, gone: 5 });
    expect(values).toEqual({ tags: JSON.stringify(['x', 'y'], null, 2), note: 'null', count: 1, loud: true });
    expect(paramsToSend(fields, values)).toEqual({ tags: ['x', 'y'], note: null, count: 1, loud: true });
  });
});
