// The Electron window's page comes from app://automation-console/ (src-main/electron/app-protocol.ts): the handler
// serves the built renderer's files and nothing else, with their content types, and every answer carries the content
// security policy. Run here on a real folder, with the Requests Electron would hand the handler.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APP_PAGE_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, appProtocolResponse, serveRendererOnAppProtocol } from '../../src-main/electron/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../src-main/security';
import { makeStaticRoot, SECRET_OUTSIDE_ROOT, TEST_INDEX_HTML } from '../helpers/shell-server';

const ORIGIN = 'app://automation-console';

/** makeStaticRoot's folder (index.html, assets/app.js, a dot-file, a secret beside it) with one file of each kind. */
function rendererFolder(): string {
  const root = makeStaticRoot();
  const files: Record<string, string> = {
    'assets/index.css': 'body { margin: 0; }',
    'assets/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    'assets/inter.woff2': 'wOF2',
    'assets/data.bin': 'bytes',
    'assets/chunk.JS': 'export {};',
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(root, name), text);
  return root;
}

/** As the handler sees a request: its method and URL (a Request would refuse some of these URLs before the handler). */
async function get(root: string, url: string, method = 'GET') {
  const response = await appProtocolResponse(root, { method, url });
  return { response, status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

describe('app:// serves the built renderer', () => {
  it('serves index.html for the page, for / and for the bare origin, whatever the query or hash', async () => {
    const root = rendererFolder();
    for (const url of [APP_PAGE_URL, `${ORIGIN}/`, ORIGIN, `${APP_PAGE_URL}?token=x#/runs/4?status=failed`, `${ORIGIN}/#/automation`]) {
      const answer = await get(root, url);
      expect(answer.status, url).toBe(200);
      expect(answer.type, url).toBe('text/html; charset=utf-8');
      expect(answer.body, url).toBe(TEST_INDEX_HTML);
    }
  });

  it.each([
    ['assets/app.js', 'text/javascript; charset=utf-8'],
    ['assets/chunk.JS', 'text/javascript; charset=utf-8'],
    ['assets/index.css', 'text/css; charset=utf-8'],
    ['assets/logo.svg', 'image/svg+xml'],
    ['assets/inter.woff2', 'font/woff2'],
    ['assets/data.bin', 'application/octet-stream'],
  ])('serves %s as %s', async (file, type) => {
    const root = rendererFolder();
    const answer = await get(root, `${ORIGIN}/${file}`);
    expect(answer.status).toBe(200);
    expect(answer.type).toBe(type);
    expect(answer.body).toBe(fs.readFileSync(path.join(root, file), 'utf8'));
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const root = rendererFolder();
    const head = await get(root, `${ORIGIN}/assets/app.js`, 'HEAD');
    expect([head.status, head.type, head.body]).toEqual([200, 'text/javascript; charset=utf-8', '']);
    const post = await get(root, `${ORIGIN}/index.html`, 'POST');
    expect(post.status).toBe(405);
    expect(post.response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers 404 to a file that is not there, or a folder', async () => {
    const root = rendererFolder();
    for (const url of [`${ORIGIN}/nope.html`, `${ORIGIN}/assets`, `${ORIGIN}/assets/`]) expect((await get(root, url)).status, url).toBe(404);
  });
});

describe('app:// refuses what is not the renderer’s own file', () => {
  it.each([
    ['a parent folder', '/../secret.txt'],
    ['a parent folder below', '/assets/../../secret.txt'],
    ['encoded dots', '/%2e%2e/secret.txt'],
    ['half-encoded dots', '/.%2e/secret.txt'],
    ['an encoded slash', '/..%2fsecret.txt'],
    ['an encoded slash below', '/assets%2f..%2f..%2fsecret.txt'],
    ['an encoded backslash', '/..%5csecret.txt'],
    ['backslashes', '/..\\secret.txt'],
    ['backslashes below', '/assets\\..\\..\\secret.txt'],
    ['an absolute path', '//etc/passwd'],
    ['an encoded absolute path', '/%2Fetc%2Fpasswd'],
    ['a Windows drive', '/C:/Windows/win.ini'],
    ['an encoded drive', '/C%3A%5CWindows%5Cwin.ini'],
    ['a NUL byte', '/index.html%00.js'],
    ['a dot-file', '/.hidden'],
    ['bad encoding', '/%E0%A4%A'],
  ])('refuses %s (%s)', async (_why, urlPath) => {
    const root = rendererFolder();
    const answer = await get(root, `${ORIGIN}${urlPath}`);
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain(SECRET_OUTSIDE_ROOT);
    expect(answer.body).not.toBe('hidden');
  });

  it.each([
    ['another host', 'app://evil.example/index.html'],
    ['a longer host', 'app://automation-console.evil.example/index.html'],
    ['credentials before the host', 'app://automation-console@evil.example/index.html'],
    ['credentials for the host', 'app://user@automation-console/index.html'],
    ['a port', 'app://automation-console:8080/index.html'],
    ['no host', 'app:/index.html'],
    ['another scheme', 'http://automation-console/index.html'],
    ['a file URL', 'file:///index.html'],
  ])('refuses %s (%s)', async (_why, url) => {
    const answer = await get(rendererFolder(), url);
    expect(answer.status).toBe(404);
  });

  it('never answers with anything but a file inside the folder, whatever the path (property)', async () => {
    const root = rendererFolder();
    const inside = new Set([TEST_INDEX_HTML, ...['app.js', 'index.css', 'logo.svg', 'inter.woff2', 'data.bin', 'chunk.JS'].map((f) => fs.readFileSync(path.join(root, 'assets', f), 'utf8'))]);
    const segment = fc.constantFrom('..', '.', '%2e%2e', '.%2e', '%2e', '%2f', '%5c', '\\', '..\\', 'assets', 'app.js', 'index.html', 'secret.txt', '.hidden', 'renderer', 'C:', '%00', '');
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { maxLength: 6 }), async (segments) => {
        const answer = await get(root, `${ORIGIN}/${segments.join('/')}`);
        expect(answer.body).not.toContain(SECRET_OUTSIDE_ROOT);
        if (answer.status === 200) expect(inside.has(answer.body)).toBe(true);
        else expect(answer.status).toBe(404);
      }),
      { numRuns: 300 },
    );
  });
});

