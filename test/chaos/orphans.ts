// Kills during the CLI's bulk orphan operations (`delete-orphans`, `assign-orphans`, all orphans or a random
// selection by id). What must hold: the operation happened whole or not at all (every selected orphan still an
// orphan as it was, or every one deleted / assigned, with exactly one audit event); no other run changed; a result
// the CLI printed is in the file; the file passes its checks and its rollups equal a recount.
import path from 'node:path';
import type Database from 'better-sqlite3';
import { copyDatabaseFile, ensureDataset } from '../../bench/dataset';
import { listBackupFiles } from '../../src-main/db/backup-files';
import { openAppDatabase } from '../../src-main/startup';
import { CLI_ENTRY, MIGRATIONS_FOLDER, runChild } from './child';
import { columnsExcept, fileChecks, rollupChecks, sameRows, withFile } from './checks';
import { phaseTally, unkilledProblems, type TrialContext, type TrialKind, type TrialOutcome } from './trial';

export interface OrphanFixture {
  file: string;
  orphanIds: number[];
  businessIds: number[];
}

type Operation = 'delete' | 'assign';

const OPERATIONS = {
  delete: { command: 'delete-orphans', begun: /^Backing up before deleting orphans…$/m, ended: /^Deleted [\d,]+ orphans?\b/m },
  assign: { command: 'assign-orphans', begun: /^Assigning orphans…$/m, ended: /^Assigned [\d,]+ orphans?\b/m },
} as const;

/** The most ids one --ids argument carries (Linux caps one argument at 128 KiB). */
const MAX_IDS = 12_000;

const ORPHANS_SQL = "SELECT id FROM job_runs WHERE scope = 'business' AND business_id IS NULL ORDER BY id";

async function prepare(context: TrialContext): Promise<OrphanFixture> {
  const { file, manifest } = await ensureDataset(
    { runs: context.runs, businesses: 10, orphanShare: 0.5, systemShare: 0.01, days: 90, zipf: 1, seed: 2 },
    { dataDir: path.join(context.dir, 'data'), migrationsFolder: MIGRATIONS_FOLDER, name: 'orphans', log: context.log },
  );
  const orphanIds = withFile(file, (sqlite) => sqlite.prepare(ORPHANS_SQL).pluck().all() as number[]);
  if (orphanIds.length !== manifest.counts.orphans) throw new Error(`The orphan fixture holds ${orphanIds.length} orphans, not ${manifest.counts.orphans}`);
  return { file, orphanIds, businessIds: manifest.businesses.map((b) => b.id) };
}

function pickIds(ids: readonly number[], random: () => number): number[] {
  const pool = [...ids];
  // A quarter of the most to the most: long enough that a kill can land inside it.
  const most = Math.min(pool.length, MAX_IDS);
  const size = Math.ceil(most / 4) + Math.floor(random() * (most - Math.ceil(most / 4) + 1));
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, size).sort((a, b) => a - b);
}

const SELECTED = '(SELECT value FROM json_each(?))';

/** The runs among (or outside) the selection, without the columns the operation may change, against the fixture's. */
function unchangedRuns(what: string, sqlite: Database.Database, fixture: OrphanFixture, selected: string, among: boolean, except: readonly string[]) {
  const where = `id ${among ? '' : 'NOT '}IN ${SELECTED}`;
  return sameRows(what, sqlite, fixture.file, 'job_runs', { columns: columnsExcept(sqlite, 'job_runs', except), where, params: [selected] });
}

/** After a delete, the runs left are the fixture's but that a retry of a deleted run no longer names it (ON DELETE SET NULL). */
function runsLeftByDelete(sqlite: Database.Database, fixture: OrphanFixture, selected: string): string[] {
  const kept = columnsExcept(sqlite, 'job_runs', ['retry_of_run_id']);
  // The ids are digits and commas only: written into the statement, so each side may use them differently.
  const cleared = `CASE WHEN retry_of_run_id IN (SELECT value FROM json_each('${selected}')) THEN NULL ELSE retry_of_run_id END`;
  const columns = (schema: string) => `${kept}, ${schema === 'reference' ? cleared : 'retry_of_run_id'}`;
  return sameRows('runs outside the selection', sqlite, fixture.file, 'job_runs', { columns, where: `id NOT IN ${SELECTED}`, params: [selected] });
}

function auditCount(sqlite: Database.Database): number {
  return sqlite.prepare('SELECT count(*) FROM audit_events').pluck().get() as number;
}

