// What the app trusts: which URLs may open in the system browser, which pages may call the contract, and
// the content security policy both shells send. Pure functions, unit-tested (test/shell/security.test.ts).

/** Hosts whose https pages may open in the system browser. Exact names: no subdomains, no other ports. */
export const EXTERNAL_LINK_HOSTS: readonly string[] = ['github.com', 'docs.github.com'];

/**
 * The content security policy, sent as a response header with every file of the built renderer: by the app://
 * protocol's handler in Electron (electron/app-protocol.ts) and by the HTTP shell. The page itself carries none.
 * `frame-ancestors`, which a meta tag could not carry, keeps the page out of any frame.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'none'; object-src 'none'";

/** The vite dev server's header (electron.vite.config.ts): React refresh's inline preamble and the HMR socket too. */
export const DEV_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws://localhost:* ws://127.0.0.1:*; " +
  "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; object-src 'none'";

/** On every response either shell sends: a file of the renderer, an API answer, an event stream, a refusal. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  // The HTTP shell's page URL carries its token: never send it anywhere as a referrer.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function isAllowedExternalUrl(url: string, allowedHosts: readonly string[] = EXTERNAL_LINK_HOSTS): boolean {
  if (typeof url !== 'string' || url.length > 2048 || hasConfusingCharacters(url)) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === 'https:' &&
    parsed.username === '' &&
    parsed.password === '' &&
    parsed.port === '' &&
    allowedHosts.includes(parsed.hostname)
  );
}

/** Spaces, control characters and backslashes are how URL parsers are made to disagree; a real link has none. */
function hasConfusingCharacters(url: string): boolean {
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === 0x5c) return true;
  }
  return false;
}

/** app: for the built renderer, http: for the dev server; never file: or data:. */
const TRUSTED_PAGE_SCHEMES: readonly string[] = ['app:', 'http:', 'https:'];

/**
 * Is `url` a page of this app? `appUrl` is the built renderer's app:// page, or the dev server's page: any URL of the
 * same scheme and host (and port) is, since that origin serves the app's own files and nothing else. Nothing is
 * compared as a file path: the page never loads from file://, so no file URL is one of the app's pages.
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  let parsed: URL;
  let app: URL;
  try {
    parsed = new URL(url);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (!TRUSTED_PAGE_SCHEMES.includes(app.protocol)) return false;
  // Compared part by part: Node gives an app: URL the origin "null", like every scheme it does not know.
  return parsed.protocol === app.protocol && parsed.host === app.host && parsed.username === '' && parsed.password === '';
}
