// Step 2c: the businesses the file gives evidence for, in groups by business and reason; the operator accepts some
// or all, sees exactly what will change, and confirms with each group's count (main backs the file up first).
import { Alert, Button, Checkbox, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { ORPHAN_EVIDENCE_LABELS, type OrphanSuggestionGroupView, type SuggestedAssignmentView } from '../../src-shared/schemas/orphans';
import { plural } from '../../src-shared/text';
import { formatCount } from '../lib/format';
import { errorMessage, isApiError } from '../queries/client';
import { useAssignSuggestedOrphans, useOrphanSuggestions } from '../queries/orphans';
import { ChangeActions, PreviewBox } from './ChangeParts';
import { ChangeError } from './ChangeError';
import { OrphanRunsTable } from './OrphanRunsTable';

const PREVIEW_RUNS = 5;

const groupKey = (group: Pick<OrphanSuggestionGroupView, 'business' | 'reason'>) => `${group.business.id}-${group.reason}`;

interface Props {
  onBack(): void;
  onDone(result: SuggestedAssignmentView): void;
}

export function SuggestedStep({ onBack, onDone }: Props) {
  const flow = useSuggestedAssignment(onDone);
  const { assign, data, groups, acceptedGroups, acceptedCount } = flow;

  return (
    <Paper withBorder p="md" data-testid="orphans-suggested" data-state={data ? 'loaded' : 'loading'}>
      <Stack gap="md">
        <Title order={3} size="h4">
          Suggested assignments
        </Title>
        <Text size="sm" maw={720}>
          For some orphans the file shows which business they belonged to. Accept the groups you agree with: their orphans become that business's runs.
          A backup of the whole database is made first, and the audit log records each group with its reason. Orphans without evidence stay for the
          manual choice.
        </Text>
        <SuggestionsStatus suggestions={flow.suggestions} data={data} />
        {data && groups.length > 0 && (
          <SuggestionGroups groups={groups} accepted={flow.accepted} acceptedGroups={acceptedGroups.length} onChange={flow.change} onToggle={flow.toggle} />
        )}
        {/* What will change and the confirmation stay in view while the operator reads the groups above. */}
        <Stack gap="sm" className="sticky-actions">
          {groups.length > 0 && (
            <SuggestedSummary acceptedCount={acceptedCount} acceptedGroups={acceptedGroups.length} notAcceptedCount={flow.notAcceptedCount} withoutEvidence={flow.withoutEvidence} />
          )}
          {assign.isError && (
            <ChangeError
              error={assign.error}
              conflict={flow.conflict}
              failedTitle="Nothing was assigned"
              testId="suggested-error"
              repreviewTestId="suggested-repreview"
              onPreviewAgain={flow.previewAgain}
            />
          )}
          <ChangeActions
            backTestId="suggested-back"
            onBack={onBack}
            pending={assign.isPending}
            confirm={
              groups.length > 0
                ? {
                    label: acceptedGroups.length === 0 ? 'Assign' : `Back up, then assign ${plural(acceptedCount, 'orphan')} in ${plural(acceptedGroups.length, 'group')}`,
                    onClick: flow.confirm,
                    disabled: acceptedGroups.length === 0 || flow.conflict,
                    testId: 'suggested-confirm',
                  }
                : null
            }
          />
        </Stack>
      </Stack>
    </Paper>
  );
}

/** The suggestions query, the groups accepted (none at first), what they add up to, and the assignment (mutation) of them. */
function useSuggestedAssignment(onDone: (result: SuggestedAssignmentView) => void) {
  const suggestions = useOrphanSuggestions(PREVIEW_RUNS);
  const assign = useAssignSuggestedOrphans();
  // None accepted at first: each group is a decision the operator makes, not one to undo.
  const [accepted, setAccepted] = useState<ReadonlySet<string>>(new Set());

  const data = suggestions.isFetching ? undefined : suggestions.data;
  const groups = data?.groups ?? [];
  const acceptedGroups = groups.filter((group) => accepted.has(groupKey(group)));
  const acceptedCount = acceptedGroups.reduce((sum, group) => sum + group.count, 0);

  const change = (next: ReadonlySet<string>) => {
    assign.reset();
    setAccepted(next);
  };
  const toggle = (key: string, on: boolean) => {
    const next = new Set(accepted);
    if (on) next.add(key);
    else next.delete(key);
    change(next);
  };
  const previewAgain = () => {
    assign.reset();
    void suggestions.refetch();
  };
  const confirm = () => {
    if (acceptedGroups.length === 0) return;
    assign.mutate({ groups: acceptedGroups.map((group) => ({ businessId: group.business.id, reason: group.reason, expectedCount: group.count })) }, { onSuccess: onDone });
  };

  return {
    suggestions,
    assign,
    conflict: isApiError(assign.error, 'CONFLICT'),
    data,
    groups,
    accepted,
    acceptedGroups,
    acceptedCount,
    notAcceptedCount: (data?.suggested ?? 0) - acceptedCount,
    withoutEvidence: (data?.orphans ?? 0) - (data?.suggested ?? 0),
    change,
    toggle,
    previewAgain,
    confirm,
  };
}

type Suggestions = ReturnType<typeof useOrphanSuggestions>;

/** Until there are groups to show: the query's error, "Looking for evidence…", or why there is no group. */
function SuggestionsStatus({ suggestions, data }: { suggestions: Suggestions; data: Suggestions['data'] }) {
  return (
    <>
      {suggestions.isError && !suggestions.isFetching && (
        <Alert color="red" title="The suggestions could not be worked out" data-testid="suggestions-error">
          {errorMessage(suggestions.error)}
        </Alert>
      )}
      {!data && !suggestions.isError && (
        <Text size="sm" c="dimmed">
          Looking for evidence…
        </Text>
      )}
      {data && data.groups.length === 0 && (
        <Alert color="gray" title="No evidence to go on" data-testid="suggestions-empty">
          {data.orphans === 0
            ? 'There are no orphaned runs.'
            : `None of the ${plural(data.orphans, 'orphan')} names a business that exists, by its former business id or by the user who triggered it. Assign or delete them by hand.`}
        </Alert>
      )}
    </>
  );
}

/** "Accept all" / "Accept none", then each group with its checkbox. */
function SuggestionGroups({
  groups,
  accepted,
  acceptedGroups,
  onChange,
  onToggle,
}: {
  groups: OrphanSuggestionGroupView[];
  accepted: ReadonlySet<string>;
  /** How many of the groups are accepted. */
  acceptedGroups: number;
  onChange(next: ReadonlySet<string>): void;
  onToggle(key: string, on: boolean): void;
}) {
  return (
    <>
      <Group gap="sm">
        <Button variant="light" onClick={() => onChange(new Set(groups.map(groupKey)))} disabled={acceptedGroups === groups.length} data-testid="suggestions-accept-all">
          Accept all {formatCount(groups.length)} groups
        </Button>
        <Button variant="subtle" onClick={() => onChange(new Set())} disabled={acceptedGroups === 0} data-testid="suggestions-accept-none">
          Accept none
        </Button>
      </Group>
      <Stack gap="sm" data-testid="suggestion-groups">
        {groups.map((group) => (
          <SuggestionGroup key={groupKey(group)} group={group} accepted={accepted.has(groupKey(group))} onAccept={(on) => onToggle(groupKey(group), on)} />
        ))}
      </Stack>
    </>
  );
}

/** The preview: how many orphans in how many groups will be assigned, and the orphans that stay. */
function SuggestedSummary({
  acceptedCount,
  acceptedGroups,
  notAcceptedCount,
  withoutEvidence,
}: {
  acceptedCount: number;
  /** How many groups are accepted. */
  acceptedGroups: number;
  notAcceptedCount: number;
  withoutEvidence: number;
}) {
  return (
    <PreviewBox>
      <Stack gap={4} data-testid="suggested-summary">
        <Text size="sm">
          {acceptedGroups === 0 ? (
            'No group accepted yet: nothing will be assigned.'
          ) : (
            <>
              <strong data-testid="suggested-accepted-count">{formatCount(acceptedCount)}</strong> {acceptedCount === 1 ? 'orphan' : 'orphans'} in{' '}
              <strong data-testid="suggested-accepted-groups">{formatCount(acceptedGroups)}</strong> {acceptedGroups === 1 ? 'group' : 'groups'} will be assigned.
            </>
          )}
        </Text>
        {notAcceptedCount > 0 && <Text size="sm">{plural(notAcceptedCount, 'orphan')} in groups not accepted stay orphans.</Text>}
        {withoutEvidence > 0 && (
          <Text size="sm" data-testid="suggested-without-evidence">
            {plural(withoutEvidence, 'orphan')} {withoutEvidence === 1 ? 'has' : 'have'} no evidence and stay for the manual choice.
          </Text>
        )}
      </Stack>
    </PreviewBox>
  );
}

function SuggestionGroup({ group, accepted, onAccept }: { group: OrphanSuggestionGroupView; accepted: boolean; onAccept(on: boolean): void }) {
  const key = groupKey(group);
  return (
    <Paper withBorder p="sm" data-testid={`suggestion-group-${key}`} data-count={group.count} data-accepted={accepted}>
      <Stack gap="xs">
        <Checkbox
          checked={accepted}
          onChange={(event) => onAccept(event.currentTarget.checked)}
          label={
            <Text span fw={600}>
              {group.business.name}: <span data-testid={`suggestion-count-${key}`}>{plural(group.count, 'orphan')}</span>
            </Text>
          }
          description={`Why: ${ORPHAN_EVIDENCE_LABELS[group.reason]}.`}
          data-testid={`suggestion-accept-${key}`}
        />
        <OrphanRunsTable runs={group.preview} loading={false} emptyText="No run to preview." testId={`suggestion-preview-${key}`} />
        {group.count > group.preview.length && (
          <Text size="xs" c="dimmed">
            The newest {formatCount(group.preview.length)} of {formatCount(group.count)}.
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
