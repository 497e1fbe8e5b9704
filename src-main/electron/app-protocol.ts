// The built renderer served from app://automation-console/ instead of file:// (Electron's security checklist, item 18):
// the page can reach the renderer's own files and nothing else on the disk, every answer carries the content security
// policy as a header, and the page has a real origin for the IPC trust check (security.ts isAppUrl) to compare.
// No import of electron at run time: the shell passes its `protocol`, and the tests call the handler with plain Requests.
import type { CustomScheme, Protocol } from 'electron';
import { readRendererFile, rendererNotFound, type RendererFileAnswer } from '../renderer-files';
import { SECURITY_HEADERS } from '../security';

export const APP_SCHEME = 'app';
export const APP_HOST = 'automation-console';
/** The page the window loads when it is not under the vite dev server. */
export const APP_PAGE_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * Registered before the app is ready (protocol.registerSchemesAsPrivileged). The fewest privileges the renderer needs:
 * - `standard`: relative URLs (./assets/…) resolve, the page gets the origin app://automation-console (so its module
 *   scripts, fetched in CORS mode because of `crossorigin`, are same-origin requests), and sessionStorage, which
 *   Chromium refuses to a page of a non-standard scheme, works;
 * - `secure`: the page stays a secure context, as it was under file://.
 * Not asked: `supportFetchAPI` (the page's fetch() is the HTTP shell's client only; window.api is used here),
 * `corsEnabled` (nothing cross-origin), `bypassCSP`, `allowServiceWorkers`, `stream`, `codeCache`, `allowExtensions`.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = { scheme: APP_SCHEME, privileges: { standard: true, secure: true } };

/** The answer to one request of the window: a file of `rendererRoot` (an absolute path), or a refusal. */
export async function appProtocolResponse(rendererRoot: string, request: Pick<Request, 'method' | 'url'>): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response('Method not allowed.', { status: 405, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET, HEAD' } });
  }
  const answer = await answerFor(rendererRoot, request.url);
  return new Response(request.method === 'HEAD' ? null : answer.body, { status: answer.status, headers: answer.headers });
}

async function answerFor(rendererRoot: string, url: string): Promise<RendererFileAnswer> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return rendererNotFound();
  }
  // Query and hash are the page's business (the hash router); only the path names a file.
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST || parsed.username !== '' || parsed.password !== '') return rendererNotFound();
  return readRendererFile(rendererRoot, parsed.pathname || '/');
}

/** Serves `rendererRoot` on app:// in the default session, which the window uses. Called once the app is ready. */
export function serveRendererOnAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererRoot: string): void {
  protocol.handle(APP_SCHEME, (request) => appProtocolResponse(rendererRoot, request));
}
