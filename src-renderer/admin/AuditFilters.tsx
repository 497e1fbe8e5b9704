// The audit log's filters: action (exact, or a prefix such as job.*; several separated by commas), actor (a user found
// by searching), target (a type, then one target of it: a user found by searching, a business, or an id), and time.
import { Button, Group, Select, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import { AUDIT_TARGET_TYPES, type AuditTargetType, listAuditEventsInput, MAX_AUDIT_TARGET_ID } from '../../src-shared/schemas/audit';
import { fieldIssuesOf } from '../../src-shared/field-issues';
import { TimeRangeFields } from '../lib/time-range';
import { typedRange } from '../lib/typed-range';
import { useSession } from '../queries/auth';
import { useBusinesses } from '../queries/businesses';
import { type AuditFilters } from '../queries/keys';
import { type PickedUser, UserPicker } from './UserPicker';

export const AUDIT_TARGET_LABELS: Record<AuditTargetType, string> = {
  job_run: 'Run',
  job_runs: 'Runs (bulk)',
  schedule: 'Schedule',
  user: 'User',
  business: 'Business',
  file: 'File',
  scope: 'Switcher scope',
  view: 'Saved view',
};

/** What the id field asks for, per target type; bulk changes name no single target. */
const TARGET_ID_PROMPTS: Partial<Record<AuditTargetType, string>> = {
  job_run: 'Run id',
  schedule: 'Schedule id',
  business: 'Business id',
  file: 'File name',
  scope: 'all, system or orphans',
};

/** A target as chosen: its type, its id as recorded, and (for a user picked by name) how to name it. */
export interface AuditTarget {
  type: AuditTargetType | null;
  id: string;
  label: string | null;
}

const NO_TARGET: AuditTarget = { type: null, id: '', label: null };

/** The filter fields as chosen, and the filters audit.list reads (typed text after a pause in typing). */
export function useAuditFilters() {
  const [actionText, setActionText] = useState('');
  const [actor, setActor] = useState<PickedUser | null>(null);
  const [target, setTarget] = useState<AuditTarget>(NO_TARGET);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [debouncedAction] = useDebouncedValue(actionText, 300);
  const [debouncedTargetId] = useDebouncedValue(target.id.trim(), 300);
  const range = typedRange({ from, to }, (rangeFrom, rangeTo) => fieldIssuesOf(listAuditEventsInput, { filters: { from: rangeFrom, to: rangeTo } }), {
    from: 'filters.from',
    to: 'filters.to',
  });
  const filters = useMemo<AuditFilters>(() => {
    const actions = debouncedAction
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    return {
      ...(actions.length ? { actions } : {}),
      ...(actor ? { actorUserId: actor.id } : {}),
      ...(target.type ? { targetType: target.type } : {}),
      ...(target.type && debouncedTargetId ? { targetId: debouncedTargetId } : {}),
      ...(range.from !== undefined ? { from: range.from } : {}),
      ...(range.to !== undefined ? { to: range.to } : {}),
    };
  }, [debouncedAction, actor, target.type, debouncedTargetId, range.from, range.to]);
  const clear = () => {
    setActionText('');
    setActor(null);
    setTarget(NO_TARGET);
    setFrom('');
    setTo('');
  };
  const typing = debouncedAction !== actionText || debouncedTargetId !== target.id.trim();
  return { actionText, setActionText, actor, setActor, target, setTarget, from, setFrom, to, setTo, rangeErrors: range.errors, clear, filters, typing };
}

export type AuditFilterFields = ReturnType<typeof useAuditFilters>;

/** Every filter, and a button that clears them. */
export function AuditToolbar({ fields }: { fields: AuditFilterFields }) {
  return (
    <Group align="flex-end" wrap="wrap" gap="sm" data-testid="audit-filters">
      <TextInput
        label="Action"
        description="Exact, or a prefix such as job.*; several separated by commas"
        placeholder="job.*"
        value={fields.actionText}
        onChange={(event) => fields.setActionText(event.currentTarget.value)}
        data-testid="audit-filter-action"
        style={{ flex: 1, minWidth: 220 }}
      />
      <UserPicker label="Actor" value={fields.actor} onChange={fields.setActor} testId="audit-filter-actor" />
      <Select
        label="Target"
        placeholder="Any target"
        data={AUDIT_TARGET_TYPES.map((type) => ({ value: type, label: AUDIT_TARGET_LABELS[type] }))}
        value={fields.target.type}
        onChange={(type) => fields.setTarget({ ...NO_TARGET, type: type as AuditTargetType | null })}
        clearable
        w={160}
        data-testid="audit-filter-target-type"
      />
      <TargetField target={fields.target} onChange={fields.setTarget} />
      <TimeRangeFields from={fields.from} to={fields.to} onFrom={fields.setFrom} onTo={fields.setTo} errors={fields.rangeErrors} testIdPrefix="audit-filter" />
      <Button variant="default" data-testid="audit-filter-clear" onClick={fields.clear}>
        Clear
      </Button>
    </Group>
  );
}

/** Which target of the chosen type: a user by searching, a business by name (system admins), else its id. */
function TargetField({ target, onChange }: { target: AuditTarget; onChange(target: AuditTarget): void }) {
  const isSystemAdmin = useSession().user.role === 'system_admin';
  const businesses = useBusinesses(isSystemAdmin && target.type === 'business');
  const type = target.type;
  if (type === null || type === 'job_runs') return null;
  if (type === 'user') {
    const picked = target.id ? { id: Number(target.id), label: target.label ?? `User ${target.id}` } : null;
    return <UserPicker label="Which user" value={picked} onChange={(user) => onChange({ type, id: user ? String(user.id) : '', label: user?.label ?? null })} testId="audit-filter-target-user" />;
  }
  if (type === 'business' && isSystemAdmin) {
    return (
      <Select
        label="Which business"
        placeholder="Any business"
        data={(businesses.data ?? []).map((business) => ({ value: String(business.id), label: business.name }))}
        value={target.id || null}
        onChange={(id) => onChange({ type, id: id ?? '', label: null })}
        searchable
        clearable
        data-testid="audit-filter-target-business"
      />
    );
  }
  return (
    <TextInput
      label={`Which ${AUDIT_TARGET_LABELS[type].toLowerCase()}`}
      placeholder={TARGET_ID_PROMPTS[type]}
      value={target.id}
      onChange={(event) => onChange({ type, id: event.currentTarget.value, label: null })}
      maxLength={MAX_AUDIT_TARGET_ID}
      w={180}
      data-testid="audit-filter-target-id"
    />
  );
}
