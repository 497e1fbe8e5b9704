// Restoring a backup (system admins, from its row in Admin › Backups): what it holds against the live file
// (backups.restorePreview), or why it cannot be restored; then the typed phrase; then the restore (backups.restore),
// which backs the current file up first and ends every session: the sign-in form says what was restored.
import { Alert, Button, Group, Loader, Modal, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { type ChannelOutput } from '../../src-shared/contract';
import { formatBytes } from '../../src-shared/text';
import { formatCount } from '../lib/format';
import { PhraseInput } from '../lib/phrase-input';
import { When } from '../lib/when';
import { useRestoreBackup, useRestorePreview } from '../queries/admin';
import { PreviewBox, PreviewState } from '../orphans/ChangeParts';
import { MutationError } from './common';

type RestorePreview = ChannelOutput<'backups.restorePreview'>;

/** The wizard on `name`; `null`: closed. */
export function RestoreWizard({ name, onClose }: { name: string | null; onClose(): void }) {
  return (
    <Modal opened={name !== null} onClose={onClose} title={name && `Restore ${name}`} size="lg">
      {name && <RestoreSteps key={name} name={name} onClose={onClose} />}
    </Modal>
  );
}

function RestoreSteps({ name, onClose }: { name: string; onClose(): void }) {
  const preview = useRestorePreview(name);
  const restore = useRestoreBackup();
  const [step, setStep] = useState<'preview' | 'confirm'>('preview');
  const [typed, setTyped] = useState('');
  if (restore.isPending || restore.isSuccess) {
    return (
      <Group gap="sm" py="md" wrap="nowrap" data-testid="restore-busy">
        <Loader size="sm" />
        <Text size="sm">Restoring: the app stops its runs, backs up the current file, puts {name} in its place and opens it. Everyone is then signed out.</Text>
      </Group>
    );
  }
  const data = preview.isFetching ? undefined : preview.data;
  if (step === 'confirm' && data) {
    const matches = typed === data.confirmation;
    return (
      <Stack data-testid="restore-confirm">
        <Text size="sm">
          The current file is backed up first (a &ldquo;Before a restore&rdquo; backup, listed here), so this restore can itself be undone. Everyone, you included, is
          then signed out and signs in again: the restored file has the users it had when the backup was made.
        </Text>
        <PhraseInput phrase={data.confirmation} typed={typed} onType={setTyped} testIds={{ phrase: 'restore-phrase', input: 'restore-confirm-input' }} />
        <MutationError error={restore.error} testId="restore-error" />
        <Group justify="space-between">
          <Button variant="default" onClick={() => setStep('preview')}>
            Back
          </Button>
          <Button color="red" disabled={!matches} onClick={() => restore.mutate({ backup: name, confirmation: typed })} data-testid="restore-confirm-button">
            Back up, then restore
          </Button>
        </Group>
      </Stack>
    );
  }
  return (
    <Stack data-testid="restore-preview">
      <PreviewBox>
        <PreviewState preview={preview} errorTestId="restore-refused">
          {(found) => <RestoreFigures preview={found} />}
        </PreviewState>
      </PreviewBox>
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        {data && (
          <Button color="red" onClick={() => setStep('confirm')} data-testid="restore-next">
            Continue
          </Button>
        )}
      </Group>
    </Stack>
  );
}

/** The backup's figures against the live file's, its time and size, and a note when it will be migrated up. */
function RestoreFigures({ preview }: { preview: RestorePreview }) {
  const { backup, current, appSchemaVersion } = preview;
  const rows: [string, number, number][] = [
    ['Runs', backup.counts.runs, current.counts.runs],
    ['Businesses', backup.counts.businesses, current.counts.businesses],
    ['Orphans', backup.counts.orphans, current.counts.orphans],
    ['Users', backup.counts.users, current.counts.users],
  ];
  return (
    <Stack gap="xs" data-testid="restore-figures">
      <Text size="sm">
        Made <When ms={Date.parse(backup.createdAt)} />, {formatBytes(backup.sizeBytes)}.
      </Text>
      <Table withRowBorders={false} verticalSpacing={2} maw={420}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th />
            <Table.Th ta="right">In the backup</Table.Th>
            <Table.Th ta="right">Now</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map(([label, then, now]) => (
            <Table.Tr key={label} data-testid={`restore-${label.toLowerCase()}`}>
              <Table.Td>{label}</Table.Td>
              <Table.Td ta="right">{formatCount(then)}</Table.Td>
              <Table.Td ta="right">{formatCount(now)}</Table.Td>
            </Table.Tr>
          ))}
          <Table.Tr data-testid="restore-schema">
            <Table.Td>Schema version</Table.Td>
            <Table.Td ta="right">{backup.schemaVersion}</Table.Td>
            <Table.Td ta="right">{current.schemaVersion}</Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      {backup.schemaVersion < appSchemaVersion && (
        <Alert color="blue" data-testid="restore-migrates">
          The backup is of an older schema ({backup.schemaVersion}): it is migrated up to this app&rsquo;s ({appSchemaVersion}) as it opens, after a backup of its own.
        </Alert>
      )}
    </Stack>
  );
}
