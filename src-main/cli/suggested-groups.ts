// How the suggested assignments read on a terminal and in --json, for check --suggest and assign-orphans --suggested.
import { ORPHAN_EVIDENCE_LABELS, type OrphanSuggestionsView } from '../../src-shared/schemas/orphans';
import { plural } from '../../src-shared/text';

/** The groups without their preview runs, each with its reason in words too. */
export function suggestedGroupsJson(view: OrphanSuggestionsView) {
  return {
    groups: view.groups.map(({ business, reason, count }) => ({ business, reason, because: ORPHAN_EVIDENCE_LABELS[reason], count })),
    orphans: view.orphans,
    suggested: view.suggested,
  };
}

export function suggestedGroupsLines(view: OrphanSuggestionsView): string[] {
  if (view.groups.length === 0) return [`No orphan has evidence of its business (${plural(view.orphans, 'orphan')} in all).`];
  return [
    `Suggested assignments: ${view.suggested} of ${plural(view.orphans, 'orphan')} have evidence of their business.`,
    ...view.groups.map((g) => `  ${String(g.count).padStart(8)}  to ${g.business.name} (id ${g.business.id}): ${ORPHAN_EVIDENCE_LABELS[g.reason]}`),
    `Without evidence: ${view.orphans - view.suggested} (assign them with --business and --ids, or leave them).`,
  ];
}
