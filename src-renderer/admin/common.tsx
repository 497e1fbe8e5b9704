// Small pieces the admin panels share: load/error states, a confirmation dialog, time formatting per zone.
import { Alert, Button, Center, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { type ReactNode } from 'react';
import { FormRefusal } from '../lib/contract-form';
import { errorMessage } from '../queries/client';

/** Loading, error or the content; `empty` shows when the content has nothing to list. */
export function QueryState({ pending, error, empty, emptyText, children }: { pending: boolean; error: unknown; empty?: boolean; emptyText?: string; children: ReactNode }) {
  if (pending)
    return (
      <Center py="xl">
        <Loader size="sm" />
      </Center>
    );
  if (error)
    return (
      <Alert color="red" role="alert" title="Could not load">
        {errorMessage(error)}
      </Alert>
    );
  return (
    <>
      {children}
      {empty && (
        <Text c="dimmed" ta="center" py="lg">
          {emptyText ?? 'Nothing here yet.'}
        </Text>
      )}
    </>
  );
}

/** What "Load more" needs of a list paged by keyset (an infinite query). */
interface PagedList {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage(): unknown;
}

/** "Load more" under a list, while it has a next page. */
export function LoadMore({ list, testId }: { list: PagedList; testId: string }) {
  if (!list.hasNextPage) return null;
  return (
    <Group justify="center">
      <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage} data-testid={testId}>
        Load more
      </Button>
    </Group>
  );
}

/** A failed change's sentence, shown like a form's refusal. */
export function MutationError({ error, testId }: { error: unknown; testId?: string }) {
  return <FormRefusal refusal={error ? errorMessage(error) : null} testId={testId} />;
}

/** A yes/no question before a change that cannot be undone. */
export function ConfirmModal({
  opened,
  title,
  children,
  confirmLabel,
  pending,
  error,
  onConfirm,
  onClose,
  testId,
}: {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  pending: boolean;
  error: unknown;
  onConfirm(): void;
  onClose(): void;
  testId?: string;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <Stack>
        <Text size="sm">{children}</Text>
        <MutationError error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red" loading={pending} onClick={onConfirm} data-testid={testId}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** A time in a given IANA zone (a schedule's), with the zone's short name. */
export function formatInZone(ms: number | null | undefined, timeZone: string): string {
  if (ms === null || ms === undefined) return '—';
  try {
    // dateStyle/timeStyle cannot be combined with timeZoneName, hence the separate fields.
    return new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(ms);
  } catch {
    return new Date(ms).toISOString();
  }
}

export { USER_ROLE_LABELS as ROLE_LABELS } from '../../src-shared/domain';

interface RowAction {
  label: string;
  testId: string;
  onClick(): void;
}

/** A row's actions: edit (or rename), enable/disable (or pause), and delete. */
export function RowActions({
  edit,
  toggle,
  remove,
}: {
  edit: RowAction;
  toggle: RowAction & { loading: boolean };
  remove: Omit<RowAction, 'label'> & { disabled?: boolean };
}) {
  return (
    <Group gap="xs" justify="flex-end" wrap="nowrap">
      <Button size="xs" variant="default" onClick={edit.onClick} data-testid={edit.testId}>
        {edit.label}
      </Button>
      <Button size="xs" variant="default" loading={toggle.loading} onClick={toggle.onClick} data-testid={toggle.testId}>
        {toggle.label}
      </Button>
      <Button size="xs" color="red" variant="light" onClick={remove.onClick} disabled={remove.disabled} data-testid={remove.testId}>
        Delete
      </Button>
    </Group>
  );
}
