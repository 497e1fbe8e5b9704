// A system admin's settings saved together under one key of a channel's input (`{ limits }`, `{ policy }`): each a
// whole number with what it bounds and its default, checked by the contract's schema first (a value that cannot be
// one is named under its field), saved at once, or set back to the defaults. Admin › Limits and the backups' retention
// policy are made of it.
import { Button, Group, NumberInput, Paper, Stack, Text, Title } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import type { z } from 'zod';
import { FormRefusal, useContractForm } from '../lib/contract-form';
import { formatCount } from '../lib/format';

export interface SettingField<Key extends string> {
  key: Key;
  label: string;
  help: string;
  /** The least value the field takes (the schema says so too). */
  min: number;
}

export interface SettingsFormProps<Key extends string> {
  /** The input's one key the settings are sent under. */
  group: string;
  current: Record<Key, number>;
  defaults: Record<Key, number>;
  /** The channel's input schema. */
  schema: z.ZodType;
  fields: readonly SettingField<Key>[];
  /** Sends `{ [group]: settings }`; calls back as a mutation does. */
  save(input: Record<string, Record<Key, number>>, callbacks: { onSuccess(): void; onError(error: unknown): void }): void;
  saving: boolean;
  title: string;
  intro: ReactNode;
  saveLabel: string;
  savedText: string;
  /** `<prefix>-<key>`, `<prefix>-save`, `<prefix>-defaults`, `<prefix>-saved`, `<prefix>-error`. */
  testIdPrefix: string;
  panelTestId: string;
}

export function SettingsForm<Key extends string>(props: SettingsFormProps<Key>) {
  const { group, defaults, fields, testIdPrefix: prefix } = props;
  const [saved, setSaved] = useState(false);
  const { form, refusal, refuse, clearRefusal } = useContractForm<Record<string, Record<Key, number>>>({
    initialValues: { [group]: props.current },
    schema: props.schema,
    toInput: (values) => values,
  });
  const submit = form.onSubmit((values) => {
    clearRefusal();
    setSaved(false);
    props.save(values, { onSuccess: () => setSaved(true), onError: refuse });
  });
  return (
    <Paper withBorder p="md" maw={720} data-testid={props.panelTestId}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <div>
            <Title order={4}>{props.title}</Title>
            <Text size="sm" c="dimmed">
              {props.intro}
            </Text>
          </div>
          {fields.map((field) => (
            <NumberInput
              key={form.key(`${group}.${field.key}`)}
              {...form.getInputProps(`${group}.${field.key}`)}
              label={field.label}
              description={`${field.help} Default ${formatCount(defaults[field.key])}.`}
              min={field.min}
              allowDecimal={false}
              allowNegative={false}
              thousandSeparator=","
              clampBehavior="none"
              maw={480}
              data-testid={`${prefix}-${field.key}`}
            />
          ))}
          <FormRefusal refusal={refusal} testId={`${prefix}-error`} />
          <Group>
            <Button type="submit" loading={props.saving} data-testid={`${prefix}-save`}>
              {props.saveLabel}
            </Button>
            <Button variant="default" onClick={() => form.setValues({ [group]: defaults })} data-testid={`${prefix}-defaults`}>
              Back to the defaults
            </Button>
            {saved && (
              <Text size="sm" c="teal" data-testid={`${prefix}-saved`}>
                {props.savedText}
              </Text>
            )}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
