// The app-wide keys (Ctrl/⌘+K, ?) and what they open: the command palette and the list of shortcuts.
import { Kbd, Modal, ScrollArea, Stack, Table, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useMemo, useState, type KeyboardEvent } from 'react';
import { type SessionView } from '../../src-shared/schemas/accounts';
import { mayRunType, mayTrigger, mayUseViews } from '../lib/permissions';
import { navigate } from '../lib/router';
import { useBusinesses } from '../queries/businesses';
import { useJobTypes } from '../queries/jobs';
import { useViews } from '../queries/views';
import { useOpenView } from '../views/ViewsMenu';
import { useScopeSwitch } from '../shell/ScopeSwitcher';
import { useUiStore } from '../stores/ui';
import { matchCommands, paletteCommands, type Command } from './commands';
import { useKeys } from './keys';
import { SHORTCUTS } from './shortcuts';

export function KeyboardLayer({ session }: { session: SessionView }) {
  const [open, setOpen] = useState<'palette' | 'shortcuts' | null>(null);
  useKeys({ 'mod+k': () => setOpen((current) => (current === 'palette' ? null : 'palette')) });
  // Over the page only: the palette and this list are dialogs too.
  useKeys({ '?': () => setOpen('shortcuts') }, { page: true });
  return (
    <>
      <Modal opened={open === 'palette'} onClose={() => setOpen(null)} title="Go to, switch, trigger" size="lg" data-testid="command-palette-modal">
        {open === 'palette' && <Palette session={session} onDone={(next) => setOpen(next)} />}
      </Modal>
      <Modal opened={open === 'shortcuts'} onClose={() => setOpen(null)} title="Keyboard shortcuts" size="lg">
        <ShortcutsList />
      </Modal>
    </>
  );
}

function usePaletteCommands(session: SessionView): Command[] {
  const isSystemAdmin = session.user.role === 'system_admin';
  const businesses = useBusinesses(isSystemAdmin);
  const types = useJobTypes();
  const views = useViews(mayUseViews(session.user));
  return useMemo(
    () =>
      paletteCommands({
        isSystemAdmin,
        mayTrigger: mayTrigger(session.user),
        businesses: isSystemAdmin ? (businesses.data ?? []) : [],
        jobTypes: (types.data ?? []).filter((type) => mayRunType(session.user, type)),
        views: views.data?.views ?? [],
      }),
    [isSystemAdmin, session.user, businesses.data, types.data, views.data],
  );
}

/** The search field and the commands it matches: arrows move, Enter runs the one marked, a click runs any. */
function Palette({ session, onDone }: { session: SessionView; onDone(next: 'shortcuts' | null): void }) {
  const commands = usePaletteCommands(session);
  const [text, setText] = useState('');
  const [marked, setMarked] = useState(0);
  const matches = useMemo(() => matchCommands(commands, text), [commands, text]);
  const scopeSwitch = useScopeSwitch();
  const openView = useOpenView(session);
  const openTrigger = useUiStore((state) => state.setTriggerDialogOpen);

  const run = (command: Command) => {
    const { action } = command;
    if (action.kind === 'shortcuts') return onDone('shortcuts');
    onDone(null);
    if (action.kind === 'navigate') navigate(action.path);
    else if (action.kind === 'scope') scopeSwitch.switchTo(action.scope);
    else if (action.kind === 'view') openView(action.view);
    else {
      // The trigger dialog lives on the Automation view: it opens there on this type.
      navigate('/automation');
      openTrigger(true, { jobType: action.jobType });
    }
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setMarked((current) => (matches.length === 0 ? 0 : (current + step + matches.length) % matches.length));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const command = matches[Math.min(marked, matches.length - 1)];
      if (command) run(command);
    }
  };

  return (
    <Stack gap="xs" data-testid="command-palette">
      <TextInput
        placeholder="A run id (#42), a page, a business, a job type…"
        value={text}
        onChange={(event) => {
          setText(event.currentTarget.value);
          setMarked(0);
        }}
        onKeyDown={onKeyDown}
        data-autofocus
        aria-label="Command"
        data-testid="command-palette-input"
      />
      <ScrollArea.Autosize mah={380}>
        <Stack gap={2} role="listbox" aria-label="Commands">
          {matches.length === 0 && (
            <Text size="sm" c="dimmed" p="xs" data-testid="command-palette-empty">
              Nothing matches. A run is found by its id: type its number.
            </Text>
          )}
          {matches.map((command, index) => (
            <UnstyledButton
              key={command.id}
              role="option"
              aria-selected={index === marked}
              onClick={() => run(command)}
              onMouseEnter={() => setMarked(index)}
              className="palette-option"
              data-testid={`command-${command.id}`}
              p="xs"
              style={{ borderRadius: 4, background: index === marked ? 'var(--mantine-color-blue-light)' : undefined }}
            >
              <Text size="xs" c="dimmed" component="span" mr="sm">
                {command.group}
              </Text>
              <Text size="sm" component="span">
                {command.label}
              </Text>
            </UnstyledButton>
          ))}
        </Stack>
      </ScrollArea.Autosize>
    </Stack>
  );
}

/** Every shortcut, its keys and where it works. */
function ShortcutsList() {
  return (
    <Table data-testid="shortcuts-list" fz="sm">
      <Table.Tbody>
        {SHORTCUTS.map((shortcut) => (
          <Table.Tr key={shortcut.keys.join('+')}>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>
              {shortcut.keys.map((key, index) => (
                <span key={key}>
                  {index > 0 && ' + '}
                  <Kbd>{key}</Kbd>
                </span>
              ))}
            </Table.Td>
            <Table.Td>
              {shortcut.what}
              {shortcut.where && (
                <Text size="xs" c="dimmed" component="span">
                  {' '}
                  ({shortcut.where})
                </Text>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
