// Kills during adoption of a server-edition file by the CLI (`migrate --yes`). What must hold: the file is the
// server-edition file byte for byte (and the next start adopts it whole), or it is wholly adopted: the same
// businesses, users and runs as an uninterrupted adoption of the same file, the schema and indexes complete, the
// original kept as the backup, its checks passing and its rollups equal to a recount.
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { openAppDatabase } from '../../src-main/startup';
import { createLegacyDatabase } from '../helpers/legacy-fixtures';
import { CLI_ENTRY, MIGRATIONS_FOLDER, runChild } from './child';
import { sha256 } from '../adoption/support';
import { columnsExcept, fileChecks, rollupChecks, sameRows, withFile } from './checks';
import { phaseTally, unkilledProblems, type TrialContext, type TrialKind, type TrialOutcome } from './trial';

interface LegacyFixture {
  file: string;
  sha256: string;
  /** The file an uninterrupted adoption gives: the first (calibration) trial's, once it has run. */
  reference: string | null;
}

/**
 * The adopted file holds what the reference adoption holds, except when each was adopted: a row the server edition
 * gave no creation time is created at its adoption's time (its audit event's), compared as that name.
 */
function sameAsReference(sqlite: Database.Database, reference: string | null): string[] {
  if (!reference) return [];
  const rows = (table: string) => {
    const kept = columnsExcept(sqlite, table, ['created_at']);
    const columns = (schema: string) =>
      `${kept}, CASE WHEN created_at = (SELECT at FROM ${schema}.audit_events WHERE action = 'database.adopt_legacy') THEN 'adopted at' ELSE created_at END`;
    return sameRows(`adopted ${table}`, sqlite, reference, table, { columns, where: '1' });
  };
  const schema = { columns: 'type, name, tbl_name, sql', where: "name NOT LIKE 'sqlite_%'" };
  return [...rows('businesses'), ...rows('users'), ...rows('job_runs'), ...sameRows('the schema (tables, indexes, triggers)', sqlite, reference, 'sqlite_master', schema)];
}

async function prepare(context: TrialContext): Promise<LegacyFixture> {
  const file = path.join(context.dir, 'data', 'legacy.db');
  context.log(`Building a server-edition file of ${context.runs.toLocaleString('en-US')} runs…`);
  createLegacyDatabase(file, { revision: 'tenant', runs: context.runs, businesses: 20, seed: 3, keepRuns: false });
  return { file, sha256: sha256(file), reference: null };
}

/** Opens the file as the next start would (adopting a server-edition file it finds, as `migrate --yes` does) and checks it. */
async function nextStart(file: string, reference: string | null): Promise<string[]> {
  const { db } = await openAppDatabase(file, { migrationsFolder: MIGRATIONS_FOLDER, confirmAdoption: () => true });
  try {
    const problems = [...fileChecks(db.sqlite), ...rollupChecks(db.sqlite), ...sameAsReference(db.sqlite, reference)];
    return problems.map((p) => `after the next start: ${p}`);
  } finally {
    db.close();
  }
}

const trial: TrialKind<LegacyFixture>['trial'] = async (context, fixture, trialDir, _random, kill) => {
  const file = path.join(trialDir, 'automation.db');
  fs.copyFileSync(fixture.file, file);
  const run = await runChild({
    script: CLI_ENTRY,
    args: ['migrate', '--db', file, '--yes'],
    begun: /^Checking the server-edition data…$/m,
    ended: /^Converted the server-edition database /m,
    kill,
    timeoutMs: 180_000,
  });
  const outcome: TrialOutcome = { label: 'migrate --yes', run, state: 'unknown', problems: unkilledProblems(run), tallies: phaseTally(run) };
  const backupsFolder = path.join(trialDir, 'backups');
  const backups = () => (fs.existsSync(backupsFolder) ? fs.readdirSync(backupsFolder).filter((name) => name.endsWith('.db')) : []);

  if (sha256(file) === fixture.sha256) {
    outcome.state = 'untouched';
    if (run.endedAtMs !== null) outcome.problems.push('the CLI said the file was converted, but it is the server-edition file as it was');
    outcome.tallies['left untouched, adopted at the next start'] = 1;
  } else {
    const adopted = withFile(file, (sqlite) => sqlite.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'alembic_version'").pluck().get() === 0);
    outcome.state = adopted ? 'adopted' : 'partial';
    if (!adopted) outcome.problems.push('the file is neither the server-edition file as it was nor an adopted file');
    const kept = backups().filter((name) => sha256(path.join(backupsFolder, name)) === fixture.sha256);
    if (adopted && kept.length !== 1) outcome.problems.push(`the adopted file should keep the original as one backup, found ${kept.length}`);
    if (adopted) outcome.problems.push(...withFile(file, fileChecks));
  }
  if (outcome.state === 'partial') return outcome;
  outcome.problems.push(...(await nextStart(file, fixture.reference)));
  if (!fixture.reference && outcome.problems.length === 0) {
    fixture.reference = path.join(context.dir, 'data', 'adopted-reference.db');
    fs.copyFileSync(file, fixture.reference);
  }
  const leftovers = fs.readdirSync(trialDir).filter((name) => name.includes('.adopting'));
  if (leftovers.length > 0) outcome.problems.push(`after the next start, a half-built file is still there: ${leftovers.join(', ')}`);
  return outcome;
};

export const adoptionTrialKind: TrialKind<LegacyFixture> = { name: 'adoption', prepare, trial };
