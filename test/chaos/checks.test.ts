// The chaos trials' judges bite: each fault a kill could leave (a broken key, a rollup out of step, a row changed,
// half an operation, a committed row or change missing, a file half old and half restored) is reported, and a sound
// file passes.
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyDatabaseFile, ensureDataset } from '../../bench/dataset';
import { tempDir } from '../helpers/temp';
import { differingRows, fileChecks, rollupChecks, withFile } from './checks';
import { MIGRATIONS_FOLDER } from './child';
import { judgeSelection, type Judged, type OrphanFixture } from './orphans';
import { judgeFile, type RestoreFixture } from './restore';
import { lostRows, readAcknowledged } from './runner';
import type { TrialOutcome } from './trial';

let fixture: OrphanFixture;

beforeAll(async () => {
  const dataDir = fs.mkdtempSync(path.join(path.dirname(tempDir()), 'automation-chaos-checks-'));
  const params = { runs: 400, businesses: 3, orphanShare: 0.5, systemShare: 0.05, days: 10, zipf: 1, seed: 9 };
  const { file, manifest } = await ensureDataset(params, { dataDir, migrationsFolder: MIGRATIONS_FOLDER, name: 'orphans', log: () => {} });
  const orphanIds = withFile(file, (sqlite) => {
    // A retry of an orphan, so that deleting the orphans must clear a reference.
    sqlite.prepare("UPDATE job_runs SET retry_of_run_id = (SELECT min(id) FROM job_runs WHERE business_id IS NULL AND scope = 'business') WHERE id = (SELECT max(id) FROM job_runs WHERE business_id IS NOT NULL)").run();
    return sqlite.prepare("SELECT id FROM job_runs WHERE scope = 'business' AND business_id IS NULL ORDER BY id").pluck().all() as number[];
  });
  fixture = { file, orphanIds, businessIds: manifest.businesses.map((b) => b.id) };
  return () => fs.rmSync(dataDir, { recursive: true, force: true });
});

/** A copy of the fixture, changed by `plant` the way a broken operation could have left it. */
function plantedCopy(plant: (sqlite: Database.Database) => void): string {
  const file = path.join(tempDir(), 'automation.db');
  copyDatabaseFile(fixture.file, file);
  withFile(file, (sqlite) => {
    sqlite.pragma('foreign_keys = OFF');
    plant(sqlite);
  });
  return file;
}

function judge(file: string, judged: Partial<Judged> = {}): TrialOutcome {
  const outcome = { label: '', run: null as never, state: 'unknown', problems: [], tallies: {} } satisfies TrialOutcome;
  const selected = JSON.stringify(fixture.orphanIds);
  withFile(file, (sqlite) =>
    judgeSelection(sqlite, { operation: 'delete', fixture, selected, businessId: fixture.businessIds[0]!, auditBefore: 0, acknowledged: false, ...judged }, outcome),
  );
  return outcome;
}

const deleteOrphans = (sqlite: Database.Database, ids: number[]) =>
  sqlite.prepare('DELETE FROM job_runs WHERE id IN (SELECT value FROM json_each(?))').run(JSON.stringify(ids));
const auditDelete = (sqlite: Database.Database) =>
  sqlite.prepare("INSERT INTO audit_events (at, actor_label, action) VALUES (1, 'cli', 'orphans.delete')").run();

describe('the checks on a file a kill left', () => {
  it('pass a sound file, and find nothing different from itself', () => {
    const file = plantedCopy(() => {});
    expect(withFile(file, fileChecks)).toEqual([]);
    expect(withFile(file, rollupChecks)).toEqual([]);
    expect(withFile(file, (sqlite) => differingRows(sqlite, fixture.file, 'job_runs', { columns: '*', where: '1' }))).toBe(0);
  });

  it('report a run whose business is missing, a rollup out of step, and a changed row', () => {
    const file = plantedCopy((sqlite) => {
      sqlite.prepare('UPDATE job_runs SET business_id = 9999 WHERE id = (SELECT min(id) FROM job_runs WHERE business_id IS NOT NULL)').run();
      sqlite.prepare('UPDATE job_run_counts SET runs = runs + 1 WHERE rowid = (SELECT min(rowid) FROM job_run_counts)').run();
    });
    expect(withFile(file, fileChecks)).toEqual([expect.stringMatching(/^foreign_key_check: /)]);
    expect(withFile(file, rollupChecks).some((p) => p.startsWith('run count drift'))).toBe(true);
    expect(withFile(file, (sqlite) => differingRows(sqlite, fixture.file, 'job_runs', { columns: '*', where: '1' }))).toBe(2);
  });
});

