// Quitting closes the database first: the first `will-quit` is held back until the core has closed (the runner
// stopped, its last outcomes written), then the app is asked to quit again. That second ask must come from a new task
// of the event loop: Electron emits `will-quit` inside a microtask checkpoint and ignores an app.quit() made before
// that checkpoint ends (it still counts as quitting until then; electron/electron#33643), and core.close() can settle
// within those same microtasks. Asked from a microtask, the app would stay alive with no window (Playwright's close
// would never return, and on macOS Cmd+Q would leave a process holding the single-instance lock).
// No import of electron: the shell passes its `app`, and a test passes a stand-in that behaves as Electron does.
import { log } from '../log';

/** What this needs of Electron's `app`. */
export interface QuittingApp {
  on(event: 'will-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

/** Closes `close` (the core) before the app quits; a quit asked while it closes waits for it. */
export function closeBeforeQuit(app: QuittingApp, close: () => Promise<void>, nextTask: (run: () => void) => void = setImmediate): void {
  let closed = false;
  let closing: Promise<void> | null = null;
  app.on('will-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    closing ??= close()
      .catch((error: unknown) => log.error('[quit] closing the database failed', error))
      .finally(() => {
        closed = true;
        nextTask(() => app.quit());
      });
  });
}
