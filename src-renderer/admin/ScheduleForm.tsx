// The form that creates or edits a schedule, with the tags its runs get. Its cron helper asks main for the next runs
// in the schedule's zone as the operator types.
import { Alert, Autocomplete, Button, Group, List, Loader, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { MISSED_RUN_POLICIES, type MissedRunPolicy } from '../../src-shared/domain';
import { type SessionView } from '../../src-shared/schemas/accounts';
import { type JobTypeView } from '../../src-shared/schemas/jobs';
import { type ScheduleView } from '../../src-shared/schemas/schedules';
import { formatDateTime } from '../lib/format';
import { useCreateSchedule, useCronPreview, useUpdateSchedule } from '../queries/admin';
import { useBusinesses } from '../queries/businesses';
import { errorMessage } from '../queries/client';
import { useJobTypes } from '../queries/jobs';
import { byParam, defaultValues, paramFields, paramPaths, paramsToSend, valuesFromParams, type ParamValues } from '../runs/params-form';
import { FormRefusal, refusalByField } from '../lib/contract-form';
import { tagPaths, tagsInput } from '../lib/tag-rows';
import { TagsEditor, useTagsField } from '../lib/tags';
import { defaultRunTarget, parseRunTarget, runTargetOptions } from '../runs/run-target';
import { mayRunType } from '../lib/permissions';
import { ParamInputs } from '../runs/TriggerDialog';
import { formatInZone } from './common';

const POLICY_LABELS: Record<MissedRunPolicy, string> = { skip: 'Skip missed runs', run_once: 'Run once on start' };
const TAGS_HELP = {
  create: 'Every run it creates carries them, such as env=prod.',
  edit: 'Every run it creates from now on carries them; runs it already created keep theirs.',
};
const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const TIME_ZONES: string[] = (() => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
})();

export type Editing = { mode: 'create' } | { mode: 'edit'; schedule: ScheduleView };

/** The job types this user may schedule, the chosen one, and its parameters' fields and values (an edited schedule's own values over the defaults). */
function useJobTypeChoice(session: SessionView, existing: ScheduleView | null) {
  const types = useJobTypes();
  const [jobTypeKey, setJobTypeKey] = useState<string | null>(existing?.jobType ?? null);
  const registered = useMemo(() => (types.data ?? []).filter((type) => mayRunType(session.user, type)), [types.data, session.user]);
  const jobType = (types.data ?? []).find((type) => type.key === jobTypeKey) ?? null;
  const fields = useMemo(() => paramFields(jobType?.paramsSchema ?? null), [jobType]);
  const [values, setValues] = useState<ParamValues>({});
  useEffect(() => {
    setValues(existing && existing.jobType === jobType?.key ? valuesFromParams(fields, existing.params) : defaultValues(fields));
  }, [fields, existing, jobType?.key]);
  return { typesPending: types.isPending, registered, jobTypeKey, setJobTypeKey, jobType, fields, values, setValues };
}

/** Where a system admin's new schedule runs: the switcher's business when the job type allows it, else system-wide when allowed. */
function useRunTarget(session: SessionView, jobType: JobTypeView | null, existing: ScheduleView | null) {
  const isSystemAdmin = session.user.role === 'system_admin';
  const businesses = useBusinesses(isSystemAdmin && !existing);
  const [target, setTarget] = useState<string | null>(null);
  useEffect(() => {
    if (isSystemAdmin && jobType) setTarget(defaultRunTarget(session, jobType));
  }, [isSystemAdmin, jobType, session]);
  return { target, setTarget, options: runTargetOptions(jobType, businesses.data) };
}

