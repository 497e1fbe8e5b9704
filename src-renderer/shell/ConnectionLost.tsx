// While the app (the HTTP shell's process) cannot be reached, the whole window says so, names the command that started
// it, and asks again every few seconds; once it answers, every view reads its data afresh and the window carries on.
import { Center, Code, Loader, Overlay, Paper, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useClient } from '../queries/client';
import { useConnection } from '../stores/connection';

const RECONNECT_INTERVAL_MS = 3000;

export function ConnectionLost() {
  const reachable = useConnection((state) => state.reachable);
  const launchCommand = useConnection((state) => state.launchCommand);
  const client = useClient();
  const queryClient = useQueryClient();
  const wasLost = useRef(false);

  useEffect(() => {
    if (reachable) {
      // Back: nothing shown while it was gone can be trusted, so everything is read again.
      if (wasLost.current) void queryClient.invalidateQueries();
      wasLost.current = false;
      return;
    }
    wasLost.current = true;
    const timer = setInterval(() => void client.call('app.status', {}), RECONNECT_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [reachable, client, queryClient]);

  if (reachable) return null;
  return (
    // Opaque: figures read before the app went away are not shown as if they were current.
    <Overlay fixed zIndex={1000} backgroundOpacity={1} color="var(--mantine-color-body)" data-testid="connection-lost">
      <Center h="100%">
        <Paper p="xl" maw={520} withBorder shadow="md" role="alert">
          <Stack>
            <Title order={2}>The app is not answering</Title>
            <Text>
              This window cannot reach Automation Console. It was started with{' '}
              {launchCommand ? <Code data-testid="connection-lost-command">{launchCommand}</Code> : 'a command in a terminal'}: if that has stopped, run it
              again. The views come back, read afresh, once it answers.
            </Text>
            <Text size="sm" c="dimmed">
              <Loader size="xs" mr="xs" />
              Trying again every {RECONNECT_INTERVAL_MS / 1000} seconds; this window carries on by itself.
            </Text>
          </Stack>
        </Paper>
      </Center>
    </Overlay>
  );
}
