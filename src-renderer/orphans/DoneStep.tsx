// Step 3: what was done, and the check again (refreshed) beside it.
import { Alert, Button, Code, Group, Stack, Text } from '@mantine/core';
import { type ReactNode } from 'react';
import { formatCount } from '../lib/format';
import { navigate } from '../lib/router';

export type WizardResult =
  | { kind: 'assign'; assigned: number; business: { id: number; name: string } }
  | { kind: 'delete'; deleted: number; backupPath: string | null };

export function DoneStep({ result, onAgain, children }: { result: WizardResult; onAgain(): void; children: ReactNode }) {
  return (
    <Stack gap="md" data-testid="orphans-done">
      <Alert color="teal" title={result.kind === 'assign' ? 'Orphans assigned' : 'Orphans deleted'}>
        <Stack gap={6}>
          {result.kind === 'assign' ? (
            <Text size="sm">
              <span data-testid="orphans-result">{formatCount(result.assigned)}</span> {result.assigned === 1 ? 'run was' : 'runs were'} assigned to{' '}
              <strong data-testid="orphans-result-business">{result.business.name}</strong>.
            </Text>
          ) : (
            <>
              <Text size="sm">
                <span data-testid="orphans-result">{formatCount(result.deleted)}</span> {result.deleted === 1 ? 'run was' : 'runs were'} deleted.
              </Text>
              <Text size="sm">
                {result.backupPath ? (
                  <>
                    The database was backed up first to <Code data-testid="orphans-backup-path">{result.backupPath}</Code>
                  </>
                ) : (
                  'Nothing needed deleting, so no backup was made.'
                )}
              </Text>
            </>
          )}
        </Stack>
      </Alert>
      {children}
      <Group>
        <Button onClick={() => navigate('/automation')} data-testid="orphans-done-back">
          Back to Automation
        </Button>
        <Button variant="default" onClick={onAgain} data-testid="orphans-again">
          Review the orphans again
        </Button>
      </Group>
    </Stack>
  );
}
