// A member or business admin with nothing to see: no business linked, or their business is disabled.
import { Alert, Button, Center, Paper, Stack, Text, Title } from '@mantine/core';
import { useSignOut } from '../queries/auth';

export type NoAccessReason = 'no_business' | 'business_disabled';

export function NoBusinessScreen({ reason, message }: { reason: NoAccessReason; message?: string }) {
  const signOut = useSignOut();
  const disabled = reason === 'business_disabled';
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder p="xl" w={520} maw="100%" data-testid={disabled ? 'business-disabled-screen' : 'no-business-screen'}>
        <Stack>
          <Title order={2}>{disabled ? 'Your business is disabled' : 'No business linked'}</Title>
          <Alert color={disabled ? 'orange' : 'yellow'} role="alert">
            {disabled
              ? (message ?? 'Your business has been disabled, so its runs cannot be viewed or changed. Ask a system administrator to enable it again.')
              : 'Your account is not linked to a business; ask a system administrator.'}
          </Alert>
          {!disabled && message && (
            <Text size="sm" c="dimmed">
              {message}
            </Text>
          )}
          <Button variant="default" onClick={() => signOut.mutate()} loading={signOut.isPending} data-testid="signout">
            Sign out
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}
