import { Anchor, Paper, Stack, Text, Title } from '@mantine/core';
import { type ReactNode } from 'react';
import { useViewLoaded } from '../stores/ui';

/** A page whose screens come in a later version. */
export function PlaceholderView({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  useViewLoaded(true);
  return (
    <Paper withBorder p="xl" data-testid={testId}>
      <Stack>
        <Title order={2}>{title}</Title>
        <Text>{children}</Text>
        <Anchor href="#/automation">Back to the Automation view</Anchor>
      </Stack>
    </Paper>
  );
}
