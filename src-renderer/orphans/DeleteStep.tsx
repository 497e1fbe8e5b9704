// Step 2b: preview the count, type the exact phrase (`delete N orphans`), confirm; main backs the file up first.
import { Text } from '@mantine/core';
import { useState } from 'react';
import { orphanDeletionPhrase } from '../../src-shared/schemas/orphans';
import { formatCount } from '../lib/format';
import { PhraseInput } from '../lib/phrase-input';
import { isApiError } from '../queries/client';
import { useDeleteOrphans, useDeletePreview } from '../queries/orphans';
import { ChangeActions, ChangeFrame, PreviewBox, PreviewState, useChangeScope, type ChangeStepProps } from './ChangeParts';
import { ChangeError } from './ChangeError';
import { ScopeChoice } from './ScopeChoice';

type Props = ChangeStepProps<{ deleted: number; backupPath: string | null }>;

export function DeleteStep({ total, selectedCount, selectedSelection, onBack, onDone }: Props) {
  const { scope, setScope, selection } = useChangeScope(selectedSelection);
  const [typed, setTyped] = useState('');
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
    <ChangeFrame
      testId="orphans-delete"
      title="Delete orphans"
      intro="The runs are removed with their progress and results. A backup of the whole database is made first, beside it: the deleted runs can be recovered from that copy."
    >
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
        <PreviewState preview={preview} errorTestId="delete-preview-error">
          {(data) => (
            <Text size="sm" data-testid="delete-preview">
              <strong data-testid="delete-preview-count">{formatCount(data.count)}</strong> {data.count === 1 ? 'orphan' : 'orphans'} will be deleted.
            </Text>
          )}
        </PreviewState>
      </PreviewBox>
      {phrase !== null && count !== null && count > 0 && <PhraseInput phrase={phrase} typed={typed} onType={setTyped} testIds={{ phrase: 'delete-phrase', input: 'delete-confirm-input' }} />}
      {remove.isError && (
        <ChangeError error={remove.error} conflict={conflict} failedTitle="Nothing was deleted" testId="delete-error" repreviewTestId="delete-repreview" onPreviewAgain={previewAgain} />
      )}
      <ChangeActions
        backTestId="delete-back"
        onBack={onBack}
        pending={remove.isPending}
        confirm={{
          label: count !== null ? `Back up, then delete ${formatCount(count)}` : 'Delete',
          onClick: confirm,
          disabled: !matches || conflict,
          testId: 'delete-confirm',
          color: 'red',
        }}
      />
    </ChangeFrame>
  );
}
