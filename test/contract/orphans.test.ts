// The orphan wizard through the contract, over both transports: check, list, preview and assign exactly the
// selected runs, preview and delete with the typed confirmation, a backup and an audit event, CONFLICT when
// the orphans changed since the preview; system administrators only; system runs are never touched.
import fs from 'node:fs';
import { refusedField } from '../helpers/refusals';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../src-shared/channels';
import { type ChannelOutput } from '../../src-shared/contract';
import { type ContractClient, eventually, type Harness, startHarness, TRANSPORTS } from '../helpers/contract-harness';
import { SYSTEM_ADMIN_CHANNELS, VALID_INPUTS } from '../helpers/contract-cases';
import { insertBusiness, insertUser, logicalDump, TEST_PASSWORD } from '../helpers/contract-data';
import { readAuditEvents, readRunOwnership, seedRuns } from '../helpers/seed';
import { tempDbPath } from '../helpers/temp';
import { keptBackupNames } from '../helpers/backups';

interface World {
  harness: Harness;
  acme: number;
  globex: number;
  initech: number;
  acmeRuns: number[];
  systemRuns: number[];
  /** Three `legacy.cleanup` (failed), then three `diagnostics.probe` (completed), oldest first. */
  orphans: number[];
  root: ContractClient;
  rootEmail: string;
  ann: ContractClient; // business admin of Acme
  alice: ContractClient; // member of Acme
  bob: ContractClient; // business admin of Globex
}

async function world(transport: (typeof TRANSPORTS)[number]): Promise<World> {
  const harness = await startHarness(transport, tempDbPath());
  const db = harness.db;
  const acme = insertBusiness(db, 'Acme');
  const globex = insertBusiness(db, 'Globex');
  const initech = insertBusiness(db, 'Initech');
  db.sqlite.prepare('UPDATE businesses SET disabled_at = ? WHERE id = ?').run(Date.now(), initech);
  const startAt = Date.UTC(2025, 5, 1);
  const acmeRuns = seedRuns(db, { kind: 'business', businessId: acme }, 2, { startAt });
  const systemRuns = seedRuns(db, { kind: 'system' }, 2, { startAt, jobType: 'maintenance.backup', statuses: ['failed'] });
  const orphans = [
    ...seedRuns(db, { kind: 'orphan', orphanedFrom: 'gone-1' }, 3, { startAt: startAt + 10_000, jobType: 'legacy.cleanup', statuses: ['failed'] }),
    ...seedRuns(db, { kind: 'orphan', orphanedFrom: 'gone-2' }, 3, { startAt: startAt + 20_000, statuses: ['completed'] }),
  ];
  const sign = async (role: 'member' | 'business_admin' | 'system_admin', businessId: number | null) => {
    const user = insertUser(db, { role, businessId });
    const client = harness.client();
    await client.value('auth.login', { email: user.email, password: TEST_PASSWORD });
    return { client, email: user.email };
  };
  const root = await sign('system_admin', null);
  return {
    harness,
    acme,
    globex,
    initech,
    acmeRuns,
    systemRuns,
    orphans,
    root: root.client,
    rootEmail: root.email,
    ann: (await sign('business_admin', acme)).client,
    alice: (await sign('member', acme)).client,
    bob: (await sign('business_admin', globex)).client,
  };
}

function backupsNextTo(harness: Harness): string[] {
  return keptBackupNames(harness.db.path);
}

const code = (envelope: { ok: boolean; error?: { code: string } }) => (envelope.ok ? 'ok' : envelope.error!.code);

