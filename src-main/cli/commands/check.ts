import type { JobRunView } from '../../../src-shared/schemas/jobs';
import { suggestOrphanAssignments } from '../../orphans/suggestions';
import { checkRuns, type RunsOverview } from '../../orphans/orphans';
import { plural } from '../../../src-shared/text';
import type { Command } from '../context';
import { ExitCode } from '../exit-codes';
import { withDatabase } from '../open-database';
import { suggestedGroupsJson, suggestedGroupsLines } from '../suggested-groups';

export const DEFAULT_NEWEST_ORPHANS = 20;

export const check: Command = (context) =>
  withDatabase(context, ({ db }) => {
    if (context.args.suggest) {
      const view = suggestOrphanAssignments(db, { previewLimit: 0 });
      const next = view.groups.length > 0 ? [`To assign every suggested group: ${context.command} assign-orphans --suggested`] : [];
      context.print(suggestedGroupsJson(view), [...suggestedGroupsLines(view), ...next]);
      return ExitCode.ok;
    }
    const overview = checkRuns(db, { newestLimit: context.args.limit ?? DEFAULT_NEWEST_ORPHANS });
    const lines = ['Runs per business:', ...businessLines(overview)];
    lines.push(`System-wide runs: ${overview.systemRuns}`, `Orphans:          ${overview.orphans}`);
    if (overview.newestOrphans.length > 0) {
      lines.push(`Newest ${overview.newestOrphans.length} orphans:`, ...overview.newestOrphans.map(describeOrphan));
    }
    context.print(overview, lines);
    return ExitCode.ok;
  });

/** The businesses with runs, then how many have none (rather than a line of zeros each). */
function businessLines(overview: RunsOverview): string[] {
  const { businesses, businessesWithoutRuns: idle } = overview;
  if (businesses.length === 0 && idle === 0) return ['  (no businesses)'];
  const lines = businesses.map((b) => `  ${String(b.runs).padStart(8)}  ${b.name} (id ${b.id})${b.disabled ? ' [disabled]' : ''}`);
  if (idle > 0) lines.push(`  ${businesses.length === 0 ? '' : 'and '}${plural(idle, 'business', 'businesses')} without runs`);
  return lines;
}

function describeOrphan(run: JobRunView): string {
  const from = run.orphanedFrom ? `, was business ${run.orphanedFrom}` : '';
  return `  #${run.id}  ${new Date(run.createdAt).toISOString()}  ${run.jobType}  ${run.status}${from}`;
}
