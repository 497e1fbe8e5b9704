// Businesses (system admins): list, create, rename, disable/enable, delete with a preview and a typed name.
import { Alert, Badge, Button, Code, Group, Modal, Paper, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { type ChannelOutput } from '../../src-shared/contract';
import { createBusinessInput, renameBusinessInput, type BusinessView } from '../../src-shared/schemas/accounts';
import { FormRefusal, useContractForm } from '../lib/contract-form';
import { formatCount, formatDateTime } from '../lib/format';
import { useBusinessDeletePreview, useBusinessDisablePreview, useCreateBusiness, useDeleteBusiness, useRenameBusiness, useSetBusinessDisabled } from '../queries/admin';
import { plural } from '../../src-shared/text';
import { useBusinesses } from '../queries/businesses';
import { isApiError } from '../queries/client';
import { useViewLoaded } from '../stores/ui';
import { ConfirmModal, MutationError, QueryState, RowActions } from './common';

export function BusinessesPanel() {
  const businesses = useBusinesses();
  useViewLoaded(!businesses.isPending);
  const [renaming, setRenaming] = useState<BusinessView | null>(null);
  const [deleting, setDeleting] = useState<BusinessView | null>(null);
  const [disabling, setDisabling] = useState<BusinessView | null>(null);
  const setDisabled = useSetBusinessDisabled();
  const list = businesses.data ?? [];

  return (
    <Stack>
      <CreateBusinessForm />
      <MutationError error={setDisabled.error} />
      <QueryState pending={businesses.isPending} error={businesses.error} empty={list.length === 0} emptyText="No businesses yet.">
        <Table striped highlightOnHover data-testid="businesses-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th ta="right">Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((business) => (
              <Table.Tr key={business.id} data-testid={`business-row-${business.id}`}>
                <Table.Td>
                  {business.name}
                  {business.legacyId && (
                    <Text span size="xs" c="dimmed" ml="xs">
                      (server edition {business.legacyId})
                    </Text>
                  )}
                </Table.Td>
                <Table.Td data-testid={`business-status-${business.id}`}>{business.disabled ? <Badge color="gray">Disabled</Badge> : <Badge color="teal">Active</Badge>}</Table.Td>
                <Table.Td>{formatDateTime(business.createdAt)}</Table.Td>
                <Table.Td>
                  <RowActions
                    edit={{ label: 'Rename', testId: `business-rename-${business.id}`, onClick: () => setRenaming(business) }}
                    toggle={{
                      label: business.disabled ? 'Enable' : 'Disable',
                      testId: `business-toggle-${business.id}`,
                      loading: setDisabled.isPending && setDisabled.variables.id === business.id,
                      // Enabling gives access back at once; disabling locks users out, so it asks first.
                      onClick: () => (business.disabled ? setDisabled.mutate({ id: business.id, disabled: false }) : setDisabling(business)),
                    }}
                    remove={{ testId: `business-delete-${business.id}`, onClick: () => setDeleting(business) }}
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </QueryState>
      <Modal opened={renaming !== null} onClose={() => setRenaming(null)} title="Rename business">
        {renaming && <RenameForm business={renaming} onDone={() => setRenaming(null)} />}
      </Modal>
      <DisableBusiness business={disabling} onClose={() => setDisabling(null)} />
      <Modal opened={deleting !== null} onClose={() => setDeleting(null)} title="Delete business" size="lg">
        {deleting && <DeleteBusiness business={deleting} onClose={() => setDeleting(null)} />}
      </Modal>
    </Stack>
  );
}

/** The confirmation before a business is disabled: how many users lose access and how many schedules stop firing. */
function DisableBusiness({ business, onClose }: { business: BusinessView | null; onClose(): void }) {
  const preview = useBusinessDisablePreview(business?.id ?? null);
  const setDisabled = useSetBusinessDisabled();
  const close = () => {
    setDisabled.reset();
    onClose();
  };
  return (
    <ConfirmModal
      opened={business !== null}
      title={`Disable ${business?.name ?? 'business'}?`}
      confirmLabel="Disable business"
      pending={setDisabled.isPending || preview.isPending}
      error={setDisabled.error ?? preview.error}
      onClose={close}
      onConfirm={() => business && setDisabled.mutate({ id: business.id, disabled: true }, { onSuccess: close })}
      testId="business-disable-confirm"
    >
      {preview.data ? (
        <span data-testid="business-disable-preview">
          {plural(preview.data.users, 'user')} of {preview.data.business.name} will lose access at once (their open windows say so) until it is enabled again, and{' '}
          {plural(preview.data.schedules, 'schedule')} will stop firing. Its runs stay as they are.
        </span>
      ) : (
        'Counting who loses access…'
      )}
    </ConfirmModal>
  );
}

function CreateBusinessForm() {
  const create = useCreateBusiness();
  const { form, refusal, refuse, clearRefusal } = useContractForm({ initialValues: { name: '' }, schema: createBusinessInput, toInput: (values) => values });
  const submit = form.onSubmit((values) => {
    clearRefusal();
    create.mutate(values, { onSuccess: () => form.reset(), onError: refuse });
  });
  return (
    <Paper withBorder p="md">
      <form onSubmit={submit} noValidate>
        <Stack gap="xs">
          <Group align="flex-start">
            <TextInput
              label="New business"
              placeholder="Business name"
              key={form.key('name')}
              {...form.getInputProps('name')}
              data-testid="business-create-name"
              style={{ flex: 1 }}
            />
            <Button type="submit" mt={25} loading={create.isPending} data-testid="business-create-submit">
              Create business
            </Button>
          </Group>
          <FormRefusal refusal={refusal} testId="business-create-error" />
        </Stack>
      </form>
    </Paper>
  );
}

function RenameForm({ business, onDone }: { business: BusinessView; onDone(): void }) {
  const rename = useRenameBusiness();
  const toInput = (values: { name: string }) => ({ id: business.id, name: values.name });
  const { form, refusal, refuse, clearRefusal } = useContractForm({ initialValues: { name: business.name }, schema: renameBusinessInput, toInput });
  const submit = form.onSubmit((values) => {
    clearRefusal();
    rename.mutate(toInput(values), { onSuccess: onDone, onError: refuse });
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput label="Name" key={form.key('name')} {...form.getInputProps('name')} data-autofocus data-testid="business-rename-input" />
        <FormRefusal refusal={refusal} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={rename.isPending} data-testid="business-rename-submit">
            Rename
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Step 1: the preview; step 2: the typed name (with the run count seen); step 3: main backs up and deletes. */
function DeleteBusiness({ business, onClose }: { business: BusinessView; onClose(): void }) {
  const preview = useBusinessDeletePreview(business.id);
  const remove = useDeleteBusiness();
  const [typed, setTyped] = useState('');

  if (remove.isSuccess) return <DeleteDone result={remove.data} onClose={onClose} />;

  const data = preview.data;
  return (
    <QueryState pending={preview.isPending} error={preview.error}>
      {data && (
        <Stack>
          <Text>Deleting “{data.business.name}” takes with it:</Text>
          <DeletePreviewTable preview={data} />
          <TextInput
            label={`Type the business's name, “${data.business.name}”, to confirm`}
            value={typed}
            onChange={(event) => setTyped(event.currentTarget.value)}
            data-autofocus
            data-testid="business-delete-confirm-input"
          />
          <MutationError error={remove.error} testId="business-delete-error" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              disabled={typed !== data.business.name}
              onClick={() =>
                remove.mutate(
                  { id: business.id, confirmName: typed, expectedRuns: data.runs },
                  // The run count changed since the preview: show the new one, the operator confirms again.
                  {
                    onError: (error) => {
                      if (isApiError(error, 'CONFLICT')) void preview.refetch();
                    },
                  },
                )
              }
              data-testid="business-delete-confirm"
            >
              Back up and delete
            </Button>
          </Group>
        </Stack>
      )}
    </QueryState>
  );
}

/** What the deletion takes with it, as main counted it. */
function DeletePreviewTable({ preview }: { preview: ChannelOutput<'businesses.previewDelete'> }) {
  return (
    <Table withTableBorder data-testid="business-delete-preview">
      <Table.Tbody>
        <Table.Tr>
          <Table.Td>Runs (deleted)</Table.Td>
          <Table.Td data-testid="business-delete-runs">{formatCount(preview.runs)}</Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Td>Schedules (deleted)</Table.Td>
          <Table.Td data-testid="business-delete-schedules">{formatCount(preview.schedules)}</Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Td>Users (left without a business)</Table.Td>
          <Table.Td data-testid="business-delete-users">{formatCount(preview.users)}</Table.Td>
        </Table.Tr>
      </Table.Tbody>
    </Table>
  );
}

/** What was deleted, and where the backup made first is. */
function DeleteDone({ result, onClose }: { result: ChannelOutput<'businesses.delete'>; onClose(): void }) {
  return (
    <Stack data-testid="business-delete-done">
      <Alert color="teal" title={`“${result.deleted.business.name}” was deleted`}>
        {formatCount(result.deleted.runs)} runs, {formatCount(result.deleted.schedules)} schedules removed; {formatCount(result.deleted.users)} users no longer
        belong to a business.
      </Alert>
      <Text size="sm">A backup was made first:</Text>
      <Code block data-testid="business-delete-backup">
        {result.backupPath}
      </Code>
      <Group justify="flex-end">
        <Button onClick={onClose}>Close</Button>
      </Group>
    </Stack>
  );
}
