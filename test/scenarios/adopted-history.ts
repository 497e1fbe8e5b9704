// Adopted history as it is: a server-edition file's first screen says what its runs became, the orphan wizard
// proposes businesses from the file's evidence, the orphan list narrows by who triggered a run and when it was
// created, and an unfinished run of the server edition says what it is.
import fs from 'node:fs';
import { expect, type Page } from '@playwright/test';
import { getDatabaseInfo } from '../../src-main/services/database-info';
import { adoptionNextSteps, adoptionOutcomeLines } from '../../src-shared/adoption';
import { legacyPreTenantDatabase } from '../e2e/data';
import { chooseOption, expectHistoryLoaded, expectNumber, openAdminSection, runIds, signIn } from '../e2e/ui';
import { insertUser } from '../helpers/contract-data';
import { createLegacyDatabase, type LegacyFixture, type LegacyRun } from '../helpers/legacy-fixtures';
import { type AppLauncher, type LaunchedApp } from './app';
import { type Scenarios } from './index';

const ORPHANS_SQL = "SELECT legacy_id FROM job_runs WHERE scope = 'business' AND business_id IS NULL ORDER BY legacy_id";

/** The server-edition business a pre-tenant run's triggering user belonged to (by id, else by email without case), if it exists. */
function triggeringUsersBusiness(fixture: LegacyFixture, run: LegacyRun): string | null {
  const by = run.triggered_by;
  if (!by) return null;
  const user = fixture.users.find((candidate) => candidate.id === by) ?? fixture.users.find((candidate) => candidate.email.toLowerCase() === by.toLowerCase());
  return fixture.businesses.find((business) => business.id === user?.business_id)?.id ?? null;
}

/** A system admin added to the adopted file, signed in (the window opened before they existed: it is loaded again). */
async function signInAsAdmin(app: LaunchedApp): Promise<void> {
  const admin = insertUser(app.db, { role: 'system_admin', businessId: null, email: 'root@example.test' });
  await app.page.reload();
  await signIn(app.page, admin.email);
}

async function openOrphanWizard(page: Page): Promise<void> {
  await page.getByTestId('nav-orphans').click();
  await expect(page.getByTestId('orphans-check')).toHaveAttribute('data-state', 'loaded');
  await expect(page.getByTestId('orphans-list')).toHaveAttribute('data-state', 'loaded');
}

/** The app on a pre-tenant server-edition file, a system admin signed in, the orphan wizard open. */
async function orphanWizardOnPreTenantFile({ dataDir, launch }: AppLauncher) {
  legacyPreTenantDatabase(dataDir.dbPath);
  const app = await launch();
  await signInAsAdmin(app);
  await openOrphanWizard(app.page);
  return { app, page: app.page, sqlite: app.db.sqlite };
}

