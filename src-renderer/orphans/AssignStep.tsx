// Step 2a: choose a business and which orphans, preview the exact count, confirm with that count.
import { Alert, Button, Group, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { type OrphanSelectionInput } from '../../src-shared/schemas/orphans';
import { formatCount } from '../lib/format';
import { useBusinesses } from '../queries/businesses';
import { errorMessage, isApiError } from '../queries/client';
import { useAssignOrphans, useAssignPreview } from '../queries/orphans';
import { ScopeChoice, type Scope } from './ScopeChoice';
import { ChangeError } from './ChangeError';

interface Props {
  total: number;
  selectedCount: number;
  selectedSelection: OrphanSelectionInput | null;
  onBack(): void;
  onDone(result: { assigned: number; business: { id: number; name: string } }): void;
}

export function AssignStep({ total, selectedCount, selectedSelection, onBack, onDone }: Props) {
  const businesses = useBusinesses();
  const [businessId, setBusinessId] = useState<number | null>(null);
  const [scope, setScope] = useState<Scope>(selectedSelection ? 'selected' : 'all');
  const selection: OrphanSelectionInput = scope === 'selected' && selectedSelection ? selectedSelection : { kind: 'all' };
  const preview = useAssignPreview(businessId, selection);
  const assign = useAssignOrphans();
  const conflict = isApiError(assign.error, 'CONFLICT');

  const options = (businesses.data ?? []).filter((business) => !business.disabled).map((business) => ({ value: String(business.id), label: business.name }));
  const previewAgain = () => {
    assign.reset();
    void preview.refetch();
  };
  const confirm = () => {
    if (!preview.data || businessId === null) return;
    assign.mutate({ businessId, selection, expectedCount: preview.data.count }, { onSuccess: onDone });
  };

  return (
    <Paper withBorder p="md" data-testid="orphans-assign">
      <Stack gap="md" maw={640}>
        <Title order={3} size="h4">
          Assign orphans to a business
        </Title>
        <Text size="sm">
          The runs become that business's runs: its members and admins will see them. Only enabled businesses can take runs.
        </Text>
        {businesses.isError && (
          <Alert color="red" title="The businesses could not be listed">
            {errorMessage(businesses.error)}
          </Alert>
        )}
        <Select
          label="Business"
          placeholder={businesses.isPending ? 'Loading businesses…' : options.length ? 'Search a business' : 'No enabled business'}
          data={options}
          value={businessId === null ? null : String(businessId)}
          onChange={(value) => {
            assign.reset();
            setBusinessId(value === null ? null : Number(value));
          }}
          searchable
          nothingFoundMessage="No enabled business matches"
          disabled={businesses.isPending}
          data-testid="assign-business"
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
          ) : preview.isFetching ? (
            <Text size="sm" c="dimmed">
              Counting…
            </Text>
          ) : preview.isError ? (
            <Text size="sm" c="red" data-testid="assign-preview-error">
              {errorMessage(preview.error)}
            </Text>
          ) : preview.data ? (
            <Text size="sm" data-testid="assign-preview">
              <strong data-testid="assign-preview-count">{preview.data.count}</strong> {preview.data.count === 1 ? 'orphan' : 'orphans'} will be assigned to{' '}
              <strong data-testid="assign-preview-business">{preview.data.business.name}</strong>.
            </Text>
          ) : null}
        </PreviewBox>
        {assign.isError && (
          <ChangeError error={assign.error} conflict={conflict} failedTitle="Nothing was assigned" testId="assign-error" repreviewTestId="assign-repreview" onPreviewAgain={previewAgain} />
        )}
        <Group justify="space-between">
          <Button variant="default" onClick={onBack} disabled={assign.isPending} data-testid="assign-back">
            Back to the check
          </Button>
          <Button
            onClick={confirm}
            loading={assign.isPending}
            disabled={!preview.data || preview.isFetching || preview.data.count === 0 || conflict}
            data-testid="assign-confirm"
          >
            {preview.data && !preview.isFetching ? `Assign ${formatCount(preview.data.count)} to ${preview.data.business.name}` : 'Assign'}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

export function PreviewBox({ children }: { children: ReactNode }) {
  return (
    <Paper withBorder p="sm" bg="var(--mantine-color-default-hover)">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb={4}>
        Preview
      </Text>
      {children}
    </Paper>
  );
}
