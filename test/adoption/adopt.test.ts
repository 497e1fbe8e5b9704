// A server-edition database opens as an Automation Console database, with every row kept and mapped.
import { dailyRollupDrift, runCountDrift } from '../../src-main/db/rollup-drift';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { AdoptionReport, LegacyInspection } from '../../src-main/adoption/adopt';
import { META_LEGACY_ADOPTION, readMeta } from '../../src-main/db/meta';
import { readManifest } from '../../src-main/db/backup-record';
import { loadMigrations, planMigrations } from '../../src-main/db/migrations';
import { openAppDatabase } from '../../src-main/startup';
import { JOB_CATALOG } from '../../src-main/jobs/catalog';
import { countOrphansWithSuggestion } from '../../src-main/orphans/suggestions';
import { createLegacyDatabase, type LegacyRevisionName } from '../helpers/legacy-fixtures';
import { MIGRATIONS_FOLDER, tempDir } from '../helpers/temp';
import { adoptedResultMatches, expectedAdoption, isJson, legacyTextToMs } from './expected';
import { ADOPTED_AT, backupsIn, dumpDatabase, editLegacy, sha256, tableCounts } from './support';

interface Row {
  [column: string]: unknown;
}

const REVISIONS: LegacyRevisionName[] = ['pre_tenant', 'tenant', 'cleaned'];

