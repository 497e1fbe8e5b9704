// A system admin's business switcher: all businesses, system-wide runs, orphans, or one business.
import { Select } from '@mantine/core';
import { type ScopeSelection, type SessionView } from '../../src-shared/schemas/accounts';
import { useSetScope } from '../queries/auth';
import { useBusinesses } from '../queries/businesses';
import { errorMessage } from '../queries/client';
import { useUiStore } from '../stores/ui';

export function scopeValue(scope: ScopeSelection | null): string | null {
  if (!scope) return null;
  return scope.kind === 'business' ? `business:${scope.businessId}` : scope.kind;
}

function parseScopeValue(value: string): ScopeSelection | null {
  if (value === 'all' || value === 'system' || value === 'orphans') return { kind: value };
  const match = /^business:(\d+)$/.exec(value);
  return match ? { kind: 'business', businessId: Number(match[1]) } : null;
}

export function ScopeSwitcher({ session }: { session: SessionView }) {
  const businesses = useBusinesses();
  const setScope = useSetScope();
  const requested = useUiStore((state) => state.requestedScope);
  const setRequested = useUiStore((state) => state.setRequestedScope);

  const data = [
    {
      group: 'Views',
      items: [
        { value: 'all', label: 'All businesses' },
        { value: 'system', label: 'System-wide' },
        { value: 'orphans', label: 'Orphaned runs' },
      ],
    },
    {
      group: 'Businesses',
      items: (businesses.data ?? []).map((business) => ({
        value: `business:${business.id}`,
        label: business.disabled ? `${business.name} (disabled)` : business.name,
      })),
    },
  ];

  return (
    <Select
      aria-label="Business"
      data-testid="business-switcher"
      w={260}
      searchable
      allowDeselect={false}
      nothingFoundMessage="No business by that name"
      data={data}
      value={scopeValue(requested ?? session.scope)}
      error={setScope.isError ? errorMessage(setScope.error) : undefined}
      disabled={setScope.isPending}
      comboboxProps={{ withinPortal: true }}
      onChange={(value) => {
        const scope = value ? parseScopeValue(value) : null;
        if (!scope) return;
        setRequested(scope);
        setScope.mutate(scope, { onSettled: () => setRequested(null) });
      }}
    />
  );
}
