// The window's page comes from app://automation-console/, not file://: what the renderer needs works there (module
// scripts, its CSS, sessionStorage, the hash router, the preload's window.api, a secure context), the content security
// policy arrives as a header and is enforced, and the page cannot read a file beside the renderer.
import { APP_PAGE_URL } from '../../src-main/electron/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../src-main/security';
import { expectInlineScriptRefused, saveScreenshot } from '../e2e/ui';
import { expect, test } from './fixtures';

test('in the Electron app, the page is served from app:// with its policy as a header, and everything it needs works there', async ({ launchElectron }) => {
  const { app, window } = await launchElectron();
  // A new database: the first screen asks for the first administrator, drawn by the module scripts and the CSS.
  await expect(window.getByTestId('setup-form')).toBeVisible();
  expect(window.url()).toBe(APP_PAGE_URL);

  // Evaluated in the page as text: these tests compile without the DOM's types.
  const page = (await window.evaluate(`(() => {
    sessionStorage.setItem('probe', 'kept');
    window.location.hash = '#/job-types';
    return {
      origin: window.location.origin,
      secure: window.isSecureContext,
      stored: sessionStorage.getItem('probe'),
      api: typeof (window.api && window.api['app.status']),
      metaPolicy: document.querySelector('meta[http-equiv="Content-Security-Policy"]') !== null,
      stylesheets: document.styleSheets.length,
    };
  })()`)) as { stylesheets: number };
  expect(page).toMatchObject({ origin: 'app://automation-console', secure: true, stored: 'kept', api: 'function', metaPolicy: false });
  expect(page.stylesheets).toBeGreaterThan(0);
  expect(window.url()).toBe(`${APP_PAGE_URL}#/job-types`);

  // The header, as the main process's own handler answers it.
  const headers = await app.evaluate(async ({ net }, url) => {
    const response = await net.fetch(url);
    return { status: response.status, policy: response.headers.get('content-security-policy'), type: response.headers.get('content-type') };
  }, APP_PAGE_URL);
  expect(headers).toEqual({ status: 200, policy: CONTENT_SECURITY_POLICY, type: 'text/html; charset=utf-8' });

  // The policy is enforced in the window: an inline script is refused.
  await expectInlineScriptRefused(window);

  // Nothing outside the renderer's folder: the main bundle beside it is not served (an encoded slash survives the
  // URL's own resolution of "..", so the request reaches the handler, which refuses it).
  const outside = await app.evaluate(async ({ net }) => (await net.fetch('app://automation-console/..%2fmain%2findex.js')).status);
  expect(outside).toBe(404);
  await saveScreenshot(window, 'electron-app-protocol-first-screen');
});
