// Links to a place in the app, to share: automation-console://… in the desktop app (its protocol; main routes one opened
// elsewhere to the running window), the page's own address with the route in its hash in the browser shell. "Copy link"
// copies one; a link carries only where to go, and what opens is judged for whoever opens it.
import { Button } from '@mantine/core';
import { useEffect } from 'react';
import { deepLinkFor } from '../../src-shared/deep-links';
import { type AppClient } from '../api';
import { useClient } from '../queries/client';
import { useCopy } from './copy-path';
import { hrefFor, navigate } from './router';

/** The link to an app path (`/runs/12`) and its query, for this client's shell. The browser shell's never holds its token. */
export function linkFor(client: Pick<AppClient, 'transport'>, path: string, query?: URLSearchParams): string {
  if (client.transport === 'electron') return deepLinkFor(path, query);
  return `${window.location.origin}${window.location.pathname}${hrefFor(path, query)}`;
}

/** Copies the link to `path`; says when it did, or that it could not. */
export function CopyLinkButton({ path, query, testId }: { path: string; query?: URLSearchParams; testId: string }) {
  const client = useClient();
  const link = linkFor(client, path, query);
  const { copied, copy } = useCopy(link);
  return (
    <Button
      variant="default"
      onClick={copy}
      title={link}
      data-link={link}
      data-copied={copied}
      data-testid={testId}
    >
      {copied === 'yes' ? 'Link copied' : copied === 'failed' ? 'Could not copy' : 'Copy link'}
    </Button>
  );
}

/** The desktop app: a link opened while it runs sends the window where it points (a route the router then judges). */
export function useDeepLinks(): void {
  const client = useClient();
  useEffect(() => {
    return client.onDeepLink?.((target) => {
      const [path = '/automation', search = ''] = target.split('?', 2);
      navigate(path, new URLSearchParams(search));
    });
  }, [client]);
}
