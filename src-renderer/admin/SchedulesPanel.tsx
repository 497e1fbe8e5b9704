// Schedules: members read; business admins manage their business's; system admins any (per the switcher).
// The form's cron helper asks main for the next runs in the schedule's zone as the operator types.
import { Alert, Autocomplete, Badge, Button, Group, List, Loader, Modal, Select, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { reachOf } from '../../src-shared/access';
import { MISSED_RUN_POLICIES, type MissedRunPolicy } from '../../src-shared/domain';
import { type SessionView } from '../../src-shared/schemas/accounts';
import { type ScheduleView } from '../../src-shared/schemas/schedules';
import { formatDateTime } from '../lib/format';
import { useCreateSchedule, useCronPreview, useDeleteSchedule, useSchedules, useSetScheduleEnabled, useUpdateSchedule } from '../queries/admin';
import { useBusinesses } from '../queries/businesses';
import { errorMessage, isApiError } from '../queries/client';
import { useJobTypes } from '../queries/jobs';
import { defaultValues, fieldErrors, paramFields, paramsToSend, type ParamValues } from '../runs/params-form';
import { ParamInputs } from '../runs/TriggerDialog';
import { useViewLoaded } from '../stores/ui';
import { ConfirmModal, formatInZone, MutationError, QueryState, RowActions } from './common';
import { parseRunTarget, runTargetOptions } from '../runs/run-target';

const POLICY_LABELS: Record<MissedRunPolicy, string> = { skip: 'Skip missed runs', run_once: 'Run once on start' };
const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const TIME_ZONES: string[] = (() => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
})();

type Editing = { mode: 'create' } | { mode: 'edit'; schedule: ScheduleView };