describe.each(REVISIONS)('adopting a server-edition database at revision %s', (revision) => {
  it('keeps every row, maps every field, and reports what it did', async () => {
    const dir = tempDir();
    const fixture = createLegacyDatabase(path.join(dir, 'automation.db'), { revision, runs: 3000, businesses: 15, seed: 7 });
    const inspections: LegacyInspection[] = [];
    const original = dumpDatabase(fixture.path);
    const originalHash = sha256(fixture.path);

    const { db, report } = await openAppDatabase(fixture.path, {
      migrationsFolder: MIGRATIONS_FOLDER,
      now: () => ADOPTED_AT,
      confirmAdoption: (inspection) => {
        inspections.push(inspection);
        return true;
      },
    });
    try {
      const expected = expectedAdoption(fixture, ADOPTED_AT.getTime());
      const all = (sql: string) => db.sqlite.prepare(sql).all() as Row[];
      const businesses = all('SELECT * FROM businesses ORDER BY id');
      const users = all('SELECT * FROM users ORDER BY id');
      const runs = all('SELECT * FROM job_runs ORDER BY id');
      // Copied with the triggers dropped, the rollups are counted once the file is open (before openAppDatabase returns here).
      expect(runCountDrift(db.sqlite)).toEqual([]);
      expect(dailyRollupDrift(db.sqlite)).toEqual([]);
      expect(db.sqlite.prepare('SELECT sum(runs) FROM job_run_counts').pluck().get()).toBe(fixture.runs.length);
      expect(db.sqlite.prepare('SELECT sum(runs) FROM job_run_daily').pluck().get()).toBe(
        db.sqlite.prepare("SELECT count(*) FROM job_runs WHERE status NOT IN ('pending', 'running')").pluck().get(),
      );
      expect(db.sqlite.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'job_runs'").pluck().get()).toBe(31);
      const legacyIdOf = (rows: Row[]) => new Map(rows.map((r) => [r.id as number, r.legacy_id as string]));
      const businessLegacyId = legacyIdOf(businesses);
      const userLegacyId = legacyIdOf(users);
      const lookup = (map: Map<number, string>, id: unknown) => (id === null ? null : (map.get(id as number) ?? `missing ${String(id)}`));

      // The inspection that asked for confirmation described the file.
      const withoutBusiness = fixture.runs.filter((r) => r.business_id == null).length;
      const businessIds = new Set(fixture.businesses.map((b) => b.id));
      expect(inspections).toEqual([
        {
          revision: fixture.alembicRevision,
          shape: revision === 'pre_tenant' ? 'pre_tenant' : 'tenant',
          counts: {
            businesses: fixture.businesses.length,
            users: fixture.users.length,
            runs: fixture.runs.length,
            runsWithoutBusiness: withoutBusiness,
            runsWithMissingBusiness: fixture.runs.filter((r) => r.business_id != null && !businessIds.has(r.business_id)).length,
          },
        },
      ]);

      // Businesses and users arrive in their legacy order, runs in created_at order; every field mapped as the brief says.
      expect(businesses.map((b) => ({ legacy_id: b.legacy_id, name: b.name, created_at: b.created_at }))).toEqual(expected.businesses);
      expect(businesses.every((b) => b.disabled_at === null)).toBe(true);
      expect(
        users.map((u) => ({
          legacy_id: u.legacy_id,
          email: u.email,
          role: u.role,
          businessLegacyId: lookup(businessLegacyId, u.business_id),
          created_at: u.created_at,
        })),
      ).toEqual(expected.users);
      expect(users.every((u) => u.display_name === null && u.disabled_at === null)).toBe(true);

      expect(runs).toHaveLength(expected.runs.length);
      runs.forEach((run, i) => {
        const want = expected.runs[i]!;
        expect({
          legacy_id: run.legacy_id,
          scope: run.scope,
          businessLegacyId: lookup(businessLegacyId, run.business_id),
          orphaned_from: run.orphaned_from,
          job_type: run.job_type,
          status: run.status,
          trigger: run.trigger,
          triggeredByUserLegacyId: lookup(userLegacyId, run.triggered_by_user_id),
          triggered_by: run.triggered_by,
          params: run.params,
          legacyResult: want.legacyResult,
          error: run.error,
          created_at: run.created_at,
          started_at: run.started_at,
          finished_at: run.finished_at,
          duration_ms: run.duration_ms,
        }).toEqual(want);
        expect(adoptedResultMatches(run.result as string | null, want.legacyResult), `result of run ${want.legacy_id}`).toBe(true);
        expect([run.cancelled_by_user_id, run.retry_of_run_id, run.schedule_id, run.progress, run.progress_message]).toEqual([
          null, null, null, null, null,
        ]);
      });

      // The fixture exercised what it claims to (a test that cannot fail is no test).
      expect(expected.renamed.length).toBeGreaterThan(0);
      expect(expected.runs.some((r) => r.triggeredByUserLegacyId !== null && r.triggered_by?.includes('@'))).toBe(true);
      expect(expected.runs.some((r) => r.legacyResult !== null && !isJson(r.legacyResult))).toBe(true);
      if (revision !== 'pre_tenant') expect(expected.runs.some((r) => r.orphaned_from !== null)).toBe(true);

      // The report, the app_meta record and the audit event agree with the data.
      const adoption = report.adoption!;
      expect(adoption).toMatchObject({
        revision: fixture.alembicRevision,
        shape: revision === 'pre_tenant' ? 'pre_tenant' : 'tenant',
        businesses: fixture.businesses.length,
        users: fixture.users.length,
        runs: fixture.runs.length,
        orphans: expected.orphans,
      });
      expect(adoption.orphans).toBe(revision === 'pre_tenant' ? fixture.runs.length : runs.filter((r) => r.business_id === null).length);
      // What the runs became, counted from the fixture: nothing the server edition left unfinished is made to look ended.
      const unfinished = expected.runs.filter((r) => r.status === 'unfinished');
      const outcomes = {
        ended: fixture.runs.length - unfinished.length,
        unfinished: unfinished.length,
        unfinishedStarted: unfinished.filter((r) => r.started_at !== null).length,
        unknownJobTypes: fixture.runs.filter((r) => !JOB_CATALOG.some((type) => type.key === r.job_type)).length,
      };
      expect(adoption.runOutcomes).toEqual({ ...outcomes, orphansWithSuggestion: countOrphansWithSuggestion(db) });
      expect(adoption.runOutcomes!.orphansWithSuggestion).toBeGreaterThan(0);
      expect(outcomes.unfinished).toBeGreaterThan(0);
      expect(outcomes.unknownJobTypes).toBeLessThan(fixture.runs.length);
      for (const rename of expected.renamed) expect(adoption.notes.some((n) => n.includes(JSON.stringify(rename.to)))).toBe(true);
      expect(adoption.notes.some((n) => n.includes('no creation time'))).toBe(fixture.businesses.some((b) => b.created_at === null));
      expect(readMeta<AdoptionReport>(db, META_LEGACY_ADOPTION)).toEqual(JSON.parse(JSON.stringify(adoption)));

      const audit = all("SELECT * FROM audit_events WHERE action = 'database.adopt_legacy'");
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor_label: 'startup', actor_user_id: null, at: ADOPTED_AT.getTime() });
      expect(JSON.parse(audit[0]!.details as string)).toMatchObject({
        revision: fixture.alembicRevision,
        backupPath: adoption.backupPath,
        businesses: fixture.businesses.length,
        users: fixture.users.length,
        runs: fixture.runs.length,
        orphans: expected.orphans,
        runOutcomes: adoption.runOutcomes,
      });

      // Nothing of the server edition is left, the schema is current and consistent.
      const tables = db.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
      expect(tables).not.toContain('alembic_version');
      expect(tables.filter((t) => String(t).startsWith('legacy_'))).toEqual([]);
      expect(planMigrations(db.sqlite, loadMigrations(MIGRATIONS_FOLDER)).kind).toBe('current');
      expect(db.sqlite.pragma('foreign_key_check')).toEqual([]);
      expect(db.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      // A new file, not the old one converted in place: none of the server edition's pages is left as free space.
      expect(db.sqlite.pragma('freelist_count', { simple: true })).toBe(0);
      expect(report.schemaVersion).toBe(loadMigrations(MIGRATIONS_FOLDER).length);
    } finally {
      db.close();
    }

    // The backup is the server-edition file as it was.
    expect(backupsIn(dir)).toEqual([report.adoption!.backupPath]);
    expect(path.basename(report.adoption!.backupPath)).toContain(`legacy-${fixture.alembicRevision}`);
    expect(tableCounts(report.adoption!.backupPath, ['alembic_version', 'businesses', 'users', 'job_runs'])).toEqual({
      alembic_version: 1,
      businesses: fixture.businesses.length,
      users: fixture.users.length,
      job_runs: fixture.runs.length,
    });
    // The very file, byte for byte, kept under the backup's name; it opens on its own. No half-built file is left.
    expect(sha256(report.adoption!.backupPath)).toBe(originalHash);
    expect(dumpDatabase(report.adoption!.backupPath)).toEqual(original);
    expect(fs.readdirSync(dir).filter((name) => name.includes('.adopting'))).toEqual([]);
    // Its record: that file's checksum and size, no schema version of this app, no counts.
    expect(readManifest(report.adoption!.backupPath)).toMatchObject({
      kind: 'legacy',
      schemaVersion: null,
      counts: null,
      sizeBytes: fs.statSync(report.adoption!.backupPath).size,
      checksum: originalHash,
    });
  });
});

