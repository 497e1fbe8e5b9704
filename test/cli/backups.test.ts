// `automation-console backups`: the list (and --json) with the total size, --verify of all or one (exit 1 when one
// fails), and --prune: a preview that changes nothing, the typed phrase on a terminal, --yes elsewhere, audited.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { setBackupPolicy } from '../../src-main/backups/prune';
import { backUpNow } from '../../src-main/backups/store';
import { CLI_ACTOR } from '../../src-main/cli/confirm-change';
import { ExitCode } from '../../src-main/cli/exit-codes';
import { keptBackupNames } from '../helpers/backups';
import { createTestDatabase, readAuditEvents, seedBusiness, seedRuns } from '../helpers/seed';
import { runCli } from './run-cli';

const DAY = 86_400_000;

async function databaseWithBackups() {
  const db = await createTestDatabase();
  seedRuns(db, { kind: 'business', businessId: seedBusiness(db).id }, 30);
  const made: string[] = [];
  for (const daysAgo of [40, 30, 1]) made.push((await backUpNow(db.sqlite, 'job', { now: new Date(Date.now() - daysAgo * DAY) })).path);
  return { db, made };
}

describe('automation-console backups', () => {
  it('lists every backup, newest first, with its facts and the total size; --json gives the records', async () => {
    const { db, made } = await databaseWithBackups();
    const total = made.reduce((sum, file) => sum + fs.statSync(file).size, 0);
    const human = await runCli(['backups', '--db', db.path]);
    expect(human.code).toBe(0);
    const order = made.map((file) => human.stdout.indexOf(path.basename(file)));
    expect(order.every((at) => at > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => b - a));
    expect(human.stdout).toContain('30 runs, 1 business, 0 orphans');
    expect(human.stdout).toMatch(/sha256 [0-9a-f]{64}/);
    expect(human.stdout).toContain('3 backups, ');
    expect(human.stdout).toContain('Retention policy: keep the last 10 backups and every backup of the last 7 days, and always one of each schema version.');

    const json = await runCli(['backups', '--db', db.path, '--json']);
    const value = JSON.parse(json.stdout).value as { backups: { name: string; checksum: string }[]; totalBytes: number };
    expect(value.totalBytes).toBe(total);
    expect(value.backups.map((backup) => backup.name)).toEqual(made.map((file) => path.basename(file)).reverse());
  });

  it('--verify checks them all, or the one named; a corrupted one fails with exit 1 and says why', async () => {
    const { db, made } = await databaseWithBackups();
    const all = await runCli(['backups', '--verify', '--db', db.path]);
    expect(all).toMatchObject({ code: 0, stdout: expect.stringContaining('3 backups checked, 0 failed.') });
    fs.writeFileSync(made[0]!, 'not a database any more');
    const one = await runCli(['backups', '--verify', path.basename(made[0]!), '--db', db.path]);
    expect(one.code).toBe(ExitCode.failure);
    expect(one.stdout).toMatch(new RegExp(`FAILED  ${path.basename(made[0]!).replace(/\./g, '\\.')}: It cannot be read as a database`));
    expect(one.stdout).toContain('1 backup checked, 1 failed.');
    const listed = await runCli(['backups', '--db', db.path]);
    expect(listed.stdout).toContain('LAST CHECK FAILED');
    expect((await runCli(['backups', '--verify', 'nope.db', '--db', db.path])).code).not.toBe(0);
  });

  it('--prune previews and changes nothing without --yes; asks for the phrase on a terminal; prunes with --yes, audited', async () => {
    const { db, made } = await databaseWithBackups();
    setBackupPolicy(db, CLI_ACTOR, { keepLast: 1, keepDays: 7 });
    const names = made.map((file) => path.basename(file));
    const preview = await runCli(['backups', '--prune', '--db', db.path]);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain('would remove 2 backups');
    expect(preview.stdout).toContain('Nothing was removed. To remove them, run again with --yes.');
    expect(keptBackupNames(db.path)).toEqual([...names].sort());

    const declined = await runCli(['backups', '--prune', '--db', db.path], { isTTY: true, stdin: 'no\n' });
    expect(declined.code).toBe(ExitCode.confirmation);
    expect(keptBackupNames(db.path)).toHaveLength(3);

    const typed = await runCli(['backups', '--prune', '--db', db.path], { isTTY: true, stdin: 'prune 2 backups\n' });
    expect(typed.code).toBe(0);
    expect(typed.stdout).toContain('Removed 2 backups');
    expect(keptBackupNames(db.path)).toEqual([names[2]]);
    expect(readAuditEvents(db).filter((event) => event.action === 'backup.pruned')).toEqual([
      expect.objectContaining({ actorLabel: 'cli', details: expect.objectContaining({ removed: [{ name: names[1], sizeBytes: expect.any(Number) }, { name: names[0], sizeBytes: expect.any(Number) }] }) }),
    ]);
    expect((await runCli(['backups', '--prune', '--yes', '--db', db.path])).stdout).toContain('Nothing to prune');
  });

  it('refuses --verify with --prune, and a name without --verify', async () => {
    expect((await runCli(['backups', '--verify', '--prune'])).code).toBe(ExitCode.usage);
    expect((await runCli(['backups', 'job.db'])).code).toBe(ExitCode.usage);
  });
});
