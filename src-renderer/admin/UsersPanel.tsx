// Users: system admins see and manage all; business admins their business's members and business admins.
import { Badge, Button, Divider, Group, Modal, Paper, PasswordInput, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { USER_ROLES, type UserRole } from '../../src-shared/domain';
import { type SessionView, type UserView } from '../../src-shared/schemas/accounts';
import { formatDateTime } from '../lib/format';
import { useCreateUser, useDeleteUser, useSetUserDisabled, useSetUserPassword, useUpdateUser } from '../queries/admin';
import { useBusinesses } from '../queries/businesses';
import { useUsers } from '../queries/users';
import { useViewLoaded } from '../stores/ui';
import { ConfirmModal, MutationError, QueryState, ROLE_LABELS, RowActions } from './common';

const NO_BUSINESS = 'none';

function roleOptions(session: SessionView) {
  const roles: readonly UserRole[] = session.user.role === 'system_admin' ? USER_ROLES : ['business_admin', 'member'];
  return roles.map((role) => ({ value: role, label: ROLE_LABELS[role] }));
}

/** The businesses a user may be put in: any (system admins), else only the admin's own. */
function useBusinessOptions(session: SessionView) {
  const isSystemAdmin = session.user.role === 'system_admin';
  const businesses = useBusinesses(isSystemAdmin);
  if (!isSystemAdmin) {
    return session.user.businessId === null ? [] : [{ value: String(session.user.businessId), label: session.user.businessName ?? `Business ${session.user.businessId}` }];
  }
  return [{ value: NO_BUSINESS, label: 'No business' }, ...(businesses.data ?? []).map((business) => ({ value: String(business.id), label: business.name }))];
}

const toBusinessId = (value: string | null) => (value === null || value === NO_BUSINESS ? null : Number(value));

export function UsersPanel({ session }: { session: SessionView }) {
  const users = useUsers();
  useViewLoaded(!users.isPending);
  const [editing, setEditing] = useState<UserView | null>(null);
  const [deleting, setDeleting] = useState<UserView | null>(null);
  const setDisabled = useSetUserDisabled();
  const remove = useDeleteUser();
  const list = users.data ?? [];

  return (
    <Stack>
      <CreateUserForm session={session} />
      <MutationError error={setDisabled.error} />
      <QueryState pending={users.isPending} error={users.error} empty={list.length === 0} emptyText="No users.">
        <UsersTable
          users={list}
          selfId={session.user.id}
          toggling={setDisabled.isPending ? setDisabled.variables.id : null}
          onEdit={setEditing}
          onToggle={(user) => setDisabled.mutate({ id: user.id, disabled: !user.disabled })}
          onDelete={(user) => {
            remove.reset();
            setDeleting(user);
          }}
        />
      </QueryState>
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={`Edit ${editing?.email ?? 'user'}`} size="lg">
        {editing && <EditUser session={session} user={editing} onDone={() => setEditing(null)} />}
      </Modal>
      <ConfirmModal
        opened={deleting !== null}
        title="Delete user"
        confirmLabel="Delete user"
        pending={remove.isPending}
        error={remove.error}
        onClose={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate({ id: deleting.id }, { onSuccess: () => setDeleting(null) })}
        testId="user-delete-confirm"
      >
        Delete {deleting?.email}? Their runs stay; they can no longer sign in.
      </ConfirmModal>
    </Stack>
  );
}

/** `selfId` is the signed-in user, whom the table does not offer to delete; `toggling` the user being enabled or disabled. */
function UsersTable({
  users,
  selfId,
  toggling,
  onEdit,
  onToggle,
  onDelete,
}: {
  users: readonly UserView[];
  selfId: number;
  toggling: number | null;
  onEdit(user: UserView): void;
  onToggle(user: UserView): void;
  onDelete(user: UserView): void;
}) {
  const now = Date.now();
  return (
    <Table striped highlightOnHover data-testid="users-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>User</Table.Th>
          <Table.Th>Role</Table.Th>
          <Table.Th>Business</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Last sign-in</Table.Th>
          <Table.Th ta="right">Actions</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {users.map((user) => (
          <Table.Tr key={user.id} data-testid={`user-row-${user.id}`}>
            <Table.Td>
              <Text size="sm">{user.email}</Text>
              {user.displayName && (
                <Text size="xs" c="dimmed">
                  {user.displayName}
                </Text>
              )}
            </Table.Td>
            <Table.Td data-testid={`user-role-${user.id}`}>{ROLE_LABELS[user.role]}</Table.Td>
            <Table.Td data-testid={`user-business-${user.id}`}>{user.businessName ?? <Text span c="dimmed">—</Text>}</Table.Td>
            <Table.Td data-testid={`user-status-${user.id}`}>
              <Group gap={4}>
                {user.disabled ? <Badge color="gray">Disabled</Badge> : <Badge color="teal">Active</Badge>}
                {user.lockedUntil !== null && user.lockedUntil > now && <Badge color="orange">Locked</Badge>}
                {!user.hasPassword && <Badge color="yellow">No password</Badge>}
              </Group>
            </Table.Td>
            <Table.Td>{formatDateTime(user.lastLoginAt)}</Table.Td>
            <Table.Td>
              <RowActions
                edit={{ label: 'Edit', testId: `user-edit-${user.id}`, onClick: () => onEdit(user) }}
                toggle={{ label: user.disabled ? 'Enable' : 'Disable', testId: `user-toggle-${user.id}`, loading: toggling === user.id, onClick: () => onToggle(user) }}
                remove={{ testId: `user-delete-${user.id}`, disabled: user.id === selfId, onClick: () => onDelete(user) }}
              />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function CreateUserForm({ session }: { session: SessionView }) {
  const create = useCreateUser();
  const businessOptions = useBusinessOptions(session);
  const isSystemAdmin = session.user.role === 'system_admin';
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<string | null>('member');
  const [business, setBusiness] = useState<string | null>(isSystemAdmin ? null : String(session.user.businessId ?? ''));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!role) return;
    create.mutate(
      { email, password, role: role as UserRole, businessId: isSystemAdmin ? toBusinessId(business) : session.user.businessId },
      {
        onSuccess: () => {
          setEmail('');
          setPassword('');
        },
      },
    );
  };

  return (
    <Paper withBorder p="md">
      <form onSubmit={submit} noValidate>
        <Stack gap="xs">
          <Text fw={500}>New user</Text>
          <SimpleGrid cols={{ base: 1, md: 4 }}>
            <TextInput label="Email" value={email} onChange={(event) => setEmail(event.currentTarget.value)} data-testid="user-create-email" />
            <PasswordInput
              label="Password"
              description="At least 10 characters"
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
              data-testid="user-create-password"
            />
            <Select label="Role" data={roleOptions(session)} value={role} onChange={setRole} allowDeselect={false} data-testid="user-create-role" />
            <Select
              label="Business"
              data={businessOptions}
              value={business}
              onChange={setBusiness}
              disabled={!isSystemAdmin}
              searchable
              placeholder="Choose a business"
              data-testid="user-create-business"
            />
          </SimpleGrid>
          <MutationError error={create.error} testId="user-create-error" />
          <Group justify="flex-end">
            <Button type="submit" loading={create.isPending} disabled={email.trim() === '' || password === '' || !role} data-testid="user-create-submit">
              Create user
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function EditUser({ session, user, onDone }: { session: SessionView; user: UserView; onDone(): void }) {
  const update = useUpdateUser();
  const setPasswordCall = useSetUserPassword();
  const isSystemAdmin = session.user.role === 'system_admin';
  const businessOptions = useBusinessOptions(session);
  const [displayName, setDisplayName] = useState(user.displayName ?? '');
  const [role, setRole] = useState<string | null>(user.role);
  const [business, setBusiness] = useState<string | null>(user.businessId === null ? NO_BUSINESS : String(user.businessId));
  const [password, setPassword] = useState('');

  const save = (event: FormEvent) => {
    event.preventDefault();
    update.mutate(
      {
        id: user.id,
        displayName: displayName.trim() === '' ? null : displayName,
        ...(role && role !== user.role ? { role: role as UserRole } : {}),
        ...(isSystemAdmin && toBusinessId(business) !== user.businessId ? { businessId: toBusinessId(business) } : {}),
      },
      { onSuccess: onDone },
    );
  };

  return (
    <Stack>
      <form onSubmit={save} noValidate>
        <Stack>
          <TextInput label="Display name" value={displayName} onChange={(event) => setDisplayName(event.currentTarget.value)} data-testid="user-edit-name" />
          <Select label="Role" data={roleOptions(session)} value={role} onChange={setRole} allowDeselect={false} data-testid="user-edit-role" />
          <Select label="Business" data={businessOptions} value={business} onChange={setBusiness} disabled={!isSystemAdmin} searchable data-testid="user-edit-business" />
          <MutationError error={update.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onDone}>
              Cancel
            </Button>
            <Button type="submit" loading={update.isPending} data-testid="user-edit-submit">
              Save
            </Button>
          </Group>
        </Stack>
      </form>
      <Divider label="Set a new password" />
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setPasswordCall.mutate({ id: user.id, password }, { onSuccess: () => setPassword('') });
        }}
        noValidate
      >
        <Stack gap="xs">
          <Group align="flex-end">
            <PasswordInput
              label="New password"
              description="At least 10 characters; also unlocks a locked account"
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
              style={{ flex: 1 }}
              data-testid="user-password-input"
            />
            <Button type="submit" variant="default" loading={setPasswordCall.isPending} disabled={password === ''} data-testid="user-password-submit">
              Set password
            </Button>
          </Group>
          <MutationError error={setPasswordCall.error} />
          {setPasswordCall.isSuccess && (
            <Text size="sm" c="teal" data-testid="user-password-done">
              Password set.
            </Text>
          )}
        </Stack>
      </form>
    </Stack>
  );
}
