// The users table: searched (email or name, after a pause in typing), filtered by role and (system admins) business,
// loaded a page at a time, with how many match in all. Main decides whom the caller may see.
import { Badge, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import { type UserRole } from '../../src-shared/domain';
import { MAX_USER_SEARCH, type SessionView, type UserFilters, type UserView } from '../../src-shared/schemas/accounts';
import { plural } from '../../src-shared/text';
import { formatCount, formatDateTime } from '../lib/format';
import { useUserPages } from '../queries/users';
import { useViewLoaded } from '../stores/ui';
import { LoadMore, QueryState, ROLE_LABELS, RowActions } from './common';
import { roleOptions, toBusinessId, useBusinessOptions } from './user-options';

/** What a row's buttons do; `toggling` is the user being enabled or disabled, `selfId` the signed-in user (never deleted here). */
export interface UserRowActions {
  selfId: number;
  toggling: number | null;
  onEdit(user: UserView): void;
  onToggle(user: UserView): void;
  onDelete(user: UserView): void;
}

/** The filter fields as chosen, and the filters users.list reads (the search after a pause in typing). */
function useUserFilters() {
  const [searchText, setSearchText] = useState('');
  const [role, setRole] = useState<UserRole | null>(null);
  const [business, setBusiness] = useState<string | null>(null);
  const [search] = useDebouncedValue(searchText.trim(), 300);
  const filters = useMemo<UserFilters>(
    () => ({ ...(search ? { search } : {}), ...(role ? { role } : {}), ...(business !== null ? { businessId: toBusinessId(business) } : {}) }),
    [search, role, business],
  );
  return { searchText, setSearchText, role, setRole, business, setBusiness, filters, typing: search !== searchText.trim() };
}

type FilterFields = ReturnType<typeof useUserFilters>;

export function UsersList({ session, actions }: { session: SessionView; actions: UserRowActions }) {
  const fields = useUserFilters();
  const pages = useUserPages(fields.filters);
  useViewLoaded(!pages.isPending);
  const users = useMemo(() => pages.data?.pages.flatMap((page) => page.users) ?? [], [pages.data]);
  const total = pages.data?.pages[0]?.total ?? 0;
  // Loaded (the list's data-state, which tests wait on): the rows are the current filters', not the previous ones'
  // kept while a new search loads, and no search is being typed.
  const loaded = !pages.isPlaceholderData && (!pages.isFetching || pages.isFetchingNextPage) && !fields.typing;

  return (
    <Stack gap="sm" data-testid="users-list" data-state={loaded ? 'loaded' : 'loading'}>
      <UsersToolbar session={session} fields={fields} />
      <QueryState pending={pages.isPending} error={pages.error}>
        <Text size="sm" c="dimmed" data-testid="users-count">
          {total === 0 ? 'No users match.' : users.length < total ? `Showing ${formatCount(users.length)} of ${plural(total, 'user')}` : plural(total, 'user')}
        </Text>
        {users.length > 0 && <UsersTable users={users} actions={actions} />}
      </QueryState>
      <LoadMore list={pages} testId="users-load-more" />
    </Stack>
  );
}

/** The search, the role and (for system admins) the business. */
function UsersToolbar({ session, fields }: { session: SessionView; fields: FilterFields }) {
  const businessOptions = useBusinessOptions(session);
  return (
    <Group align="flex-end" wrap="wrap">
      <TextInput
        label="Search"
        placeholder="Email or name"
        value={fields.searchText}
        onChange={(event) => fields.setSearchText(event.currentTarget.value)}
        maxLength={MAX_USER_SEARCH}
        style={{ flex: 1, minWidth: 220 }}
        data-testid="users-search"
      />
      <Select label="Role" placeholder="Any role" data={roleOptions(session)} value={fields.role} onChange={(value) => fields.setRole(value as UserRole | null)} clearable data-testid="users-filter-role" />
      {session.user.role === 'system_admin' && (
        <Select
          label="Business"
          placeholder="Any business"
          data={businessOptions}
          value={fields.business}
          onChange={fields.setBusiness}
          searchable
          clearable
          data-testid="users-filter-business"
        />
      )}
    </Group>
  );
}

function UsersTable({ users, actions }: { users: readonly UserView[]; actions: UserRowActions }) {
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
                edit={{ label: 'Edit', testId: `user-edit-${user.id}`, onClick: () => actions.onEdit(user) }}
                toggle={{ label: user.disabled ? 'Enable' : 'Disable', testId: `user-toggle-${user.id}`, loading: actions.toggling === user.id, onClick: () => actions.onToggle(user) }}
                remove={{ testId: `user-delete-${user.id}`, disabled: user.id === actions.selfId, onClick: () => actions.onDelete(user) }}
              />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