export function SchedulesPanel({ session }: { session: SessionView }) {
  const schedules = useSchedules();
  useViewLoaded(!schedules.isPending);
  const mayManage = reachOf(session.user.role, 'schedules.manage') !== null;
  const [editing, setEditing] = useState<Editing | null>(null);
  const [deleting, setDeleting] = useState<ScheduleView | null>(null);
  const setEnabled = useSetScheduleEnabled();
  const remove = useDeleteSchedule();
  const list = schedules.data ?? [];
  const showOwner = session.user.role === 'system_admin';

  return (
    <Stack>
      <Group justify="space-between">
        <Text c="dimmed" size="sm">
          {mayManage ? 'Runs created on a cron schedule, each in its own time zone.' : 'Your business’s schedules (read-only).'}
        </Text>
        {mayManage && (
          <Button onClick={() => setEditing({ mode: 'create' })} data-testid="schedule-create">
            New schedule
          </Button>
        )}
      </Group>
      <MutationError error={setEnabled.error} />
      <QueryState pending={schedules.isPending} error={schedules.error} empty={list.length === 0} emptyText="No schedules yet.">
        <Table striped highlightOnHover data-testid="schedules-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              {showOwner && <Table.Th>Runs in</Table.Th>}
              <Table.Th>Job type</Table.Th>
              <Table.Th>Cron</Table.Th>
              <Table.Th>Time zone</Table.Th>
              <Table.Th>Next run</Table.Th>
              <Table.Th>Last run</Table.Th>
              <Table.Th>State</Table.Th>
              {mayManage && <Table.Th ta="right">Actions</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((schedule) => (
              <Table.Tr key={schedule.id} data-testid={`schedule-row-${schedule.id}`}>
                <Table.Td>{schedule.name}</Table.Td>
                {showOwner && <Table.Td data-testid={`schedule-owner-${schedule.id}`}>{schedule.scope === 'system' ? 'System-wide' : (schedule.businessName ?? '—')}</Table.Td>}
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {schedule.jobType}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {schedule.cron}
                  </Text>
                </Table.Td>
                <Table.Td>{schedule.timeZone}</Table.Td>
                <Table.Td data-testid={`schedule-next-${schedule.id}`}>{schedule.enabled ? formatInZone(schedule.nextRunAt, schedule.timeZone) : '—'}</Table.Td>
                <Table.Td>{formatInZone(schedule.lastRunAt, schedule.timeZone)}</Table.Td>
                <Table.Td data-testid={`schedule-state-${schedule.id}`}>{schedule.enabled ? <Badge color="teal">Enabled</Badge> : <Badge color="gray">Paused</Badge>}</Table.Td>
                {mayManage && (
                  <Table.Td>
                    <RowActions
                      edit={{ label: 'Edit', testId: `schedule-edit-${schedule.id}`, onClick: () => setEditing({ mode: 'edit', schedule }) }}
                      toggle={{
                        label: schedule.enabled ? 'Pause' : 'Enable',
                        testId: `schedule-toggle-${schedule.id}`,
                        loading: setEnabled.isPending && setEnabled.variables.id === schedule.id,
                        onClick: () => setEnabled.mutate({ id: schedule.id, enabled: !schedule.enabled }),
                      }}
                      remove={{
                        testId: `schedule-delete-${schedule.id}`,
                        onClick: () => {
                          remove.reset();
                          setDeleting(schedule);
                        },
                      }}
                    />
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </QueryState>
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={editing?.mode === 'edit' ? 'Edit schedule' : 'New schedule'} size="lg">
        {editing && <ScheduleForm session={session} editing={editing} onDone={() => setEditing(null)} />}
      </Modal>
      <ConfirmModal
        opened={deleting !== null}
        title="Delete schedule"
        confirmLabel="Delete schedule"
        pending={remove.isPending}
        error={remove.error}
        onClose={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate({ id: deleting.id }, { onSuccess: () => setDeleting(null) })}
        testId="schedule-delete-confirm"
      >
        Delete the schedule “{deleting?.name}”? Runs it already created stay.
      </ConfirmModal>
    </Stack>
  );
}

function ScheduleForm({ session, editing, onDone }: { session: SessionView; editing: Editing; onDone(): void }) {
  const existing = editing.mode === 'edit' ? editing.schedule : null;
  const isSystemAdmin = session.user.role === 'system_admin';
  const types = useJobTypes();
  const businesses = useBusinesses(isSystemAdmin && !existing);
  const create = useCreateSchedule();
  const update = useUpdateSchedule();
  const mutation = existing ? update : create;

  const [name, setName] = useState(existing?.name ?? '');
  const [jobTypeKey, setJobTypeKey] = useState<string | null>(existing?.jobType ?? null);
  const [cron, setCron] = useState(existing?.cron ?? '');
  const [timeZone, setTimeZone] = useState(existing?.timeZone ?? LOCAL_ZONE);
  const [policy, setPolicy] = useState<MissedRunPolicy>(existing?.missedRunPolicy ?? 'skip');
  const [enabled, setEnabled] = useState(true);
  const [target, setTarget] = useState<string | null>(null);

  const registered = useMemo(
    () => (types.data ?? []).filter((type) => type.registered && (isSystemAdmin || type.scope !== 'system')),
    [types.data, isSystemAdmin],
  );
  const jobType = (types.data ?? []).find((type) => type.key === jobTypeKey) ?? null;
  const fields = useMemo(() => paramFields(jobType?.paramsSchema ?? null), [jobType]);
  const [values, setValues] = useState<ParamValues>({});
  useEffect(() => {
    setValues(existing && existing.jobType === jobType?.key ? ({ ...defaultValues(fields), ...(existing.params as ParamValues) }) : defaultValues(fields));
  }, [fields, existing, jobType?.key]);
  useEffect(() => {
    if (!isSystemAdmin || !jobType) return;
    if (session.scope?.kind === 'business' && jobType.scope !== 'system') setTarget(`business:${session.scope.businessId}`);
    else if (jobType.scope !== 'business') setTarget('system');
    else setTarget(null);
  }, [isSystemAdmin, jobType, session.scope]);

  const targetOptions = runTargetOptions(jobType, businesses.data);

  const errors = mutation.isError && isApiError(mutation.error, 'VALIDATION') ? fieldErrors(mutation.error.message, fields) : { byField: {}, rest: [] };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const params = paramsToSend(fields, values);
    if (existing) {
      update.mutate({ id: existing.id, name, cron, timeZone, missedRunPolicy: policy, params }, { onSuccess: onDone });
    } else if (jobType) {
      const runTarget = isSystemAdmin ? parseRunTarget(target) : undefined;
      create.mutate(
        { name, jobType: jobType.key, params, cron, timeZone, missedRunPolicy: policy, enabled, ...(runTarget ? { target: runTarget } : {}) },
        { onSuccess: onDone },
      );
    }
  };

  return (
    <form onSubmit={submit} noValidate data-testid="schedule-form">
      <Stack>
        <TextInput label="Name" value={name} onChange={(event) => setName(event.currentTarget.value)} required data-autofocus data-testid="schedule-name" />
        <Select
          label="Job type"
          placeholder={types.isPending ? 'Loading…' : 'Choose a job type'}
          data={
            existing
              ? [{ value: existing.jobType, label: jobType?.title ? `${jobType.title} (${existing.jobType})` : existing.jobType }]
              : registered.map((type) => ({ value: type.key, label: type.title ? `${type.title} (${type.key})` : type.key }))
          }
          value={jobTypeKey}
          onChange={setJobTypeKey}
          disabled={existing !== null}
          description={existing ? 'A schedule’s job type cannot change; create another schedule instead.' : jobType?.description}
          searchable
          required
          data-testid="schedule-jobtype"
          comboboxProps={{ withinPortal: true }}
        />
        {isSystemAdmin && !existing && jobType && (
          <Select label="Runs in" data={targetOptions} value={target} onChange={setTarget} searchable required data-testid="schedule-target" comboboxProps={{ withinPortal: true }} />
        )}
        <ParamInputs jobTypeKey={jobType?.key} fields={fields} values={values} errors={errors.byField} onChange={setValues} />
        <Group grow align="flex-start">
          <TextInput
            label="Cron"
            description="minute hour day-of-month month day-of-week"
            placeholder="0 3 * * *"
            value={cron}
            onChange={(event) => setCron(event.currentTarget.value)}
            required
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            data-testid="schedule-cron"
          />
          <Autocomplete
            label="Time zone"
            description="IANA name, such as Europe/Berlin"
            data={TIME_ZONES}
            limit={30}
            value={timeZone}
            onChange={setTimeZone}
            required
            data-testid="schedule-timezone"
            comboboxProps={{ withinPortal: true }}
          />
        </Group>
        <CronPreview cron={cron} timeZone={timeZone} />
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
        {mutation.isError && (
          <Alert color="red" role="alert" data-testid="schedule-error">
            {errorMessage(mutation.error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button
            type="submit"
            loading={mutation.isPending}
            disabled={name.trim() === '' || cron.trim() === '' || (!existing && !jobType) || (isSystemAdmin && !existing && !target)}
            data-testid="schedule-submit"
          >
            {existing ? 'Save schedule' : 'Create schedule'}
          </Button>
        </Group>
      </Stack>
    </form>
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

