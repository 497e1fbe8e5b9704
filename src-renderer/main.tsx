import '@mantine/core/styles.css';
import { MantineProvider, createTheme } from '@mantine/core';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from './api';
import { App } from './App';
import { ConnectionLost } from './shell/ConnectionLost';
import { authKeys } from './queries/keys';
import { ClientContext, isApiError } from './queries/client';
import './styles.css';

const client = createClient();

/** An expired or ended session anywhere sends the user back to sign-in. */
function onError(error: unknown): void {
  if (isApiError(error, 'UNAUTHENTICATED') && error.channel !== 'auth.login' && error.channel !== 'app.status') {
    void queryClient.invalidateQueries({ queryKey: authKeys.status });
  }
}

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    queries: {
      // Main answered: retrying a refusal changes nothing. Only a dropped connection is worth another try.
      retry: (count, error) => (!isApiError(error) || error.code === 'INTERNAL') && count < 2,
      // Main pushes changes as events; focus refetches would only add load.
      refetchOnWindowFocus: false,
      staleTime: 30_000,
    },
  },
});

const theme = createTheme({ primaryColor: 'indigo', defaultRadius: 'md' });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <QueryClientProvider client={queryClient}>
        <ClientContext.Provider value={client}>
          <App />
          <ConnectionLost />
        </ClientContext.Provider>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
