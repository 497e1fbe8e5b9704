// End-to-end tests: the built renderer in Debian's Chromium, served by an in-process HTTP shell per test
// (test/e2e/fixtures.ts), and the same scenarios (test/scenarios) in the built Electron app where its binary
// exists (test/electron, `npm run test:electron`). Playwright's own browser downloads are never used.
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './test/e2e/paths';

const onCI = process.env.CI === 'true';

export default defineConfig({
  testMatch: '**/*.e2e.ts',
  globalSetup: './test/e2e/global-setup.ts',
  outputDir: 'test-results',
  forbidOnly: onCI,
  retries: onCI ? 1 : 0,
  workers: 2,
  fullyParallel: true,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['./test/e2e/summary-reporter.ts']],
  use: {
    testIdAttribute: 'data-testid',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 10_000,
    navigationTimeout: 20_000,
  },
  projects: [
    {
      name: 'chromium',
      testDir: 'test/e2e',
      use: {
        browserName: 'chromium',
        headless: true,
        viewport: { width: 1400, height: 900 },
        launchOptions: {
          executablePath: CHROMIUM_PATH,
          args: CHROMIUM_ARGS,
        },
      },
    },
    // Self-skipping where Electron's binary is missing; `npm run test:electron` says why.
    { name: 'electron', testDir: 'test/electron' },
  ],
});
