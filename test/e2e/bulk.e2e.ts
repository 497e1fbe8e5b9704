// Bulk actions on the history: select runs (or all matching the filters), preview, confirm; and CSV export.
// Long probes are put in the queue by code before the app starts, so they stay pending or running throughout.
import fs from 'node:fs';
import path from 'node:path';
import { type Page } from '@playwright/test';
import { openAppDatabase } from '../../src-main/startup';
import { insertUser, type TestUser } from '../helpers/contract-data';
import { buildTenantWorld, MIGRATIONS_FOLDER, type TenantWorld } from './data';
import { expect, test } from './fixtures';
import { expectHistoryLoaded, saveScreenshot, signIn } from './ui';

interface BulkWorld {
  world: TenantWorld;
  acmeAdmin: TestUser;
  /** Long probes in Acme's queue, triggered by its business admin. */
  adminRunIds: number[];
  /** Long probes in Acme's queue, triggered by its member. */
  memberRunIds: number[];
}

/** The tenant world, plus an Acme business admin and four two-minute probes (two each by the admin and the member). */
async function buildBulkWorld(dbPath: string): Promise<BulkWorld> {
  const world = await buildTenantWorld(dbPath);
  const { db } = await openAppDatabase(dbPath, { migrationsFolder: MIGRATIONS_FOLDER });
  try {
    const acmeAdmin = insertUser(db, { role: 'business_admin', businessId: world.acme.id, email: 'ada@acme.example' });
    const insert = db.sqlite.prepare(
      `INSERT INTO job_runs (scope, business_id, job_type, status, trigger, triggered_by_user_id, triggered_by, params, created_at)
       VALUES ('business', ?, 'diagnostics.probe', 'pending', 'manual', ?, ?, ?, ?)`,
    );
    const probe = (user: TestUser) => Number(insert.run(world.acme.id, user.id, user.email, JSON.stringify({ durationMs: 120_000 }), Date.now()).lastInsertRowid);
    return {
      world,
      acmeAdmin,
      adminRunIds: [probe(acmeAdmin), probe(acmeAdmin)],
      memberRunIds: [probe(world.acmeMember), probe(world.acmeMember)],
    };
  } finally {
    db.close();
  }
}

/** The history filtered to active runs (as a bookmark of the filtered view would open it). */
async function filterActive(page: Page): Promise<void> {
  // A string: the node typecheck has no DOM types.
  await page.evaluate("window.location.hash = '#/automation?status=pending,running'");
  await expectHistoryLoaded(page);
}

test('a business admin cancels every run matching a status filter', async ({ dataDir, launchApp, page }) => {
  const bulk = await buildBulkWorld(dataDir.dbPath);
  const active = [...bulk.adminRunIds, ...bulk.memberRunIds];
  const app = await launchApp();
  await page.goto(app.url);
  await signIn(page, bulk.acmeAdmin.email);
  await filterActive(page);
  for (const id of active) await expect(page.getByTestId(`history-row-${id}`)).toHaveAttribute('data-status', /pending|running/);
  await expect(page.getByTestId('history-table')).toHaveAttribute('data-rows', String(active.length));

  await expect(page.getByTestId('bulk-bar')).toBeVisible();
  await expect(page.getByTestId('bulk-all-matching')).toContainText(`All ${active.length} matching`);
  await page.getByTestId('bulk-all-matching').click();
  await expect(page.getByTestId('bulk-selected-count')).toContainText(`All ${active.length} matching`);
  for (const id of active) await expect(page.getByTestId(`history-select-${id}`)).toBeChecked();

  await page.getByTestId('bulk-cancel').click();
  const preview = page.getByTestId('bulk-preview');
  await expect(preview).toHaveAttribute('data-state', 'loaded');
  await expect(page.getByTestId('bulk-preview-matching')).toHaveText(String(active.length));
  await expect(page.getByTestId('bulk-preview-eligible')).toHaveText(String(active.length));
  await saveScreenshot(page, 'bulk-cancel-preview');
  await page.getByTestId('bulk-confirm').click();
  await expect(page.getByTestId('bulk-result')).toHaveAttribute('data-done', String(active.length));
  await page.getByTestId('bulk-close').click();
  await expect(preview).toHaveCount(0);

  // Nothing active is left under the filter (and no bar over an empty history); without it, the runs show as cancelled.
  await expect(page.getByTestId('history-empty')).toBeVisible();
  await expect(page.getByTestId('bulk-bar')).toHaveCount(0);
  await page.getByTestId('filter-clear').click();
  await expectHistoryLoaded(page);
  await expect(page.getByTestId('bulk-selected-count')).toHaveText(/no runs selected/i);
  for (const id of active) await expect(page.getByTestId(`history-row-${id}`)).toHaveAttribute('data-status', 'cancelled');
  const statusOf = app.db.sqlite.prepare('SELECT status FROM job_runs WHERE id = ?').pluck();
  for (const id of active) expect(statusOf.get(id)).toBe('cancelled');
});

