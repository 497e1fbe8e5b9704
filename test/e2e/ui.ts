// What a person does in the UI, by data-testid, waiting on the app's explicit states (never on time).
import fs from 'node:fs';
import path from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import { TEST_PASSWORD } from './data';
import { SCREENSHOTS_DIR } from './paths';

/** Submits the sign-in form of an open app; the caller checks where it lands. */
export async function submitSignIn(page: Page, email: string, password: string = TEST_PASSWORD): Promise<void> {
  await expect(page.getByTestId('signin-form')).toBeVisible();
  await page.getByTestId('signin-email').fill(email);
  await page.getByTestId('signin-password').fill(password);
  await page.getByTestId('signin-submit').click();
}

/** Signs in and waits until the automation view's first queries have settled. */
export async function signIn(page: Page, email: string, password: string = TEST_PASSWORD): Promise<void> {
  await submitSignIn(page, email, password);
  await expectAppLoaded(page);
}

export async function expectAppLoaded(page: Page): Promise<void> {
  await expect(page.getByTestId('app-shell')).toHaveAttribute('data-state', 'loaded');
}

export async function expectHistoryLoaded(page: Page): Promise<void> {
  await expect(page.getByTestId('history-table')).toHaveAttribute('data-state', 'loaded');
}

/** A Mantine Select: open it, then pick the option by its accessible name. */
export async function chooseOption(page: Page, select: Locator, name: string | RegExp): Promise<void> {
  await select.click();
  await page.getByRole('option', { name, exact: typeof name === 'string' }).click();
}

export async function switchBusiness(page: Page, name: string): Promise<void> {
  await chooseOption(page, page.getByTestId('business-switcher'), name);
  await expect(page.getByTestId('business-switcher')).toHaveValue(name);
}

/** The element shows this number and no other digits (a label around it is fine: "Total runs 3"). */
export async function expectNumber(locator: Locator, value: number): Promise<void> {
  await expect(locator).toHaveText(new RegExp(`^\\D*${value}\\D*$`));
}

/** The run ids of every element whose data-testid is exactly `<prefix><id>` (not `<prefix>progress-<id>`), in page order. */
export async function runIds(page: Page, prefix: string): Promise<number[]> {
  const testIds = await page.locator(`[data-testid^="${prefix}"]`).evaluateAll((elements) => elements.map((e) => e.getAttribute('data-testid') ?? ''));
  return testIds.map((testId) => testId.slice(prefix.length)).filter((rest) => /^\d+$/.test(rest)).map(Number);
}

/** Opens the trigger dialog, fills it and submits; returns once the dialog has closed. */
export async function triggerRun(
  page: Page,
  run: { jobType: string | RegExp; target?: string; params?: Record<string, string> },
): Promise<void> {
  await page.getByTestId('trigger-button').click();
  const dialog = page.getByTestId('trigger-dialog');
  await expect(dialog).toBeVisible();
  await chooseOption(page, page.getByTestId('trigger-jobtype'), run.jobType);
  if (run.target !== undefined) await chooseOption(page, page.getByTestId('trigger-target'), run.target);
  for (const [name, value] of Object.entries(run.params ?? {})) await page.getByTestId(`trigger-param-${name}`).fill(value);
  await page.getByTestId('trigger-submit').click();
  try {
    await expect(dialog).toBeHidden();
  } catch (error) {
    const refusal = page.getByTestId('trigger-error');
    if (await refusal.isVisible()) throw new Error(`the trigger dialog refused the run: ${await refusal.innerText()}`, { cause: error });
    throw error;
  }
}

/** Closes the run-detail drawer (Escape), back to the automation view. */
export async function closeRunDetail(page: Page): Promise<void> {
  await expect(page.getByTestId('run-detail')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('run-detail')).toHaveCount(0);
}

/** test-results/screenshots/<name>.png: the main screens (the window, or with `fullPage` all of it), for a person to look at after the run. */
export async function saveScreenshot(page: Page, name: string, { fullPage = false }: { fullPage?: boolean } = {}): Promise<void> {
  fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, `${name}.png`), fullPage });
}

/** Opens #/admin/<section> through the header link and the section's tab, and waits until it has loaded. */
export async function openAdminSection(page: Page, section: string): Promise<void> {
  await page.getByTestId('nav-admin').click();
  await expect(page.getByTestId('admin-view')).toBeVisible();
  await page.getByTestId(`admin-tab-${section}`).click();
  await expect(page.getByTestId('admin-view')).toHaveAttribute('data-section', section);
  await expectAppLoaded(page);
}

/** Signs out with the header's button and waits for the sign-in form. */
export async function signOut(page: Page): Promise<void> {
  await page.getByTestId('app-shell').getByTestId('signout').click();
  await expect(page.getByTestId('signin-form')).toBeVisible();
}

/** The labels a Mantine Select offers (its dropdown opened, read, then closed with Escape). */
export async function optionLabels(page: Page, select: Locator): Promise<string[]> {
  await select.click();
  const listbox = page.getByRole('listbox');
  await expect(listbox).toBeVisible();
  const labels = (await listbox.getByRole('option').allInnerTexts()).map((label) => label.trim());
  await page.keyboard.press('Escape');
  await expect(listbox).toBeHidden();
  return labels;
}

/**
 * Adds an inline script to the page and expects its content security policy to refuse it: the script never runs, and
 * the refusal names the directive (in the page's text: these tests compile without the DOM's types).
 */
export async function expectInlineScriptRefused(page: Page): Promise<void> {
  const violated = await page.evaluate(`new Promise((resolve) => {
    document.addEventListener('securitypolicyviolation', (event) => resolve(event.effectiveDirective), { once: true });
    const script = document.createElement('script');
    script.textContent = 'window.inlineRan = true';
    document.head.append(script);
  })`);
  expect(violated).toBe('script-src-elem');
  expect(await page.evaluate("'inlineRan' in window")).toBe(false);
}