function trialFor(operation: Operation): TrialKind<OrphanFixture>['trial'] {
  return async (_context, fixture, trialDir, random, kill) => {
    const file = path.join(trialDir, 'automation.db');
    copyDatabaseFile(fixture.file, file);
    // The reference run (no kill) takes every orphan, the longest operation, so the kill moments cover every selection.
    const ids = kill === null || random() < 0.5 ? null : pickIds(fixture.orphanIds, random);
    const selected = JSON.stringify(ids ?? fixture.orphanIds);
    const businessId = fixture.businessIds[Math.floor(random() * fixture.businessIds.length)]!;
    const auditBefore = withFile(fixture.file, auditCount);
    const { command, begun, ended } = OPERATIONS[operation];
    const args = [command, '--db', file, '--yes', ...(ids ? ['--ids', ids.join(',')] : ['--all'])];
    if (operation === 'assign') args.push('--business', String(businessId));
    const run = await runChild({ script: CLI_ENTRY, args, begun, ended, kill, timeoutMs: 120_000 });

    const label = `${operation} ${ids ? `--ids (${ids.length.toLocaleString('en-US')})` : `--all (${fixture.orphanIds.length.toLocaleString('en-US')})`}`;
    const outcome: TrialOutcome = { label, run, state: 'unknown', problems: unkilledProblems(run), tallies: phaseTally(run) };
    withFile(file, (sqlite) => {
      outcome.problems.push(...fileChecks(sqlite));
      judgeSelection(sqlite, { operation, fixture, selected, businessId, auditBefore, acknowledged: run.endedAtMs !== null }, outcome);
    });
    // The next start: the app opens the file, and its rollups must equal a recount.
    const { db } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER });
    try {
      outcome.problems.push(...rollupChecks(db.sqlite).map((p) => `after the next start: ${p}`));
    } finally {
      db.close();
    }
    if (operation === 'delete' && outcome.state === 'untouched') {
      // A backup made for a delete that never committed: the next start should have removed it (a tally, not a check).
      const left = listBackupFiles(file).filter((backup) => backup.label === 'before-delete-orphans').length;
      outcome.tallies['backups of an uncommitted delete left after the next start'] = left;
    }
    return outcome;
  };
}

export interface Judged {
  operation: Operation;
  fixture: OrphanFixture;
  /** The selected orphans' ids, as JSON. */
  selected: string;
  businessId: number;
  auditBefore: number;
  /** The CLI printed its result: the change had committed. */
  acknowledged: boolean;
}

/** Untouched (every selected orphan as it was), done (every one deleted or assigned), or partial: a failure. */
export function judgeSelection(sqlite: Database.Database, judged: Judged, outcome: TrialOutcome): void {
  const { operation, fixture, selected, businessId, auditBefore } = judged;
  const counts = sqlite
    .prepare(
      `SELECT count(*) AS present, coalesce(sum(business_id IS NULL), 0) AS orphans,
              coalesce(sum(business_id = ? AND orphaned_from IS NULL), 0) AS assigned
       FROM job_runs WHERE id IN (SELECT value FROM json_each(?))`,
    )
    .get(businessId, selected) as { present: number; orphans: number; assigned: number };
  const total = (JSON.parse(selected) as number[]).length;
  const audit = auditCount(sqlite);
  const problems = outcome.problems;
  if (counts.present === total && counts.orphans === total) {
    outcome.state = 'untouched';
    problems.push(...unchangedRuns('runs outside the selection', sqlite, fixture, selected, false, []));
    problems.push(...unchangedRuns('the selected orphans', sqlite, fixture, selected, true, []));
    if (audit !== auditBefore) problems.push(`the file is untouched but holds ${audit - auditBefore} new audit events`);
    if (judged.acknowledged) problems.push(`the CLI said the ${operation} was done, but the file does not have it: a committed change was lost`);
    return;
  }
  const done = operation === 'delete' ? counts.present === 0 : counts.present === total && counts.assigned === total;
  if (!done) {
    outcome.state = 'partial';
    problems.push(`a partial ${operation}: of ${total} selected orphans, ${counts.present} remain, ${counts.orphans} still orphans, ${counts.assigned} assigned`);
    return;
  }
  outcome.state = 'done';
  if (operation === 'delete') problems.push(...runsLeftByDelete(sqlite, fixture, selected));
  else {
    problems.push(...unchangedRuns('runs outside the selection', sqlite, fixture, selected, false, []));
    problems.push(...unchangedRuns('the assigned runs (but their business)', sqlite, fixture, selected, true, ['business_id', 'orphaned_from']));
  }
  const events = sqlite.prepare('SELECT action FROM audit_events WHERE id > (SELECT coalesce(max(id), 0) - ? FROM audit_events)').pluck().all(audit - auditBefore);
  if (audit !== auditBefore + 1 || events[0] !== `orphans.${operation}`) {
    problems.push(`the ${operation} is done but its audit events are ${JSON.stringify(events)} (expected one orphans.${operation})`);
  }
}

export function orphanTrialKind(operation: Operation): TrialKind<OrphanFixture> {
  return { name: `orphans.${operation}`, prepare, trial: trialFor(operation) };
}

/** One fixture serves both operations: built by the first kind that asks, then shared. */
export function sharedPrepare(kind: TrialKind<OrphanFixture>, shared: { fixture?: Promise<OrphanFixture> }): TrialKind<OrphanFixture> {
  return { ...kind, prepare: (context) => (shared.fixture ??= kind.prepare(context)) };
}