export function ScheduleForm({ session, editing, onDone }: { session: SessionView; editing: Editing; onDone(): void }) {
  const existing = editing.mode === 'edit' ? editing.schedule : null;
  const isSystemAdmin = session.user.role === 'system_admin';
  const choice = useJobTypeChoice(session, existing);
  const { jobType, fields } = choice;
  const runTarget = useRunTarget(session, jobType, existing);
  const create = useCreateSchedule();
  const update = useUpdateSchedule();
  const mutation = existing ? update : create;

  const [name, setName] = useState(existing?.name ?? '');
  const [cron, setCron] = useState(existing?.cron ?? '');
  const [timeZone, setTimeZone] = useState(existing?.timeZone ?? LOCAL_ZONE);
  const [policy, setPolicy] = useState<MissedRunPolicy>(existing?.missedRunPolicy ?? 'skip');
  const [enabled, setEnabled] = useState(true);
  const tags = useTagsField(existing?.tags);

  const errors = refusalByField(mutation.error, ['name', 'cron', 'timeZone', 'target', ...paramPaths(fields), ...tagPaths(tags.rows)]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // A tag with a problem says so under it, and nothing is sent.
    if (!tags.valid) return tags.reveal();
    const params = paramsToSend(fields, choice.values);
    if (existing) {
      // The tags as they now are: none ({}) removes them all.
      update.mutate({ id: existing.id, name, cron, timeZone, missedRunPolicy: policy, params, tags: tags.tags }, { onSuccess: onDone });
    } else if (jobType) {
      const target = isSystemAdmin ? parseRunTarget(runTarget.target) : undefined;
      create.mutate({ name, jobType: jobType.key, params, ...tagsInput(tags.tags), cron, timeZone, missedRunPolicy: policy, enabled, ...(target ? { target } : {}) }, { onSuccess: onDone });
    }
  };

  return (
    <form onSubmit={submit} noValidate data-testid="schedule-form">
      <Stack>
        <TextInput label="Name" value={name} onChange={(event) => setName(event.currentTarget.value)} required error={errors.byPath.name} data-autofocus data-testid="schedule-name" />
        <JobTypeSelect choice={choice} existing={existing} />
        {isSystemAdmin && !existing && jobType && (
          <Select
            label="Runs in"
            data={runTarget.options}
            value={runTarget.target}
            onChange={runTarget.setTarget}
            searchable
            required
            data-testid="schedule-target"
            comboboxProps={{ withinPortal: true }}
          />
        )}
        <ParamInputs jobTypeKey={jobType?.key} fields={fields} values={choice.values} errors={byParam(errors.byPath)} onChange={choice.setValues} />
        <TagsEditor field={tags} errors={errors.byPath} description={existing ? TAGS_HELP.edit : TAGS_HELP.create} testId="schedule-tags" />
        <CronFields cron={cron} timeZone={timeZone} onCron={setCron} onTimeZone={setTimeZone} errors={errors.byPath} />
        <Select
          label="Missed runs (while the app was closed)"
          data={MISSED_RUN_POLICIES.map((value) => ({ value, label: POLICY_LABELS[value] }))}
          value={policy}
          onChange={(value) => value && setPolicy(value as MissedRunPolicy)}
          allowDeselect={false}
          data-testid="schedule-policy"
          comboboxProps={{ withinPortal: true }}
        />
        {!existing && <Switch label="Enabled" checked={enabled} onChange={(event) => setEnabled(event.currentTarget.checked)} data-testid="schedule-enabled" />}
        <FormRefusal refusal={errors.rest} testId="schedule-error" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button
            type="submit"
            loading={mutation.isPending}
            disabled={name.trim() === '' || cron.trim() === '' || (!existing && !jobType) || (isSystemAdmin && !existing && !runTarget.target)}
            data-testid="schedule-submit"
          >
            {existing ? 'Save schedule' : 'Create schedule'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The job type: any registered one this user may schedule for a new schedule; an edited schedule's own, fixed. */
function JobTypeSelect({ choice, existing }: { choice: ReturnType<typeof useJobTypeChoice>; existing: ScheduleView | null }) {
  const { jobType } = choice;
  return (
    <Select
      label="Job type"
      placeholder={choice.typesPending ? 'Loading…' : 'Choose a job type'}
      data={
        existing
          ? [{ value: existing.jobType, label: jobType?.title ? `${jobType.title} (${existing.jobType})` : existing.jobType }]
          : choice.registered.map((type) => ({ value: type.key, label: type.title ? `${type.title} (${type.key})` : type.key }))
      }
      value={choice.jobTypeKey}
      onChange={choice.setJobTypeKey}
      disabled={existing !== null}
      description={existing ? 'A schedule’s job type cannot change; create another schedule instead.' : jobType?.description}
      searchable
      required
      data-testid="schedule-jobtype"
      comboboxProps={{ withinPortal: true }}
    />
  );
}

/** The cron expression and time zone side by side, then the helper's next runs. */
function CronFields({
  cron,
  timeZone,
  onCron,
  onTimeZone,
  errors,
}: {
  cron: string;
  timeZone: string;
  onCron(value: string): void;
  onTimeZone(value: string): void;
  errors: Record<string, string>;
}) {
  return (
    <>
      <Group grow align="flex-start">
        <TextInput
          label="Cron"
          description="minute hour day-of-month month day-of-week"
          placeholder="0 3 * * *"
          value={cron}
          onChange={(event) => onCron(event.currentTarget.value)}
          required
          error={errors.cron}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          data-testid="schedule-cron"
        />
        <Autocomplete
          label="Time zone"
          description="IANA name, such as Europe/Berlin"
          data={TIME_ZONES}
          limit={30}
          value={timeZone}
          onChange={onTimeZone}
          required
          error={errors.timeZone}
          data-testid="schedule-timezone"
          comboboxProps={{ withinPortal: true }}
        />
      </Group>
      <CronPreview cron={cron} timeZone={timeZone} />
    </>
  );
}

/** The next five runs in the schedule's zone, or main's reason the expression or zone is refused. */
function CronPreview({ cron, timeZone }: { cron: string; timeZone: string }) {
  // One string, so the debounce compares by value (an object would be new on every render).
  const [debouncedKey] = useDebouncedValue(`${cron}\n${timeZone}`, 300);
  const [debouncedCron = '', debouncedZone = ''] = debouncedKey.split('\n');
  const debounced = { cron: debouncedCron, timeZone: debouncedZone };
  const preview = useCronPreview(debounced.cron, debounced.timeZone);
  if (debounced.cron.trim() === '') {
    return (
      <Text size="sm" c="dimmed">
        Type a cron expression to see when it runs.
      </Text>
    );
  }
  if (preview.isError) {
    return (
      <Alert color="red" data-testid="cron-error" title="Not a valid schedule">
        {errorMessage(preview.error)}
      </Alert>
    );
  }
  if (preview.isPending) return <Loader size="xs" />;
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        Next runs ({debounced.timeZone}){preview.isFetching && <Loader size={10} ml="xs" />}
      </Text>
      <List size="sm" data-testid="cron-preview">
        {preview.data.nextRuns.map((at) => (
          <List.Item key={at} title={formatDateTime(at)}>
            {formatInZone(at, debounced.timeZone)}
          </List.Item>
        ))}
      </List>
    </Stack>
  );
}