/** A local date-time as a datetime-local input takes it (minutes). */
function localMinute(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export const adoptedHistoryScenarios: Scenarios = {
  'a pre-tenant file: the first screen says what the runs became, and the suggested groups the operator accepts are assigned, the rest stay orphans': async ({
    dataDir,
    launch,
  }) => {
    const fixture = legacyPreTenantDatabase(dataDir.dbPath);
    const app = await launch();
    const { page } = app;
    const sqlite = app.db.sqlite;

    // What the file's evidence says, computed plainly from the server-edition rows.
    const appBusiness = new Map(
      (sqlite.prepare('SELECT id, name, legacy_id AS legacyId FROM businesses').all() as { id: number; name: string; legacyId: string }[]).map((b) => [b.legacyId, b]),
    );
    const expected = new Map<number, string[]>();
    const withoutEvidence: string[] = [];
    for (const run of fixture.runs) {
      const legacyBusiness = triggeringUsersBusiness(fixture, run);
      const business = legacyBusiness === null ? undefined : appBusiness.get(legacyBusiness);
      if (!business) withoutEvidence.push(run.id);
      else expected.set(business.id, [...(expected.get(business.id) ?? []), run.id]);
    }
    expect(expected.size, 'the file names several businesses through its users').toBeGreaterThanOrEqual(2);
    expect(withoutEvidence.length, 'and has orphans without evidence').toBeGreaterThan(0);

    // The first screen: what the adoption found and what to do next, in the shared sentences.
    const report = getDatabaseInfo(app.db).adoption;
    if (!report) throw new Error('the file was not adopted');
    const admin = insertUser(app.db, { role: 'system_admin', businessId: null, email: 'root@example.test' });
    await page.reload();
    await signIn(page, admin.email);
    await openAdminSection(page, 'database');
    await expect(page.getByTestId('orphan-notice')).toBeVisible();
    const outcomes = adoptionOutcomeLines(report);
    expect(outcomes.length, 'the report counts what the runs became').toBeGreaterThan(1);
    await expect(page.getByTestId('adoption-outcomes').getByRole('listitem')).toHaveText(outcomes);
    await expect(page.getByTestId('adoption-next-steps').getByRole('listitem')).toHaveText(adoptionNextSteps(report).map((step) => step.replaceAll('`', '')));
    await page.getByTestId('adoption-next-steps').scrollIntoViewIfNeeded();
    await app.screenshot('adoption-first-screen');

    // The wizard's Suggested assignments step: a group per business, with its count and newest runs; none accepted yet.
    await openOrphanWizard(page);
    const orphansBefore = fixture.runs.length;
    await expectNumber(page.getByTestId('orphans-count'), orphansBefore);
    await page.getByTestId('orphans-suggested-start').click();
    const step = page.getByTestId('orphans-suggested');
    await expect(step).toHaveAttribute('data-state', 'loaded');
    await expect(step.locator('[data-testid^="suggestion-group-"]')).toHaveCount(expected.size);
    for (const [businessId, runs] of expected) {
      const group = page.getByTestId(`suggestion-group-${businessId}-triggering_user`);
      await expect(group).toHaveAttribute('data-count', String(runs.length));
      await expect(group).toHaveAttribute('data-accepted', 'false');
      await expect(page.getByTestId(`suggestion-count-${businessId}-triggering_user`)).toHaveText(`${runs.length} ${runs.length === 1 ? 'orphan' : 'orphans'}`);
      await expect(group).toContainText('the user who triggered it belongs to this business');
      await expect(group.locator('[data-testid^="orphan-row-"]')).toHaveCount(Math.min(5, runs.length));
    }
    await expect(page.getByTestId('suggested-without-evidence')).toContainText(`${withoutEvidence.length} orphans have no evidence`);
    await expect(page.getByTestId('suggested-confirm')).toBeDisabled();

    // "Accept all" checks every group; then one is left out again.
    await page.getByTestId('suggestions-accept-all').click();
    for (const businessId of expected.keys()) await expect(page.getByTestId(`suggestion-group-${businessId}-triggering_user`)).toHaveAttribute('data-accepted', 'true');
    const [leftOut, ...accepted] = [...expected.keys()].sort((a, b) => expected.get(b)!.length - expected.get(a)!.length);
    if (leftOut === undefined) throw new Error('no group to leave out');
    await page.getByTestId(`suggestion-accept-${leftOut}-triggering_user`).uncheck();
    const acceptedCount = accepted.reduce((sum, id) => sum + expected.get(id)!.length, 0);
    await expect(page.getByTestId('suggested-accepted-count')).toHaveText(String(acceptedCount));
    await expect(page.getByTestId('suggested-accepted-groups')).toHaveText(String(accepted.length));
    await expect(page.getByTestId('suggested-confirm')).toHaveText(`Back up, then assign ${acceptedCount} orphans in ${accepted.length} groups`);
    await page.getByTestId('suggestions-accept-all').scrollIntoViewIfNeeded();
    await app.screenshot('orphans-suggested');
    await page.getByTestId('suggested-confirm').click();

    // The result per group, the backup, and the re-check.
    await expect(page.getByTestId('orphans-done')).toBeVisible();
    await expect(page.getByTestId('orphans-result')).toHaveText(String(acceptedCount));
    for (const businessId of accepted) {
      await expect(page.getByTestId(`orphans-result-group-${businessId}-triggering_user`)).toContainText(`${expected.get(businessId)!.length}`);
    }
    await expect(page.getByTestId(`orphans-result-group-${leftOut}-triggering_user`)).toHaveCount(0);
    const backupPath = (await page.getByTestId('orphans-backup-path').innerText()).trim();
    expect(fs.existsSync(backupPath), `the backup ${backupPath} exists`).toBe(true);
    await expect(page.getByTestId('orphans-recheck')).toHaveAttribute('data-state', 'loaded');
    await expectNumber(page.getByTestId('orphans-recheck').getByTestId('orphans-count'), orphansBefore - acceptedCount);
    await app.screenshot('orphans-suggested-done');

    // In the file: exactly the accepted groups moved, each to its business; the orphans left are the group not
    // accepted and those without evidence.
    const left = [...expected.get(leftOut)!, ...withoutEvidence].sort();
    expect(sqlite.prepare(ORPHANS_SQL).pluck().all()).toEqual(left);
    for (const businessId of accepted) {
      const moved = sqlite.prepare('SELECT legacy_id FROM job_runs WHERE business_id = ? ORDER BY legacy_id').pluck().all(businessId);
      expect(moved, `the runs of business ${businessId}`).toEqual([...expected.get(businessId)!].sort());
    }

    // What is left has no group to accept but the one left out.
    await page.getByTestId('orphans-again').click();
    await openOrphanWizard(page);
    await page.getByTestId('orphans-suggested-start').click();
    await expect(step).toHaveAttribute('data-state', 'loaded');
    await expect(step.locator('[data-testid^="suggestion-group-"]')).toHaveCount(1);
    await page.getByTestId(`suggestion-accept-${leftOut}-triggering_user`).check();
    await page.getByTestId('suggested-confirm').click();
    await expect(page.getByTestId('orphans-result')).toHaveText(String(expected.get(leftOut)!.length));

    // Then no orphan has evidence left: the step says so, and the manual choice remains.
    await page.getByTestId('orphans-again').click();
    await openOrphanWizard(page);
    await page.getByTestId('orphans-suggested-start').click();
    await expect(step).toHaveAttribute('data-state', 'loaded');
    await expect(page.getByTestId('suggestions-empty')).toContainText(`None of the ${withoutEvidence.length} orphans`);
    await expect(page.getByTestId('suggested-confirm')).toHaveCount(0);
    await app.screenshot('orphans-suggested-empty');
    expect(sqlite.prepare(ORPHANS_SQL).pluck().all()).toEqual([...withoutEvidence].sort());
  },

  'the orphans of a suggested group changed since the preview: nothing is assigned, and a new preview shows the new count': async (launcher) => {
    launcher.failures.allow(/^409 \/api\/orphans\.assignSuggested\b/, 'main refuses to assign a group that changed since the preview');
    const { app, page, sqlite } = await orphanWizardOnPreTenantFile(launcher);
    await page.getByTestId('orphans-suggested-start').click();
    await expect(page.getByTestId('orphans-suggested')).toHaveAttribute('data-state', 'loaded');
    const group = page.locator('[data-testid^="suggestion-group-"]').first();
    const key = (await group.getAttribute('data-testid'))!.slice('suggestion-group-'.length);
    const count = Number(await group.getAttribute('data-count'));
    const [previewed] = await runIds(page, 'orphan-row-');
    await page.getByTestId(`suggestion-accept-${key}`).check();
    await expect(page.getByTestId('suggested-accepted-count')).toHaveText(String(count));

    // Someone else (the CLI, say) assigns one of the group's orphans between the preview and the confirmation.
    const businessId = Number(key.split('-')[0]);
    sqlite.prepare('UPDATE job_runs SET business_id = ? WHERE id = ?').run(businessId, previewed);
    const orphansBefore = sqlite.prepare(ORPHANS_SQL).pluck().all();
    await page.getByTestId('suggested-confirm').click();
    await expect(page.getByTestId('suggested-error')).toContainText('The orphans changed since the preview');
    await expect(page.getByTestId('suggested-confirm')).toBeDisabled();
    await app.screenshot('orphans-suggested-conflict');
    expect(sqlite.prepare(ORPHANS_SQL).pluck().all(), 'nothing was assigned').toEqual(orphansBefore);

    await page.getByTestId('suggested-repreview').click();
    await expect(page.getByTestId('orphans-suggested')).toHaveAttribute('data-state', 'loaded');
    await expect(page.getByTestId(`suggestion-group-${key}`)).toHaveAttribute('data-count', String(count - 1));
    await expect(page.getByTestId('suggested-accepted-count')).toHaveText(String(count - 1));
    await page.getByTestId('suggested-confirm').click();
    await expect(page.getByTestId('orphans-result')).toHaveText(String(count - 1));
    expect(sqlite.prepare('SELECT count(*) FROM job_runs WHERE business_id = ?').pluck().get(businessId)).toBe(count);
  },

  'the orphan list filters by who triggered a run, without case, and by a created-time range': async (launcher) => {
    const { app, page, sqlite } = await orphanWizardOnPreTenantFile(launcher);
    const orphanIdsWhere = (condition: string, ...params: unknown[]) =>
      sqlite.prepare(`SELECT id FROM job_runs WHERE scope = 'business' AND business_id IS NULL AND ${condition} ORDER BY id`).pluck().all(...params) as number[];
    const listed = async () => (await runIds(page, 'orphan-row-')).sort((a, b) => a - b);

    // Who triggered it: the most frequent value among the orphans, typed in another case.
    const { by } = sqlite
      .prepare("SELECT triggered_by AS by, count(*) AS n FROM job_runs WHERE business_id IS NULL AND triggered_by LIKE '%@%' GROUP BY lower(triggered_by) ORDER BY n DESC LIMIT 1")
      .get() as { by: string };
    const byThem = orphanIdsWhere('triggered_by = ? COLLATE NOCASE', by);
    expect(byThem.length).toBeGreaterThan(1);
    await page.getByTestId('orphans-filter-triggered-by').fill(by === by.toUpperCase() ? by.toLowerCase() : by.toUpperCase());
    await expect(page.getByTestId('orphans-list')).toHaveAttribute('data-state', 'loaded');
    await expect.poll(listed).toEqual(byThem);
    await page.getByTestId('orphans-select-all').click();
    await expect(page.getByTestId('orphans-selected-count')).toHaveText(`${byThem.length} selected`);
    await page.getByTestId('orphans-select-none').click();
    await page.getByTestId('orphans-filter-triggered-by').fill('');

    // A created-time range: from the quarter to three quarters of the orphans, to the minute; the end is exclusive.
    const created = sqlite.prepare("SELECT created_at FROM job_runs WHERE business_id IS NULL AND created_at IS NOT NULL ORDER BY created_at").pluck().all() as number[];
    const from = localMinute(created[Math.floor(created.length / 4)]!);
    const to = localMinute(created[Math.floor((created.length * 3) / 4)]!);
    const inRange = orphanIdsWhere('created_at >= ? AND created_at < ?', new Date(from).getTime(), new Date(to).getTime());
    expect(inRange.length).toBeGreaterThan(1);
    await page.getByTestId('orphans-filter-created-from').fill(from);
    await page.getByTestId('orphans-filter-created-to').fill(to);
    await expect(page.getByTestId('orphans-list')).toHaveAttribute('data-state', 'loaded');
    await expect.poll(listed).toEqual(inRange);
    await page.getByTestId('orphans-filter-search').scrollIntoViewIfNeeded();
    await app.screenshot('orphans-filtered');

    // A range that ends before it starts is refused under "To", in words; the list keeps its last answer.
    await page.getByTestId('orphans-filter-created-to').fill(localMinute(new Date(from).getTime() - 86_400_000));
    await expect(page.getByTestId('orphans-filter-created-to-error')).toHaveText('Created before must be after the start of the range.');
    await expect(page.getByTestId('orphans-select-all')).toBeDisabled();
    await app.screenshot('orphans-filter-range-error');
    await page.getByTestId('orphans-filter-clear').click();
    await expect(page.getByTestId('orphans-filter-created-to-error')).toHaveCount(0);
    await expect.poll(async () => (await listed()).length).toBe(Math.min(50, orphanIdsWhere('1').length));
  },

  'an unfinished run of the server edition says what it is in the history and its detail, with no end or duration, and a retry where its type can run here': async ({
    dataDir,
    launch,
  }) => {
    // Enough runs for unfinished ones of every kind in businesses: started or only queued, of a type this app knows or not.
    createLegacyDatabase(dataDir.dbPath, { revision: 'tenant', businesses: 4, users: 12, runs: 200, seed: 5 });
    const app = await launch();
    const { page } = app;
    const sqlite = app.db.sqlite;
    type Unfinished = { id: number; legacyId: string };
    const unfinished = (condition: string) =>
      sqlite
        .prepare(`SELECT id, legacy_id AS legacyId FROM job_runs WHERE status = 'unfinished' AND business_id IS NOT NULL AND ${condition} ORDER BY id LIMIT 1`)
        .get() as Unfinished | undefined;
    const hadStarted = unfinished("started_at IS NOT NULL AND finished_at IS NULL AND duration_ms IS NULL AND job_type <> 'diagnostics.probe'");
    const queued = unfinished("started_at IS NULL AND job_type <> 'diagnostics.probe'");
    const probe = unfinished("job_type = 'diagnostics.probe'");
    if (!hadStarted || !queued || !probe) throw new Error('the fixture lacks an unfinished run of some kind');
    const stored = (id: number) => sqlite.prepare('SELECT status, started_at AS startedAt, finished_at AS finishedAt, duration_ms AS durationMs FROM job_runs WHERE id = ?').get(id);
    const probeBefore = stored(probe.id);
    await signInAsAdmin(app);

    // The history of the server edition's year, unfinished runs only, narrowed to one run by its server-edition id.
    const openFromHistory = async (run: Unfinished) => {
      await page.getByTestId('filter-search').fill(run.legacyId);
      await expect.poll(() => runIds(page, 'history-row-')).toEqual([run.id]);
      await expectHistoryLoaded(page);
      await page.getByTestId(`history-row-${run.id}`).click();
      await expect(page.getByTestId('run-detail')).toHaveAttribute('data-run-id', String(run.id));
    };
    await page.getByTestId('time-range').getByText('Custom').click();
    // Longer than the stats cover: main is not asked for them, and the view says so.
    await page.getByTestId('range-from').fill('2020-01-01');
    await expect(page.getByTestId('stats-range-too-long')).toBeVisible();
    await page.getByTestId('range-from').fill('2025-01-01');
    await page.getByTestId('range-to').fill('2025-12-31');
    await expect(page.getByTestId('stats-range-too-long')).toHaveCount(0);
    await chooseOption(page, page.getByTestId('filter-status'), 'unfinished (server edition)');
    await page.keyboard.press('Escape');
    await expectHistoryLoaded(page);
    const shown = await runIds(page, 'history-row-');
    expect(shown.length).toBeGreaterThan(2);
    for (const id of shown.slice(0, 5)) await expect(page.getByTestId(`history-row-${id}`)).toHaveAttribute('data-status', 'unfinished');
    await app.screenshot('history-unfinished');

    // It had started there: when, and that no end was recorded; no duration; its type has no handler here.
    await openFromHistory(hadStarted);
    const detail = page.getByTestId('run-detail');
    await expect(page.getByTestId('run-status')).toHaveText('unfinished (server edition)');
    await expect(page.getByTestId('run-unfinished')).toContainText('It had started there at');
    await expect(page.getByTestId('run-unfinished')).toContainText('and no end was recorded. This app never runs or times it.');
    await expect(detail).not.toContainText('Duration');
    await expect(page.getByTestId('run-unfinished')).toContainText('this app has no handler for its job type');
    await expect(page.getByTestId('run-retry')).toHaveCount(0);
    await app.screenshot('run-detail-unfinished');
    await page.keyboard.press('Escape');

    await openFromHistory(queued);
    await expect(page.getByTestId('run-unfinished')).toContainText('It was queued there');
    await page.keyboard.press('Escape');

    // A type this app knows: Retry makes a new run of this app, linked to it; the unfinished run stays as it was.
    await openFromHistory(probe);
    await expect(page.getByTestId('run-unfinished')).toContainText('Retry runs it again here as a new run');
    await page.getByTestId('run-retry').click();
    await expect(page.getByTestId('run-retry-of')).toHaveText(`#${probe.id}`);
    await expect(detail).not.toHaveAttribute('data-run-id', String(probe.id));
    expect(stored(probe.id)).toEqual(probeBefore);
    for (const run of [hadStarted, queued]) expect(stored(run.id)).toMatchObject({ status: 'unfinished', finishedAt: null });
  },
};