describe('a server-edition file whose -wal holds pages it lacks', () => {
  it('is kept as the backup with those pages written in, and its record has the checksum of the file kept', async () => {
    const dir = tempDir();
    const source = createLegacyDatabase(path.join(dir, 'source.db'), { revision: 'tenant', runs: 200, seed: 3 });
    // A server that stopped without closing its WAL database: a copy of the file and its -wal taken while it was open.
    const server = new Database(source.path);
    server.pragma('journal_mode = WAL');
    server.pragma('wal_autocheckpoint = 0');
    server.exec("UPDATE businesses SET name = name || ' (renamed)'");
    const file = path.join(dir, 'automation.db');
    fs.copyFileSync(source.path, file);
    fs.copyFileSync(`${source.path}-wal`, `${file}-wal`);
    server.close();
    const before = sha256(file);

    const { db, report } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER, now: () => ADOPTED_AT, confirmAdoption: () => true });
    db.close();
    const backup = report.adoption!.backupPath;
    expect(tableCounts(backup, ['businesses']).businesses).toBeGreaterThan(0);
    const kept = new Database(backup, { readonly: true });
    expect(kept.prepare("SELECT count(*) FROM businesses WHERE name NOT LIKE '% (renamed)'").pluck().get()).toBe(0);
    kept.close();
    expect(sha256(backup)).not.toBe(before);
    expect(readManifest(backup)).toMatchObject({ kind: 'legacy', sizeBytes: fs.statSync(backup).size, checksum: sha256(backup) });
  });
});

