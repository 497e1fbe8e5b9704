// Whether the page can reach the app (the HTTP shell's process), and the command that started it. The HTTP client
// writes it on every call; the whole window says so while the app is out of reach (src-renderer/shell/ConnectionLost.tsx).
import { create } from 'zustand';

const LAUNCH_KEY = 'automation-console.launch-command';

interface ConnectionState {
  reachable: boolean;
  /** As the shell last named it (`npm start`, `npm run serve`); null before any answer, and in Electron. */
  launchCommand: string | null;
  answered(launchCommand: string | null): void;
  lost(): void;
}

export const useConnection = create<ConnectionState>((set, get) => ({
  reachable: true,
  launchCommand: sessionStorage.getItem(LAUNCH_KEY),
  // Called on every answer: it writes (state, sessionStorage) only when something changed.
  answered(launchCommand) {
    const state = get();
    const command = launchCommand ?? state.launchCommand;
    if (state.reachable && command === state.launchCommand) return;
    if (command) sessionStorage.setItem(LAUNCH_KEY, command);
    set({ reachable: true, launchCommand: command });
  },
  lost: () => set({ reachable: false }),
}));

/** "`npm start`", or words for a command nobody named. */
export const launchCommandText = (command: string | null) => (command ? `\`${command}\`` : 'the command that started it');
