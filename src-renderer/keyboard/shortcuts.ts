// The keyboard shortcuts as data: what each key does (the help overlay lists SHORTCUTS) and how a keydown is named.
// No DOM here: keys.ts binds them.

export interface Shortcut {
  keys: string[];
  what: string;
  /** Where it works, when not everywhere. */
  where?: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['Ctrl/⌘', 'K'], what: 'Open the command palette: go to a run by id, a saved view, a page, a business, trigger a job type' },
  { keys: ['?'], what: 'Show these shortcuts' },
  { keys: ['j'], what: 'Next run in the history (with a run open: open the next one)', where: 'Automation' },
  { keys: ['k'], what: 'Previous run in the history (with a run open: open the previous one)', where: 'Automation' },
  { keys: ['Enter'], what: 'Open the run the history is on', where: 'Automation' },
  { keys: ['/'], what: 'Search the history', where: 'Automation' },
  { keys: ['Esc'], what: 'Close the run, the dialog or the palette' },
];

/** A keydown as the handlers name it: `mod+k` for Ctrl or ⌘ with K, the key itself otherwise; null with Alt or another modifier. */
export function keyName(event: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean }): string | null {
  if (event.altKey) return null;
  if (event.ctrlKey || event.metaKey) return event.key.length === 1 ? `mod+${event.key.toLowerCase()}` : null;
  return event.key;
}
