// What the change steps share (preview → confirm → result): the frame of Assign and Delete, which orphans they apply
// to, the preview box and a preview's states, and the Back / confirm buttons (Suggested uses those two as well).
import { Button, Group, Paper, Stack, Text, Title, type MantineColor } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { type OrphanSelectionInput } from '../../src-shared/schemas/orphans';
import { errorMessage } from '../queries/client';
import { type Scope } from './ScopeChoice';

/** The props of the Assign and Delete steps; `Result` is what their change reports when it is done. */
export interface ChangeStepProps<Result> {
  total: number;
  selectedCount: number;
  selectedSelection: OrphanSelectionInput | null;
  onBack(): void;
  onDone(result: Result): void;
}

/** Which orphans the change applies to: the selected ones at first when the check has a selection, else all. */
export function useChangeScope(selectedSelection: OrphanSelectionInput | null) {
  const [scope, setScope] = useState<Scope>(selectedSelection ? 'selected' : 'all');
  const selection: OrphanSelectionInput = scope === 'selected' && selectedSelection ? selectedSelection : { kind: 'all' };
  return { scope, setScope, selection };
}

/** The Assign and Delete steps' frame: the title and what the change does, then the step's own parts. */
export function ChangeFrame({ testId, title, intro, children }: { testId: string; title: string; intro: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" data-testid={testId}>
      <Stack gap="md" maw={640}>
        <Title order={3} size="h4">
          {title}
        </Title>
        <Text size="sm">{intro}</Text>
        {children}
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

/** The part of a preview query that PreviewState reads. */
interface PreviewQuery<T> {
  isFetching: boolean;
  isError: boolean;
  error: unknown;
  data: T | undefined;
}

/** A preview query inside the preview box: "Counting…" while it runs, then its error or what it found. */
export function PreviewState<T>({ preview, errorTestId, children }: { preview: PreviewQuery<T>; errorTestId: string; children(found: T): ReactNode }) {
  if (preview.isFetching) {
    return (
      <Text size="sm" c="dimmed">
        Counting…
      </Text>
    );
  }
  if (preview.isError) {
    return (
      <Text size="sm" c="red" data-testid={errorTestId}>
        {errorMessage(preview.error)}
      </Text>
    );
  }
  return preview.data === undefined ? null : children(preview.data);
}

/** The confirm button's label, action and state (it shows a loader while the change is pending). */
export interface ConfirmAction {
  label: string;
  onClick(): void;
  disabled: boolean;
  testId: string;
  color?: MantineColor;
}

/** "Back to the check" (locked while the change runs) and, when there is something to confirm, the confirm button. */
export function ChangeActions({ backTestId, onBack, pending, confirm }: { backTestId: string; onBack(): void; pending: boolean; confirm: ConfirmAction | null }) {
  return (
    <Group justify="space-between">
      <Button variant="default" onClick={onBack} disabled={pending} data-testid={backTestId}>
        Back to the check
      </Button>
      {confirm && (
        <Button color={confirm.color} onClick={confirm.onClick} loading={pending} disabled={confirm.disabled} data-testid={confirm.testId}>
          {confirm.label}
        </Button>
      )}
    </Group>
  );
}
