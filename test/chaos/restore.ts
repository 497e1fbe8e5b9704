// Kills during the CLI's `restore <backup> --yes`. The live file starts with a commit that is only in its WAL (copied
// while the connection that made it was open, as a crash leaves it), so the swap must deal with the -wal. What must
// hold: the file is the old one, whole (its WAL's commit included), or the restored one, whole (the backup's rows
// and exactly one backup.restored event), never a mix; the backup itself is never written; a result the CLI printed
// is in the file; after the next start nothing half-way is left (no restoring copy, no pending backup), and a
// restored file's event names the previous file's backup, which holds the old file.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { copyDatabaseFile, ensureDataset } from '../../bench/dataset';
import { openAppDatabase } from '../../src-main/startup';
import { CLI_ENTRY, MIGRATIONS_FOLDER, runChild, type KillPlan } from './child';
import { fileChecks, rollupChecks, sameRows, withFile } from './checks';
import { phaseTally, unkilledProblems, type TrialContext, type TrialKind, type TrialOutcome } from './trial';

export interface RestoreFixture {
  /** The live file and its -wal, holding one commit the file itself does not have yet. */
  live: string;
  /** The live file as any open sees it (its WAL replayed): what "the old file, whole" means. */
  liveReference: string;
  /** The backup to restore, and its hash. */
  backup: string;
  backupSha: string;
}

const BACKUP_NAME = 'automation.db.before-delete-orphans.2026-03-04T05-06-07-000Z.backup';
const MARKER = "SELECT count(*) FROM businesses WHERE name = 'Written just before the restore'";
const TABLES = ['businesses', 'users', 'job_runs'] as const;

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

async function prepare(context: TrialContext): Promise<RestoreFixture> {
  const dataDir = path.join(context.dir, 'data');
  const dataset = (name: string, seed: number, runs: number, businesses: number) =>
    ensureDataset(
      { runs, businesses, orphanShare: 0.2, systemShare: 0.01, days: 60, zipf: 1, seed },
      { dataDir, migrationsFolder: MIGRATIONS_FOLDER, name, log: context.log },
    );
  const [live, backup] = [await dataset('restore-live', 4, context.runs, 8), await dataset('restore-backup', 5, Math.ceil(context.runs / 2), 5)];
  const fixture = path.join(dataDir, 'restore-live.db');
  copyDatabaseFile(live.file, fixture);
  const sqlite = new Database(fixture);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('wal_autocheckpoint = 0');
    sqlite.prepare("INSERT INTO businesses (name, created_at) VALUES ('Written just before the restore', 1767225600000)").run();
    // Copied while the connection is open: the commit is in the -wal alone.
    copyDatabaseFile(fixture, path.join(dataDir, 'restore-live-snapshot.db'));
  } finally {
    sqlite.close();
  }
  const snapshot = path.join(dataDir, 'restore-live-snapshot.db');
  if (!fs.existsSync(`${snapshot}-wal`)) throw new Error('The restore fixture should hold a commit in its -wal alone');
  return { live: snapshot, liveReference: fixture, backup: backup.file, backupSha: sha256(backup.file) };
}

function auditEvents(sqlite: Database.Database, action: string): { details: string }[] {
  return sqlite.prepare('SELECT details FROM audit_events WHERE action = ?').all(action) as { details: string }[];
}

/** Old (the live file's rows, its WAL's commit included, no restore event), restored (the backup's rows, one event), or a mix. */
export function judgeFile(sqlite: Database.Database, fixture: RestoreFixture, outcome: TrialOutcome, acknowledged: boolean): void {
  const same = (reference: string) =>
    TABLES.flatMap((table) => sameRows(table, sqlite, reference, table, { columns: '*', where: '1' }));
  const restoreEvents = auditEvents(sqlite, 'backup.restored');
  const asOld = same(fixture.liveReference);
  if (asOld.length === 0 && restoreEvents.length === 0) {
    outcome.state = 'old';
    if (sqlite.prepare(MARKER).pluck().get() !== 1) outcome.problems.push("the old file lost the commit that was in its -wal");
    if (acknowledged) outcome.problems.push('the CLI said the backup was restored, but the file is the old one');
    return;
  }
  const asRestored = same(fixture.backup);
  if (asRestored.length === 0 && restoreEvents.length === 1) {
    outcome.state = 'restored';
    return;
  }
  outcome.state = 'mix';
  outcome.problems.push(`neither the old file nor the restored one (${restoreEvents.length} restore events): ${[...asOld, ...asRestored].slice(0, 4).join('; ')}`);
}

