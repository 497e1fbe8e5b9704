// The desktop app quits after closing its database, however fast the close settles. The stand-in app behaves as
// Electron's does: an app.quit() made while it still counts as quitting is ignored, and after a prevented will-quit
// it counts as quitting until its microtask checkpoint has run (the reset comes with the next task).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeBeforeQuit, type QuittingApp } from '../../src-main/electron/quit';

class ElectronLikeApp implements QuittingApp {
  exited = false;
  quitRequests = 0;
  private quitting = false;
  private readonly listeners: ((event: { preventDefault(): void }) => void)[] = [];

  on(_event: 'will-quit', listener: (event: { preventDefault(): void }) => void) {
    this.listeners.push(listener);
    return this;
  }

  quit() {
    this.quitRequests++;
    if (this.quitting || this.exited) return;
    this.quitting = true;
    let prevented = false;
    for (const listener of this.listeners) listener({ preventDefault: () => (prevented = true) });
    if (prevented) setImmediate(() => (this.quitting = false));
    else this.exited = true;
  }
}

const nextTask = () => new Promise((resolve) => setImmediate(resolve));
async function settle(tasks = 5) {
  for (let i = 0; i < tasks; i++) await nextTask();
}

afterEach(() => vi.restoreAllMocks());

describe('quitting the desktop app', () => {
  it('exits once the database has closed, when the close settles within the same microtasks', async () => {
    const app = new ElectronLikeApp();
    const close = vi.fn(() => Promise.resolve());
    closeBeforeQuit(app, close);
    app.quit();
    expect(app.exited).toBe(false);
    await settle();
    expect(close).toHaveBeenCalledTimes(1);
    expect(app.exited).toBe(true);
  });

  it('would never exit if it asked again from a microtask: the stand-in ignores that ask as Electron does', async () => {
    const app = new ElectronLikeApp();
    closeBeforeQuit(app, () => Promise.resolve(), (run) => run());
    app.quit();
    await settle();
    expect(app.quitRequests).toBe(2);
    expect(app.exited).toBe(false);
  });

  it('exits after a close that waits for a run in flight, and closes once however often quit is asked', async () => {
    const app = new ElectronLikeApp();
    const close = vi.fn(() => new Promise<void>((resolve) => setTimeout(resolve, 20)));
    closeBeforeQuit(app, close);
    app.quit();
    await nextTask();
    app.quit();
    await new Promise((resolve) => setTimeout(resolve, 40));
    await settle();
    expect(close).toHaveBeenCalledTimes(1);
    expect(app.exited).toBe(true);
  });

  it('still exits when closing the database fails, and says so in the log', async () => {
    const app = new ElectronLikeApp();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    closeBeforeQuit(app, () => Promise.reject(new Error('disk gone')));
    app.quit();
    await settle();
    expect(app.exited).toBe(true);
    expect(logged).toHaveBeenCalledWith('[quit] closing the database failed', expect.objectContaining({ message: 'disk gone' }));
  });
});
