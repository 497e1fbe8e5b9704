// Users: system admins see and manage all; business admins their business's members and business admins.
import { Button, Checkbox, Divider, Group, Modal, Paper, PasswordInput, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { type UseFormReturnType } from '@mantine/form';
import { useState } from 'react';
import { type UserRole } from '../../src-shared/domain';
import { createUserInput, setPasswordInput, updateUserInput, type SessionView, type UserView } from '../../src-shared/schemas/accounts';
import { FormRefusal, useContractForm } from '../lib/contract-form';
import { useCreateUser, useDeleteUser, useSetUserDisabled, useSetUserPassword, useUpdateUser } from '../queries/admin';
import { ConfirmModal, MutationError, ROLE_LABELS } from './common';
import { NO_BUSINESS, roleOptions, toBusinessId, useBusinessOptions } from './user-options';
import { UsersList } from './UsersList';

export function UsersPanel({ session }: { session: SessionView }) {
  const [editing, setEditing] = useState<UserView | null>(null);
  const [deleting, setDeleting] = useState<UserView | null>(null);
  const [disabling, setDisabling] = useState<UserView | null>(null);
  const setDisabled = useSetUserDisabled();
  const remove = useDeleteUser();

  return (
    <Stack>
      <CreateUserForm session={session} />
      <MutationError error={setDisabled.error} />
      <UsersList
        session={session}
        actions={{
          selfId: session.user.id,
          toggling: setDisabled.isPending ? setDisabled.variables.id : null,
          onEdit: setEditing,
          // Enabling gives access back at once; disabling locks the user out, so it asks first.
          onToggle: (user) => (user.disabled ? setDisabled.mutate({ id: user.id, disabled: false }) : setDisabling(user)),
          onDelete: (user) => {
            remove.reset();
            setDeleting(user);
          },
        }}
      />
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={`Edit ${editing?.email ?? 'user'}`} size="lg">
        {editing && <EditUser session={session} user={editing} onDone={() => setEditing(null)} />}
      </Modal>
      <ConfirmModal
        opened={disabling !== null}
        title="Disable user"
        confirmLabel="Disable user"
        pending={setDisabled.isPending}
        error={setDisabled.error}
        onClose={() => setDisabling(null)}
        onConfirm={() => disabling && setDisabled.mutate({ id: disabling.id, disabled: true }, { onSuccess: () => setDisabling(null) })}
        testId="user-disable-confirm"
      >
        Disable {disabling?.email}? They are signed out at once and cannot sign in until enabled again. Their runs stay.
      </ConfirmModal>
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

/** A user's role and business, as a form edits them: neither select can be cleared to nothing. */
function RoleAndBusiness<Values extends { role: UserRole; businessId: string | null }>({
  session,
  form,
  businessOptions,
  testId,
}: {
  session: SessionView;
  form: UseFormReturnType<Values>;
  businessOptions: { value: string; label: string }[];
  testId: string;
}) {
  return (
    <>
      <Select label="Role" data={roleOptions(session)} allowDeselect={false} key={form.key('role')} {...form.getInputProps('role')} data-testid={`${testId}-role`} />
      <Select
        label="Business"
        data={businessOptions}
        disabled={session.user.role !== 'system_admin'}
        searchable
        allowDeselect={false}
        placeholder="Choose a business"
        key={form.key('businessId')}
        {...form.getInputProps('businessId')}
        data-testid={`${testId}-business`}
      />
    </>
  );
}

/** The create-user form's values: what users.create takes, with the business as the Select holds it. */
type NewUserValues = { email: string; password: string; role: UserRole; businessId: string | null; withoutBusiness: boolean };

function CreateUserForm({ session }: { session: SessionView }) {
  const create = useCreateUser();
  const businessOptions = useBusinessOptions(session);
  const isSystemAdmin = session.user.role === 'system_admin';
  const toInput = (values: NewUserValues) => ({
    email: values.email,
    password: values.password,
    role: values.role,
    businessId: isSystemAdmin ? toBusinessId(values.businessId) : session.user.businessId,
  });
  const { form, refusal, refuse, clearRefusal } = useContractForm<NewUserValues>({
    initialValues: { email: '', password: '', role: 'member', businessId: isSystemAdmin ? null : String(session.user.businessId ?? ''), withoutBusiness: false },
    schema: createUserInput,
    toInput,
    rules: (values): Record<string, string> => {
      // A member or business admin without a business sees nothing until linked to one: asked for, never by accident.
      if (!isSystemAdmin || values.role === 'system_admin') return {};
      if (values.businessId === null) return { businessId: 'Choose a business, or “No business”.' };
      if (values.businessId === NO_BUSINESS && !values.withoutBusiness) return { withoutBusiness: 'Tick this to create the user without a business.' };
      return {};
    },
  });
  const values = form.getValues();
  const asksWithoutBusiness = isSystemAdmin && values.role !== 'system_admin' && values.businessId === NO_BUSINESS;

  const submit = form.onSubmit((submitted) => {
    clearRefusal();
    create.mutate(toInput(submitted), { onSuccess: () => form.reset(), onError: refuse });
  });

  return (
    <Paper withBorder p="md">
      <form onSubmit={submit} noValidate>
        <Stack gap="xs">
          <Text fw={500}>New user</Text>
          <SimpleGrid cols={{ base: 1, md: 4 }}>
            <TextInput label="Email" key={form.key('email')} {...form.getInputProps('email')} data-testid="user-create-email" />
            <PasswordInput label="Password" description="At least 10 characters" key={form.key('password')} {...form.getInputProps('password')} data-testid="user-create-password" />
            <RoleAndBusiness session={session} form={form} businessOptions={businessOptions} testId="user-create" />
          </SimpleGrid>
          {asksWithoutBusiness && (
            <Checkbox
              label={`Create this ${ROLE_LABELS[values.role].toLowerCase()} without a business: they will see no runs until someone links them to one.`}
              key={form.key('withoutBusiness')}
              {...form.getInputProps('withoutBusiness', { type: 'checkbox' })}
              data-testid="user-create-without-business"
            />
          )}
          <FormRefusal refusal={refusal} testId="user-create-error" />
          <Group justify="flex-end">
            <Button type="submit" loading={create.isPending} data-testid="user-create-submit">
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
  const isSystemAdmin = session.user.role === 'system_admin';
  const businessOptions = useBusinessOptions(session);
  type EditValues = { displayName: string; role: UserRole; businessId: string };
  const toInput = (values: EditValues) => ({
    id: user.id,
    displayName: values.displayName.trim() === '' ? null : values.displayName,
    ...(values.role !== user.role ? { role: values.role } : {}),
    ...(isSystemAdmin && toBusinessId(values.businessId) !== user.businessId ? { businessId: toBusinessId(values.businessId) } : {}),
  });
  const { form, refusal, refuse, clearRefusal } = useContractForm<EditValues>({
    initialValues: { displayName: user.displayName ?? '', role: user.role, businessId: user.businessId === null ? NO_BUSINESS : String(user.businessId) },
    schema: updateUserInput,
    toInput,
  });
  const save = form.onSubmit((values) => {
    clearRefusal();
    update.mutate(toInput(values), { onSuccess: onDone, onError: refuse });
  });

  return (
    <Stack>
      <form onSubmit={save} noValidate>
        <Stack>
          <TextInput label="Display name" key={form.key('displayName')} {...form.getInputProps('displayName')} data-testid="user-edit-name" />
          <RoleAndBusiness session={session} form={form} businessOptions={businessOptions} testId="user-edit" />
          <FormRefusal refusal={refusal} />
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
      <SetPasswordForm user={user} />
    </Stack>
  );
}

/** A new password for `user` (which also unlocks a locked account), checked like the contract checks it. */
function SetPasswordForm({ user }: { user: UserView }) {
  const setPasswordCall = useSetUserPassword();
  const toInput = (values: { password: string }) => ({ id: user.id, password: values.password });
  const { form, refusal, refuse, clearRefusal } = useContractForm({ initialValues: { password: '' }, schema: setPasswordInput, toInput });
  const submit = form.onSubmit((values) => {
    clearRefusal();
    setPasswordCall.mutate(toInput(values), { onSuccess: () => form.reset(), onError: refuse });
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="xs">
        <Group align="flex-start">
          <PasswordInput
            label="New password"
            description="At least 10 characters; also unlocks a locked account"
            style={{ flex: 1 }}
            key={form.key('password')}
            {...form.getInputProps('password')}
            data-testid="user-password-input"
          />
          <Button type="submit" variant="default" mt={44} loading={setPasswordCall.isPending} data-testid="user-password-submit">
            Set password
          </Button>
        </Group>
        <FormRefusal refusal={refusal} />
        {setPasswordCall.isSuccess && (
          <Text size="sm" c="teal" data-testid="user-password-done">
            Password set.
          </Text>
        )}
      </Stack>
    </form>
  );
}
