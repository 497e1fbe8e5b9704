// The preview-then-confirm pattern of the destructive commands: a person types the exact phrase, a script passes --yes.
import type { AuditActor } from '../audit/record';
import type { OrphanSelection } from '../orphans/orphans';
import type { CommandContext } from './context';
import { ConfirmationError, UsageError } from './exit-codes';
import { askLine } from './io';

export const CLI_ACTOR: AuditActor = { kind: 'app', label: 'cli' };

export type ChangeDecision = 'execute' | 'preview_only';

/**
 * --yes executes. On a terminal (and not --json) the operator must type `phrase` exactly; anything else
 * declines. Otherwise the command stays a preview.
 */
export async function confirmChange(context: CommandContext, phrase: string): Promise<ChangeDecision> {
  const { args, io } = context;
  if (args.yes) return 'execute';
  if (!io.isTTY || args.json) return 'preview_only';
  const typed = await askLine(io, `To go ahead, type "${phrase}" (anything else cancels): `);
  if (typed?.trim() === phrase) return 'execute';
  throw new ConfirmationError('The phrase did not match; nothing was changed.');
}

export function requireSelection(context: CommandContext): OrphanSelection {
  const { selection } = context.args;
  if (!selection) throw new UsageError(`Choose the orphans for ${context.args.command}: --all, or --ids 1,2,3.`);
  return selection;
}

export function describeSelection(selection: OrphanSelection): string {
  return selection.kind === 'all' ? 'all orphans' : `the selected ids (${selection.ids.length})`;
}
