// Admin › Limits (system admins): the per-business limits that keep one business from crowding out the others
// (docs/job-engine.md#limits), each with its default, changed all at once (limits.set, audited).
import { Button, Group, NumberInput, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { setRunLimitsInput, type RunLimits } from '../../src-shared/schemas/limits';
import { FormRefusal, useContractForm } from '../lib/contract-form';
import { formatCount } from '../lib/format';
import { useRunLimits, useSetRunLimits } from '../queries/admin';
import { useViewLoaded } from '../stores/ui';
import { QueryState } from './common';

const FIELDS: readonly { key: keyof RunLimits; label: string; help: string }[] = [
  {
    key: 'pendingPerBusiness',
    label: 'Pending runs per business',
    help: 'A business with this many runs waiting cannot add more: triggers and retries are refused, and its schedules skip their due times.',
  },
  {
    key: 'runningPerBusiness',
    label: 'Runs at once per business',
    help: 'The runner serves at most this many of one business’s runs at a time; the rest wait while other owners take the free slots.',
  },
  {
    key: 'triggersPerMinutePerUser',
    label: 'Triggers per minute per user',
    help: 'The runs one person may trigger or retry in any minute; a bulk retry counts as one trigger.',
  },
];

export function LimitsPanel() {
  const limits = useRunLimits();
  useViewLoaded(limits.isSuccess || limits.isError);
  return (
    <QueryState pending={limits.isPending} error={limits.error}>
      {limits.data && <LimitsForm current={limits.data.limits} defaults={limits.data.defaults} />}
    </QueryState>
  );
}

function LimitsForm({ current, defaults }: { current: RunLimits; defaults: RunLimits }) {
  const save = useSetRunLimits();
  const [saved, setSaved] = useState(false);
  const { form, refusal, refuse, clearRefusal } = useContractForm({ initialValues: { limits: current }, schema: setRunLimitsInput, toInput: (values) => values });
  const submit = form.onSubmit((values) => {
    clearRefusal();
    setSaved(false);
    save.mutate(values, { onSuccess: () => setSaved(true), onError: refuse });
  });
  return (
    <Paper withBorder p="md" maw={720} data-testid="limits-panel">
      <form onSubmit={submit} noValidate>
        <Stack>
          <div>
            <Title order={4}>Limits per business</Title>
            <Text size="sm" c="dimmed">
              The runner shares its slots fairly between businesses and system-wide runs; these limits also bound what one business or one person may queue.
            </Text>
          </div>
          {FIELDS.map((field) => (
            <NumberInput
              key={form.key(`limits.${field.key}`)}
              {...form.getInputProps(`limits.${field.key}`)}
              label={field.label}
              description={`${field.help} Default ${formatCount(defaults[field.key])}.`}
              min={1}
              allowDecimal={false}
              allowNegative={false}
              thousandSeparator=","
              clampBehavior="none"
              maw={480}
              data-testid={`limits-${field.key}`}
            />
          ))}
          <FormRefusal refusal={refusal} testId="limits-error" />
          <Group>
            <Button type="submit" loading={save.isPending} data-testid="limits-save">
              Save limits
            </Button>
            <Button variant="default" onClick={() => form.setValues({ limits: defaults })} data-testid="limits-defaults">
              Back to the defaults
            </Button>
            {saved && (
              <Text size="sm" c="teal" data-testid="limits-saved">
                Saved. New runs and the runner follow these limits now.
              </Text>
            )}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
