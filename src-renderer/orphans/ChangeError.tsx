// Why an assign or delete did not happen; on CONFLICT (the orphans changed since the preview) it offers a new preview.
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { errorMessage } from '../queries/client';

export function ChangeError({
  error,
  conflict,
  failedTitle,
  testId,
  repreviewTestId,
  onPreviewAgain,
}: {
  error: unknown;
  conflict: boolean;
  failedTitle: string;
  testId: string;
  repreviewTestId: string;
  onPreviewAgain(): void;
}) {
  return (
    <Alert color={conflict ? 'yellow' : 'red'} title={conflict ? 'The orphans changed since the preview' : failedTitle} data-testid={testId}>
      <Stack gap="xs">
        <Text size="sm">{errorMessage(error)}</Text>
        {conflict && (
          <Group>
            <Button size="xs" variant="light" onClick={onPreviewAgain} data-testid={repreviewTestId}>
              Preview again
            </Button>
          </Group>
        )}
      </Stack>
    </Alert>
  );
}
