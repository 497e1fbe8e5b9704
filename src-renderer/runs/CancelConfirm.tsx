// One confirmation for every Cancel button (active list, run detail): which run is asked for lives in the UI store.
import { Alert, Button, Group, Modal, Text } from '@mantine/core';
import { useCancelRun } from '../queries/jobs';
import { errorMessage } from '../queries/client';
import { useUiStore } from '../stores/ui';

export function CancelConfirm() {
  const runId = useUiStore((state) => state.cancelConfirmRunId);
  const close = useUiStore((state) => state.setCancelConfirmRunId);
  const cancel = useCancelRun();
  const onClose = () => {
    cancel.reset();
    close(null);
  };
  return (
    <Modal opened={runId !== null} onClose={onClose} title={`Cancel run #${runId ?? ''}?`} data-testid="cancel-confirm">
      <Text size="sm">A pending run will not start; a running one is stopped where it is. The run ends as cancelled, with your name on it.</Text>
      {cancel.isError && (
        <Alert color="red" mt="sm" data-testid="cancel-error">
          {errorMessage(cancel.error)}
        </Alert>
      )}
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={onClose}>
          Keep running
        </Button>
        <Button
          color="red"
          loading={cancel.isPending}
          data-testid="cancel-confirm-submit"
          onClick={() => runId !== null && cancel.mutate(runId, { onSuccess: onClose })}
        >
          Cancel run
        </Button>
      </Group>
    </Modal>
  );
}
