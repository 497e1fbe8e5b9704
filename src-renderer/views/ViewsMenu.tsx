// Saved views beside the switcher: open one (its range, filters and sort; for a system admin also the switcher's
// choice it was saved with), save the current Automation view under a name, and manage one's own (default, delete).
import { ActionIcon, Alert, Button, Checkbox, Group, Menu, Modal, Radio, Stack, Table, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { type ScopeSelection, type SessionView } from '../../src-shared/schemas/accounts';
import { type SavedViewView, type ViewSharing } from '../../src-shared/schemas/views';
import { FormRefusal, refusalByField } from '../lib/contract-form';
import { mayUseViews } from '../lib/permissions';
import { navigate, type Route } from '../lib/router';
import { errorMessage } from '../queries/client';
import { useCreateView, useDeleteView, useSetDefaultView, useUpdateView, useViews } from '../queries/views';
import { useScopeSwitch } from '../shell/ScopeSwitcher';
import { useUiStore } from '../stores/ui';

/** Opens a view: the Automation view with its query, and (system admins) the switcher's choice it holds. */
export function useOpenView(session: SessionView) {
  const scopeSwitch = useScopeSwitch();
  return (view: Pick<SavedViewView, 'query' | 'scope'>, options: { replace?: boolean } = {}) => {
    if (view.scope && session.user.role === 'system_admin') scopeSwitch.switchTo(view.scope);
    navigate('/automation', new URLSearchParams(view.query), options);
  };
}

/** The user's default view, opened once after the page loads when they come to the Automation view with nothing in its URL. */
export function useDefaultView(session: SessionView, route: Route): void {
  const views = useViews(mayUseViews(session.user));
  const checked = useUiStore((state) => state.defaultViewChecked);
  const setChecked = useUiStore((state) => state.setDefaultViewChecked);
  const openView = useOpenView(session);
  useEffect(() => {
    if (checked || !views.data) return;
    setChecked(true);
    const view = views.data.views.find((candidate) => candidate.id === views.data.defaultViewId);
    if (view && route.name === 'automation' && route.query.toString() === '') openView(view, { replace: true });
  }, [views.data, checked]);
}

/** What a view keeps of the view as it is now: the Automation view's URL, and a system admin's switcher choice. */
function useCurrentView(session: SessionView): { query: string; scope: ScopeSelection | null } {
  const query = useUiStore((state) => state.automationQuery);
  return { query, scope: session.user.role === 'system_admin' ? session.scope : null };
}

const SHARING_LABELS: Record<ViewSharing, string> = { personal: 'Only me', business: 'My business', system_admins: 'Every system admin' };

function groupOf(view: SavedViewView): string {
  if (view.mine) return 'My views';
  return view.sharing === 'business' ? 'Shared with my business' : 'Shared with the system admins';
}

export function ViewsMenu({ session }: { session: SessionView }) {
  const views = useViews();
  const openView = useOpenView(session);
  const [dialog, setDialog] = useState<'save' | 'manage' | null>(null);
  const list = views.data?.views ?? [];
  const groups = [...new Set(list.map(groupOf))];
  return (
    <>
      <Menu position="bottom-start" withinPortal>
        <Menu.Target>
          <Button variant="default" size="compact-sm" data-testid="views-menu">
            Views
          </Button>
        </Menu.Target>
        <Menu.Dropdown data-testid="views-dropdown">
          {views.isError && <Menu.Label>{errorMessage(views.error)}</Menu.Label>}
          {groups.map((group) => (
            <div key={group}>
              <Menu.Label>{group}</Menu.Label>
              {list
                .filter((view) => groupOf(view) === group)
                .map((view) => (
                  <Menu.Item key={view.id} onClick={() => openView(view)} data-testid={`view-open-${view.id}`}>
                    {view.name}
                    {views.data?.defaultViewId === view.id ? ' (default)' : ''}
                  </Menu.Item>
                ))}
            </div>
          ))}
          {list.length === 0 && !views.isError && <Menu.Label>No saved views yet</Menu.Label>}
          <Menu.Divider />
          <Menu.Item onClick={() => setDialog('save')} data-testid="views-save">
            Save the current view…
          </Menu.Item>
          <Menu.Item onClick={() => setDialog('manage')} data-testid="views-manage" disabled={list.length === 0}>
            Manage views…
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Modal opened={dialog === 'save'} onClose={() => setDialog(null)} title="Save the current view">
        {dialog === 'save' && <SaveViewForm session={session} onDone={() => setDialog(null)} />}
      </Modal>
      <Modal opened={dialog === 'manage'} onClose={() => setDialog(null)} title="Saved views" size="lg">
        {dialog === 'manage' && <ManageViews session={session} views={list} defaultViewId={views.data?.defaultViewId ?? null} />}
      </Modal>
    </>
  );
}

/** Name, who it is shared with (as the role may), and whether it is the caller's default: the Automation view's query as it is now. */
function SaveViewForm({ session, onDone }: { session: SessionView; onDone(): void }) {
  const create = useCreateView();
  const current = useCurrentView(session);
  const [name, setName] = useState('');
  const [sharing, setSharing] = useState<ViewSharing>('personal');
  const [makeDefault, setMakeDefault] = useState(false);
  const role = session.user.role;
  const sharings: ViewSharing[] = ['personal', ...(role === 'business_admin' ? (['business'] as const) : role === 'system_admin' ? (['system_admins'] as const) : [])];
  const errors = refusalByField(create.error, ['name', 'sharing']);
  return (
    <form
      noValidate
      data-testid="view-save-form"
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate({ name, sharing, ...current, makeDefault }, { onSuccess: onDone });
      }}
    >
      <Stack>
        <TextInput label="Name" value={name} onChange={(event) => setName(event.currentTarget.value)} error={errors.byPath.name} required data-autofocus data-testid="view-name" />
        {sharings.length > 1 && (
          <Radio.Group label="Shared with" value={sharing} onChange={(value) => setSharing(value as ViewSharing)} error={errors.byPath.sharing}>
            <Group mt={4}>
              {sharings.map((value) => (
                <Radio key={value} value={value} label={value === 'business' ? `${SHARING_LABELS.business} (${session.user.businessName ?? ''})` : SHARING_LABELS[value]} data-testid={`view-sharing-${value}`} />
              ))}
            </Group>
          </Radio.Group>
        )}
        <Checkbox label="Open it when I come to Automation" checked={makeDefault} onChange={(event) => setMakeDefault(event.currentTarget.checked)} data-testid="view-default" />
        <Text size="xs" c="dimmed">
          It keeps the range, filters, sort and columns{role === 'system_admin' ? ', and the switcher’s choice' : ''}. Whoever opens it sees only the runs they may see.
        </Text>
        <FormRefusal refusal={errors.rest} testId="view-save-error" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Close
          </Button>
          <Button type="submit" loading={create.isPending} data-testid="view-save-submit">
            Save view
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * Every view the caller may open: make one the default (or none); their own ones they rename, bring up to the
 * Automation view as it is now, or delete after confirming.
 */
function ManageViews({ session, views, defaultViewId }: { session: SessionView; views: SavedViewView[]; defaultViewId: number | null }) {
  const setDefault = useSetDefaultView();
  const remove = useDeleteView();
  const update = useUpdateView();
  const current = useCurrentView(session);
  const [confirming, setConfirming] = useState<SavedViewView | null>(null);
  const [renaming, setRenaming] = useState<{ id: number; name: string } | null>(null);
  const failure = setDefault.error ?? remove.error ?? update.error;
  return (
    <Stack data-testid="views-manage-list">
      {failure && <Alert color="red">{errorMessage(failure)}</Alert>}
      <Table fz="sm">
        <Table.Tbody>
          {views.map((view) => (
            <Table.Tr key={view.id} data-testid={`view-row-${view.id}`}>
              <Table.Td>
                {renaming?.id === view.id ? (
                  <RenameForm
                    id={view.id}
                    name={renaming.name}
                    onChange={(name) => setRenaming({ id: view.id, name })}
                    onSubmit={() => update.mutate({ id: view.id, name: renaming.name }, { onSuccess: () => setRenaming(null) })}
                  />
                ) : (
                  view.name
                )}
                <Text size="xs" c="dimmed">
                  {SHARING_LABELS[view.sharing]}
                  {view.mine ? '' : `, by ${view.ownerName}`}
                </Text>
              </Table.Td>
              <Table.Td>
                <Checkbox
                  label="Default"
                  checked={defaultViewId === view.id}
                  onChange={(event) => setDefault.mutate({ id: event.currentTarget.checked ? view.id : null })}
                  data-testid={`view-set-default-${view.id}`}
                />
              </Table.Td>
              <Table.Td>
                {view.mine && (
                  <Group gap={4} wrap="nowrap">
                    <Button size="compact-xs" variant="subtle" onClick={() => setRenaming({ id: view.id, name: view.name })} data-testid={`view-rename-${view.id}`}>
                      Rename
                    </Button>
                    <Button size="compact-xs" variant="subtle" onClick={() => update.mutate({ id: view.id, ...current })} data-testid={`view-resave-${view.id}`}>
                      Save the current view here
                    </Button>
                  </Group>
                )}
              </Table.Td>
              <Table.Td>
                {view.mine && (
                  <ActionIcon variant="subtle" color="red" aria-label={`Delete ${view.name}`} onClick={() => setConfirming(view)} data-testid={`view-delete-${view.id}`}>
                    ✕
                  </ActionIcon>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {confirming && (
        <Alert color="red" title={`Delete “${confirming.name}”?`} data-testid="view-delete-confirm">
          <Text size="sm">{confirming.sharing === 'personal' ? 'Only you had it.' : `Everyone it is shared with loses it (${SHARING_LABELS[confirming.sharing].toLowerCase()}).`} The runs it shows are not touched.</Text>
          <Group mt="xs">
            <Button size="xs" color="red" loading={remove.isPending} onClick={() => remove.mutate({ id: confirming.id }, { onSuccess: () => setConfirming(null) })} data-testid="view-delete-submit">
              Delete the view
            </Button>
            <Button size="xs" variant="default" onClick={() => setConfirming(null)}>
              Keep it
            </Button>
          </Group>
        </Alert>
      )}
    </Stack>
  );
}

/** A view's new name, saved with Enter. */
function RenameForm({ id, name, onChange, onSubmit }: { id: number; name: string; onChange(name: string): void; onSubmit(): void }) {
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <TextInput size="xs" aria-label="New name" value={name} onChange={(event) => onChange(event.currentTarget.value)} data-autofocus data-testid={`view-rename-input-${id}`} />
    </form>
  );
}
