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

/**
 * Switches a system admin's scope as the switcher does: the choice shows at once (requestedScope) while main
 * checks it, and every tenant view then reads in the new scope. Also used by links that lead into a scope.
 */
export function useScopeSwitch() {
  const setScope = useSetScope();
  const setRequested = useUiStore((state) => state.setRequestedScope);
  return {
    switchTo(scope: ScopeSelection) {
      setRequested(scope);
      setScope.mutate(scope, { onSettled: () => setRequested(null) });
    },
    isPending: setScope.isPending,
    error: setScope.error,
  };
}

export function ScopeSwitcher({ session }: { session: SessionView }) {
  const businesses = useBusinesses();
  const scopeSwitch = useScopeSwitch();
  const requested = useUiStore((state) => state.requestedScope);

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
      w={{ base: 170, lg: 260 }}
      searchable
      allowDeselect={false}
      nothingFoundMessage="No business by that name"
      data={data}
      value={scopeValue(requested ?? session.scope)}
      error={scopeSwitch.error ? errorMessage(scopeSwitch.error) : undefined}
      disabled={scopeSwitch.isPending}
      comboboxProps={{ withinPortal: true }}
      onChange={(value) => {
        const scope = value ? parseScopeValue(value) : null;
        if (scope) scopeSwitch.switchTo(scope);
      }}
    />
  );
}
