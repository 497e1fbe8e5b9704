// What the app trusts: which URLs may open in the system browser, which pages may call the contract, and
// the content security policy both shells send. Pure functions, unit-tested (test/shell/security.test.ts).

/** Hosts whose https pages may open in the system browser. Exact names: no subdomains, no other ports. */
export const EXTERNAL_LINK_HOSTS: readonly string[] = ['github.com', 'docs.github.com'];

/** Same policy as the meta tag in src-renderer/index.html (a test keeps the two equal). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:";

/** Under the vite dev server only: React refresh's inline preamble and the HMR socket. */
export const DEV_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws://localhost:* ws://127.0.0.1:*; img-src 'self' data:";

/** Header-only additions: directives a meta tag cannot carry. */
export const CONTENT_SECURITY_POLICY_HEADER = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; object-src 'none'`;

/** On every response either shell sends: a file of the renderer, an API answer, an event stream, a refusal. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY_HEADER,
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

/**
 * Is `url` a page of this app? `appUrl` is the dev server's URL (same origin) or the built index.html
 * as a file: URL (the same file, whatever the query or hash).
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
  if (app.protocol === 'file:') return parsed.protocol === 'file:' && parsed.host === app.host && parsed.pathname === app.pathname;
  if (app.protocol !== 'http:' && app.protocol !== 'https:') return false;
  return parsed.origin === app.origin;
}
