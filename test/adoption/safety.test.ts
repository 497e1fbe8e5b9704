// Adoption is all or nothing, happens once, and says what it is doing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { TaskProgress } from '../../src-shared/progress';
import { assertChecksHold, checkPass, copyRunsSql, keptWhileCopyingRuns, LEGACY_SCHEMA, RUN_CHUNK_SIZE } from '../../src-main/adoption/copy';
import { loadMigrations, runMigrationStatements } from '../../src-main/db/migrations';
import { openAppDatabase, StartupError } from '../../src-main/startup';
import { createLegacyDatabase } from '../helpers/legacy-fixtures';
import { MIGRATIONS_FOLDER, tempDir } from '../helpers/temp';
import { ADOPTED_AT, backupsIn, dumpDatabase, sha256 } from './support';

const PHASES = [
  'Checking the server-edition data',
  'Copying businesses',
  'Copying users',
  'Copying runs',
  'Finishing',
  'Backing up',
  'Counting the statistics',
  'Preparing the sorted history',
  'Building indexes',
];

function legacyFile(runs = 400) {
  const dir = tempDir();
  return { dir, fixture: createLegacyDatabase(path.join(dir, 'automation.db'), { revision: 'tenant', runs, seed: 11 }) };
}

describe('adoption happens once', () => {
  it('leaves a file that opens again as an ordinary database, without adopting twice', async () => {
    const { dir, fixture } = legacyFile();
    const first = await openAppDatabase(fixture.path, { migrationsFolder: MIGRATIONS_FOLDER, now: () => ADOPTED_AT });
    first.db.close();
    const adopted = dumpDatabase(fixture.path);

    let asked = false;
    const second = await openAppDatabase(fixture.path, {
      migrationsFolder: MIGRATIONS_FOLDER,
      confirmAdoption: () => (asked = true),
    });
    second.db.close();

    expect(first.report.adoption).not.toBeNull();
    expect(second.report.adoption).toBeNull();
    expect(second.report.migrated).toBeNull();
    expect(asked).toBe(false);
    expect(dumpDatabase(fixture.path)).toEqual(adopted);
    expect(backupsIn(dir)).toHaveLength(1);
  });

  it('is declined without touching the file', async () => {
    const { dir, fixture } = legacyFile();
    const before = dumpDatabase(fixture.path);
    await expect(
      openAppDatabase(fixture.path, { migrationsFolder: MIGRATIONS_FOLDER, confirmAdoption: () => false }),
    ).rejects.toMatchObject({ reason: 'adoption_declined' });
    expect(dumpDatabase(fixture.path)).toEqual(before);
    expect(backupsIn(dir)).toEqual([]);
  });
});

describe('adoption is all or nothing', () => {
  it('leaves the server-edition file as it was, and nothing beside it, when it fails half-way through copying runs', async () => {
    const { dir, fixture } = legacyFile(RUN_CHUNK_SIZE + 50);
    const before = sha256(fixture.path);
    const copied: number[] = [];

    const failure = await openAppDatabase(fixture.path, {
      migrationsFolder: MIGRATIONS_FOLDER,
      onProgress: (p) => {
        if (p.phase !== 'Copying runs') return;
        copied.push(p.done);
        if (p.done > 0) throw new Error('injected failure after the first chunk');
      },
    }).then(
      () => null,
      (error: unknown) => error,
    );

    expect(copied).toEqual([0, RUN_CHUNK_SIZE]);
    expect(failure).toBeInstanceOf(StartupError);
    expect(failure).toMatchObject({ reason: 'adoption_failed', backupPath: null });
    expect((failure as StartupError).message).toContain('injected failure after the first chunk');
    expect(sha256(fixture.path)).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(['automation.db']);
  });

  it('leaves the server-edition file as it was when the process is killed mid-copy, and adopts it on the next start', async () => {
    const { dir, fixture } = legacyFile(RUN_CHUNK_SIZE + 50);
    const before = sha256(fixture.path);

    const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'crash-child.ts'), fixture.path], {
      cwd: path.resolve(__dirname, '../..'),
      encoding: 'utf8',
    });

    expect(child.signal, child.stderr).toBe('SIGKILL');
    // The old file was only read; the half-built new one beside it is all the crash left.
    expect(sha256(fixture.path)).toBe(before);
    expect(fs.readdirSync(dir).sort()).toEqual(['automation.db', 'automation.db.adopting']);

    const retried = await openAppDatabase(fixture.path, { migrationsFolder: MIGRATIONS_FOLDER, now: () => ADOPTED_AT });
    retried.db.close();
    expect(retried.report.adoption?.runs).toBe(RUN_CHUNK_SIZE + 50);
    expect(backupsIn(dir)).toHaveLength(1);
    expect(sha256(backupsIn(dir)[0]!)).toBe(before);
    expect(fs.existsSync(`${fixture.path}.adopting`)).toBe(false);
  });
});