test('a member previewing a bulk cancel sees only their own runs eligible', async ({ dataDir, launchApp, page }) => {
  const bulk = await buildBulkWorld(dataDir.dbPath);
  const app = await launchApp();
  await page.goto(app.url);
  await signIn(page, bulk.world.acmeMember.email);
  await filterActive(page);
  await expect(page.getByTestId('history-table')).toHaveAttribute('data-rows', '4');

  await page.getByTestId('bulk-all-matching').click();
  await page.getByTestId('bulk-cancel').click();
  await expect(page.getByTestId('bulk-preview')).toHaveAttribute('data-state', 'loaded');
  await expect(page.getByTestId('bulk-preview-matching')).toHaveText('4');
  await expect(page.getByTestId('bulk-preview-eligible')).toHaveText('2');
  await expect(page.getByTestId('bulk-preview-reason-not_permitted')).toHaveText(/2 not yours to cancel/);
  await expect(page.getByTestId('bulk-confirm')).toBeEnabled();
  await saveScreenshot(page, 'bulk-cancel-preview-member');

  // Leaving without confirming changes nothing.
  await page.getByTestId('bulk-close').click();
  const statusOf = app.db.sqlite.prepare('SELECT status FROM job_runs WHERE id = ?').pluck();
  for (const id of [...bulk.adminRunIds, ...bulk.memberRunIds]) expect(statusOf.get(id)).toMatch(/pending|running/);
});

test('selected runs export to a CSV file, downloaded at once and again on asking', async ({ dataDir, launchApp, page }) => {
  const bulk = await buildBulkWorld(dataDir.dbPath);
  const app = await launchApp();
  await page.goto(app.url);
  await signIn(page, bulk.acmeAdmin.email);
  await expectHistoryLoaded(page);

  const chosen = bulk.world.acme.runIds.slice(0, 2);
  for (const id of chosen) await page.getByTestId(`history-select-${id}`).check();
  await expect(page.getByTestId('bulk-selected-count')).toHaveText(/2 runs selected/);
  // A checkbox click selects; it does not open the run.
  await expect(page.getByTestId('run-detail')).toHaveCount(0);

  await page.getByTestId('bulk-export').click();
  await expect(page.getByTestId('bulk-preview-matching')).toHaveText('2');
  await expect(page.getByTestId('bulk-preview-eligible')).toHaveText('2');
  const download = page.waitForEvent('download');
  await page.getByTestId('bulk-confirm').click();
  const result = page.getByTestId('bulk-result');
  await expect(result).toHaveAttribute('data-rows', '2');
  await expect(result).toHaveAttribute('data-delivery', 'downloaded');
  const file = (await result.getAttribute('data-path'))!;
  await expect(result).toContainText(file);
  const lines = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/);
  expect(lines).toHaveLength(3);
  const downloaded = await download;
  expect(downloaded.suggestedFilename()).toBe(path.basename(file));
  expect(fs.readFileSync(await downloaded.path())).toEqual(fs.readFileSync(file));
  await saveScreenshot(page, 'bulk-export-downloaded');
  // Asked again, the same file downloads again; both hand-overs are in the audit log.
  const again = page.waitForEvent('download');
  await page.getByTestId('bulk-result-again').click();
  expect((await again).suggestedFilename()).toBe(path.basename(file));
  const handed = app.db.sqlite.prepare("SELECT COUNT(*) FROM audit_events WHERE action = 'exports.download' AND target_id = ?").pluck().get(file);
  expect(handed).toBe(2);
  await page.getByTestId('bulk-close').click();
  await expect(page.getByTestId('bulk-selected-count')).toHaveText(/no runs selected/i);
});
