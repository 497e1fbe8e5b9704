// Schedules: members read; business admins manage their business's; system admins any (per the switcher).
// The form that creates and edits them is ScheduleForm.tsx.
import { Badge, Button, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { reachOf } from '../../src-shared/access';
import { type SessionView } from '../../src-shared/schemas/accounts';
import { type ScheduleView } from '../../src-shared/schemas/schedules';
import { TagBadges } from '../lib/tags';
import { useDeleteSchedule, useSchedules, useSetScheduleEnabled } from '../queries/admin';
import { useViewLoaded } from '../stores/ui';
import { ConfirmModal, formatInZone, MutationError, QueryState, RowActions } from './common';
import { ScheduleForm, type Editing } from './ScheduleForm';

export function SchedulesPanel({ session }: { session: SessionView }) {
  const schedules = useSchedules();
  useViewLoaded(!schedules.isPending);
  const mayManage = reachOf(session.user.role, 'schedules.manage') !== null;
  const [editing, setEditing] = useState<Editing | null>(null);
  const [deleting, setDeleting] = useState<ScheduleView | null>(null);
  const setEnabled = useSetScheduleEnabled();
  const remove = useDeleteSchedule();
  const list = schedules.data ?? [];
  const actions: ScheduleActions | null = mayManage
    ? {
        toggling: setEnabled.isPending ? setEnabled.variables.id : null,
        onEdit: (schedule) => setEditing({ mode: 'edit', schedule }),
        onToggle: (schedule) => setEnabled.mutate({ id: schedule.id, enabled: !schedule.enabled }),
        onDelete: (schedule) => {
          remove.reset();
          setDeleting(schedule);
        },
      }
    : null;

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
        <SchedulesTable schedules={list} showOwner={session.user.role === 'system_admin'} actions={actions} />
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

/** What a manager may do to a row; `toggling` is the schedule being paused or enabled. */
interface ScheduleActions {
  toggling: number | null;
  onEdit(schedule: ScheduleView): void;
  onToggle(schedule: ScheduleView): void;
  onDelete(schedule: ScheduleView): void;
}

/** The schedules; the owner column for system admins, the actions column only for those who may manage them (`actions`). */
function SchedulesTable({ schedules, showOwner, actions }: { schedules: readonly ScheduleView[]; showOwner: boolean; actions: ScheduleActions | null }) {
  return (
    <Table striped highlightOnHover data-testid="schedules-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Name</Table.Th>
          {showOwner && <Table.Th>Runs in</Table.Th>}
          <Table.Th>Job type</Table.Th>
          <Table.Th>Tags</Table.Th>
          <Table.Th>Cron</Table.Th>
          <Table.Th>Time zone</Table.Th>
          <Table.Th>Next run</Table.Th>
          <Table.Th>Last run</Table.Th>
          <Table.Th>State</Table.Th>
          {actions && <Table.Th ta="right">Actions</Table.Th>}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {schedules.map((schedule) => (
          <ScheduleRow key={schedule.id} schedule={schedule} showOwner={showOwner} actions={actions} />
        ))}
      </Table.Tbody>
    </Table>
  );
}

function ScheduleRow({ schedule, showOwner, actions }: { schedule: ScheduleView; showOwner: boolean; actions: ScheduleActions | null }) {
  return (
    <Table.Tr data-testid={`schedule-row-${schedule.id}`}>
      <Table.Td>{schedule.name}</Table.Td>
      {showOwner && <Table.Td data-testid={`schedule-owner-${schedule.id}`}>{schedule.scope === 'system' ? 'System-wide' : (schedule.businessName ?? '—')}</Table.Td>}
      <Table.Td>
        <Text size="sm" ff="monospace">
          {schedule.jobType}
        </Text>
      </Table.Td>
      <Table.Td>
        <TagBadges tags={schedule.tags} testId={`schedule-tags-${schedule.id}`} />
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
      {actions && (
        <Table.Td>
          <RowActions
            edit={{ label: 'Edit', testId: `schedule-edit-${schedule.id}`, onClick: () => actions.onEdit(schedule) }}
            toggle={{
              label: schedule.enabled ? 'Pause' : 'Enable',
              testId: `schedule-toggle-${schedule.id}`,
              loading: actions.toggling === schedule.id,
              onClick: () => actions.onToggle(schedule),
            }}
            remove={{ testId: `schedule-delete-${schedule.id}`, onClick: () => actions.onDelete(schedule) }}
          />
        </Table.Td>
      )}
    </Table.Tr>
  );
}
