// An export's result where it was asked for: how many rows, where the file went (downloaded, saved with "Show in
// folder", or not saved), a button to hand it over again, and the copy kept in the exports folder beside the database.
import { Alert, Button, Code, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { type Envelope } from '../../src-shared/errors';
import { plural } from '../../src-shared/text';
import { type ExportDelivery } from '../api';
import { useClient } from '../queries/client';
import { type DeliveredExport } from '../queries/exports';
import { formatCount } from './format';

export function ExportResult({ exported, testId }: { exported: DeliveredExport; testId: string }) {
  const client = useClient();
  const [delivery, setDelivery] = useState(exported.delivery);
  const [busy, setBusy] = useState(false);
  const again = async () => {
    setBusy(true);
    try {
      setDelivery(await client.deliverExport(exported.fileName));
    } finally {
      setBusy(false);
    }
  };
  const desktop = client.transport === 'electron';
  const saved = delivery.ok && delivery.value.kind === 'saved' ? delivery.value.path : null;
  return (
    <Alert
      color={delivery.ok && delivery.value.kind !== 'not-saved' ? 'green' : 'yellow'}
      title={`Exported ${plural(exported.rows, 'row')} (${formatCount(exported.bytes)} bytes)`}
      data-testid={testId}
      data-path={exported.path}
      data-rows={exported.rows}
      data-delivery={delivery.ok ? delivery.value.kind : 'failed'}
    >
      <Stack gap="xs">
        <Text size="sm" data-testid={`${testId}-delivery`}>
          {deliverySentence(delivery)}
        </Text>
        <Group gap="xs">
          {saved && client.showInFolder && (
            <Button size="xs" variant="light" onClick={() => void client.showInFolder?.(saved)} data-testid={`${testId}-show`}>
              Show in folder
            </Button>
          )}
          <Button size="xs" variant="default" loading={busy} onClick={() => void again()} data-testid={`${testId}-again`}>
            {desktop ? 'Save a copy…' : 'Download again'}
          </Button>
        </Group>
        <Text size="xs" c="dimmed">
          The app keeps its own copy in the exports folder beside the database:
        </Text>
        <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
          {exported.path}
        </Code>
      </Stack>
    </Alert>
  );
}

function deliverySentence(delivery: Envelope<ExportDelivery>): string {
  if (!delivery.ok) return `The file was written but could not be handed over: ${delivery.error.message}`;
  switch (delivery.value.kind) {
    case 'downloaded':
      return `Downloaded as ${delivery.value.fileName}.`;
    case 'saved':
      return `Saved to ${delivery.value.path}.`;
    case 'not-saved':
      return 'Not saved: the save dialog was closed.';
  }
}
