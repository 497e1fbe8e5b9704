// URL trust and the content security policy: small pure functions, because a mistake here is a hole.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_PAGE_URL } from '../../src-main/electron/app-protocol';
import { CONTENT_SECURITY_POLICY, DEV_CONTENT_SECURITY_POLICY, isAllowedExternalUrl, isAppUrl, SECURITY_HEADERS } from '../../src-main/security';

describe('isAllowedExternalUrl', () => {
  it('opens https pages of allowlisted hosts', () => {
    expect(isAllowedExternalUrl('https://github.com/')).toBe(true);
    expect(isAllowedExternalUrl('https://github.com/org/repo/issues?q=is%3Aopen#top')).toBe(true);
    expect(isAllowedExternalUrl('https://docs.github.com/en')).toBe(true);
    expect(isAllowedExternalUrl('https://example.org/x', ['example.org'])).toBe(true);
  });

  it.each([
    ['plain http', 'http://github.com/'],
    ['a host not on the list', 'https://evil.example/'],
    ['a lookalike suffix', 'https://github.com.evil.example/'],
    ['a lookalike prefix', 'https://evilgithub.com/'],
    ['a subdomain not listed', 'https://gist.github.com/'],
    ['credentials before the host', 'https://github.com@evil.example/'],
    ['credentials for the listed host', 'https://user:pw@github.com/'],
    ['another port', 'https://github.com:8443/'],
    ['file', 'file:///etc/passwd'],
    ['javascript', 'javascript:alert(1)'],
    ['data', 'data:text/html,<script>alert(1)</script>'],
    ['a custom scheme', 'ms-msdt:/id PCWDiagnostic'],
    ['a relative URL', '/settings'],
    ['an empty string', ''],
    ['leading whitespace', ' https://github.com/'],
    ['a tab inside', 'https://git\thub.com/'],
    ['a backslash trick', 'https:\\\\evil.example\\github.com'],
    ['a control character', 'https://github.com/\u0000'],
    ['an IDN homograph', 'https://gіthub.com/'],
    ['something very long', `https://github.com/${'a'.repeat(3000)}`],
  ])('refuses %s', (_why, url) => {
    expect(isAllowedExternalUrl(url)).toBe(false);
  });
});

