import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../src-main/cli/main';
import type { AppDatabase } from '../../src-main/db/connection';
import { createTestDatabase, isOrphan, readAuditEvents, readRunOwnership, seedBusiness, seedRuns, seedUser } from '../helpers/seed';
import { cliIo, parseJson, runCli, typedInput } from './run-cli';
import { keptBackupNames } from '../helpers/backups';

/** A database with two businesses, system runs and 5 orphans. It stays open, as the app would be. */
async function databaseWithOrphans() {
  const db = await createTestDatabase();
  const acme = seedBusiness(db, { name: 'Acme Corp', legacyId: '7d4c0a52-acme' });
  const globex = seedBusiness(db, { name: 'Globex' });
  const acmeRuns = seedRuns(db, { kind: 'business', businessId: acme.id }, 4);
  seedRuns(db, { kind: 'business', businessId: globex.id }, 2);
  const systemRuns = seedRuns(db, { kind: 'system' }, 3);
  const orphans = seedRuns(db, { kind: 'orphan' }, 5);
  return { db, acme, globex, acmeRuns, systemRuns, orphans };
}

function orphanCount(db: AppDatabase): number {
  return readRunOwnership(db).filter(isOrphan).length;
}

function backupsOf(db: AppDatabase): string[] {
  return keptBackupNames(db.path);
}

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('cli check', () => {
  it('shows runs per business that has runs (and how many have none), system runs, the orphan count and the newest orphans', async () => {
    const { db, orphans } = await databaseWithOrphans();
    seedBusiness(db, { name: 'Initech' });
    const { code, stdout } = await runCli(['check', '--db', db.path, '--limit', '2']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/4 {2}Acme Corp \(id \d+\)/);
    expect(stdout).toMatch(/2 {2}Globex/);
    expect(stdout).not.toContain('Initech');
    expect(stdout).toContain('and 1 business without runs');
    expect(stdout).toContain('System-wide runs: 3');
    expect(stdout).toContain('Orphans:          5');
    expect(stdout).toContain(`#${orphans[4]} `);
    expect(stdout).toContain(`#${orphans[3]} `);
    expect(stdout).not.toContain(`#${orphans[2]} `);
  });

  it('--json output parses', async () => {
    const { db } = await databaseWithOrphans();
    const { code, stdout } = await runCli(['check', '--db', db.path, '--json']);
    expect(code).toBe(0);
    const { value } = parseJson(stdout);
    expect(value).toMatchObject({ systemRuns: 3, orphans: 5 });
    expect(value!.newestOrphans).toHaveLength(5);
  });
});

