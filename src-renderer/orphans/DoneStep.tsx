// Step 3: what was done, and the check again (refreshed) beside it.
import { Alert, Button, Code, Group, List, Stack, Text } from '@mantine/core';
import { type ReactNode } from 'react';
import { ORPHAN_EVIDENCE_LABELS, type SuggestedAssignmentView } from '../../src-shared/schemas/orphans';
import { formatCount } from '../lib/format';
import { navigate } from '../lib/router';

export type WizardResult =
  | { kind: 'assign'; assigned: number; business: { id: number; name: string } }
  | ({ kind: 'suggested' } & SuggestedAssignmentView)
  | { kind: 'delete'; deleted: number; backupPath: string | null };

const TITLES: Record<WizardResult['kind'], string> = { assign: 'Orphans assigned', suggested: 'Suggested assignments made', delete: 'Orphans deleted' };
const runsWere = (n: number) => `${n === 1 ? 'run was' : 'runs were'}`;

export function DoneStep({ result, onAgain, children }: { result: WizardResult; onAgain(): void; children: ReactNode }) {
  return (
    <Stack gap="md" data-testid="orphans-done">
      <Alert color="teal" title={TITLES[result.kind]}>
        <Stack gap={6}>
          {result.kind === 'assign' && (
            <Text size="sm">
              <span data-testid="orphans-result">{formatCount(result.assigned)}</span> {runsWere(result.assigned)} assigned to{' '}
              <strong data-testid="orphans-result-business">{result.business.name}</strong>.
            </Text>
          )}
          {result.kind === 'suggested' && (
            <>
              <Text size="sm">
                <span data-testid="orphans-result">{formatCount(result.assigned)}</span> {runsWere(result.assigned)} assigned to the suggested businesses:
              </Text>
              <List size="sm" data-testid="orphans-result-groups">
                {result.groups.map((group) => (
                  <List.Item key={`${group.business.id}-${group.reason}`} data-testid={`orphans-result-group-${group.business.id}-${group.reason}`}>
                    <strong>{group.business.name}</strong>: {formatCount(group.assigned)} ({ORPHAN_EVIDENCE_LABELS[group.reason]})
                  </List.Item>
                ))}
              </List>
            </>
          )}
          {result.kind === 'delete' && (
            <Text size="sm">
              <span data-testid="orphans-result">{formatCount(result.deleted)}</span> {runsWere(result.deleted)} deleted.
            </Text>
          )}
          {result.kind !== 'assign' && (
            <Text size="sm">
              {result.backupPath ? (
                <>
                  The database was backed up first to <Code data-testid="orphans-backup-path">{result.backupPath}</Code>
                </>
              ) : (
                'Nothing needed deleting, so no backup was made.'
              )}
            </Text>
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
