// The first thing shown: the startup screen (opening, or why the database could not be opened). Once the
// database is ready, the sign-in gate, then the app shell.
import { useDeepLinks } from './lib/links';
import { useAppStatus } from './queries/app';
import { ApiError } from './queries/client';
import { AuthGate } from './screens/AuthGate';
import { StartupScreen, type StartupView } from './screens/StartupScreen';

export function App() {
  const status = useAppStatus();
  // From the start: a link that launched the desktop app is sent once its page has loaded.
  useDeepLinks();
  if (status.data?.state === 'ready') return <AuthGate />;
  const view: StartupView = status.data
    ? { kind: 'status', status: status.data }
    : status.error instanceof ApiError
      ? { kind: 'unreachable', error: { code: status.error.code, message: status.error.message } }
      : status.isError
        ? { kind: 'unreachable', error: { code: 'INTERNAL', message: 'Cannot reach the app.' } }
        : { kind: 'loading' };
  return <StartupScreen view={view} />;
}
