// The command palette's commands, from what the signed-in user may do, and the ones a typed text matches. Pure: the
// palette (CommandPalette.tsx) runs what is chosen.
import { type ScopeSelection } from '../../src-shared/schemas/accounts';

export type CommandAction =
  | { kind: 'navigate'; path: string }
  | { kind: 'scope'; scope: ScopeSelection }
  | { kind: 'trigger'; jobType: string }
  | { kind: 'view'; view: { query: string; scope: ScopeSelection | null } }
  | { kind: 'shortcuts' };

export interface Command {
  id: string;
  group: 'Runs' | 'Views' | 'Pages' | 'Businesses' | 'Trigger' | 'Help';
  label: string;
  action: CommandAction;
}

export interface CommandContext {
  isSystemAdmin: boolean;
  mayTrigger: boolean;
  /** The businesses a system admin may switch to (none for other roles). */
  businesses: readonly { id: number; name: string; disabled: boolean }[];
  /** The job types the user may trigger, by key and title. */
  jobTypes: readonly { key: string; title: string | null }[];
  /** The saved views the user may open. */
  views: readonly { id: number; name: string; query: string; scope: ScopeSelection | null }[];
}

/** Every command the user may run, but "open run #N", which only a typed id makes. */
export function paletteCommands(context: CommandContext): Command[] {
  const page = (id: string, label: string, path: string): Command => ({ id: `page:${id}`, group: 'Pages', label, action: { kind: 'navigate', path } });
  const scope = (id: string, label: string, selection: ScopeSelection): Command => ({ id: `scope:${id}`, group: 'Businesses', label, action: { kind: 'scope', scope: selection } });
  return [
    ...context.views.map((view): Command => ({ id: `view:${view.id}`, group: 'Views', label: `Open view ${view.name}`, action: { kind: 'view', view } })),
    page('automation', 'Automation: history and statistics', '/automation'),
    page('job-types', 'Job types', '/job-types'),
    page('compare-periods', 'Compare two periods', '/compare/periods'),
    page('compare-runs', 'Compare two runs', '/compare/runs'),
    ...(context.isSystemAdmin ? [page('orphans', 'Orphaned runs: check, delete or assign them', '/orphans')] : []),
    page('admin', 'Admin', '/admin'),
    ...(context.isSystemAdmin
      ? [
          scope('all', 'Switch to all businesses', { kind: 'all' }),
          scope('system', 'Switch to system-wide runs', { kind: 'system' }),
          scope('orphans', 'Switch to orphaned runs', { kind: 'orphans' }),
          ...context.businesses
            .filter((business) => !business.disabled)
            .map((business) => scope(`business:${business.id}`, `Switch to ${business.name}`, { kind: 'business', businessId: business.id })),
        ]
      : []),
    ...(context.mayTrigger
      ? context.jobTypes.map((type): Command => ({ id: `trigger:${type.key}`, group: 'Trigger', label: `Trigger ${type.title ?? type.key} (${type.key})`, action: { kind: 'trigger', jobType: type.key } }))
      : []),
    { id: 'help:shortcuts', group: 'Help', label: 'Keyboard shortcuts', action: { kind: 'shortcuts' } },
  ];
}

/** At most this many commands are listed; typing narrows them. */
export const MAX_LISTED = 50;

/**
 * The commands `text` matches: a run id (`42` or `#42`) first makes "Open run #42"; then every command whose label or
 * group holds each word of the text, in any case; all of them for no text.
 */
export function matchCommands(commands: readonly Command[], text: string): Command[] {
  const trimmed = text.trim();
  const runId = /^#?([1-9]\d{0,15})$/.exec(trimmed)?.[1];
  const words = trimmed.toLowerCase().split(/\s+/).filter(Boolean);
  const matching = commands.filter((command) => {
    const haystack = `${command.group} ${command.label}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
  const open: Command[] = runId ? [{ id: `run:${runId}`, group: 'Runs', label: `Open run #${runId}`, action: { kind: 'navigate', path: `/runs/${runId}` } }] : [];
  return [...open, ...matching].slice(0, MAX_LISTED);
}