/** After the next start: no copy or pending backup is left, and a restored file names a backup that holds the old file. */
function judgeLeftovers(trialDir: string, file: string, fixture: RestoreFixture, outcome: TrialOutcome): void {
  const backups = path.join(trialDir, 'backups');
  const names = [...fs.readdirSync(trialDir), ...(fs.existsSync(backups) ? fs.readdirSync(backups) : [])];
  const halfWay = names.filter((name) => name.includes('.restoring-') || name.includes('.pending-'));
  if (halfWay.length > 0) outcome.problems.push(`after the next start, half-way files are left: ${halfWay.join(', ')}`);
  const previous = names.filter((name) => name.startsWith('before-restore-') && name.endsWith('.db'));
  if (outcome.state === 'old') {
    outcome.tallies['backups of an unfinished restore left after the next start'] = previous.length;
    return;
  }
  const [event] = withFile(file, (sqlite) => auditEvents(sqlite, 'backup.restored'));
  const named = event ? (JSON.parse(event.details) as { backupPath?: string }).backupPath : undefined;
  if (!named || !fs.existsSync(named)) {
    outcome.problems.push(`the restore event names the previous file's backup ${named ?? '(none)'}, which is not there`);
    return;
  }
  const differing = withFile(named, (sqlite) => TABLES.flatMap((table) => sameRows(table, sqlite, fixture.liveReference, table, { columns: '*', where: '1' })));
  if (differing.length > 0) outcome.problems.push(`the previous file's backup is not the old file: ${differing.join('; ')}`);
}

/**
 * Half the kills aimed at the swap, which lasts a few milliseconds of the whole: a tenth of the planned delay after
 * the CLI says it is putting the backup in place (its checkpoint, leaving WAL mode, the rename).
 */
function aim(kill: KillPlan | null, random: () => number): { kill: KillPlan | null; begun: RegExp; label: string } {
  if (kill?.from === 'begun' && random() < 0.5) {
    return { kill: { from: 'begun', delayMs: Math.round(kill.delayMs / 10) }, begun: /^Putting the backup in place…$/m, label: 'restore --yes (at the swap)' };
  }
  return { kill, begun: /^Backing up the current database…$/m, label: 'restore --yes' };
}

const trial: TrialKind<RestoreFixture>['trial'] = async (_context, fixture, trialDir, random, planned) => {
  const file = path.join(trialDir, 'automation.db');
  copyDatabaseFile(fixture.live, file);
  const backup = path.join(trialDir, BACKUP_NAME);
  fs.copyFileSync(fixture.backup, backup);
  const { kill, begun, label } = aim(planned, random);
  const run = await runChild({
    script: CLI_ENTRY,
    args: ['restore', BACKUP_NAME, '--db', file, '--yes'],
    begun,
    ended: /^Restored .+ over /m,
    kill,
    timeoutMs: 180_000,
  });
  const outcome: TrialOutcome = { label, run, state: 'unknown', problems: unkilledProblems(run), tallies: phaseTally(run) };
  withFile(file, (sqlite) => {
    outcome.problems.push(...fileChecks(sqlite));
    judgeFile(sqlite, fixture, outcome, run.endedAtMs !== null);
  });
  if (sha256(backup) !== fixture.backupSha) outcome.problems.push('the backup itself was written');
  if (outcome.state === 'mix') return outcome;
  const { db } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER });
  try {
    outcome.problems.push(...[...fileChecks(db.sqlite), ...rollupChecks(db.sqlite)].map((p) => `after the next start: ${p}`));
  } finally {
    db.close();
  }
  judgeLeftovers(trialDir, file, fixture, outcome);
  return outcome;
};

export const restoreTrialKind: TrialKind<RestoreFixture> = { name: 'restore', prepare, trial };
