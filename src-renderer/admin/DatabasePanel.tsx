// Admin › Database (a role that reads the database): the file, its versions and counts, what this start did to it,
// and what an adoption of a server-edition file found, with the next steps.
import { Alert, Center, Loader } from '@mantine/core';
import { useAppStatus } from '../queries/app';
import { errorMessage } from '../queries/client';
import { DatabaseFacts } from '../screens/StartupScreen';
import { useViewLoaded } from '../stores/ui';

export function DatabasePanel() {
  const status = useAppStatus();
  const ready = status.data?.state === 'ready' ? status.data : null;
  useViewLoaded(ready?.info != null || status.isError);
  if (status.isError) return <Alert color="red">{errorMessage(status.error)}</Alert>;
  if (!ready?.info || !ready.startup) {
    return (
      <Center py="xl">
        <Loader size="sm" />
      </Center>
    );
  }
  return <DatabaseFacts info={ready.info} startup={ready.startup} />;
}
