// Does the history stay smooth with 100,000 rows loaded page by page? Not a test (timings never gate CI).
//   npm run build && npx tsx bench/ui-history-scroll.ts [--runs 100000]
// Builds a business with N runs, signs a member in through the real renderer (HTTP shell, Debian Chromium),
// scrolls the history until every keyset page is loaded, then measures frame times while scrolling.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { createAppCore } from '../src-main/app-core';
import { startHttpShell } from '../src-main/http/server';
import { openAppDatabase } from '../src-main/startup';
import { buildTenantWorld, MIGRATIONS_FOLDER, TEST_PASSWORD } from '../test/e2e/data';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/e2e/paths';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 100_000;
const stepArg = process.argv.indexOf('--step');
/** Pixels scrolled per frame: 1,200 is a fling (a whole new screen of rows every frame), 120 one wheel notch. */
const STEP = stepArg >= 0 ? Number(process.argv[stepArg + 1]) : 1200;
const RENDERER = path.resolve(__dirname, '../out/renderer');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(RENDERER, 'index.html'))) throw new Error('Build the renderer first: npm run build');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ui-scroll-'));
  const dbPath = path.join(dir, 'automation.db');
  try {
    const world = await buildTenantWorld(dbPath);
    const { db } = await openAppDatabase(dbPath, { migrationsFolder: MIGRATIONS_FOLDER });
    const insert = db.sqlite.prepare(
      "INSERT INTO job_runs (scope, business_id, job_type, status, trigger, created_at, started_at, finished_at, duration_ms) VALUES ('business', ?, 'diagnostics.probe', 'completed', 'manual', ?, ?, ?, ?)",
    );
    // Inside the view's default range (the last 7 days), so the history holds every one of them.
    const spacing = Math.floor((6 * 86_400_000) / RUNS);
    const start = Date.now() - 6 * 86_400_000 - 60_000;
    db.sqlite.transaction(() => {
      for (let i = 0; i < RUNS; i++) {
        const at = start + i * spacing;
        insert.run(world.acme.id, at, at + 100, at + 600, 500);
      }
    })();
    db.close();
    const expected = RUNS + world.acme.runIds.length;

    const core = createAppCore({ argv: ['--db', dbPath], env: {}, migrationsFolder: MIGRATIONS_FOLDER, engine: { start: false } });
    const shell = await startHttpShell({ core, staticRoot: RENDERER });
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    });
    try {
      // The app's CSP forbids evaluating strings; the measurement's own probes need it, the app does not.
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, bypassCSP: true });
      await page.goto(shell.pageUrl);
      await page.getByTestId('signin-email').fill(world.acmeMember.email);
      await page.getByTestId('signin-password').fill(TEST_PASSWORD);
      await page.getByTestId('signin-submit').click();
      await page.waitForSelector('[data-testid="history-table"][data-state="loaded"]', { timeout: 30_000 });

      const table = page.getByTestId('history-table');
      const rows = async () => Number(await table.getAttribute('data-rows'));
      const loadStarted = Date.now();
      let loaded = await rows();
      while (loaded < expected) {
        await table.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
        const before = loaded;
        // Strings run in the page (this file is typed for Node, without the DOM).
        await page.waitForFunction(`Number(document.querySelector('[data-testid="history-table"]')?.getAttribute('data-rows')) > ${before}`, undefined, {
          timeout: 30_000,
        });
        loaded = await rows();
      }
      const loadSeconds = (Date.now() - loadStarted) / 1000;

      // Frame times while scrolling through the loaded rows, one step per animation frame.
      const frames = (await page.evaluate(`new Promise((resolve) => {
        const STEP = ${STEP};
        const el = document.querySelector('[data-testid="history-table"]');
        const deltas = [];
        let last = performance.now();
        let step = 0;
        el.scrollTop = 0;
        const tick = (now) => {
          deltas.push(now - last);
          last = now;
          // Wraps to the top at the end, so every frame scrolls (a short history would otherwise idle at its bottom).
          el.scrollTop = el.scrollTop + STEP > el.scrollHeight - el.clientHeight ? 0 : el.scrollTop + STEP;
          if (++step < 300) requestAnimationFrame(tick);
          else resolve(deltas.slice(1));
        };
        requestAnimationFrame(tick);
      })`)) as number[];
      const rendered = await page.locator('[data-testid^="history-row-"]').count();
      const sorted = [...frames].sort((a, b) => a - b);
      console.log(`history rows loaded: ${loaded} (${expected} expected) in ${loadSeconds.toFixed(1)} s, ${Math.ceil(expected / 200)} keyset pages`);
      console.log(`rows in the DOM while scrolled: ${rendered} (virtualized)`);
      console.log(
        `frame time while scrolling ${STEP} px per frame through ${loaded} rows (${frames.length} frames): median ${percentile(sorted, 0.5).toFixed(1)} ms, p95 ${percentile(sorted, 0.95).toFixed(1)} ms`,
      );
      console.log(`machine: ${os.cpus().length} cores, headless Chromium ${browser.version()}`);
    } finally {
      await browser.close();
      await shell.close();
      await core.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
