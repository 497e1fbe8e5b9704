import { deleteOrphans, previewOrphanDeletion } from '../../orphans/orphans';
import { CLI_ACTOR, confirmChange, describeSelection, requireSelection } from '../confirm-change';
import type { Command } from '../context';
import { ExitCode } from '../exit-codes';
import { plural } from '../../../src-shared/text';
import { withDatabase } from '../open-database';

export const deleteOrphansCommand: Command = (context) =>
  withDatabase(context, async ({ db }) => {
    const selection = requireSelection(context);
    const { count } = previewOrphanDeletion(db, selection);
    if (count === 0) {
      context.print({ executed: false, count }, ['There are no matching orphans: nothing to delete.']);
      return ExitCode.ok;
    }
    const preview = `${plural(count, 'orphan')} would be deleted (${describeSelection(selection)}).`;
    context.say(preview);
    if ((await confirmChange(context, `delete ${count} orphans`)) === 'preview_only') {
      context.print({ executed: false, count }, ['Nothing was changed. To delete them, run again with --yes.']);
      return ExitCode.ok;
    }
    const result = await context.withProgress((onProgress) =>
      deleteOrphans(db, selection, { actor: CLI_ACTOR, expectedCount: count, onProgress }),
    );
    context.print({ executed: true, ...result }, [`Deleted ${plural(result.deleted, 'orphan')}. Backup made first: ${result.backupPath}`]);
    return ExitCode.ok;
  });
