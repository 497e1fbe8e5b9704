// Admin › Backups' retention policy (system admins): how many backups are kept whatever their age, and for how many
// days every backup is kept; saved together (backups.setPolicy, audited), checked by the contract's schema first.
import { Button, Group, NumberInput, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { setBackupPolicyInput, type BackupPolicy } from '../../src-shared/schemas/backups';
import { FormRefusal, useContractForm } from '../lib/contract-form';
import { formatCount } from '../lib/format';
import { useSetBackupPolicy } from '../queries/admin';

const FIELDS: readonly { key: keyof BackupPolicy; label: string; help: string }[] = [
  { key: 'keepLast', label: 'Backups kept', help: 'The newest backups kept whatever their age.' },
  { key: 'keepDays', label: 'Days kept', help: 'Every backup younger than this is kept whatever their number; 0 keeps by count alone.' },
];

export function BackupPolicyForm({ current, defaults }: { current: BackupPolicy; defaults: BackupPolicy }) {
  const save = useSetBackupPolicy();
  const [saved, setSaved] = useState(false);
  const { form, refusal, refuse, clearRefusal } = useContractForm({ initialValues: { policy: current }, schema: setBackupPolicyInput, toInput: (values) => values });
  const submit = form.onSubmit((values) => {
    clearRefusal();
    setSaved(false);
    save.mutate(values, { onSuccess: () => setSaved(true), onError: refuse });
  });
  return (
    <Paper withBorder p="md" maw={720} data-testid="backup-policy">
      <form onSubmit={submit} noValidate>
        <Stack>
          <div>
            <Title order={4}>Retention policy</Title>
            <Text size="sm" c="dimmed">
              Applied after every new backup and by Prune now. The backup an operation just made, and the newest backup of each schema version, are never removed.
            </Text>
          </div>
          {FIELDS.map((field) => (
            <NumberInput
              key={form.key(`policy.${field.key}`)}
              {...form.getInputProps(`policy.${field.key}`)}
              label={field.label}
              description={`${field.help} Default ${formatCount(defaults[field.key])}.`}
              allowDecimal={false}
              thousandSeparator=","
              clampBehavior="none"
              maw={480}
              data-testid={`backup-policy-${field.key}`}
            />
          ))}
          <FormRefusal refusal={refusal} testId="backup-policy-error" />
          <Group>
            <Button type="submit" loading={save.isPending} data-testid="backup-policy-save">
              Save policy
            </Button>
            <Button variant="default" onClick={() => form.setValues({ policy: defaults })} data-testid="backup-policy-defaults">
              Back to the defaults
            </Button>
            {saved && (
              <Text size="sm" c="teal" data-testid="backup-policy-saved">
                Saved. The next backup and Prune now follow this policy.
              </Text>
            )}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