describe.each(TRANSPORTS)('the orphan wizard over %s', (transport) => {
  it('check → preview → assign exactly the selected orphans → check shows fewer; one event, to system admins only', async () => {
    const w = await world(transport);
    try {
      const [rootEvents, annEvents, bobEvents] = await Promise.all([w.root.listen(), w.ann.listen(), w.bob.listen()]);
      const before = await w.root.value('orphans.check', { newestLimit: 2 });
      expect(before).toMatchObject({ systemRuns: 2, orphans: 6 });
      expect(before.businesses.map((b) => [b.name, b.runs, b.disabled])).toEqual([['Acme', 2, false]]);
      expect(before.businessesWithoutRuns).toBe(2);
      expect(before.newestOrphans.map((run) => run.id)).toEqual([w.orphans[5], w.orphans[4]]);

      // The wizard picks two of the legacy.cleanup orphans from the list.
      const listed = await w.root.value('orphans.list', { filters: { jobTypes: ['legacy.cleanup'] }, limit: 50 });
      expect(listed.runs.map((run) => run.id).sort()).toEqual(w.orphans.slice(0, 3).sort());
      const chosen = [w.orphans[0]!, w.orphans[2]!];
      const selection = { kind: 'ids', ids: chosen };

      const preview = await w.root.value('orphans.previewAssign', { businessId: w.acme, selection });
      expect(preview).toEqual({ count: 2, business: { id: w.acme, name: 'Acme' } });
      const assigned = await w.root.value('orphans.assign', { businessId: w.acme, selection, expectedCount: preview.count });
      expect(assigned).toEqual({ assigned: 2, business: { id: w.acme, name: 'Acme' } });

      const after = await w.root.value('orphans.check', {});
      expect(after).toMatchObject({ systemRuns: 2, orphans: 4 });
      expect(after.businesses.find((b) => b.id === w.acme)?.runs).toBe(4);
      const owners = readRunOwnership(w.harness.db);
      expect(owners.filter((run) => run.businessId === w.acme).map((run) => run.id)).toEqual([...w.acmeRuns, ...chosen]);
      expect(owners.filter((run) => run.scope === 'business' && run.businessId === null).map((run) => run.id)).toEqual(
        w.orphans.filter((id) => !chosen.includes(id)),
      );
      // Now Acme's: its people see them (no longer marked as orphaned), Globex does not.
      const aliceSees = await w.alice.value('jobs.list', { filters: { jobTypes: ['legacy.cleanup'] } });
      expect(aliceSees.runs.map((run) => [run.id, run.businessName, run.orphanedFrom]).sort()).toEqual(chosen.map((id) => [id, 'Acme', null]).sort());
      expect((await w.bob.value('jobs.list', { filters: { jobTypes: ['legacy.cleanup'] } })).runs).toEqual([]);

      expect(readAuditEvents(w.harness.db).filter((event) => event.action === 'orphans.assign')).toEqual([
        expect.objectContaining({
          actorLabel: w.rootEmail,
          businessId: w.acme,
          details: { count: 2, business: { id: w.acme, name: 'Acme' }, ids: chosen },
        }),
      ]);

      await eventually(() => rootEvents.of('database.changed').length > 0);
      expect(rootEvents.of('database.changed')).toEqual([{ tables: ['job_runs'] }]);
      expect(rootEvents.of('jobs.changed')).toEqual([]);
      expect(annEvents.events).toEqual([]);
      expect(bobEvents.events).toEqual([]);

      // The same preview, used again: the orphans changed since, so CONFLICT and nothing moves.
      const dump = logicalDump(w.harness.db);
      const stale = await w.root.call('orphans.assign', { businessId: w.globex, selection, expectedCount: 2 });
      expect(stale).toEqual({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('changed since the preview') } });
      expect(logicalDump(w.harness.db)).toBe(dump);
    } finally {
      await w.harness.close();
    }
  });

  it('delete: the wrong confirmation is VALIDATION naming it, a stale count is CONFLICT, neither backs up; then backup, delete, audit', async () => {
    const w = await world(transport);
    try {
      const db = w.harness.db;
      const all = { kind: 'all' };
      expect(await w.root.value('orphans.previewDelete', { selection: all })).toEqual({ count: 6 });

      const dump = logicalDump(db);
      for (const confirmation of ['delete 5 orphans', 'Delete 6 orphans', 'delete 6 orphans ', 'yes', '']) {
        const refused = await w.root.call('orphans.delete', { selection: all, expectedCount: 6, confirmation });
        expect(refused, confirmation).toEqual({
          ok: false,
          error: {
            code: 'VALIDATION',
            message: 'Confirmation must be exactly "delete 6 orphans".',
            fields: [{ path: 'confirmation', message: 'Confirmation must be exactly "delete 6 orphans".' }],
          },
        });
      }
      expect(logicalDump(db)).toBe(dump);
      expect(backupsNextTo(w.harness)).toEqual([]);

      // Another orphan appears after the preview (say, a second adoption): the count no longer holds.
      const late = seedRuns(db, { kind: 'orphan' }, 1, { startAt: Date.UTC(2025, 6, 1) });
      const grown = logicalDump(db);
      const stale = await w.root.call('orphans.delete', { selection: all, expectedCount: 6, confirmation: 'delete 6 orphans' });
      expect(stale).toEqual({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('expected 6, found 7') } });
      expect(logicalDump(db)).toBe(grown);
      expect(backupsNextTo(w.harness)).toEqual([]);

      const rootEvents = await w.root.listen();
      const { count } = await w.root.value('orphans.previewDelete', { selection: all });
      expect(count).toBe(7);
      const deletion = await w.root.value('orphans.delete', { selection: all, expectedCount: count, confirmation: `delete ${count} orphans` });
      expect(deletion.deleted).toBe(7);
      expect(deletion.backupPath).not.toBeNull();
      expect(path.dirname(deletion.backupPath!)).toBe(path.join(path.dirname(db.path), 'backups'));
      expect(backupsNextTo(w.harness)).toEqual([path.basename(deletion.backupPath!)]);
      // The backup was made before the delete: it still holds every orphan.
      const backup = new Database(deletion.backupPath!, { readonly: true });
      try {
        const orphanIds = backup.prepare("SELECT id FROM job_runs WHERE scope = 'business' AND business_id IS NULL ORDER BY id").pluck().all();
        expect(orphanIds).toEqual([...w.orphans, ...late]);
      } finally {
        backup.close();
      }

      const owners = readRunOwnership(db);
      expect(owners.map((run) => run.id)).toEqual([...w.acmeRuns, ...w.systemRuns]);
      expect((await w.root.value('orphans.check', {})).orphans).toBe(0);
      expect(readAuditEvents(db).filter((event) => event.action === 'orphans.delete')).toEqual([
        expect.objectContaining({ actorLabel: w.rootEmail, businessId: null, details: { count: 7, backupPath: deletion.backupPath } }),
      ]);
      await eventually(() => rootEvents.of('database.changed').length > 0);
      expect(rootEvents.of('database.changed')).toEqual([{ tables: ['job_runs'] }]);
    } finally {
      await w.harness.close();
    }
  });

  it('deletes exactly the selected ids, and nothing when the selection is empty of orphans', async () => {
    const w = await world(transport);
    try {
      const chosen = [w.orphans[1]!, w.orphans[4]!];
      const selection = { kind: 'ids', ids: chosen };
      expect(await w.root.value('orphans.previewDelete', { selection })).toEqual({ count: 2 });
      const deletion = await w.root.value('orphans.delete', { selection, expectedCount: 2, confirmation: 'delete 2 orphans' });
      expect(deletion.deleted).toBe(2);
      expect(readRunOwnership(w.harness.db).map((run) => run.id)).toEqual([
        ...w.acmeRuns,
        ...w.systemRuns,
        ...w.orphans.filter((id) => !chosen.includes(id)),
      ]);
      expect(readAuditEvents(w.harness.db).find((event) => event.action === 'orphans.delete')?.details).toMatchObject({ count: 2, ids: chosen });
      // The same ids again: they are gone, so the count changed.
      expect(code(await w.root.call('orphans.delete', { selection, expectedCount: 2, confirmation: 'delete 2 orphans' }))).toBe('CONFLICT');
    } finally {
      await w.harness.close();
    }
  });

  it('a system run (or a business’s run) is never touched: naming one is VALIDATION, and “all” leaves them be', async () => {
    const w = await world(transport);
    try {
      const dump = logicalDump(w.harness.db);
      for (const id of [w.systemRuns[0]!, w.acmeRuns[0]!]) {
        const selection = { kind: 'ids', ids: [w.orphans[0]!, id] };
        const attempts = [
          await w.root.call('orphans.previewDelete', { selection }),
          await w.root.call('orphans.delete', { selection, expectedCount: 1, confirmation: 'delete 1 orphans' }),
          await w.root.call('orphans.previewAssign', { businessId: w.acme, selection }),
          await w.root.call('orphans.assign', { businessId: w.acme, selection, expectedCount: 1 }),
        ];
        for (const attempt of attempts) {
          expect(attempt).toEqual({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining(`Run ${id} is not an orphan`) } });
        }
      }
      expect(logicalDump(w.harness.db)).toBe(dump);
      expect(backupsNextTo(w.harness)).toEqual([]);

      const listed = await w.root.value('orphans.list', { limit: 200 });
      expect(listed.runs.every((run) => run.scope === 'business' && run.businessId === null)).toBe(true);
      await w.root.value('orphans.assign', { businessId: w.globex, selection: { kind: 'all' }, expectedCount: 6 });
      const owners = readRunOwnership(w.harness.db);
      expect(owners.filter((run) => run.scope === 'system').map((run) => run.id)).toEqual(w.systemRuns);
      expect(owners.filter((run) => run.scope === 'system').every((run) => run.businessId === null)).toBe(true);
    } finally {
      await w.harness.close();
    }
  });

  it('lists orphans by status and job type, in keyset pages', async () => {
    const w = await world(transport);
    try {
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page: ChannelOutput<'orphans.list'> = await w.root.value('orphans.list', { filters: { statuses: ['completed'] }, limit: 2, cursor });
        expect(page.runs.length).toBeLessThanOrEqual(2);
        expect(page.runs.every((run) => run.status === 'completed')).toBe(true);
        seen.push(...page.runs.map((run) => run.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(seen).toEqual(w.orphans.slice(3).reverse());
      const oldestFirst = await w.root.value('orphans.list', { sort: { field: 'createdAt', direction: 'asc' }, limit: 1 });
      expect(oldestFirst.runs.map((run) => run.id)).toEqual([w.orphans[0]]);
    } finally {
      await w.harness.close();
    }
  });

  it('assigns only to a business that exists and is enabled', async () => {
    const w = await world(transport);
    try {
      const selection = { kind: 'all' };
      const dump = logicalDump(w.harness.db);
      expect(await w.root.call('orphans.previewAssign', { businessId: w.initech, selection })).toEqual({
        ok: false,
        error: refusedField('businessId', 'Business "Initech" is disabled; enable it first.'),
      });
      expect(code(await w.root.call('orphans.assign', { businessId: w.initech, selection, expectedCount: 6 }))).toBe('VALIDATION');
      expect(code(await w.root.call('orphans.previewAssign', { businessId: 9999, selection }))).toBe('NOT_FOUND');
      expect(code(await w.root.call('orphans.assign', { businessId: 9999, selection, expectedCount: 6 }))).toBe('NOT_FOUND');
      expect(logicalDump(w.harness.db)).toBe(dump);
    } finally {
      await w.harness.close();
    }
  });

  it('suggestions → accept one group → those runs become Globex runs; one audit event, one change event to system admins; a stale preview is CONFLICT', async () => {
    const w = await world(transport);
    try {
      // Globex was "gone-1" in the server edition; Ann (Acme) triggered one of the "gone-2" runs.
      w.harness.db.sqlite.prepare("UPDATE businesses SET legacy_id = 'GONE1' WHERE id = ?").run(w.globex);
      w.harness.db.sqlite.prepare("UPDATE job_runs SET triggered_by = 'ann@example.test' WHERE id = ?").run(w.orphans[3]);
      w.harness.db.sqlite.prepare("UPDATE users SET email = 'ann@example.test' WHERE role = 'business_admin' AND business_id = ?").run(w.acme);
      const [rootEvents, annEvents] = await Promise.all([w.root.listen(), w.ann.listen()]);
      const suggestions = await w.root.value('orphans.suggestions', { previewLimit: 2 });
      expect(suggestions.groups.map((g) => [g.business.name, g.reason, g.count, g.preview.map((run) => run.id)])).toEqual([
        ['Acme', 'triggering_user', 1, [w.orphans[3]]],
        ['Globex', 'former_business', 3, [w.orphans[2], w.orphans[1]]],
      ]);
      expect(suggestions).toMatchObject({ orphans: 6, suggested: 4 });

      const accepted = { groups: [{ businessId: w.globex, reason: 'former_business', expectedCount: 3 }] } as const;
      const assigned = await w.root.value('orphans.assignSuggested', accepted);
      expect(assigned).toMatchObject({ assigned: 3, groups: [{ business: { id: w.globex, name: 'Globex' }, reason: 'former_business', assigned: 3 }] });
      expect(fs.existsSync(assigned.backupPath)).toBe(true);
      const owners = readRunOwnership(w.harness.db);
      expect(owners.filter((run) => run.businessId === w.globex).map((run) => run.id)).toEqual(w.orphans.slice(0, 3));
      expect(readAuditEvents(w.harness.db).filter((event) => event.action === 'orphans.assign_suggested')).toEqual([
        expect.objectContaining({
          actorLabel: w.rootEmail,
          details: { count: 3, groups: [{ business: { id: w.globex, name: 'Globex' }, reason: 'former_business', count: 3 }], backupPath: assigned.backupPath },
        }),
      ]);
      await eventually(() => rootEvents.of('database.changed').length > 0);
      expect(rootEvents.of('database.changed')).toEqual([{ tables: ['job_runs'] }]);
      expect(annEvents.events).toEqual([]);

      const dump = logicalDump(w.harness.db);
      const stale = await w.root.call('orphans.assignSuggested', accepted);
      expect(stale).toEqual({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('expected 3, found 0. Nothing was changed.') } });
      expect(logicalDump(w.harness.db)).toBe(dump);
    } finally {
      await w.harness.close();
    }
  });

  it('members and business admins, of a business or not, get FORBIDDEN on every orphans.* channel, and nothing changes', async () => {
    const w = await world(transport);
    try {
      const orphanChannels = CHANNELS.filter((channel) => channel.startsWith('orphans.'));
      expect(orphanChannels).toHaveLength(8);
      expect(SYSTEM_ADMIN_CHANNELS).toEqual(expect.arrayContaining(orphanChannels));
      const real = {
        'orphans.delete': { selection: { kind: 'all' }, expectedCount: 6, confirmation: 'delete 6 orphans' },
        'orphans.assign': { businessId: w.acme, selection: { kind: 'all' }, expectedCount: 6 },
        'orphans.previewAssign': { businessId: w.acme, selection: { kind: 'all' } },
        'orphans.assignSuggested': { groups: [{ businessId: w.acme, reason: 'former_business', expectedCount: 0 }] },
      } as Record<string, unknown>;
      const dump = logicalDump(w.harness.db);
      for (const [who, client] of Object.entries({ ann: w.ann, alice: w.alice, bob: w.bob })) {
        for (const channel of orphanChannels) {
          const envelope = await client.call(channel, real[channel] ?? VALID_INPUTS[channel]);
          expect(envelope, `${who}: ${channel}`).toEqual({
            ok: false,
            error: { code: 'FORBIDDEN', message: expect.stringMatching(/^A (member|business admin) may not do this \(orphans\.manage\)\.$/) },
          });
        }
      }
      expect(logicalDump(w.harness.db)).toBe(dump);
      expect(backupsNextTo(w.harness)).toEqual([]);
    } finally {
      await w.harness.close();
    }
  });
});