describe('judging an orphan operation', () => {
  it('calls a file without the operation untouched, and one with all of it and its audit event done', () => {
    expect(judge(plantedCopy(() => {}))).toMatchObject({ state: 'untouched', problems: [] });
    const deleted = plantedCopy((sqlite) => {
      // As the product deletes: a retry of a deleted run loses its reference (ON DELETE SET NULL).
      sqlite.pragma('foreign_keys = ON');
      deleteOrphans(sqlite, fixture.orphanIds);
      auditDelete(sqlite);
    });
    const auditBefore = withFile(fixture.file, (s) => s.prepare('SELECT count(*) FROM audit_events').pluck().get() as number);
    expect(judge(deleted, { auditBefore })).toMatchObject({ state: 'done', problems: [] });

    // Deleted without clearing the retry's reference to a deleted orphan: that run changed otherwise than a delete changes it.
    const dangling = plantedCopy((sqlite) => {
      deleteOrphans(sqlite, fixture.orphanIds);
      auditDelete(sqlite);
    });
    expect(judge(dangling, { auditBefore }).problems).toEqual([`runs outside the selection: 2 rows differ from ${path.basename(fixture.file)}'s`]);
  });

  it('fails half an operation, a change the CLI reported but the file lacks, and a run outside the selection changed', () => {
    const half = judge(plantedCopy((sqlite) => deleteOrphans(sqlite, fixture.orphanIds.slice(0, 10))));
    expect(half.state).toBe('partial');
    expect(half.problems).toEqual([expect.stringContaining(`a partial delete: of ${fixture.orphanIds.length} selected orphans`)]);

    expect(judge(plantedCopy(() => {}), { acknowledged: true }).problems).toEqual([expect.stringContaining('a committed change was lost')]);

    const other = judge(plantedCopy((sqlite) => sqlite.prepare("UPDATE job_runs SET status = 'failed' WHERE id = (SELECT min(id) FROM job_runs WHERE business_id IS NOT NULL)").run()));
    expect(other.problems).toEqual(['runs outside the selection: 2 rows differ from ' + path.basename(fixture.file) + "'s"]);
  });
});

describe('judging a runner trial', () => {
  it('reports a run whose creation or outcome was acknowledged but is not in the file, and ignores a line the kill cut short', () => {
    const file = plantedCopy(() => {});
    const [first, second] = withFile(file, (sqlite) => sqlite.prepare('SELECT id, status FROM job_runs ORDER BY id LIMIT 2').all()) as { id: number; status: string }[];
    const ackFile = path.join(path.dirname(file), 'acknowledged.txt');
    fs.writeFileSync(ackFile, `created ${first!.id}\nfinished ${second!.id} ${second!.status}\ncreated 99999\nfinished ${first!.id} cancelled\ncreated 88888`);
    const acknowledged = readAcknowledged(ackFile);
    expect(acknowledged.created).toEqual(new Set([first!.id, 99999]));
    expect(lostRows(file, acknowledged)).toEqual([
      'run 99999 was created (committed) but is gone',
      `run ${first!.id} finished cancelled (committed) but is ${first!.status}`,
    ]);
  });
});

describe('judging a restore', () => {
  const marker = (sqlite: Database.Database) =>
    sqlite.prepare("INSERT INTO businesses (name, created_at) VALUES ('Written just before the restore', 1767225600000)").run();
  const restoredEvent = (sqlite: Database.Database) =>
    sqlite.prepare("INSERT INTO audit_events (at, actor_label, action) VALUES (1, 'cli', 'backup.restored')").run();

  function judgeRestore(file: string, restore: RestoreFixture, acknowledged = false): TrialOutcome {
    const outcome = { label: '', run: null as never, state: 'unknown', problems: [], tallies: {} } satisfies TrialOutcome;
    withFile(file, (sqlite) => judgeFile(sqlite, restore, outcome, acknowledged));
    return outcome;
  }

  it('tells the old file and the restored one apart, and fails a mix of the two or an acknowledged restore the file lacks', () => {
    const live = plantedCopy(marker);
    const backup = plantedCopy((sqlite) => deleteOrphans(sqlite, fixture.orphanIds));
    const restore: RestoreFixture = { live, liveReference: live, backup, backupSha: '' };
    expect(judgeRestore(plantedCopy(marker), restore)).toMatchObject({ state: 'old', problems: [] });
    const restored = path.join(tempDir(), 'automation.db');
    copyDatabaseFile(backup, restored);
    withFile(restored, restoredEvent);
    expect(judgeRestore(restored, restore)).toMatchObject({ state: 'restored', problems: [] });

    // The backup's runs, the old file's businesses: half of each.
    const mix = plantedCopy((sqlite) => {
      marker(sqlite);
      deleteOrphans(sqlite, fixture.orphanIds);
      restoredEvent(sqlite);
    });
    expect(judgeRestore(mix, restore)).toMatchObject({ state: 'mix', problems: [expect.stringContaining('neither the old file nor the restored one')] });
    expect(judgeRestore(plantedCopy(marker), restore, true).problems).toEqual(['the CLI said the backup was restored, but the file is the old one']);
  });
});
