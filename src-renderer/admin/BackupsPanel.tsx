// Admin › Backups (system admins): every backup of the database, newest first, with what made it, when, its schema,
// size, counts and checksum, their total size; a check per backup (integrity, schema, checksum: backups.verify), a
// restore of one (RestoreWizard), a prune by the retention policy after a preview of what would go (backups.prune),
// and the policy (BackupPolicyForm).
import { Alert, Badge, Button, Code, Group, Modal, Paper, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { describePolicy, type BackupRecordView, type PruneOutcome } from '../../src-shared/schemas/backups';
import { formatBytes, plural } from '../../src-shared/text';
import { formatCount } from '../lib/format';
import { When } from '../lib/when';
import { usePruneBackups, useBackups, useVerifyBackup } from '../queries/admin';
import { useViewLoaded } from '../stores/ui';
import { BackupPolicyForm } from './BackupPolicyForm';
import { RestoreWizard } from './RestoreWizard';
import { MutationError, QueryState } from './common';

/** What made a backup, in people's words. */
const KIND_LABELS: Record<string, string> = {
  schema: 'Before a migration',
  legacy: 'Server-edition original',
  'before-delete-orphans': 'Before deleting orphans',
  'before-assign-suggested': 'Before assigning suggested orphans',
  'before-delete-business': 'Before deleting a business',
  'before-restore': 'Before a restore',
  job: 'Backup job',
};

const NO_WRAP = { whiteSpace: 'nowrap' } as const;

export function BackupsPanel() {
  const list = useBackups();
  useViewLoaded(list.isSuccess || list.isError);
  const data = list.data;
  return (
    <QueryState pending={list.isPending} error={list.error}>
      {data && (
        <Stack maw={1280} data-testid="backups-panel">
          <Paper withBorder p="md">
            <Stack>
              <Group justify="space-between" align="flex-start" wrap="nowrap">
                <div>
                  <Title order={4}>Backups</Title>
                  <Text size="sm" c="dimmed" data-testid="backups-summary">
                    {plural(data.backups.length, 'backup')}, {formatBytes(data.totalBytes)} in all, in <Code>{data.folder}</Code>
                  </Text>
                  <Text size="sm" c="dimmed">
                    Kept by the policy: {describePolicy(data.policy)}.
                  </Text>
                </div>
                <PruneButton />
              </Group>
              <BackupsTable backups={data.backups} />
            </Stack>
          </Paper>
          <BackupPolicyForm current={data.policy} defaults={data.defaults} />
        </Stack>
      )}
    </QueryState>
  );
}

function BackupsTable({ backups }: { backups: BackupRecordView[] }) {
  const [restoring, setRestoring] = useState<string | null>(null);
  if (backups.length === 0) return <Text c="dimmed">No backups yet. The app makes one before every migration, orphan cleanup and business deletion, and the backup job makes them on demand or on a schedule.</Text>;
  return (
    <Table.ScrollContainer minWidth={980}>
      <Table verticalSpacing="xs" data-testid="backups-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Backup</Table.Th>
            <Table.Th>Made</Table.Th>
            <Table.Th>Schema</Table.Th>
            <Table.Th ta="right">Size</Table.Th>
            <Table.Th ta="right">Runs</Table.Th>
            <Table.Th ta="right">Businesses</Table.Th>
            <Table.Th ta="right">Orphans</Table.Th>
            <Table.Th>Last check</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {backups.map((backup) => (
            <BackupRow key={backup.name} backup={backup} onRestore={() => setRestoring(backup.name)} />
          ))}
        </Table.Tbody>
      </Table>
      <RestoreWizard name={restoring} onClose={() => setRestoring(null)} />
    </Table.ScrollContainer>
  );
}

function BackupRow({ backup, onRestore }: { backup: BackupRecordView; onRestore(): void }) {
  const verify = useVerifyBackup();
  const { counts } = backup;
  return (
    <Table.Tr data-testid="backup-row" data-name={backup.name}>
      <Table.Td>
        <Text size="sm" fw={500}>
          {KIND_LABELS[backup.kind] ?? backup.kind}
        </Text>
        <Text size="xs" c="dimmed" ff="monospace">
          {backup.name}
        </Text>
        {backup.checksum ? (
          <Text size="xs" c="dimmed" ff="monospace" title={backup.checksum}>
            sha256 {backup.checksum.slice(0, 16)}…
          </Text>
        ) : (
          <Text size="xs" c="dimmed">
            Not recorded (an earlier version made it)
          </Text>
        )}
      </Table.Td>
      <Table.Td style={NO_WRAP}>
        <When ms={Date.parse(backup.createdAt)} />
      </Table.Td>
      <Table.Td>{backup.schemaVersion === null ? (backup.kind === 'legacy' ? 'server edition' : '—') : backup.schemaVersion}</Table.Td>
      <Table.Td ta="right" style={NO_WRAP}>
        {formatBytes(backup.sizeBytes)}
      </Table.Td>
      <Table.Td ta="right">{counts ? formatCount(counts.runs) : '—'}</Table.Td>
      <Table.Td ta="right">{counts ? formatCount(counts.businesses) : '—'}</Table.Td>
      <Table.Td ta="right">{counts ? formatCount(counts.orphans) : '—'}</Table.Td>
      <Table.Td>
        <CheckState backup={backup} />
        <MutationError error={verify.error} />
      </Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <Button size="xs" variant="default" loading={verify.isPending} onClick={() => verify.mutate({ name: backup.name })} data-testid="backup-verify">
            Verify
          </Button>
          <Button size="xs" variant="default" onClick={onRestore} data-testid="backup-restore">
            Restore…
          </Button>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

function CheckState({ backup }: { backup: BackupRecordView }) {
  const check = backup.lastCheck;
  if (!check) return <Text size="sm" c="dimmed" data-testid="backup-check" data-state="unchecked">Not checked</Text>;
  if (check.ok)
    return (
      <Badge color="teal" variant="light" tt="none" data-testid="backup-check" data-state="passed">
        Passed <When ms={Date.parse(check.at)} />
      </Badge>
    );
  return (
    <Stack gap={2} data-testid="backup-check" data-state="failed">
      <Badge color="red" variant="light" tt="none">
        Failed <When ms={Date.parse(check.at)} />
      </Badge>
      {check.problems.map((problem) => (
        <Text key={problem} size="xs" c="red" maw={260}>
          {problem}
        </Text>
      ))}
    </Stack>
  );
}

function PruneButton() {
  const prune = usePruneBackups();
  const [preview, setPreview] = useState<PruneOutcome | null>(null);
  const [done, setDone] = useState<PruneOutcome | null>(null);
  const close = () => {
    setPreview(null);
    prune.reset();
  };
  const ask = () => {
    setDone(null);
    prune.mutate({ mode: 'preview' }, { onSuccess: (outcome) => setPreview(outcome) });
  };
  const confirm = (names: string[]) =>
    prune.mutate(
      { mode: 'prune', expectedNames: names },
      {
        onSuccess: (outcome) => {
          setPreview(null);
          setDone(outcome);
        },
      },
    );
  return (
    <Stack gap={4} align="flex-end">
      <Button variant="default" onClick={ask} loading={prune.isPending && !preview} data-testid="backups-prune">
        Prune now
      </Button>
      {done && (
        <Text size="sm" c="teal" data-testid="backups-pruned">
          Removed {plural(done.removed.length, 'backup')}, {formatBytes(done.freedBytes)} freed.
        </Text>
      )}
      {!preview && <MutationError error={prune.error} />}
      <PruneDialog preview={preview} pending={prune.isPending} error={prune.error} onConfirm={confirm} onClose={close} />
    </Stack>
  );
}

function PruneDialog(props: { preview: PruneOutcome | null; pending: boolean; error: unknown; onConfirm(names: string[]): void; onClose(): void }) {
  const { preview } = props;
  const names = preview?.removed.map((backup) => backup.name) ?? [];
  return (
    <Modal opened={preview !== null} onClose={props.onClose} title="Prune backups" size="lg">
      {preview && (
        <Stack data-testid="backups-prune-preview">
          {names.length === 0 ? (
            <Alert color="gray">The policy keeps every backup ({plural(preview.kept, 'backup')}): nothing to prune.</Alert>
          ) : (
            <>
              <Text size="sm">
                The policy ({describePolicy(preview.policy)}) removes {plural(names.length, 'backup')}, {formatBytes(preview.freedBytes)}, and keeps{' '}
                {plural(preview.kept, 'backup')}:
              </Text>
              <Stack gap={2}>
                {preview.removed.map((backup) => (
                  <Group key={backup.name} justify="space-between" wrap="nowrap" gap="md">
                    <Text size="xs" ff="monospace" truncate="end" title={backup.name}>
                      {backup.name}
                    </Text>
                    <Text size="xs" style={{ whiteSpace: 'nowrap' }}>
                      {formatBytes(backup.sizeBytes)}
                    </Text>
                  </Group>
                ))}
              </Stack>
            </>
          )}
          <MutationError error={props.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            {names.length > 0 && (
              <Tooltip label="The removal is recorded in the audit log">
                <Button color="red" loading={props.pending} onClick={() => props.onConfirm(names)} data-testid="backups-prune-confirm">
                  Remove {plural(names.length, 'backup')}
                </Button>
              </Tooltip>
            )}
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