describe('adoption replaces the file only when nothing else has it open', () => {
  it('stops, leaving the server-edition file as it was, while another connection keeps it open in WAL mode', async () => {
    const dir = tempDir();
    const fixture = createLegacyDatabase(path.join(dir, 'automation.db'), { revision: 'tenant', runs: 50, seed: 4, journalMode: 'wal' });
    const other = new Database(fixture.path, { readonly: true });
    try {
      other.prepare('SELECT count(*) FROM job_runs').get();
      const before = dumpDatabase(fixture.path);
      const failure = await openAppDatabase(fixture.path, { migrationsFolder: MIGRATIONS_FOLDER }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toMatchObject({ reason: 'adoption_failed' });
      expect((failure as StartupError).message).toContain('Another program has');
      expect(dumpDatabase(fixture.path)).toEqual(before);
      expect(backupsIn(dir)).toEqual([]);
      expect(fs.readdirSync(dir).filter((name) => name.includes('.adopting'))).toEqual([]);
    } finally {
      other.close();
    }
    // Once the other program is gone, the next start adopts it.
    const retried = await openAppDatabase(fixture.path, { migrationsFolder: MIGRATIONS_FOLDER, now: () => ADOPTED_AT });
    retried.db.close();
    expect(retried.report.adoption?.runs).toBe(50);
  });
});

describe('adoption reports progress', () => {
  it('goes through every phase in order, with done never above total', async () => {
    const { fixture } = legacyFile(RUN_CHUNK_SIZE * 2 + 7);
    const events: TaskProgress[] = [];
    const { db } = await openAppDatabase(fixture.path, { migrationsFolder: MIGRATIONS_FOLDER, onProgress: (p) => events.push(p) });
    db.close();

    const phases = events.map((e) => e.phase).filter((phase, i, all) => phase !== all[i - 1]);
    expect(phases).toEqual(PHASES);
    for (const e of events) expect(e.done).toBeLessThanOrEqual(e.total);
    const runs = events.filter((e) => e.phase === 'Copying runs');
    expect(runs.map((e) => e.done)).toEqual([0, RUN_CHUNK_SIZE, RUN_CHUNK_SIZE * 2, RUN_CHUNK_SIZE * 2 + 7]);
    for (const phase of PHASES) {
      const last = events.filter((e) => e.phase === phase).at(-1)!;
      expect(last.done, phase).toBe(last.total);
    }
  });
});

describe('copying runs', () => {
  it('looks up businesses and users through indexes, never by scanning per run', () => {
    const legacy = createLegacyDatabase(path.join(tempDir(), 'automation.db'), { revision: 'tenant', runs: 10 });
    const sqlite = new Database(':memory:');
    sqlite.prepare(`ATTACH ? AS ${LEGACY_SCHEMA}`).run(legacy.path);
    runMigrationStatements(sqlite, loadMigrations(MIGRATIONS_FOLDER));

    sqlite.function('adoption_copy_progress', (_rowid: unknown) => 1);
    for (const datetimes of ['fast', 'exact'] as const) {
      const plan = sqlite.prepare(`EXPLAIN QUERY PLAN ${copyRunsSql('tenant', datetimes)}`).all({ every: 1, adoptedAt: 0 }) as { detail: string }[];
      const details = plan.map((p) => p.detail);
      // One pass over the legacy runs, one sort into created_at order.
      expect(details).toContain('SCAN r');
      expect(details).toContain('USE TEMP B-TREE FOR ORDER BY');
      expect(details.some((d) => /^SEARCH b USING .*INDEX businesses_legacy_id_unique \(legacy_id=\?\)/.test(d))).toBe(true);
      expect(details.some((d) => /^SEARCH by_id USING .*INDEX users_legacy_id_unique \(legacy_id=\?\)/.test(d))).toBe(true);
      expect(details.some((d) => /^SEARCH by_email USING .*INDEX users_email_unique \(email=\?\)/.test(d))).toBe(true);
      expect(details.filter((d) => d.startsWith('SCAN'))).toEqual(['SCAN r']);
    }
    sqlite.close();
  });

  it('keeps, while it copies, the partial indexes no adopted run enters and the ones it fills in created_at order', () => {
    const sqlite = new Database(':memory:');
    runMigrationStatements(sqlite, loadMigrations(MIGRATIONS_FOLDER));
    const indexes = sqlite
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'job_runs' AND sql IS NOT NULL ORDER BY name")
      .all() as { name: string; sql: string }[];
    expect(indexes).toHaveLength(14);
    expect(indexes.filter((index) => keptWhileCopyingRuns(sqlite, index)).map((index) => index.name)).toEqual([
      'job_runs_business_created_idx',
      'job_runs_cancelled_by_user_idx',
      'job_runs_created_idx',
      'job_runs_rerun_of_idx',
      'job_runs_retry_of_idx',
      'job_runs_schedule_idx',
    ]);
    sqlite.close();
  });

  it('verifies the CHECK constraints it skipped row by row', () => {
    // What adoption does with the pass, on one connection (adoption runs its SQL on a worker).
    const verifyCheckConstraints = (sqlite: Database.Database, table: string, over?: ReadonlySet<string>) => {
      const pass = checkPass(sqlite, table, over);
      if (pass) assertChecksHold(pass, Object.values(sqlite.prepare(pass.sql).get() as Record<string, number>));
    };
    const sqlite = new Database(':memory:');
    runMigrationStatements(sqlite, loadMigrations(MIGRATIONS_FOLDER));
    const insert = sqlite.prepare(
      "INSERT INTO job_runs (scope, job_type, status, trigger, result, created_at) VALUES ('business', 'x', ?, 'legacy', ?, 0)",
    );
    insert.run('completed', '{"ok":true}');
    expect(() => verifyCheckConstraints(sqlite, 'job_runs')).not.toThrow();
    sqlite.pragma('ignore_check_constraints = ON');
    insert.run('exploded', 'not json');
    insert.run('completed', 'not json');
    sqlite.pragma('ignore_check_constraints = OFF');
    expect(() => verifyCheckConstraints(sqlite, 'job_runs')).toThrow(
      'CHECK constraint failed after copying job_runs: job_runs_status_valid (1 rows), job_runs_result_json (2 rows)',
    );
    // Limited to the columns that vary by run, it checks only the constraints naming them.
    expect(() => verifyCheckConstraints(sqlite, 'job_runs', new Set(['status']))).toThrow(
      'CHECK constraint failed after copying job_runs: job_runs_status_valid (1 rows)',
    );
    expect(() => verifyCheckConstraints(sqlite, 'job_runs', new Set(['job_type']))).not.toThrow();
    sqlite.close();
  });
});
