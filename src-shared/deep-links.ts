// Links to a place in the app: a run, a filtered history, a compare page. In the desktop app they are
// automation-console://<path>?<query> (registered as the app's protocol; a launch with one hands it to the running app
// through the single-instance lock); in the browser shell the same path is the page's hash. Either way the link holds
// only where to go: who may see it is decided when it opens, by the same rules as any other way there (a run out of
// reach reads as missing).

export const DEEP_LINK_SCHEME = 'automation-console';

/** A path the app's router may be sent to: segments of letters, digits, `-` and `_` (no `..`, no other scheme). */
const SAFE_PATH = /^(\/[A-Za-z0-9_-]+){1,4}$/;
const MAX_LINK_LENGTH = 2048;

/** automation-console://<path>?<query> for an app path (`/runs/12`) and its query. */
export function deepLinkFor(path: string, query?: URLSearchParams): string {
  const search = query?.toString();
  return `${DEEP_LINK_SCHEME}:/${path}${search ? `?${search}` : ''}`;
}

/**
 * Where a link sends the app: the path and query (`/runs/12?x=1`), or null for anything that is not one of its links
 * (another scheme, a path with other characters, an over-long link). `automation-console://runs/12` and
 * `automation-console:///runs/12` are the same link.
 */
export function deepLinkTarget(link: string): string | null {
  if (link.length > MAX_LINK_LENGTH || !link.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}:`)) return null;
  const rest = link.slice(DEEP_LINK_SCHEME.length + 1).replace(/^\/+/, '/');
  const [rawPath = '', rawQuery = ''] = rest.split('#', 1)[0]!.split('?', 2);
  const path = rawPath.replace(/\/+$/, '') || '/automation';
  if (!SAFE_PATH.test(path)) return null;
  const query = new URLSearchParams(rawQuery).toString();
  return query ? `${path}?${query}` : path;
}

/** The first of a command line's arguments that is one of the app's links (Windows and Linux pass them so). */
export function deepLinkInArgv(argv: readonly string[]): string | null {
  for (const arg of argv) {
    const target = deepLinkTarget(arg);
    if (target !== null) return target;
  }
  return null;
}
