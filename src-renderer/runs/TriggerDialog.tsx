// Trigger a run: a job type, its params as a form built from the type's JSON Schema, its tags, and (system admins) where
// it runs. Edit and re-run opens it on a run: its type (kept), its params, tags and place filled in, the new run linked to it.
import { Alert, Button, Group, JsonInput, Modal, NumberInput, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { type SessionView } from '../../src-shared/schemas/accounts';
import { type JobTypeView } from '../../src-shared/schemas/jobs';
import { navigate } from '../lib/router';
import { useBusinesses } from '../queries/businesses';
import { errorMessage } from '../queries/client';
import { useCreateRun, useJobTypes } from '../queries/jobs';
import { useUiStore } from '../stores/ui';
import { byParam, defaultValues, paramFields, paramPaths, paramsToSend, valuesFromParams, type ParamField, type ParamValues } from './params-form';
import { FormRefusal, refusalByField } from '../lib/contract-form';
import { tagPaths, tagsInput } from '../lib/tag-rows';
import { TagsEditor, useTagsField } from '../lib/tags';
import { defaultRunTarget, parseRunTarget, runTargetOptions } from './run-target';
import { RETENTION_JOB_TYPE, RetentionPreview } from './RetentionPreview';
import { mayRunType } from '../lib/permissions';

export function TriggerDialog({ session }: { session: SessionView }) {
  const opened = useUiStore((state) => state.triggerDialogOpen);
  const setOpened = useUiStore((state) => state.setTriggerDialogOpen);
  const rerunOf = useUiStore((state) => state.triggerDraft?.rerun?.runId);
  return (
    <Modal opened={opened} onClose={() => setOpened(false)} title={rerunOf === undefined ? 'Trigger a run' : `Edit and re-run #${rerunOf}`} size="lg">
      {opened && <TriggerForm session={session} onDone={() => setOpened(false)} />}
    </Modal>
  );
}

function TriggerForm({ session, onDone }: { session: SessionView; onDone(): void }) {
  const form = useTriggerForm(session, onDone);
  const { types, create, isSystemAdmin, jobType, fields, errors } = form;

  return (
    <form onSubmit={form.submit} data-testid="trigger-dialog" noValidate>
      <Stack>
        {types.isError && <Alert color="red">{errorMessage(types.error)}</Alert>}
        {form.rerun && (
          <Text size="sm" data-testid="trigger-rerun-note">
            Run #{form.rerun.runId}'s params, tags{isSystemAdmin ? ' and place' : ''} are filled in: change what you need. The new run links to #{form.rerun.runId}, which stays as it was.
          </Text>
        )}
        <Select
          label="Job type"
          placeholder={types.isPending ? 'Loading…' : 'Choose a job type'}
          data={form.registered.map((type) => ({ value: type.key, label: type.title ? `${type.title} (${type.key})` : type.key }))}
          value={form.jobTypeKey}
          onChange={form.setJobTypeKey}
          searchable
          required
          disabled={form.rerun !== undefined}
          description={form.rerun ? 'A re-run keeps the job type of the run it repeats.' : undefined}
          data-testid="trigger-jobtype"
          data-autofocus
          comboboxProps={{ withinPortal: true }}
        />
        {jobType?.description && (
          <Text size="sm" c="dimmed">
            {jobType.description}
          </Text>
        )}
        {isSystemAdmin && jobType && <TargetSelect jobType={jobType} options={form.targetOptions} value={form.target} onChange={form.setTarget} error={form.targetMissing ? 'Choose where it runs: a business, or system-wide.' : errors.byPath.target} />}
        <ParamInputs jobTypeKey={jobType?.key} fields={fields} values={form.values} errors={byParam(errors.byPath)} onChange={form.setValues} />
        {jobType && fields.length === 0 && (
          <Text size="sm" c="dimmed">
            This job type has no parameters.
          </Text>
        )}
        <TagsEditor field={form.tags} errors={errors.byPath} description="Labels the run carries, such as env=prod: the history shows them and filters by them." testId="trigger-tags" />
        {form.deletesRuns && (
          <RetentionPreview
            olderThanDays={typeof form.values.olderThanDays === 'number' ? form.values.olderThanDays : undefined}
            target={isSystemAdmin ? parseRunTarget(form.target) : undefined}
            placeLabel={isSystemAdmin ? (form.targetOptions.find((option) => option.value === form.target)?.label ?? 'the chosen place') : (session.user.businessName ?? 'your business')}
            confirmed={form.purgeConfirmed}
            onConfirm={form.setPurgeConfirmed}
          />
        )}
        <FormRefusal refusal={errors.rest} testId="trigger-error" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Close
          </Button>
          <Button
            type="submit"
            loading={create.isPending}
            disabled={!jobType || (form.deletesRuns && !form.purgeConfirmed)}
            data-testid="trigger-submit"
          >
            {form.rerun ? 'Re-run' : 'Trigger run'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The form's state: the registered job types, the one chosen, its param values and target, and the create (mutation) it submits. */
function useTriggerForm(session: SessionView, onDone: () => void) {
  const types = useJobTypes();
  const create = useCreateRun();
  const isSystemAdmin = session.user.role === 'system_admin';
  const businesses = useBusinesses(isSystemAdmin);
  const registered = useMemo(() => (types.data ?? []).filter((type) => mayRunType(session.user, type)), [types.data, session.user]);
  // Read once: what the dialog opened on (its draft) does not change while it is open.
  const [draft] = useState(() => useUiStore.getState().triggerDraft);
  const rerun = draft?.rerun;
  const [jobTypeKey, setJobTypeKey] = useState<string | null>(draft?.jobType ?? null);
  const jobType = registered.find((type) => type.key === jobTypeKey) ?? null;
  const fields = useMemo(() => paramFields(jobType?.paramsSchema ?? null), [jobType]);
  const [values, setValues] = useState<ParamValues>({});
  const [target, setTarget] = useState<string | null>(null);
  const tags = useTagsField(rerun?.tags);
  // A system admin sent the form without saying where it runs: asked under the select, nothing sent.
  const [targetMissing, setTargetMissing] = useState(false);
  useEffect(() => setTargetMissing(false), [target, jobType]);
  // A purge deletes runs: it is triggered only once its preview was read and ticked, for these values.
  const deletesRuns = jobType?.key === RETENTION_JOB_TYPE;
  const [purgeConfirmed, setPurgeConfirmed] = useState(false);
  useEffect(() => setPurgeConfirmed(false), [jobType, values, target]);

  useEffect(() => {
    setValues(rerun && jobType?.key === draft?.jobType ? valuesFromParams(fields, rerun.params) : defaultValues(fields));
  }, [fields]);
  useEffect(() => {
    if (isSystemAdmin) setTarget(rerun && jobType ? rerun.target : defaultRunTarget(session, jobType));
    create.reset();
  }, [jobType, isSystemAdmin, session]);

  const targetOptions = runTargetOptions(jobType, businesses.data);
  const errors = refusalByField(create.error, ['target', ...paramPaths(fields), ...tagPaths(tags.rows)]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!jobType) return;
    const runTarget = isSystemAdmin ? parseRunTarget(target) : undefined;
    if (isSystemAdmin && !runTarget) setTargetMissing(true);
    // A tag with a problem says so under it, and nothing is sent.
    if (!tags.valid) tags.reveal();
    if ((isSystemAdmin && !runTarget) || !tags.valid) return;
    create.mutate(
      { jobType: jobType.key, params: paramsToSend(fields, values), ...tagsInput(tags.tags), ...(runTarget ? { target: runTarget } : {}), ...(rerun ? { rerunOf: rerun.runId } : {}) },
      {
        onSuccess: (run) => {
          onDone();
          navigate(`/runs/${run.id}`);
        },
      },
    );
  };

  return {
    rerun,
    types,
    create,
    isSystemAdmin,
    registered,
    jobTypeKey,
    setJobTypeKey,
    jobType,
    fields,
    values,
    setValues,
    target,
    setTarget,
    tags,
    targetMissing,
    targetOptions,
    errors,
    submit,
    deletesRuns,
    purgeConfirmed,
    setPurgeConfirmed,
  };
}

/** Where the run runs (system admins): the businesses and system-wide, as the job type's scope allows. */
function TargetSelect({
  jobType,
  options,
  value,
  onChange,
  error,
}: {
  jobType: JobTypeView;
  options: { value: string; label: string }[];
  value: string | null;
  onChange(target: string | null): void;
  error: string | undefined;
}) {
  return (
    <Select
      label="Run in"
      description={jobType.scope === 'system' ? 'This job type runs system-wide only.' : jobType.scope === 'business' ? 'This job type runs in a business.' : 'A business, or system-wide.'}
      data={options}
      value={value}
      onChange={onChange}
      searchable
      required
      allowDeselect={false}
      placeholder="Choose where it runs"
      error={error}
      data-testid="trigger-target"
      comboboxProps={{ withinPortal: true }}
    />
  );
}

/** One input per param of the job type, keyed by type so switching types starts from its defaults. */
export function ParamInputs({
  jobTypeKey,
  fields,
  values,
  errors,
  onChange,
}: {
  jobTypeKey: string | undefined;
  fields: ParamField[];
  values: ParamValues;
  errors: Record<string, string>;
  onChange(update: (old: ParamValues) => ParamValues): void;
}) {
  return (
    <>
      {fields.map((field) => (
        <ParamInput
          key={`${jobTypeKey}.${field.name}`}
          field={field}
          value={values[field.name]}
          error={errors[field.name]}
          onChange={(value) => onChange((old) => ({ ...old, [field.name]: value }))}
        />
      ))}
    </>
  );
}

function ParamInput({ field, value, error, onChange }: { field: ParamField; value: ParamValues[string]; error?: string; onChange(value: ParamValues[string]): void }) {
  const label = `${field.title ?? field.name}${field.unit ? ` (${field.unit})` : ''}`;
  const common = { label, description: field.description, error, required: field.required, 'data-testid': `trigger-param-${field.name}` };
  switch (field.kind) {
    case 'number':
      return (
        <NumberInput
          {...common}
          description={[field.description, rangeText(field.min, field.max)].filter(Boolean).join(' ')}
          min={field.min}
          max={field.max}
          allowDecimal={!field.integer}
          clampBehavior="none"
          value={typeof value === 'number' ? value : ''}
          onChange={(next) => onChange(typeof next === 'number' ? next : undefined)}
        />
      );
    case 'boolean':
      return <Switch {...common} checked={value === true} onChange={(event) => onChange(event.currentTarget.checked)} />;
    case 'enum':
      return <Select {...common} data={field.options} value={typeof value === 'string' ? value : null} onChange={(next) => onChange(next ?? undefined)} allowDeselect={field.required ? false : undefined} comboboxProps={{ withinPortal: true }} />;
    case 'string':
      return <TextInput {...common} value={typeof value === 'string' ? value : ''} onChange={(event) => onChange(event.currentTarget.value)} />;
    case 'json':
      return (
        <JsonInput
          {...common}
          description={[field.description, 'JSON'].filter(Boolean).join(' · ')}
          validationError="This is not valid JSON."
          formatOnBlur
          autosize
          minRows={2}
          value={typeof value === 'string' ? value : ''}
          onChange={onChange}
        />
      );
  }
}

function rangeText(min: number | undefined, max: number | undefined): string | undefined {
  if (min !== undefined && max !== undefined) return `${min.toLocaleString()} to ${max.toLocaleString()}`;
  if (min !== undefined) return `at least ${min.toLocaleString()}`;
  if (max !== undefined) return `at most ${max.toLocaleString()}`;
  return undefined;
}
