// URL trust and the content security policy: small pure functions, because a mistake here is a hole.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, isAllowedExternalUrl, isAppUrl } from '../../src-main/security';

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
  const index = 'file:///opt/Automation%20Console/resources/app/out/renderer/index.html';

  it('accepts the built index.html, with any query or hash', () => {
    expect(isAppUrl(index, index)).toBe(true);
    expect(isAppUrl(`${index}#/runs`, index)).toBe(true);
  });

  it('refuses other files, even next to it', () => {
    expect(isAppUrl('file:///opt/Automation%20Console/resources/app/out/renderer/evil.html', index)).toBe(false);
    expect(isAppUrl('file:///tmp/index.html', index)).toBe(false);
    expect(isAppUrl('https://evil.example/index.html', index)).toBe(false);
  });

  it('accepts the dev server’s origin only', () => {
    const dev = 'http://localhost:5173/';
    expect(isAppUrl('http://localhost:5173/some/page', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/', dev)).toBe(false);
    expect(isAppUrl('https://localhost:5173/', dev)).toBe(false);
    expect(isAppUrl('not a url', dev)).toBe(false);
  });
});

describe('content security policy', () => {
  it('is the same in index.html’s meta tag as in the shells’ header', () => {
    const html = fs.readFileSync(path.resolve(__dirname, '../../src-renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(meta?.[1]).toBe(CONTENT_SECURITY_POLICY);
  });

  it('allows scripts only from the app itself', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self';");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval|\*)/);
  });
});