describe('cli delete-orphans', () => {
  it('without --yes only previews and changes nothing', async () => {
    const { db } = await databaseWithOrphans();
    const before = readRunOwnership(db);
    const { code, stdout } = await runCli(['delete-orphans', '--all', '--db', db.path]);
    expect(code).toBe(0);
    expect(stdout).toContain('5 orphans would be deleted');
    expect(stdout).toContain('Nothing was changed');
    expect(readRunOwnership(db)).toEqual(before);
    expect(backupsOf(db)).toEqual([]);
  });

  it('needs --all or --ids (exit 2)', async () => {
    const { db } = await databaseWithOrphans();
    const { code, stderr } = await runCli(['delete-orphans', '--db', db.path, '--yes']);
    expect(code).toBe(2);
    expect(stderr).toContain('--all, or --ids');
    expect(orphanCount(db)).toBe(5);
  });

  it('with --yes backs up, deletes every orphan and only orphans, and records one audit event by the cli', async () => {
    const { db, systemRuns } = await databaseWithOrphans();
    const { code, stdout } = await runCli(['delete-orphans', '--all', '--yes', '--db', db.path]);
    expect(code).toBe(0);
    const backupPath = /Backup made first: (.+)$/m.exec(stdout)?.[1];
    expect(stdout).toContain('Deleted 5 orphans');
    expect(fs.existsSync(backupPath!)).toBe(true);
    const runs = readRunOwnership(db);
    expect(runs.filter(isOrphan)).toEqual([]);
    expect(runs.filter((r) => r.scope === 'system').map((r) => r.id)).toEqual(systemRuns);
    expect(runs).toHaveLength(9);
    expect(readAuditEvents(db)).toEqual([{ action: 'orphans.delete', actorLabel: 'cli', businessId: null, details: { count: 5, backupPath } }]);
  });

  it('--json --yes output parses, with the count and the backup path', async () => {
    const { db, orphans } = await databaseWithOrphans();
    const { code, stdout, stderr } = await runCli(['delete-orphans', '--ids', `${orphans[0]},${orphans[1]}`, '--yes', '--json', '--db', db.path]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const { value } = parseJson(stdout);
    expect(value).toMatchObject({ executed: true, deleted: 2 });
    expect(fs.existsSync(value!.backupPath as string)).toBe(true);
    expect(orphanCount(db)).toBe(3);
  });

  it('typed confirmation on a terminal: the exact phrase deletes', async () => {
    const { db } = await databaseWithOrphans();
    const { code, stderr } = await runCli(['delete-orphans', '--all', '--db', db.path], { isTTY: true, stdin: 'delete 5 orphans\n' });
    expect(code).toBe(0);
    expect(stderr).toContain('type "delete 5 orphans"');
    expect(orphanCount(db)).toBe(0);
  });

  it.each([['yes\n'], ['delete 4 orphans\n'], ['Delete 5 Orphans\n'], ['']])(
    'typed confirmation on a terminal: a wrong phrase (%j) changes nothing and exits 3',
    async (typed) => {
      const { db } = await databaseWithOrphans();
      const before = readRunOwnership(db);
      const { code, stderr } = await runCli(['delete-orphans', '--all', '--db', db.path], { isTTY: true, stdin: typed });
      expect(code).toBe(3);
      expect(stderr).toContain('nothing was changed');
      expect(readRunOwnership(db)).toEqual(before);
      expect(readAuditEvents(db)).toEqual([]);
      expect(backupsOf(db)).toEqual([]);
    },
  );

  it('refuses when the orphans changed since the preview (exit 5), and changes nothing', async () => {
    const { db } = await databaseWithOrphans();
    const stdin = typedInput();
    const { io, out } = cliIo({ isTTY: true, stdin });
    const running = main(['delete-orphans', '--all', '--db', db.path], io);
    await waitFor(() => out.stderr.includes('type "delete 5 orphans"'));
    seedRuns(db, { kind: 'orphan' }, 1);
    stdin.end('delete 5 orphans\n');
    expect(await running).toBe(5);
    expect(out.stderr).toContain('The orphans changed since the preview: expected 5, found 6');
    expect(orphanCount(db)).toBe(6);
    expect(readAuditEvents(db)).toEqual([]);
  });

  it('refuses ids that are not orphans, naming them (exit 1), and changes nothing', async () => {
    const { db, orphans, systemRuns, acmeRuns } = await databaseWithOrphans();
    const before = readRunOwnership(db);
    const ids = [orphans[0], systemRuns[0], acmeRuns[0]].join(',');
    const { code, stderr } = await runCli(['delete-orphans', '--ids', ids, '--yes', '--db', db.path]);
    expect(code).toBe(1);
    expect(stderr).toContain(`Runs ${Math.min(systemRuns[0]!, acmeRuns[0]!)}, ${Math.max(systemRuns[0]!, acmeRuns[0]!)} are not orphans`);
    expect(readRunOwnership(db)).toEqual(before);
  });

  it('with no orphans says there is nothing to delete', async () => {
    const db = await createTestDatabase();
    const { code, stdout } = await runCli(['delete-orphans', '--all', '--yes', '--db', db.path]);
    expect(code).toBe(0);
    expect(stdout).toContain('nothing to delete');
    expect(backupsOf(db)).toEqual([]);
  });
});

describe('cli assign-orphans', () => {
  it('without --yes only previews and changes nothing', async () => {
    const { db } = await databaseWithOrphans();
    const before = readRunOwnership(db);
    const { code, stdout } = await runCli(['assign-orphans', '--business', 'Acme Corp', '--all', '--db', db.path]);
    expect(code).toBe(0);
    expect(stdout).toContain('5 orphans would be assigned to Acme Corp');
    expect(stdout).toContain('Nothing was changed');
    expect(readRunOwnership(db)).toEqual(before);
  });

  it('moves exactly the selected orphans and records one audit event', async () => {
    const { db, acme, orphans } = await databaseWithOrphans();
    const selected = [orphans[1]!, orphans[2]!];
    const { code, stdout } = await runCli(['assign-orphans', '--business', String(acme.id), '--ids', selected.join(','), '--yes', '--db', db.path]);
    expect(code).toBe(0);
    expect(stdout).toContain('Assigned 2 orphans to Acme Corp');
    const runs = readRunOwnership(db);
    expect(runs.filter((r) => selected.includes(r.id)).every((r) => r.businessId === acme.id && r.orphanedFrom === null)).toBe(true);
    expect(runs.filter(isOrphan).map((r) => r.id)).toEqual([orphans[0], orphans[3], orphans[4]]);
    expect(readAuditEvents(db)).toEqual([
      { action: 'orphans.assign', actorLabel: 'cli', businessId: acme.id, details: { count: 2, business: { id: acme.id, name: 'Acme Corp' }, ids: selected } },
    ]);
  });

  it('finds the business by its server-edition id or by name in any case', async () => {
    const { db, acme } = await databaseWithOrphans();
    for (const reference of ['7d4c0a52-acme', 'acme corp']) {
      const { code, stdout } = await runCli(['assign-orphans', '--business', reference, '--all', '--json', '--db', db.path]);
      expect(code).toBe(0);
      expect(parseJson(stdout).value).toMatchObject({ executed: false, count: 5, business: { id: acme.id } });
    }
  });

  it('typed confirmation on a terminal names the business; the exact phrase assigns, a wrong one changes nothing', async () => {
    const { db, globex } = await databaseWithOrphans();
    const wrong = await runCli(['assign-orphans', '--business', 'Globex', '--all', '--db', db.path], { isTTY: true, stdin: 'assign 5 orphans\n' });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('type "assign 5 orphans to Globex"');
    expect(orphanCount(db)).toBe(5);

    const right = await runCli(['assign-orphans', '--business', 'Globex', '--all', '--db', db.path], { isTTY: true, stdin: 'assign 5 orphans to Globex\n' });
    expect(right.code).toBe(0);
    expect(readRunOwnership(db).filter((r) => r.businessId === globex.id)).toHaveLength(7);
  });

  it('an unknown business exits 1 and a missing --business exits 2, changing nothing', async () => {
    const { db } = await databaseWithOrphans();
    const unknown = await runCli(['assign-orphans', '--business', 'Umbrella', '--all', '--yes', '--db', db.path]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No business matches "Umbrella"');
    const missing = await runCli(['assign-orphans', '--all', '--yes', '--db', db.path]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--business');
    expect(orphanCount(db)).toBe(5);
  });

  it('a disabled business is refused (exit 1)', async () => {
    const { db } = await databaseWithOrphans();
    seedBusiness(db, { name: 'Closed Co', disabled: true });
    const { code, stderr } = await runCli(['assign-orphans', '--business', 'Closed Co', '--all', '--yes', '--db', db.path]);
    expect(code).toBe(1);
    expect(stderr).toContain('is disabled');
    expect(orphanCount(db)).toBe(5);
  });
});

/** Orphans with evidence: 3 name Acme's former id (spelled otherwise), 2 were triggered by a Globex user, 5 have none. */
async function databaseWithSuggestions() {
  const fixture = await databaseWithOrphans();
  const { db, acme, globex } = fixture;
  const former = seedRuns(db, { kind: 'orphan', orphanedFrom: '{7D4C0A52ACME}' }, 3);
  const alice = seedUser(db, { businessId: globex.id, email: 'alice@example.test' });
  const byUser = seedRuns(db, { kind: 'orphan' }, 2);
  db.sqlite.prepare(`UPDATE job_runs SET triggered_by = 'ALICE@example.test' WHERE id IN (${byUser.join(', ')})`).run();
  return { ...fixture, former, byUser, alice, acme, globex };
}

describe('cli check --suggest', () => {
  it('lists the suggested groups: count, business, and the reason in words', async () => {
    const { db, acme, globex } = await databaseWithSuggestions();
    const { code, stdout } = await runCli(['check', '--suggest', '--db', db.path]);
    expect(code).toBe(0);
    expect(stdout).toContain('Suggested assignments: 5 of 10 orphans have evidence of their business.');
    expect(stdout).toMatch(new RegExp(`3 {2}to Acme Corp \\(id ${acme.id}\\): its former business id names this business`));
    expect(stdout).toMatch(new RegExp(`2 {2}to Globex \\(id ${globex.id}\\): the user who triggered it belongs to this business`));
    expect(stdout).toContain('Without evidence: 5');
    expect(stdout).toContain('assign-orphans --suggested');
  });

  it('--json gives the same groups', async () => {
    const { db, acme, globex } = await databaseWithSuggestions();
    const { code, stdout } = await runCli(['check', '--suggest', '--json', '--db', db.path]);
    expect(code).toBe(0);
    expect(parseJson(stdout).value).toEqual({
      groups: [
        { business: { id: acme.id, name: 'Acme Corp' }, reason: 'former_business', because: 'its former business id names this business', count: 3 },
        { business: { id: globex.id, name: 'Globex' }, reason: 'triggering_user', because: 'the user who triggered it belongs to this business', count: 2 },
      ],
      orphans: 10,
      suggested: 5,
    });
  });

  it('says so when no orphan has evidence', async () => {
    const { db } = await databaseWithOrphans();
    const { code, stdout } = await runCli(['check', '--suggest', '--db', db.path]);
    expect(code).toBe(0);
    expect(stdout).toContain('No orphan has evidence of its business (5 orphans in all).');
  });
});

describe('cli assign-orphans --suggested', () => {
  it('off a terminal without --yes only previews and changes nothing (exit 0), as the other assign does', async () => {
    const { db } = await databaseWithSuggestions();
    const before = readRunOwnership(db);
    const { code, stdout } = await runCli(['assign-orphans', '--suggested', '--db', db.path]);
    expect(code).toBe(0);
    expect(stdout).toContain('5 orphans would be assigned as suggested.');
    expect(stdout).toContain('Nothing was changed. To assign them, run again with --yes.');
    expect(readRunOwnership(db)).toEqual(before);
    expect(backupsOf(db)).toEqual([]);
  });

  it('with --yes backs up, moves exactly the suggested runs, and records one audit event with each group', async () => {
    const { db, acme, globex, former, byUser, orphans } = await databaseWithSuggestions();
    const { code, stdout } = await runCli(['assign-orphans', '--suggested', '--yes', '--db', db.path]);
    expect(code).toBe(0);
    const backupPath = /Backup made first: (.+)$/m.exec(stdout)?.[1];
    expect(stdout).toContain('Assigned 5 orphans to 2 businesses as suggested.');
    expect(fs.existsSync(backupPath!)).toBe(true);
    const owners = new Map(readRunOwnership(db).map((r) => [r.id, r]));
    expect(former.map((id) => owners.get(id)!.businessId)).toEqual([acme.id, acme.id, acme.id]);
    expect(byUser.map((id) => owners.get(id)!.businessId)).toEqual([globex.id, globex.id]);
    expect(readRunOwnership(db).filter(isOrphan).map((r) => r.id)).toEqual(orphans);
    expect(readAuditEvents(db)).toEqual([
      {
        action: 'orphans.assign_suggested',
        actorLabel: 'cli',
        businessId: null,
        details: {
          count: 5,
          groups: [
            { business: { id: acme.id, name: 'Acme Corp' }, reason: 'former_business', count: 3 },
            { business: { id: globex.id, name: 'Globex' }, reason: 'triggering_user', count: 2 },
          ],
          backupPath,
        },
      },
    ]);
  });

  it('--json --yes output parses, with the groups and the backup path', async () => {
    const { db } = await databaseWithSuggestions();
    const { code, stdout, stderr } = await runCli(['assign-orphans', '--suggested', '--yes', '--json', '--db', db.path]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const { value } = parseJson(stdout);
    expect(value).toMatchObject({ executed: true, assigned: 5 });
    expect(value!.groups).toHaveLength(2);
    expect(fs.existsSync(value!.backupPath as string)).toBe(true);
  });

  it('typed confirmation on a terminal: the exact phrase assigns, a wrong one exits 3 and changes nothing', async () => {
    const { db } = await databaseWithSuggestions();
    const wrong = await runCli(['assign-orphans', '--suggested', '--db', db.path], { isTTY: true, stdin: 'yes\n' });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('type "assign 5 orphans as suggested"');
    expect(orphanCount(db)).toBe(10);
    expect(backupsOf(db)).toEqual([]);
    const right = await runCli(['assign-orphans', '--suggested', '--db', db.path], { isTTY: true, stdin: 'assign 5 orphans as suggested\n' });
    expect(right.code).toBe(0);
    expect(orphanCount(db)).toBe(5);
  });

  it('refuses when a group changed since the preview (exit 5), and changes nothing', async () => {
    const { db } = await databaseWithSuggestions();
    const stdin = typedInput();
    const { io, out } = cliIo({ isTTY: true, stdin });
    const running = main(['assign-orphans', '--suggested', '--db', db.path], io);
    await waitFor(() => out.stderr.includes('type "assign 5 orphans as suggested"'));
    seedRuns(db, { kind: 'orphan', orphanedFrom: '7d4c0a52-ACME' }, 1);
    stdin.end('assign 5 orphans as suggested\n');
    expect(await running).toBe(5);
    expect(out.stderr).toContain('The suggested orphans for Acme Corp (its former business id names this business) changed since the preview: expected 3, found 4');
    expect(orphanCount(db)).toBe(11);
    expect(readAuditEvents(db)).toEqual([]);
  });

  it.each([['--all'], ['--ids', '1'], ['--business', 'Globex']])('--suggested with %s is a usage error (exit 2)', async (...flag) => {
    const { db } = await databaseWithSuggestions();
    const { code, stderr } = await runCli(['assign-orphans', '--suggested', ...flag, '--yes', '--db', db.path]);
    expect(code).toBe(2);
    expect(stderr).toContain('Use --suggested alone');
    expect(orphanCount(db)).toBe(10);
  });

  it('--suggest belongs to check and --suggested to assign-orphans (exit 2)', async () => {
    const { db } = await databaseWithSuggestions();
    expect((await runCli(['check', '--suggested', '--db', db.path])).stderr).toContain('does not take --suggested');
    expect((await runCli(['assign-orphans', '--suggest', '--db', db.path])).code).toBe(2);
  });

  it('with no evidence there is nothing to assign (exit 0)', async () => {
    const { db } = await databaseWithOrphans();
    const { code, stdout } = await runCli(['assign-orphans', '--suggested', '--yes', '--db', db.path]);
    expect(code).toBe(0);
    expect(stdout).toContain('Nothing to assign.');
    expect(backupsOf(db)).toEqual([]);
  });
});
