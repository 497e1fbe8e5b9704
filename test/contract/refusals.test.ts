// What every channel refuses, over both transports: malformed input (VALIDATION, nothing written, the app
// keeps answering), callers without a session (UNAUTHENTICATED), and members and business admins linked to
// no business (FORBIDDEN on every tenant channel and every system-admin channel).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../src-shared/channels';
import { type ContractClient, type Harness, startHarness, TRANSPORTS } from '../helpers/contract-harness';
import { malformedInputs, PUBLIC_CHANNELS, SYSTEM_ADMIN_CHANNELS, TENANT_CHANNELS, VALID_INPUTS } from '../helpers/contract-cases';
import { buildWorld, insertUser, logicalDump, suiteDir, TEST_PASSWORD, type TestUser } from '../helpers/contract-data';

describe.each(TRANSPORTS)('refusals over %s', (transport) => {
  let harness: Harness;
  let admin: ContractClient;
  const dir = suiteDir();

  beforeAll(async () => {
    harness = await startHarness(transport, path.join(dir.path, 'refusals.db'));
    buildWorld(
      harness.db,
      {
        businesses: 2,
        staff: [
          { members: 1, admins: 1 },
          { members: 1, admins: 0 },
        ],
        unlinked: { members: 0, admins: 0 },
        systemAdmins: 1,
        runs: [
          { owner: { kind: 'business', index: 0 }, status: 'completed', jobType: 'diagnostics.probe', minute: 1, durationMs: 5 },
          { owner: { kind: 'system' }, status: 'running', jobType: 'maintenance.backup', minute: 2, durationMs: 5 },
          { owner: { kind: 'orphan' }, status: 'failed', jobType: 'legacy.cleanup', minute: 3, durationMs: 5 },
        ],
      },
      'refusals',
    );
    const email = harness.db.sqlite.prepare("SELECT email FROM users WHERE role = 'system_admin'").pluck().get() as string;
    admin = harness.client();
    await admin.value('auth.login', { email, password: TEST_PASSWORD });
  });
  afterAll(async () => {
    await harness?.close();
    dir.remove();
  });

  it.each(CHANNELS)('%s answers VALIDATION to every malformed input, writes nothing, and keeps answering', async (channel) => {
    const before = logicalDump(harness.db);
    const cases = malformedInputs(channel);
    expect(cases.length).toBeGreaterThan(8);
    for (const { why, input } of cases) {
      const envelope = await admin.call(channel, input);
      expect(envelope.ok ? 'ok' : envelope.error.code, `${channel} with ${why}`).toBe('VALIDATION');
      if (envelope.ok) continue;
      const { message, fields } = envelope.error;
      expect(message.length, `${channel} with ${why}: a short message`).toBeLessThan(600);
      // A list of the fields refused, each a sentence for people: a capital first, a full stop last, no validator phrase.
      expect(fields?.length, `${channel} with ${why}: the fields refused`).toBeGreaterThan(0);
      for (const field of fields ?? []) {
        expect(field.message, `${channel} with ${why}: ${field.path}`).toMatch(/^[“"A-Z].*\.\)?$/s);
        expect(field.message, `${channel} with ${why}: ${field.path}`).not.toMatch(/Invalid input|expected \w+, received|Too (big|small)|[<>]=|Unrecognized key/);
      }
    }
    expect(logicalDump(harness.db), `${channel}: the database is unchanged`).toBe(before);
    // No crash, and the session is still there.
    const status = await admin.value('auth.status', {});
    expect(status.session?.user.role).toBe('system_admin');
  });

  it('names the field at fault', async () => {
    const refused = await admin.call('jobs.list', { limit: 10, filters: { statuses: ['exploded'] } });
    expect(refused).toEqual({
      ok: false,
      error: { code: 'VALIDATION', message: expect.stringMatching(/^Statuses must be one of: pending, /), fields: [{ path: 'filters.statuses[0]', message: expect.any(String) }] },
    });
    const unknown = await admin.call('jobs.get', { id: 1, businessId: 2 });
    expect(unknown).toEqual({
      ok: false,
      error: { code: 'VALIDATION', message: '“businessId” is not a field this form knows.', fields: [{ path: 'businessId', message: '“businessId” is not a field this form knows.' }] },
    });
  });

  it('every channel but app.status, auth.status, auth.setup and auth.login answers UNAUTHENTICATED without a session', async () => {
    const stranger = harness.client();
    const before = logicalDump(harness.db);
    for (const channel of CHANNELS) {
      if (PUBLIC_CHANNELS.includes(channel)) continue;
      const envelope = await stranger.call(channel, VALID_INPUTS[channel]);
      expect(envelope.ok ? 'ok' : envelope.error.code, channel).toBe('UNAUTHENTICATED');
    }
    expect(logicalDump(harness.db)).toBe(before);
    const status = await stranger.value('auth.status', {});
    expect(status).toEqual({ needsSetup: false, session: null });
  });

  describe.each(['member', 'business_admin'] as const)('a %s linked to no business', (role) => {
    let user: TestUser;
    let client: ContractClient;

    beforeAll(async () => {
      user = insertUser(harness.db, { role, businessId: null });
      client = harness.client();
      await client.value('auth.login', { email: user.email, password: TEST_PASSWORD });
    });

    it.each([...TENANT_CHANNELS, ...SYSTEM_ADMIN_CHANNELS])('gets FORBIDDEN from %s, with the reason', async (channel) => {
      const before = logicalDump(harness.db);
      const envelope = await client.call(channel, VALID_INPUTS[channel]);
      // The audit log is not a member's to read at all, and the orphan wizard is no one's but a system admin's:
      // refused for the role, before any business is asked for.
      const roleLabel = role === 'member' ? 'A member' : 'A business admin';
      const why =
        (channel === 'audit.list' && role === 'member') || SYSTEM_ADMIN_CHANNELS.includes(channel)
          ? new RegExp(`${roleLabel} may not do this`)
          : /not linked to a business/;
      expect(envelope).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(why) } });
      expect(logicalDump(harness.db)).toBe(before);
    });

    it('can sign in and is told there is no scope, and cannot pick one', async () => {
      const status = await client.value('auth.status', {});
      expect(status.session).toEqual({ user: expect.objectContaining({ id: user.id, businessId: null, role }), scope: null, businessDisabled: false, timeDisplay: 'local' });
      const pick = await client.call('session.setScope', { scope: { kind: 'all' } });
      expect(pick.ok ? 'ok' : pick.error.code).toBe('FORBIDDEN');
    });
  });
});