describe('tables besides the server edition’s', () => {
  it('are carried into the adopted file with their rows, indexes and triggers, and noted', async () => {
    const dir = tempDir();
    const fixture = createLegacyDatabase(path.join(dir, 'automation.db'), { revision: 'tenant', runs: 20, seed: 5 });
    editLegacy(
      fixture.path,
      `CREATE TABLE customer_notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, edits INTEGER NOT NULL DEFAULT 0);
       CREATE INDEX customer_notes_body ON customer_notes (body);
       CREATE TRIGGER customer_notes_edited AFTER UPDATE OF body ON customer_notes BEGIN UPDATE customer_notes SET edits = edits + 1 WHERE id = new.id; END;
       INSERT INTO customer_notes (id, body) VALUES (7, 'call back'), (9, 'VIP');`,
    );

    const { db, report } = await openAppDatabase(fixture.path, { migrationsFolder: MIGRATIONS_FOLDER, now: () => ADOPTED_AT });
    try {
      expect(db.sqlite.prepare('SELECT id, body FROM customer_notes ORDER BY id').all()).toEqual([
        { id: 7, body: 'call back' },
        { id: 9, body: 'VIP' },
      ]);
      const objects = db.sqlite.prepare("SELECT type, name FROM sqlite_master WHERE tbl_name = 'customer_notes' ORDER BY name").all();
      expect(objects).toEqual([
        { type: 'table', name: 'customer_notes' },
        { type: 'index', name: 'customer_notes_body' },
        { type: 'trigger', name: 'customer_notes_edited' },
      ]);
      db.sqlite.prepare("UPDATE customer_notes SET body = 'called' WHERE id = 7").run();
      expect(db.sqlite.prepare('SELECT edits FROM customer_notes WHERE id = 7').pluck().get()).toBe(1);
      expect(report.adoption!.notes).toContain("The table(s) customer_notes are not part of the server edition's data; they were carried over as they were.");
    } finally {
      db.close();
    }
  });
});

describe('legacy datetimes', () => {
  it('round sub-milliseconds half up, including where SQLite alone would not', async () => {
    const dir = tempDir();
    const fixture = createLegacyDatabase(path.join(dir, 'automation.db'), { revision: 'tenant', runs: 0, businesses: 0 });
    const texts = [
      '2026-03-01 14:22:05',
      '2026-03-01 14:22:05.5',
      '2026-03-01 14:22:05.000499',
      '2026-03-01 14:22:05.000500',
      '2026-03-01 14:22:05.284500',
      '2026-03-01 14:22:05.999499',
      '2026-03-01 14:22:05.999500',
      '2026-12-31 23:59:59.9999999',
      '1969-12-31 23:59:59.4',
    ];
    const sqlite = new Database(fixture.path);
    const insert = sqlite.prepare("INSERT INTO job_runs (id, job_type, status, created_at) VALUES (?, 'x', 'done', ?)");
    texts.forEach((text, i) => insert.run(`run-${i}`, text));
    sqlite.close();

    const { db } = await openAppDatabase(fixture.path, { migrationsFolder: MIGRATIONS_FOLDER, now: () => ADOPTED_AT });
    try {
      const adopted = db.sqlite.prepare('SELECT created_at FROM job_runs ORDER BY legacy_id').pluck().all();
      expect(adopted).toEqual(texts.map(legacyTextToMs));
      expect(adopted[6]).toBe(Date.UTC(2026, 2, 1, 14, 22, 6));
    } finally {
      db.close();
    }
    expect(fs.existsSync(fixture.path)).toBe(true);
  });
});
