// The orphan wizards (system admins): Check → Suggested assignments, Assign or Delete → Done.
import { Alert, Anchor, Button, Group, Paper, Stack, Stepper, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { SessionView } from '../../src-shared/schemas/accounts';
import type { OrphanSelectionInput, RunsOverviewView } from '../../src-shared/schemas/orphans';
import type { Route } from '../lib/router';
import { navigate } from '../lib/router';
import { useOrphansCheck } from '../queries/orphans';
import { useViewLoaded } from '../stores/ui';
import { AssignStep } from './AssignStep';
import { CheckStep, CheckSummary } from './CheckStep';
import { type Picked } from './orphan-selection';
import { DeleteStep } from './DeleteStep';
import { DoneStep, type WizardResult } from './DoneStep';
import { SuggestedStep } from './SuggestedStep';

const ACTION_LABELS: Record<Exclude<Step['name'], 'done'> | WizardResult['kind'], string> = {
  check: 'Assign or delete',
  suggested: 'Suggested assignments',
  assign: 'Assign',
  delete: 'Delete',
};

type Step = { name: 'check' } | { name: 'suggested' } | { name: 'assign' } | { name: 'delete' } | { name: 'done'; result: WizardResult; before: RunsOverviewView | undefined };

export function OrphansView({ session }: { session: SessionView; route: Extract<Route, { name: 'orphans' }> }) {
  if (session.user.role !== 'system_admin') return <NotAllowed />;
  return <OrphanWizard />;
}

function NotAllowed() {
  useViewLoaded(true);
  return (
    <Paper withBorder p="xl" data-testid="orphans-view">
      <Stack>
        <Title order={2}>Orphaned runs</Title>
        <Text>Only a system admin can review orphaned runs.</Text>
        <Anchor href="#/automation">Back to the Automation view</Anchor>
      </Stack>
    </Paper>
  );
}

function OrphanWizard() {
  const check = useOrphansCheck();
  useViewLoaded(!check.isPending);
  const [step, setStep] = useState<Step>({ name: 'check' });
  const [picked, setPicked] = useState<Picked>({ mode: 'ids', ids: new Set() });

  const selectedCount = picked.mode === 'all' ? (check.data?.orphans ?? 0) : picked.ids.size;
  const selectedSelection: OrphanSelectionInput | null =
    picked.mode === 'all' ? { kind: 'all' } : picked.ids.size > 0 ? { kind: 'ids', ids: [...picked.ids].sort((a, b) => a - b) } : null;
  const active = step.name === 'check' ? 0 : step.name === 'done' ? 3 : 1;
  const action = step.name === 'done' ? step.result.kind : step.name;

  const finish = (result: WizardResult) => {
    setStep({ name: 'done', result, before: check.data });
    setPicked({ mode: 'ids', ids: new Set() });
  };

  return (
    <Stack gap="md" data-testid="orphans-view" data-step={step.name}>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>Orphaned runs</Title>
        <Button variant="subtle" onClick={() => navigate('/automation')} data-testid="orphans-back">
          Back to Automation
        </Button>
      </Group>
      <Stepper active={active} size="sm" allowNextStepsSelect={false}>
        <Stepper.Step label="Check" description="Runs without a business" />
        <Stepper.Step
          label={ACTION_LABELS[action]}
          description="Preview, then confirm"
        />
        <Stepper.Step label="Done" description="The result and a re-check" />
      </Stepper>

      {step.name === 'check' && (
        <>
          {check.isError && (
            <Alert color="red" title="The check failed" data-testid="orphans-error">
              {check.error.message}
            </Alert>
          )}
          <CheckStep
            check={check}
            picked={picked}
            onPick={setPicked}
            selectedCount={selectedCount}
            onSuggest={() => setStep({ name: 'suggested' })}
            onAssign={() => setStep({ name: 'assign' })}
            onDelete={() => setStep({ name: 'delete' })}
          />
        </>
      )}
      {step.name === 'suggested' && <SuggestedStep onBack={() => setStep({ name: 'check' })} onDone={(value) => finish({ kind: 'suggested', ...value })} />}
      {step.name === 'assign' && (
        <AssignStep
          total={check.data?.orphans ?? 0}
          selectedCount={selectedCount}
          selectedSelection={selectedSelection}
          onBack={() => setStep({ name: 'check' })}
          onDone={(value) => finish({ kind: 'assign', ...value })}
        />
      )}
      {step.name === 'delete' && (
        <DeleteStep
          total={check.data?.orphans ?? 0}
          selectedCount={selectedCount}
          selectedSelection={selectedSelection}
          onBack={() => setStep({ name: 'check' })}
          onDone={(value) => finish({ kind: 'delete', ...value })}
        />
      )}
      {step.name === 'done' && (
        <DoneStep result={step.result} onAgain={() => setStep({ name: 'check' })}>
          <CheckSummary check={check} before={step.before} testId="orphans-recheck" />
        </DoneStep>
      )}
    </Stack>
  );
}
