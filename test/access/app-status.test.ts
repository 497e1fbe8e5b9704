// app.status says only what the caller may know: signed out, a member, a business admin (with or without a
// business), or a disabled system admin learn that the app is ready and nothing else; only a system admin, who
// reads the database (`database.read`), gets its file, its counts across every tenant and how it was opened. When the
// file could not be opened, anyone learns why, and where the log is.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { configureLog, resetLog } from '../../src-main/log';
import { tempDir } from '../helpers/temp';
import { readsDatabase } from '../../src-main/access/policy';
import { USER_ROLES } from '../../src-shared/domain';
import { type ContractClient, type Harness, startHarness, TRANSPORTS } from '../helpers/contract-harness';
import { buildWorld, insertUser, type RunOwner, suiteDir, TEST_PASSWORD, type TestUser, type World } from '../helpers/contract-data';

describe('the rule', () => {
  it('only an enabled system admin reads the database', () => {
    for (const role of USER_ROLES) {
      expect(readsDatabase({ userId: 1, email: 'x@x.test', role, businessId: null, businessDisabled: false }), role).toBe(role === 'system_admin');
    }
    expect(readsDatabase(null)).toBe(false);
  });
});

describe.each(TRANSPORTS)('app.status over %s', (transport) => {
  let harness: Harness;
  let world: World;
  const dir = suiteDir();

  beforeAll(async () => {
    harness = await startHarness(transport, path.join(dir.path, 'status.db'));
    // Two businesses with a member and a business admin each, one of each without a business, and a run of every owner.
    const owners: RunOwner[] = [{ kind: 'business', index: 0 }, { kind: 'business', index: 1 }, { kind: 'system' }, { kind: 'orphan' }];
    const staff = { members: 1, admins: 1 };
    const runs = owners.map((owner, minute) => ({ owner, status: 'completed' as const, jobType: 'own', minute, durationMs: 5 }));
    world = buildWorld(harness.db, { businesses: 2, staff: [staff, staff], unlinked: staff, systemAdmins: 1, runs }, 'status');
  });
  afterAll(async () => {
    await harness?.close();
    dir.remove();
  });

  async function signedIn(user: TestUser): Promise<ContractClient> {
    const client = harness.client();
    await client.value('auth.login', { email: user.email, password: TEST_PASSWORD });
    return client;
  }

  it('tells anyone but a system admin only that the app is ready', async () => {
    const disabledAdmin = insertUser(harness.db, { role: 'system_admin', businessId: null });
    const callers: [string, ContractClient][] = [['signed out', harness.client()]];
    for (const user of world.users.filter((u) => u.role !== 'system_admin')) callers.push([`${user.role} of ${user.businessId ?? 'no business'}`, await signedIn(user)]);
    const disabled = await signedIn(disabledAdmin);
    harness.db.sqlite.prepare('UPDATE users SET disabled_at = ? WHERE id = ?').run(Date.now(), disabledAdmin.id);
    callers.push(['a system admin disabled since signing in', disabled]);
    const names = harness.db.sqlite.prepare('SELECT name FROM businesses').pluck().all() as string[];
    const emails = harness.db.sqlite.prepare('SELECT email FROM users').pluck().all() as string[];
    for (const [who, client] of callers) {
      const envelope = await client.call('app.status', {});
      expect(envelope, who).toEqual({ ok: true, value: { state: 'ready', info: null, startup: null } });
      // Nothing of any tenant, nor the file, in the answer.
      const answer = JSON.stringify(envelope);
      for (const secret of [...names, ...emails, harness.db.path, 'status.db']) expect(answer, who).not.toContain(secret);
    }
  });

  it('tells a system admin the database, with the counts of every tenant', async () => {
    const admin = world.users.find((u) => u.role === 'system_admin')!;
    const status = await (await signedIn(admin)).value('app.status', {});
    if (status.state !== 'ready' || !status.info) throw new Error('a system admin reads the database');
    expect(status.info.path).toBe(harness.db.path);
    const count = (sql: string) => harness.db.sqlite.prepare(sql).pluck().get() as number;
    expect(status.info.counts).toMatchObject({
      businesses: 2,
      users: count('SELECT count(*) FROM users'),
      runs: 4,
      systemRuns: 1,
      orphanRuns: 1,
    });
    expect(status.startup).toEqual({ created: true, migrated: expect.objectContaining({ from: 0 }), adoption: null });
  });
});

describe.each(TRANSPORTS)('app.status of a file that could not be opened, over %s', (transport) => {
  afterEach(() => resetLog());

  it('tells anyone, signed out too, why, and names the log file that has the details (none while the log is on the console)', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'broken.db');
    fs.writeFileSync(file, 'not a database, just text that is long enough to have a header');
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const logFile = configureLog({ folder: path.join(dir, 'logs'), env: {} });
    const logged = await startHarness(transport, file, { allowFailedStart: true });
    resetLog();
    const unlogged = await startHarness(transport, file, { allowFailedStart: true });
    try {
      expect(await logged.client().value('app.status', {})).toMatchObject({ state: 'failed', reason: 'cannot_open', path: file, logPath: logFile });
      expect(await unlogged.client().value('app.status', {})).toMatchObject({ state: 'failed', reason: 'cannot_open', logPath: null });
      expect(fs.readFileSync(logFile!, 'utf8')).toContain(`[startup] the database could not be opened (cannot_open): Cannot open ${file}`);
    } finally {
      vi.restoreAllMocks();
      await logged.close();
      await unlogged.close();
    }
  });
});
