// The keyboard layer's rules (src-renderer/keyboard/): which key a keydown is, and what the command palette offers
// whom and matches.
import { describe, expect, it } from 'vitest';
import { matchCommands, MAX_LISTED, paletteCommands, type CommandContext } from '../../src-renderer/keyboard/commands';
import { keyName, SHORTCUTS } from '../../src-renderer/keyboard/shortcuts';

const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey', boolean>> = {}) => keyName({ key: k, ctrlKey: false, metaKey: false, altKey: false, ...mods });

const admin: CommandContext = {
  isSystemAdmin: true,
  mayTrigger: true,
  businesses: [
    { id: 1, name: 'Acme Logistics', disabled: false },
    { id: 2, name: 'Globex Retail', disabled: true },
  ],
  jobTypes: [{ key: 'diagnostics.probe', title: 'Diagnostic probe' }],
  views: [{ id: 3, name: 'Failures this week', query: 'status=failed', scope: { kind: 'all' } }],
};
const member: CommandContext = { isSystemAdmin: false, mayTrigger: true, businesses: [], jobTypes: [{ key: 'diagnostics.probe', title: 'Diagnostic probe' }], views: [] };

describe('keys', () => {
  it('names Ctrl and ⌘ alike, leaves Alt and non-letter chords alone', () => {
    expect([key('k', { ctrlKey: true }), key('K', { metaKey: true }), key('k', { altKey: true }), key('ArrowUp', { ctrlKey: true }), key('?'), key('j')]).toEqual([
      'mod+k',
      'mod+k',
      null,
      null,
      '?',
      'j',
    ]);
  });

  it('lists every shortcut the app binds', () => {
    expect(SHORTCUTS.map((shortcut) => shortcut.keys.join('+'))).toEqual(['Ctrl/⌘+K', '?', 'j', 'k', 'Enter', '/', 'Esc']);
  });
});

describe('the command palette', () => {
  it('offers a system admin the orphans, the switcher’s views and every enabled business; a member neither', () => {
    const ids = (context: CommandContext) => paletteCommands(context).map((command) => command.id);
    expect(ids(admin)).toEqual(expect.arrayContaining(['page:orphans', 'scope:all', 'scope:system', 'scope:orphans', 'scope:business:1', 'trigger:diagnostics.probe', 'help:shortcuts']));
    expect(ids(admin)).not.toContain('scope:business:2');
    expect(ids(member).filter((id) => id === 'page:orphans' || id.startsWith('scope:'))).toEqual([]);
    expect(ids({ ...member, mayTrigger: false }).filter((id) => id.startsWith('trigger:'))).toEqual([]);
  });

  it('a typed id opens that run first; words narrow the rest in any case and order', () => {
    const commands = paletteCommands(admin);
    expect(matchCommands(commands, '#42')[0]).toMatchObject({ id: 'run:42', label: 'Open run #42', action: { kind: 'navigate', path: '/runs/42' } });
    expect(matchCommands(commands, ' 7 ')[0]!.id).toBe('run:7');
    expect(matchCommands(commands, '#0').some((command) => command.id.startsWith('run:'))).toBe(false);
    expect(matchCommands(commands, 'acme SWITCH').map((command) => command.id)).toEqual(['scope:business:1']);
    expect(matchCommands(commands, 'compare').map((command) => command.id)).toEqual(['page:compare-periods', 'page:compare-runs']);
    expect(matchCommands(commands, 'nothing like this')).toEqual([]);
    expect(matchCommands(commands, 'failures view')).toEqual([{ id: 'view:3', group: 'Views', label: 'Open view Failures this week', action: { kind: 'view', view: admin.views[0] } }]);
    const many = paletteCommands({ ...admin, businesses: Array.from({ length: 80 }, (_, i) => ({ id: i + 1, name: `Business ${i}`, disabled: false })) });
    expect(matchCommands(many, '')).toHaveLength(MAX_LISTED);
  });
});
