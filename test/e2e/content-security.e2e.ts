// The page carries no content security policy of its own: the HTTP shell's header is the policy, and the browser
// enforces it (the same header the Electron window gets from app://, src-main/security.ts).
import { CONTENT_SECURITY_POLICY } from '../../src-main/security';
import { expect, test } from './fixtures';
import { expectInlineScriptRefused, saveScreenshot } from './ui';

test('in the browser, the HTTP shell’s header is the page’s policy, and it refuses an inline script', async ({ app, page, failures }) => {
  failures.allow(/^console: (Refused to execute inline script|Executing inline script violates)\b/, 'the test adds an inline script to see the policy refuse it');
  const response = await page.goto(app.url);
  expect(response?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  // A new database: the first screen is drawn, so the policy lets the app's own scripts and styles in.
  await expect(page.getByTestId('setup-form')).toBeVisible();
  expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').count()).toBe(0);
  await saveScreenshot(page, 'content-security-first-screen');

  await expectInlineScriptRefused(page);
});
