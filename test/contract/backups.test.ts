// The backup store through the contract, over both transports: a system admin lists the backups with their records and
// total size, checks one (a corrupted one fails, and the list says so), sets the retention policy (audited), previews a
// prune and prunes what the preview showed (every removal audited with names and sizes); a prune whose plan changed
// since its preview is refused and removes nothing. Members and business admins are refused every backups channel.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKUP_POLICY } from '../../src-shared/schemas/backups';
import { backUpNow } from '../../src-main/backups/store';
import { type Harness, signedInClient, startHarness, TRANSPORTS } from '../helpers/contract-harness';
import { insertBusiness, insertUser, logicalDump } from '../helpers/contract-data';
import { keptBackupNames } from '../helpers/backups';
import { readAuditEvents } from '../helpers/seed';
import { tempDbPath } from '../helpers/temp';

const DAY = 86_400_000;

async function world(transport: (typeof TRANSPORTS)[number]) {
  const harness = await startHarness(transport, tempDbPath());
  const acme = insertBusiness(harness.db, 'Acme');
  const root = insertUser(harness.db, { role: 'system_admin', businessId: null });
  const made: { name: string; bytes: number }[] = [];
  // Three backups made 30, 20 and 10 days ago, oldest first.
  for (const daysAgo of [30, 20, 10]) {
    const backup = await backUpNow(harness.db.sqlite, 'job', { now: new Date(Date.now() - daysAgo * DAY) });
    made.push({ name: backup.path.split('/').pop()!, bytes: backup.bytes });
  }
  return {
    harness,
    made,
    rootEmail: root.email,
    root: await signedInClient(harness, root.email),
    member: await signedInClient(harness, insertUser(harness.db, { role: 'member', businessId: acme }).email),
    admin: await signedInClient(harness, insertUser(harness.db, { role: 'business_admin', businessId: acme }).email),
  };
}

async function withWorld(transport: (typeof TRANSPORTS)[number], test: (w: Awaited<ReturnType<typeof world>>) => Promise<void>) {
  const w = await world(transport);
  try {
    await test(w);
  } finally {
    await w.harness.close();
  }
}

function flipMiddle(file: string): void {
  const bytes = fs.readFileSync(file);
  for (let i = Math.floor(bytes.length / 2); i < Math.floor(bytes.length / 2) + 4096 && i < bytes.length; i++) bytes[i] = bytes[i]! ^ 0xff;
  fs.writeFileSync(file, bytes);
}

const backupsOf = (harness: Harness) => keptBackupNames(harness.db.path);

describe.each(TRANSPORTS)('backups over %s', (transport) => {
  it('a system admin lists the backups newest first with their records and total size; verifies one, and a corrupted one fails in the list', () =>
    withWorld(transport, async (w) => {
      const list = await w.root.value('backups.list', {});
      expect(list.backups.map((backup) => backup.name)).toEqual(w.made.map((backup) => backup.name).reverse());
      expect(list.totalBytes).toBe(w.made.reduce((sum, backup) => sum + backup.bytes, 0));
      expect(list.policy).toEqual(DEFAULT_BACKUP_POLICY);
      expect(list.backups[0]).toMatchObject({ kind: 'job', recorded: true, counts: { runs: 0, businesses: 1, orphans: 0 }, lastCheck: null });

      const [newest, middle] = list.backups;
      expect(await w.root.value('backups.verify', { name: newest!.name })).toMatchObject({ name: newest!.name, ok: true, problems: [] });
      flipMiddle(middle!.file);
      const failed = await w.root.value('backups.verify', { name: middle!.name });
      expect(failed.ok).toBe(false);
      expect(failed.problems).toContain('Its contents changed since it was made: the checksum does not match the one recorded with it.');
      const after = await w.root.value('backups.list', {});
      expect(after.backups.map((backup) => backup.lastCheck?.ok ?? null)).toEqual([true, false, null]);

      const missing = await w.root.call('backups.verify', { name: 'job-1999-01-01T00-00-00-000Z.db' });
      expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }));

  it('the policy is set by a system admin (audited with before and after); a prune previews, then removes what it showed (audited)', () =>
    withWorld(transport, async (w) => {
      const policy = { keepLast: 1, keepDays: 15 };
      expect(await w.root.value('backups.setPolicy', { policy })).toEqual({ policy, defaults: DEFAULT_BACKUP_POLICY });
      expect(await w.root.value('backups.policy', {})).toEqual({ policy, defaults: DEFAULT_BACKUP_POLICY });

      const before = backupsOf(w.harness);
      const preview = await w.root.value('backups.prune', { mode: 'preview' });
      const [oldest, second] = w.made;
      expect(preview).toMatchObject({ executed: false, removed: [{ name: second!.name }, { name: oldest!.name }], kept: 1 });
      expect(backupsOf(w.harness)).toEqual(before);

      // A plan that no longer matches is refused, and nothing goes.
      const stale = await w.root.call('backups.prune', { mode: 'prune', expectedNames: [oldest!.name] });
      expect(stale).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      expect(backupsOf(w.harness)).toEqual(before);

      const pruned = await w.root.value('backups.prune', { mode: 'prune', expectedNames: preview.removed.map((backup) => backup.name) });
      expect(pruned).toMatchObject({ executed: true, freedBytes: oldest!.bytes + second!.bytes, kept: 1 });
      expect(backupsOf(w.harness)).toEqual([w.made[2]!.name]);
      const events = readAuditEvents(w.harness.db).filter((event) => event.action.startsWith('backup.'));
      expect(events).toEqual([
        { action: 'backup.policy_set', actorLabel: w.rootEmail, businessId: null, details: { before: DEFAULT_BACKUP_POLICY, after: policy } },
        {
          action: 'backup.pruned',
          actorLabel: w.rootEmail,
          businessId: null,
          details: { removed: preview.removed, freedBytes: pruned.freedBytes, policy },
        },
      ]);
    }));

  it('members and business admins are refused every backups channel, and nothing changes', () =>
    withWorld(transport, async (w) => {
      const before = logicalDump(w.harness.db);
      const names = backupsOf(w.harness);
      for (const caller of [w.member, w.admin]) {
        for (const answer of [
          await caller.call('backups.list', {}),
          await caller.call('backups.verify', { name: names[0]! }),
          await caller.call('backups.prune', { mode: 'prune', expectedNames: names }),
          await caller.call('backups.policy', {}),
          await caller.call('backups.setPolicy', { policy: { keepLast: 1, keepDays: 0 } }),
        ]) {
          expect(answer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
        }
      }
      expect(logicalDump(w.harness.db)).toBe(before);
      expect(backupsOf(w.harness)).toEqual(names);
    }));

  it('a policy that keeps no backup is refused, naming the field', () =>
    withWorld(transport, async (w) => {
      const answer = await w.root.call('backups.setPolicy', { policy: { keepLast: 0, keepDays: 3 } });
      expect(answer).toMatchObject({ ok: false, error: { code: 'VALIDATION', fields: [{ path: 'policy.keepLast', message: expect.stringMatching(/^Backups kept /) }] } });
    }));
});