describe('app:// answers carry the security headers', () => {
  it('sends the content security policy and nosniff on every answer: a file, a 404, a refusal, a 405', async () => {
    const root = rendererFolder();
    const answers = [
      await get(root, APP_PAGE_URL),
      await get(root, `${ORIGIN}/assets/app.js`),
      await get(root, `${ORIGIN}/nope.html`),
      await get(root, `${ORIGIN}/../secret.txt`),
      await get(root, 'app://evil.example/'),
      await get(root, APP_PAGE_URL, 'POST'),
      await get(root, APP_PAGE_URL, 'HEAD'),
    ];
    for (const { response } of answers) {
      expect(response.headers.get('content-security-policy'), response.url).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
    }
  });
});

describe('app:// in Electron', () => {
  it('is registered as standard and secure, and nothing more', () => {
    // standard: relative URLs, an origin for same-origin module scripts, sessionStorage; secure: a secure context.
    expect(APP_SCHEME_PRIVILEGES).toEqual({ scheme: 'app', privileges: { standard: true, secure: true } });
  });

  it('is handled on the protocol the shell passes, answering from the renderer folder', async () => {
    const root = rendererFolder();
    const handled = new Map<string, (request: Request) => Response | Promise<Response>>();
    serveRendererOnAppProtocol({ handle: (scheme, handler) => void handled.set(scheme, handler) }, root);
    expect([...handled.keys()]).toEqual([APP_SCHEME]);
    const response = await handled.get(APP_SCHEME)!(new Request(APP_PAGE_URL));
    expect(await response.text()).toBe(TEST_INDEX_HTML);
  });
});
