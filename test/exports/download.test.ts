// An export reaches the person who made it and no one else, over both transports: the file's exact bytes, an
// audit record of the hand-over, NOT_FOUND for anyone else (another member of the same business, another
// business, a system admin who did not make it, the maker once moved to another business) and for a file gone
// from the exports folder. The desktop's save dialog writes the same bytes atomically where the person chose.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isoInDisplay } from '../../src-main/exports/csv-files';
import { createDesktopExports } from '../../src-main/exports/save-copy';
import { type ContractClient, type Harness, startHarness, TRANSPORTS } from '../helpers/contract-harness';
import { insertBusiness, insertUser, TEST_PASSWORD } from '../helpers/contract-data';
import { insertRuns } from '../helpers/seed';
import { tempDbPath } from '../helpers/temp';

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

async function world(transport: (typeof TRANSPORTS)[number]) {
  const harness = await startHarness(transport, tempDbPath());
  harnesses.push(harness);
  const db = harness.db;
  const acme = insertBusiness(db, 'Acme');
  const globex = insertBusiness(db, 'Globex');
  const users = {
    alice: insertUser(db, { role: 'member', businessId: acme }),
    carol: insertUser(db, { role: 'member', businessId: acme }),
    bob: insertUser(db, { role: 'business_admin', businessId: globex }),
    root: insertUser(db, { role: 'system_admin', businessId: null }),
  };
  insertRuns(db, [1, 2, 3].map((n) => ({ owner: { kind: 'business', businessId: acme }, status: 'completed', createdAt: Date.UTC(2026, 2, n) })));
  const sign = async (email: string): Promise<ContractClient> => {
    const client = harness.client();
    await client.value('auth.login', { email, password: TEST_PASSWORD });
    return client;
  };
  return { harness, acme, globex, users, alice: await sign(users.alice.email), carol: await sign(users.carol.email), bob: await sign(users.bob.email), root: await sign(users.root.email) };
}

const ALL = { selection: { kind: 'filter', filters: {} } };

describe.each(TRANSPORTS)('exports over %s', (transport) => {
  it('hands the file, byte for byte, to the user who made it, and records the hand-over', async () => {
    const w = await world(transport);
    const runs = await w.alice.value('jobs.exportCsv', ALL);
    expect(runs.fileName).toBe(path.basename(runs.path));
    const usage = await w.alice.value('metrics.exportCsv', { fromMonth: '2026-03', toMonth: '2026-03' });

    for (const exported of [runs, usage]) {
      const file = await w.alice.value('exports.download', { fileName: exported.fileName });
      expect(file).toEqual({ fileName: exported.fileName, content: fs.readFileSync(exported.path, 'utf8') });
      expect(Buffer.byteLength(file.content)).toBe(exported.bytes);
    }
    const handed = w.harness.db.sqlite
      .prepare("SELECT actor_label AS actor, target_id AS file, business_id AS businessId, details FROM audit_events WHERE action = 'exports.download' ORDER BY id")
      .all();
    expect(handed).toEqual([
      { actor: w.users.alice.email, file: runs.path, businessId: w.acme, details: JSON.stringify({ bytes: runs.bytes }) },
      { actor: w.users.alice.email, file: usage.path, businessId: w.acme, details: JSON.stringify({ bytes: usage.bytes }) },
    ]);
  });

  it('is NOT_FOUND to everyone else, to the maker once moved to another business, and once the file is gone', async () => {
    const w = await world(transport);
    const mine = await w.alice.value('jobs.exportCsv', ALL);
    const input = { fileName: mine.fileName };
    for (const other of [w.carol, w.bob, w.root]) {
      const refused = await other.call('exports.download', input);
      expect(refused).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: `There is no export named ${mine.fileName} of yours.` } });
    }
    const rootsOwn = await w.root.value('jobs.exportCsv', ALL);
    expect((await w.root.value('exports.download', { fileName: rootsOwn.fileName })).content).toContain('Acme');

    w.harness.db.sqlite.prepare('UPDATE users SET business_id = ? WHERE id = ?').run(w.globex, w.users.alice.id);
    expect(await w.alice.call('exports.download', input)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    w.harness.db.sqlite.prepare('UPDATE users SET business_id = ? WHERE id = ?').run(w.acme, w.users.alice.id);
    expect(await w.alice.call('exports.download', input)).toMatchObject({ ok: true });

    fs.rmSync(mine.path);
    expect(await w.alice.call('exports.download', input)).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: `The export ${mine.fileName} is no longer in the exports folder; export it again.` },
    });
  });

  it('takes only names the app gives its exports: never a path out of the exports folder', async () => {
    const w = await world(transport);
    for (const fileName of ['../automation.db', 'runs-x/../../automation.db', 'automation.db', '.runs-a.csv.tmp']) {
      const refused = await w.alice.call('exports.download', { fileName });
      expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION', fields: [{ path: 'fileName' }] } });
    }
  });
});

describe('the desktop app’s save dialog', () => {
  it('writes the export where the person chose, shows only that file in its folder, and writes nothing when the dialog is closed', async () => {
    const w = await world('in-process');
    const exported = await w.alice.value('jobs.exportCsv', ALL);
    const target = path.join(path.dirname(w.harness.db.path), 'chosen', 'my runs.csv');
    fs.mkdirSync(path.dirname(target));
    fs.writeFileSync(target, 'an older file the person chose to replace');
    const revealed: string[] = [];
    let choice: string | null = target;
    const desktop = createDesktopExports({ chooseTarget: async () => choice, reveal: (file) => revealed.push(file) });
    const asAlice = (input: unknown) => w.alice.call('exports.download', input);

    expect(await desktop.save(exported.fileName, asAlice)).toEqual({ ok: true, value: { savedPath: target } });
    expect(fs.readFileSync(target)).toEqual(fs.readFileSync(exported.path));
    expect(fs.readdirSync(path.dirname(target))).toEqual(['my runs.csv']);
    expect(desktop.showInFolder(target)).toEqual({ ok: true, value: null });
    expect(desktop.showInFolder(w.harness.db.path)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(revealed).toEqual([target]);

    choice = null;
    expect(await desktop.save(exported.fileName, asAlice)).toEqual({ ok: true, value: { savedPath: null } });
    choice = path.join(path.dirname(target), 'no such folder', 'x.csv');
    expect(await desktop.save(exported.fileName, asAlice)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(fs.readdirSync(path.dirname(target))).toEqual(['my runs.csv']);
    // Someone else's export never reaches the dialog.
    const refused = await desktop.save(exported.fileName, (input) => w.carol.call('exports.download', input));
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('times in an export', () => {
  it('read as the user reads them: UTC with Z, or the computer’s zone with its offset, always the same instant', () => {
    for (const ms of [0, Date.UTC(2026, 2, 29, 1, 30), Date.UTC(2026, 9, 25, 0, 59, 59, 999), Date.UTC(2026, 11, 6, 12)]) {
      expect(isoInDisplay(ms, 'utc')).toBe(new Date(ms).toISOString());
      const local = isoInDisplay(ms, 'local');
      expect(local).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);
      expect(Date.parse(local)).toBe(ms);
    }
  });
});
