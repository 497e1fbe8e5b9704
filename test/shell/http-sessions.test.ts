// Signing in, out and being thrown out, through the real HTTP shell: the session token travels in the
// X-Session-Token header, the run token in Authorization, and neither ever in a URL.
import { describe, expect, it } from 'vitest';
import { SESSION_HEADER } from '../../src-main/http/server';
import { MAX_FAILED_LOGINS } from '../../src-main/accounts/accounts';
import { CHANNELS } from '../../src-shared/channels';
import { type Harness, startHarness } from '../helpers/contract-harness';
import { PUBLIC_CHANNELS, VALID_INPUTS } from '../helpers/contract-cases';
import { insertBusiness, insertUser, TEST_PASSWORD } from '../helpers/contract-data';
import { notASqliteFile } from '../helpers/shell-data';
import { rawRequest } from '../helpers/shell-server';
import { tempDbPath } from '../helpers/temp';

/** POST straight to the shell, so the headers it answers with can be read. */
async function post(harness: Harness, channel: string, input: unknown, headers: Record<string, string> = {}) {
  const shell = harness.shell!;
  const response = await rawRequest(shell.port, {
    method: 'POST',
    path: `/api/${channel}`,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${shell.token}`, ...headers },
    body: JSON.stringify(input),
  });
  const issued = response.headers[SESSION_HEADER.toLowerCase()];
  return { status: response.status, envelope: response.json() as { ok: boolean; value?: unknown; error?: { code: string; message: string } }, issued };
}

async function withShell<T>(work: (harness: Harness) => Promise<T>, dbPath: string = tempDbPath()): Promise<T> {
  const harness = await startHarness('http', dbPath, { allowFailedStart: true });
  try {
    return await work(harness);
  } finally {
    await harness.close();
  }
}

const code = (envelope: { ok: boolean; error?: { code: string } }) => (envelope.ok ? 'ok' : envelope.error!.code);

describe('HTTP shell: sessions', () => {
  it('sets up the first system admin once, signed in at once', () =>
    withShell(async (harness) => {
      const client = harness.client();
      expect(await client.value('auth.status', {})).toEqual({ needsSetup: true, session: null });
      const session = await client.value('auth.setup', { email: 'Root@Example.test', password: 'a long enough password' });
      expect(session).toMatchObject({ user: { email: 'root@example.test', role: 'system_admin' }, scope: { kind: 'all' } });
      expect(client.sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await client.value('auth.status', {})).toEqual({ needsSetup: false, session });
      const again = await harness.client().call('auth.setup', { email: 'second@example.test', password: 'a long enough password' });
      expect(code(again)).toBe('CONFLICT');
    }));

  it('signs in with the right password only, and answers with the session token in a header', () =>
    withShell(async (harness) => {
      const business = insertBusiness(harness.db, 'Acme');
      const member = insertUser(harness.db, { role: 'member', businessId: business });
      const wrong = await post(harness, 'auth.login', { email: member.email, password: 'not the password' });
      expect(wrong).toMatchObject({ status: 401, envelope: { ok: false, error: { code: 'UNAUTHENTICATED', message: 'The email or password is not right.' } } });
      expect(wrong.issued).toBeUndefined();
      const unknown = await post(harness, 'auth.login', { email: 'nobody@example.test', password: TEST_PASSWORD });
      expect(unknown.envelope.error).toEqual(wrong.envelope.error);

      const right = await post(harness, 'auth.login', { email: member.email.toUpperCase(), password: TEST_PASSWORD });
      expect(right.status).toBe(200);
      expect(right.envelope.value).toMatchObject({ user: { id: member.id, businessName: 'Acme' }, scope: { kind: 'business', businessId: business } });
      // The contract's answer is the same in both shells: the token is only in the header.
      expect(JSON.stringify(right.envelope)).not.toContain(String(right.issued));
      expect(right.issued).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const listed = await post(harness, 'jobs.list', {}, { [SESSION_HEADER]: right.issued as string });
      expect(listed.status).toBe(200);
    }));

  it(`locks an account after ${MAX_FAILED_LOGINS} wrong passwords, and says until when`, () =>
    withShell(async (harness) => {
      const member = insertUser(harness.db, { role: 'member', businessId: insertBusiness(harness.db, 'Acme') });
      const client = harness.client();
      const messages: string[] = [];
      for (let i = 0; i < MAX_FAILED_LOGINS; i++) {
        const envelope = await client.call('auth.login', { email: member.email, password: `wrong ${i}` });
        messages.push(envelope.ok ? 'ok' : envelope.error.message);
      }
      expect(messages.slice(0, -1).every((message) => message === 'The email or password is not right.')).toBe(true);
      expect(messages.at(-1)).toMatch(/^Too many failed sign-ins; try again after \d\d:\d\d UTC\.$/);
      const right = await client.call('auth.login', { email: member.email, password: TEST_PASSWORD });
      expect(right.ok ? 'ok' : right.error.message).toMatch(/^Too many failed sign-ins/);
      expect(client.sessionId).toBeNull();
    }));

  it('signing out ends the session: the token is cleared, the next call is UNAUTHENTICATED, its event stream closes', () =>
    withShell(async (harness) => {
      const admin = insertUser(harness.db, { role: 'system_admin', businessId: null });
      const client = harness.client();
      await client.value('auth.login', { email: admin.email, password: TEST_PASSWORD });
      const token = client.sessionId!;
      const events = await client.listen();
      const logout = await post(harness, 'auth.logout', {}, { [SESSION_HEADER]: token });
      expect(logout).toMatchObject({ status: 200, envelope: { ok: true, value: { ok: true } }, issued: '' });
      const after = await post(harness, 'jobs.list', {}, { [SESSION_HEADER]: token });
      expect(after).toMatchObject({ status: 401, envelope: { error: { code: 'UNAUTHENTICATED' } } });
      expect(code(await post(harness, 'auth.logout', {}, { [SESSION_HEADER]: token }).then((r) => r.envelope))).toBe('UNAUTHENTICATED');
      await expect.poll(() => events.closed).toBe(true);
    }));

  it('a new sign-in replaces the old session; other tabs keep theirs', () =>
    withShell(async (harness) => {
      const admin = insertUser(harness.db, { role: 'system_admin', businessId: null });
      const tab1 = harness.client();
      const tab2 = harness.client();
      await tab1.value('auth.login', { email: admin.email, password: TEST_PASSWORD });
      await tab2.value('auth.login', { email: admin.email, password: TEST_PASSWORD });
      const first = tab1.sessionId!;
      await tab1.value('auth.login', { email: admin.email, password: TEST_PASSWORD });
      expect(tab1.sessionId).not.toBe(first);
      expect(code((await post(harness, 'users.list', {}, { [SESSION_HEADER]: first })).envelope)).toBe('UNAUTHENTICATED');
      expect((await tab2.call('users.list', {})).ok).toBe(true);
      // Switching scope in one tab does not move the other.
      await tab1.value('session.setScope', { scope: { kind: 'system' } });
      expect((await tab2.value('auth.status', {})).session?.scope).toEqual({ kind: 'all' });
    }));

  it('a disabled or deleted user’s session stops working at their next call', () =>
    withShell(async (harness) => {
      const business = insertBusiness(harness.db, 'Acme');
      const admin = insertUser(harness.db, { role: 'system_admin', businessId: null });
      const disabled = insertUser(harness.db, { role: 'member', businessId: business });
      const deleted = insertUser(harness.db, { role: 'business_admin', businessId: business });
      const disabledBehindTheAppsBack = insertUser(harness.db, { role: 'member', businessId: business });
      const root = harness.client();
      await root.value('auth.login', { email: admin.email, password: TEST_PASSWORD });
      const clients = await Promise.all(
        [disabled, deleted, disabledBehindTheAppsBack].map(async (user) => {
          const client = harness.client();
          await client.value('auth.login', { email: user.email, password: TEST_PASSWORD });
          expect((await client.call('jobs.list', {})).ok).toBe(true);
          return client;
        }),
      );
      await root.value('users.setDisabled', { id: disabled.id, disabled: true });
      await root.value('users.delete', { id: deleted.id });
      // The actor is loaded from the database on every request: a change by any other path counts too.
      harness.db.sqlite.prepare('UPDATE users SET disabled_at = ? WHERE id = ?').run(Date.now(), disabledBehindTheAppsBack.id);
      for (const client of clients) {
        const refused = await client.call('jobs.list', {});
        expect(refused.ok ? 'ok' : refused.error.code).toBe('UNAUTHENTICATED');
        expect((await client.value('auth.status', {})).session).toBeNull();
      }
      expect((await root.call('jobs.list', {})).ok).toBe(true);
    }));

  it('a user moved to another business sees that business from their next call', () =>
    withShell(async (harness) => {
      const acme = insertBusiness(harness.db, 'Acme');
      const globex = insertBusiness(harness.db, 'Globex');
      const member = insertUser(harness.db, { role: 'member', businessId: acme });
      const client = harness.client();
      await client.value('auth.login', { email: member.email, password: TEST_PASSWORD });
      harness.db.sqlite.prepare('UPDATE users SET business_id = ? WHERE id = ?').run(globex, member.id);
      expect((await client.value('auth.status', {})).session?.scope).toEqual({ kind: 'business', businessId: globex });
      const run = await client.value('jobs.create', { jobType: 'diagnostics.probe' });
      expect(run.businessId).toBe(globex);
      harness.db.sqlite.prepare('UPDATE users SET business_id = NULL WHERE id = ?').run(member.id);
      expect(code(await client.call('jobs.list', {}))).toBe('FORBIDDEN');
    }));

  it('refuses every API call without the run token (401), whatever session it names', () =>
    withShell(async (harness) => {
      const admin = insertUser(harness.db, { role: 'system_admin', businessId: null });
      const client = harness.client();
      await client.value('auth.login', { email: admin.email, password: TEST_PASSWORD });
      for (const channel of CHANNELS) {
        const response = await rawRequest(harness.shell!.port, {
          method: 'POST',
          path: `/api/${channel}`,
          headers: { 'Content-Type': 'application/json', [SESSION_HEADER]: client.sessionId! },
          body: JSON.stringify(VALID_INPUTS[channel]),
        });
        expect(response.status, channel).toBe(401);
      }
    }));

  it('answers UNAUTHENTICATED (401) without a session, with a made-up one, and with one named in the query', () =>
    withShell(async (harness) => {
      const admin = insertUser(harness.db, { role: 'system_admin', businessId: null });
      const client = harness.client();
      await client.value('auth.login', { email: admin.email, password: TEST_PASSWORD });
      for (const channel of CHANNELS.filter((channel) => !PUBLIC_CHANNELS.includes(channel))) {
        const attempts: Record<string, string>[] = [{}, { [SESSION_HEADER]: 'A'.repeat(43) }, { [SESSION_HEADER]: '' }];
        for (const headers of attempts) {
          const { status, envelope } = await post(harness, channel, VALID_INPUTS[channel], headers);
          expect([status, code(envelope)], `${channel} ${JSON.stringify(headers)}`).toEqual([401, 'UNAUTHENTICATED']);
        }
      }
      const viaQuery = await post(harness, `jobs.list?session=${client.sessionId}`, {});
      expect(code(viaQuery.envelope)).toBe('UNAUTHENTICATED');
    }));

  it('while the database cannot be opened, every channel but app.status says so', () =>
    withShell(async (harness) => {
      expect((await harness.client().value('app.status', {})).state).toBe('failed');
      for (const channel of CHANNELS.filter((channel) => channel !== 'app.status')) {
        const envelope = await harness.client().call(channel, VALID_INPUTS[channel]);
        expect(envelope.ok ? 'ok' : envelope.error, channel).toEqual({ code: 'INTERNAL', message: expect.stringMatching(/^The database is not open \(cannot_open\): /) });
      }
    }, notASqliteFile()),
  );
});
