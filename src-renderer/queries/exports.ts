// CSV exports: main writes the file (jobs.exportCsv, metrics.exportCsv), then the file is handed to the person at
// once (AppClient.deliverExport: a download, or the desktop's save dialog). Delivery is part of the export's
// result, not its failure: the file is written and audited even when the dialog is closed or the hand-over fails.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ChannelInput } from '../../src-shared/contract';
import { type Envelope } from '../../src-shared/errors';
import { type ExportedFileView } from '../../src-shared/schemas/exports';
import { type ExportDelivery } from '../api';
import { callOrThrow, useClient } from './client';
import { auditKeys } from './keys';

export type ExportChannel = 'jobs.exportCsv' | 'metrics.exportCsv';

/** What an export wrote, and how its first hand-over went. */
export interface DeliveredExport extends ExportedFileView {
  delivery: Envelope<ExportDelivery>;
}

export function useDeliveredExport<C extends ExportChannel>(channel: C) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation<DeliveredExport, Error, ChannelInput<C>>({
    mutationFn: async (input) => {
      const exported: ExportedFileView = await callOrThrow(client, channel, input);
      return { ...exported, delivery: await client.deliverExport(exported.fileName) };
    },
    // The export and its download are both in the audit log.
    onSettled: () => void queryClient.invalidateQueries({ queryKey: auditKeys.all }),
  });
}
