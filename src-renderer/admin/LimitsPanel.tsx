// Admin › Limits (system admins): the per-business limits that keep one business from crowding out the others
// (docs/job-engine.md#limits), each with its default, changed all at once (limits.set, audited).
import { setRunLimitsInput, type RunLimits } from '../../src-shared/schemas/limits';
import { useRunLimits, useSetRunLimits } from '../queries/admin';
import { useViewLoaded } from '../stores/ui';
import { QueryState } from './common';
import { SettingsForm, type SettingField } from './SettingsForm';

const FIELDS: readonly SettingField<keyof RunLimits>[] = [
  {
    key: 'pendingPerBusiness',
    label: 'Pending runs per business',
    help: 'A business with this many runs waiting cannot add more: triggers and retries are refused, and its schedules skip their due times.',
    min: 1,
  },
  {
    key: 'runningPerBusiness',
    label: 'Runs at once per business',
    help: 'The runner serves at most this many of one business’s runs at a time; the rest wait while other owners take the free slots.',
    min: 1,
  },
  {
    key: 'triggersPerMinutePerUser',
    label: 'Triggers per minute per user',
    help: 'The runs one person may trigger or retry in any minute; a bulk retry counts as one trigger.',
    min: 1,
  },
];

export function LimitsPanel() {
  const limits = useRunLimits();
  useViewLoaded(limits.isSuccess || limits.isError);
  return (
    <QueryState pending={limits.isPending} error={limits.error}>
      {limits.data && <LimitsForm current={limits.data.limits} defaults={limits.data.defaults} />}
    </QueryState>
  );
}

function LimitsForm({ current, defaults }: { current: RunLimits; defaults: RunLimits }) {
  const save = useSetRunLimits();
  return (
    <SettingsForm
      group="limits"
      current={current}
      defaults={defaults}
      schema={setRunLimitsInput}
      fields={FIELDS}
      save={(input, callbacks) => save.mutate(input as { limits: RunLimits }, callbacks)}
      saving={save.isPending}
      title="Limits per business"
      intro="The runner shares its slots fairly between businesses and system-wide runs; these limits also bound what one business or one person may queue."
      saveLabel="Save limits"
      savedText="Saved. New runs and the runner follow these limits now."
      testIdPrefix="limits"
      panelTestId="limits-panel"
    />
  );
}
