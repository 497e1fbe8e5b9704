// The one listener that binds the keyboard shortcuts (shortcuts.ts names them).
// A key typed into a field stays the field's: only the palette's Ctrl/⌘+K is taken there, and nothing else with a
// modifier is taken anywhere, so the browser's and the desktop app's own keys keep working.
import { useEffect, useRef } from 'react';
import { keyName } from './shortcuts';

/** True for a key pressed in a field (text, choice, editable content): such a key is the field's. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.closest('input, textarea, select, [contenteditable="true"], [role="combobox"], [role="textbox"]') !== null;
}

/** Whether a dialog (not the run's drawer) is open: the page's keys then leave the page behind it alone. */
function dialogOpen(): boolean {
  return document.querySelector('.mantine-Modal-content') !== null;
}

/**
 * Binds keys on the window while mounted: `handlers` by keyName. A key in a field goes to the field, but for `mod+k`;
 * a handled key's default is prevented (so `/` is not typed into the search it focuses). `page` keys act on the page:
 * while a dialog is open over it, they are left alone.
 */
export function useKeys(handlers: Record<string, (() => void) | undefined>, { page = false }: { page?: boolean } = {}): void {
  const current = useRef(handlers);
  current.current = handlers;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      const name = keyName(event);
      const handler = name === null ? undefined : current.current[name];
      if (!handler || (name !== 'mod+k' && isTyping(event.target)) || (page && dialogOpen())) return;
      event.preventDefault();
      handler();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [page]);
}