describe('isAppUrl', () => {
  const page = APP_PAGE_URL;

  it('accepts the app:// page, with any query or hash, and the rest of its origin', () => {
    expect(page).toBe('app://automation-console/index.html');
    expect(isAppUrl(page, page)).toBe(true);
    expect(isAppUrl(`${page}#/runs/4?status=failed`, page)).toBe(true);
    expect(isAppUrl('app://automation-console/', page)).toBe(true);
    expect(isAppUrl('app://automation-console/assets/index.js', page)).toBe(true);
  });

  it.each([
    ['another host', 'app://evil.example/index.html'],
    ['a longer host', 'app://automation-console.evil.example/index.html'],
    ['credentials before the host', 'app://automation-console@evil.example/index.html'],
    ['credentials for the host', 'app://user:pw@automation-console/index.html'],
    ['a port', 'app://automation-console:1/index.html'],
    ['another scheme with the host', 'https://automation-console/index.html'],
    ['a lookalike scheme', 'apps://automation-console/index.html'],
    ['data', 'data:text/html,<script>alert(1)</script>'],
    ['about:blank', 'about:blank'],
    ['not a URL', 'not a url'],
  ])('refuses %s (%s)', (_why, url) => {
    expect(isAppUrl(url, page)).toBe(false);
  });

  // The review's F10: the window used to load file://…/index.html, and the check compared the frame's file URL with
  // pathToFileURL(index.html), which differs in the case of a Windows drive letter or in how "%" is escaped. Nothing is
  // compared as a file path any more: the page is app://, and no file: URL is ever a page of the app, however written.
  it.each([
    'file:///C:/Program%20Files/Automation%20Console/resources/app.asar/out/renderer/index.html',
    'file:///c:/Program%20Files/Automation%20Console/resources/app.asar/out/renderer/index.html',
    'file:///opt/Automation%20Console/resources/app/out/renderer/index.html',
    'file:///home/me/100%25/out/renderer/index.html',
  ])('refuses every file: URL, the built index.html included (%s)', (url) => {
    expect(isAppUrl(url, page)).toBe(false);
    expect(isAppUrl(url, url)).toBe(false);
  });

  it('accepts the dev server’s origin only', () => {
    const dev = 'http://localhost:5173/';
    expect(isAppUrl('http://localhost:5173/some/page', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/', dev)).toBe(false);
    expect(isAppUrl('https://localhost:5173/', dev)).toBe(false);
    expect(isAppUrl('http://me@localhost:5173/', dev)).toBe(false);
    expect(isAppUrl('app://automation-console/index.html', dev)).toBe(false);
    expect(isAppUrl('not a url', dev)).toBe(false);
  });
});

describe('content security policy', () => {
  it('is a header only: the page carries no policy of its own', () => {
    const html = fs.readFileSync(path.resolve(__dirname, '../../src-renderer/index.html'), 'utf8');
    expect(html).not.toMatch(/http-equiv=["']?Content-Security-Policy/i);
    expect(SECURITY_HEADERS['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(SECURITY_HEADERS['X-Content-Type-Options']).toBe('nosniff');
  });

  it('allows scripts only from the app itself, and no frame, base, form target or plugin', () => {
    const directives = parsePolicy(CONTENT_SECURITY_POLICY);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    for (const name of ['frame-ancestors', 'base-uri', 'form-action', 'object-src']) expect(directives.get(name), name).toEqual(["'none'"]);
  });

  it('differs under the dev server only by React refresh’s inline preamble and the HMR socket', () => {
    const built = parsePolicy(CONTENT_SECURITY_POLICY);
    const dev = parsePolicy(DEV_CONTENT_SECURITY_POLICY);
    expect([...dev.keys()]).toEqual([...built.keys()]);
    for (const [name, sources] of dev) {
      const added = sources.filter((source) => !built.get(name)!.includes(source));
      expect(added, name).toEqual(name === 'script-src' ? ["'unsafe-inline'"] : name === 'connect-src' ? ['ws://localhost:*', 'ws://127.0.0.1:*'] : []);
    }
  });

  // Electronegativity evaluated the meta tag's policy with Google's CSP evaluator; the policy is a header now, which its
  // scan does not read, so the same evaluator reads it here: nothing it calls high or medium, nor a syntax error.
  it('has no weakness that Google’s CSP evaluator rates high or medium', () => {
    const csp = cspEvaluator();
    const findings = new csp.CspEvaluator(new csp.CspParser(CONTENT_SECURITY_POLICY).csp, csp.Version.CSP3).evaluate();
    const serious = findings.filter((f) => [csp.severities.HIGH, csp.severities.SYNTAX, csp.severities.MEDIUM].includes(f.severity));
    expect(serious.map((f) => `${f.directive}: ${f.description}`)).toEqual([]);
    const weak = new csp.CspEvaluator(new csp.CspParser("script-src * 'unsafe-inline'").csp, csp.Version.CSP3).evaluate();
    expect(weak.some((f) => f.severity === csp.severities.HIGH)).toBe(true);
  });
});

function parsePolicy(policy: string): Map<string, string[]> {
  return new Map(policy.split(';').map((directive) => directive.trim().split(/\s+/)).map(([name, ...sources]) => [name!, sources]));
}

interface CspEvaluatorModule {
  CspParser: new (policy: string) => { csp: unknown };
  CspEvaluator: new (csp: unknown, version: number) => { evaluate(): { severity: number; directive: string; description: string }[] };
  Version: { CSP3: number };
  severities: { HIGH: number; SYNTAX: number; MEDIUM: number };
}

/** The evaluator Electronegativity ships (its dependency, loaded from beside it). */
function cspEvaluator(): CspEvaluatorModule {
  const fromScanner = createRequire(createRequire(__filename).resolve('@doyensec/electronegativity'));
  return fromScanner('@doyensec/csp-evaluator') as CspEvaluatorModule;
}
