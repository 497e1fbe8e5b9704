// Step 2b: preview the count, type the exact phrase (`delete N orphans`), confirm; main backs the file up first.
import { Button, Code, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { orphanDeletionPhrase, type OrphanSelectionInput } from '../../src-shared/schemas/orphans';
import { formatCount } from '../lib/format';
import { errorMessage, isApiError } from '../queries/client';
import { useDeleteOrphans, useDeletePreview } from '../queries/orphans';
import { PreviewBox } from './AssignStep';
import { ScopeChoice, type Scope } from './ScopeChoice';
import { ChangeError } from './ChangeError';

interface Props {
  total: number;
  selectedCount: number;
  selectedSelection: OrphanSelectionInput | null;
  onBack(): void;
  onDone(result: { deleted: number; backupPath: string | null }): void;
}

export function DeleteStep({ total, selectedCount, selectedSelection, onBack, onDone }: Props) {
  const [scope, setScope] = useState<Scope>(selectedSelection ? 'selected' : 'all');
  const [typed, setTyped] = useState('');
  const selection: OrphanSelectionInput = scope === 'selected' && selectedSelection ? selectedSelection : { kind: 'all' };
  const preview = useDeletePreview(selection);
  const remove = useDeleteOrphans();
  const conflict = isApiError(remove.error, 'CONFLICT');

  const count = preview.data && !preview.isFetching ? preview.data.count : null;
  const phrase = count === null ? null : orphanDeletionPhrase(count);
  const matches = phrase !== null && typed === phrase;

  const previewAgain = () => {
    remove.reset();
    setTyped('');
    void preview.refetch();
  };
  const confirm = () => {
    if (count === null || !matches) return;
    remove.mutate({ selection, expectedCount: count, confirmation: typed }, { onSuccess: onDone });
  };

  return (
    <Paper withBorder p="md" data-testid="orphans-delete">
      <Stack gap="md" maw={640}>
        <Title order={3} size="h4">
          Delete orphans
        </Title>
        <Text size="sm">
          The runs are removed with their progress and results. A backup of the whole database is made first, beside it: the deleted runs can be
          recovered from that copy.
        </Text>
        <ScopeChoice
          value={scope}
          onChange={(next) => {
            remove.reset();
            setTyped('');
            setScope(next);
          }}
          total={total}
          selectedCount={selectedCount}
        />
        <PreviewBox>
          {preview.isFetching ? (
            <Text size="sm" c="dimmed">
              Counting…
            </Text>
          ) : preview.isError ? (
            <Text size="sm" c="red" data-testid="delete-preview-error">
              {errorMessage(preview.error)}
            </Text>
          ) : preview.data ? (
            <Text size="sm" data-testid="delete-preview">
              <strong data-testid="delete-preview-count">{preview.data.count}</strong> {preview.data.count === 1 ? 'orphan' : 'orphans'} will be deleted.
            </Text>
          ) : null}
        </PreviewBox>
        {phrase !== null && count !== null && count > 0 && (
          <Stack gap={6}>
            <Text size="sm">
              To confirm, type <Code data-testid="delete-phrase">{phrase}</Code> exactly:
            </Text>
            <TextInput
              aria-label="Confirmation phrase"
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              placeholder={phrase}
              autoComplete="off"
              error={typed !== '' && !matches && !phrase.startsWith(typed) ? 'That is not the phrase' : undefined}
              data-testid="delete-confirm-input"
            />
          </Stack>
        )}
        {remove.isError && (
          <ChangeError error={remove.error} conflict={conflict} failedTitle="Nothing was deleted" testId="delete-error" repreviewTestId="delete-repreview" onPreviewAgain={previewAgain} />
        )}
        <Group justify="space-between">
          <Button variant="default" onClick={onBack} disabled={remove.isPending} data-testid="delete-back">
            Back to the check
          </Button>
          <Button color="red" onClick={confirm} loading={remove.isPending} disabled={!matches || conflict} data-testid="delete-confirm">
            {count !== null ? `Back up, then delete ${formatCount(count)}` : 'Delete'}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
