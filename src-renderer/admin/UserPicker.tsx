// A user chosen by searching: the select asks main for the first users whose email or name holds what is typed
// (users.list, one short page), never for the whole list; the rest are a narrower search away.
import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { type UserView } from '../../src-shared/schemas/accounts';
import { formatCount } from '../lib/format';
import { useUserSearch } from '../queries/users';

/** A chosen user and how the select names them. */
export interface PickedUser {
  id: number;
  label: string;
}

/** "Ann Smith (ann@acme.example)", or the email alone. */
export function userLabel(user: Pick<UserView, 'email' | 'displayName'>): string {
  return user.displayName ? `${user.displayName} (${user.email})` : user.email;
}

const MORE = 'more';

interface Props {
  label: string;
  value: PickedUser | null;
  onChange(user: PickedUser | null): void;
  testId: string;
  placeholder?: string;
}

export function UserPicker({ label, value, onChange, testId, placeholder = 'Search by email or name' }: Props) {
  const [search, setSearch] = useState('');
  const [opened, setOpened] = useState(false);
  // Once a user is chosen the field shows their label, which is not a search.
  const typed = value !== null && search === value.label ? '' : search;
  const [debounced] = useDebouncedValue(typed, 300);
  const found = useUserSearch(debounced, opened);
  const users = found.data?.users ?? [];
  const more = (found.data?.total ?? 0) - users.length;
  const options = users.map((user) => ({ value: String(user.id), label: userLabel(user) }));
  if (value !== null && !options.some((option) => option.value === String(value.id))) options.unshift({ value: String(value.id), label: value.label });
  const data = more > 0 ? [...options, { value: MORE, label: `${formatCount(more)} more: type to narrow the search`, disabled: true }] : options;

  return (
    <Select
      label={label}
      placeholder={placeholder}
      data={data}
      value={value === null ? null : String(value.id)}
      onChange={(id, option) => onChange(id === null ? null : { id: Number(id), label: option.label })}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      // Main has searched already: every option it sent is shown.
      filter={({ options: all }) => all}
      onDropdownOpen={() => setOpened(true)}
      nothingFoundMessage={found.isFetching || debounced !== typed ? 'Searching…' : 'No user matches.'}
      clearable
      w={280}
      data-testid={testId}
    />
  );
}
