import type { AppDatabase } from '../../db/connection';
import { findBusiness } from '../../accounts/businesses';
import { assignSuggestedOrphans, suggestOrphanAssignments } from '../../orphans/suggestions';
import { assignOrphans, previewOrphanAssignment } from '../../orphans/orphans';
import { AppError } from '../../../src-shared/errors';
import { CLI_ACTOR, confirmChange, describeSelection, requireSelection } from '../confirm-change';
import type { Command, CommandContext } from '../context';
import { ExitCode, UsageError } from '../exit-codes';
import { plural } from '../../../src-shared/text';
import { withDatabase, type OpenedDatabase } from '../open-database';
import { suggestedGroupsJson, suggestedGroupsLines } from '../suggested-groups';

export const assignOrphansCommand: Command = (context) =>
  withDatabase(context, async ({ db }) => {
    if (context.args.suggested) return assignSuggested(context, db);
    const selection = requireSelection(context);
    const businessId = resolveBusinessId(db, context.args.business);
    const { count, business } = previewOrphanAssignment(db, businessId, selection);
    if (count === 0) {
      context.print({ executed: false, count, business }, ['There are no matching orphans: nothing to assign.']);
      return ExitCode.ok;
    }
    context.say(`${plural(count, 'orphan')} would be assigned to ${business.name} (id ${business.id}; ${describeSelection(selection)}).`);
    if ((await confirmChange(context, `assign ${count} orphans to ${business.name}`)) === 'preview_only') {
      context.print({ executed: false, count, business }, ['Nothing was changed. To assign them, run again with --yes.']);
      return ExitCode.ok;
    }
    const result = await context.withProgress((onProgress) =>
      assignOrphans(db, business.id, selection, { actor: CLI_ACTOR, expectedCount: count, onProgress }),
    );
    context.print({ executed: true, ...result }, [`Assigned ${plural(result.assigned, 'orphan')} to ${result.business.name}.`]);
    return ExitCode.ok;
  });

/** Every suggested group to its own business: the same preview, confirmation and exit codes as one business's assign. */
async function assignSuggested(context: CommandContext, db: OpenedDatabase['db']): Promise<number> {
  const view = suggestOrphanAssignments(db, { previewLimit: 0 });
  const preview = suggestedGroupsJson(view);
  if (view.suggested === 0) {
    context.print({ executed: false, ...preview }, [...suggestedGroupsLines(view), 'Nothing to assign.']);
    return ExitCode.ok;
  }
  for (const line of suggestedGroupsLines(view)) context.say(line);
  context.say(`${plural(view.suggested, 'orphan')} would be assigned as suggested.`);
  if ((await confirmChange(context, `assign ${view.suggested} orphans as suggested`)) === 'preview_only') {
    context.print({ executed: false, ...preview }, ['Nothing was changed. To assign them, run again with --yes.']);
    return ExitCode.ok;
  }
  const accepted = view.groups.map((g) => ({ businessId: g.business.id, reason: g.reason, expectedCount: g.count }));
  const result = await context.withProgress((onProgress) => assignSuggestedOrphans(db, accepted, { actor: CLI_ACTOR, onProgress }));
  const businesses = new Set(result.groups.map((g) => g.business.id)).size;
  context.print({ executed: true, ...result }, [
    `Assigned ${plural(result.assigned, 'orphan')} to ${plural(businesses, 'business', 'businesses')} as suggested. Backup made first: ${result.backupPath}`,
  ]);
  return ExitCode.ok;
}

function resolveBusinessId(db: AppDatabase, reference: string | undefined): number {
  if (reference === undefined || reference.trim() === '') {
    throw new UsageError('assign-orphans needs --business <id|legacy id|name>.');
  }
  const business = findBusiness(db, reference);
  if (!business) throw new AppError('NOT_FOUND', `No business matches "${reference}" (tried its id, server-edition id and name).`);
  return business.id;
}
