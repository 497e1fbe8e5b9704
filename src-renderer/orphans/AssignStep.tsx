// Step 2a: choose a business and which orphans, preview the exact count, confirm with that count.
import { Alert, Select, Text } from '@mantine/core';
import { useState } from 'react';
import { formatCount } from '../lib/format';
import { useBusinesses } from '../queries/businesses';
import { errorMessage, isApiError } from '../queries/client';
import { useAssignOrphans, useAssignPreview } from '../queries/orphans';
import { ChangeActions, ChangeFrame, PreviewBox, PreviewState, useChangeScope, type ChangeStepProps } from './ChangeParts';
import { ChangeError } from './ChangeError';
import { ScopeChoice } from './ScopeChoice';

type Props = ChangeStepProps<{ assigned: number; business: { id: number; name: string } }>;

export function AssignStep({ total, selectedCount, selectedSelection, onBack, onDone }: Props) {
  const [businessId, setBusinessId] = useState<number | null>(null);
  const { scope, setScope, selection } = useChangeScope(selectedSelection);
  const preview = useAssignPreview(businessId, selection);
  const assign = useAssignOrphans();
  const conflict = isApiError(assign.error, 'CONFLICT');
  // What the preview found, once it is not being counted again.
  const found = preview.isFetching ? undefined : preview.data;

  const previewAgain = () => {
    assign.reset();
    void preview.refetch();
  };
  const confirm = () => {
    if (!preview.data || businessId === null) return;
    assign.mutate({ businessId, selection, expectedCount: preview.data.count }, { onSuccess: onDone });
  };

  return (
    <ChangeFrame
      testId="orphans-assign"
      title="Assign orphans to a business"
      intro="The runs become that business's runs: its members and admins will see them. Only enabled businesses can take runs."
    >
      <BusinessChoice
        value={businessId}
        onChange={(id) => {
          assign.reset();
          setBusinessId(id);
        }}
      />
      <ScopeChoice
        value={scope}
        onChange={(next) => {
          assign.reset();
          setScope(next);
        }}
        total={total}
        selectedCount={selectedCount}
      />
      <PreviewBox>
        {businessId === null ? (
          <Text size="sm" c="dimmed">
            Choose a business to see exactly what would change.
          </Text>
        ) : (
          <PreviewState preview={preview} errorTestId="assign-preview-error">
            {(data) => (
              <Text size="sm" data-testid="assign-preview">
                <strong data-testid="assign-preview-count">{formatCount(data.count)}</strong> {data.count === 1 ? 'orphan' : 'orphans'} will be assigned to{' '}
                <strong data-testid="assign-preview-business">{data.business.name}</strong>.
              </Text>
            )}
          </PreviewState>
        )}
      </PreviewBox>
      {assign.isError && (
        <ChangeError error={assign.error} conflict={conflict} failedTitle="Nothing was assigned" testId="assign-error" repreviewTestId="assign-repreview" onPreviewAgain={previewAgain} />
      )}
      <ChangeActions
        backTestId="assign-back"
        onBack={onBack}
        pending={assign.isPending}
        confirm={{
          label: found ? `Assign ${formatCount(found.count)} to ${found.business.name}` : 'Assign',
          onClick: confirm,
          disabled: !found || found.count === 0 || conflict,
          testId: 'assign-confirm',
        }}
      />
    </ChangeFrame>
  );
}

/** The enabled businesses, searchable; an alert above the field when they could not be listed. */
function BusinessChoice({ value, onChange }: { value: number | null; onChange(id: number | null): void }) {
  const businesses = useBusinesses();
  const options = (businesses.data ?? []).filter((business) => !business.disabled).map((business) => ({ value: String(business.id), label: business.name }));
  return (
    <>
      {businesses.isError && (
        <Alert color="red" title="The businesses could not be listed">
          {errorMessage(businesses.error)}
        </Alert>
      )}
      <Select
        label="Business"
        placeholder={businesses.isPending ? 'Loading businesses…' : options.length ? 'Search a business' : 'No enabled business'}
        data={options}
        value={value === null ? null : String(value)}
        onChange={(next) => onChange(next === null ? null : Number(next))}
        searchable
        nothingFoundMessage="No enabled business matches"
        disabled={businesses.isPending}
        data-testid="assign-business"
      />
    </>
  );
}
