import type { JobRunView } from '../../../src-shared/schemas/jobs';
import { suggestOrphanAssignments } from '../../orphans/suggestions';
import { checkRuns } from '../../orphans/orphans';
import type { Command } from '../context';
import { ExitCode } from '../exit-codes';
import { withDatabase } from '../open-database';
import { suggestedGroupsJson, suggestedGroupsLines } from '../suggested-groups';

export const DEFAULT_NEWEST_ORPHANS = 20;

export const check: Command = (context) =>
  withDatabase(context, ({ db }) => {
    if (context.args.suggest) {
      const view = suggestOrphanAssignments(db, { previewLimit: 0 });
      const next = view.groups.length > 0 ? ['To assign every suggested group: automation-console assign-orphans --suggested'] : [];
      context.print(suggestedGroupsJson(view), [...suggestedGroupsLines(view), ...next]);
      return ExitCode.ok;
    }
    const overview = checkRuns(db, { newestLimit: context.args.limit ?? DEFAULT_NEWEST_ORPHANS });
    const lines = ['Runs per business:'];
    if (overview.businesses.length === 0) lines.push('  (no businesses)');
    for (const b of overview.businesses) lines.push(`  ${String(b.runs).padStart(8)}  ${b.name} (id ${b.id})${b.disabled ? ' [disabled]' : ''}`);
    lines.push(`System-wide runs: ${overview.systemRuns}`, `Orphans:          ${overview.orphans}`);
    if (overview.newestOrphans.length > 0) {
      lines.push(`Newest ${overview.newestOrphans.length} orphans:`, ...overview.newestOrphans.map(describeOrphan));
    }
    context.print(overview, lines);
    return ExitCode.ok;
  });

function describeOrphan(run: JobRunView): string {
  const from = run.orphanedFrom ? `, was business ${run.orphanedFrom}` : '';
  return `  #${run.id}  ${new Date(run.createdAt).toISOString()}  ${run.jobType}  ${run.status}${from}`;
}
