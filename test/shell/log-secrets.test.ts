// Nothing secret reaches the log: the flows that handle passwords, session ids and the HTTP shell's token run with
// the log in a file, which is then searched for every one of those values. The lines those flows must leave (a
// refused sign-in, a sign-in, a session's end, an error) are there, so the search looks at a real log.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configureLog, log, resetLog } from '../../src-main/log';
import { SESSION_HEADER } from '../../src-main/http/server';
import { startHarness, TRANSPORTS } from '../helpers/contract-harness';
import { insertUser, TEST_PASSWORD } from '../helpers/contract-data';
import { tempDir } from '../helpers/temp';

afterEach(() => {
  resetLog();
  vi.restoreAllMocks();
});

const SETUP_PASSWORD = 'first-admin-Passw0rd-setup';
const WRONG_PASSWORD = 'not-the-Passw0rd-wrong';
const NEW_PASSWORD = 'brand-new-Passw0rd-set';

describe.each(TRANSPORTS)('the log over %s', (transport) => {
  it('holds no password, session id or shell token after setup, sign-ins (one refused), a new password, sign-out and an error', async () => {
    for (const method of ['error', 'warn', 'info', 'debug'] as const) vi.spyOn(console, method).mockImplementation(() => {});
    const folder = tempDir();
    const file = configureLog({ folder: path.join(folder, 'logs'), env: { AUTOMATION_LOG_LEVEL: 'debug' } })!;
    const harness = await startHarness(transport, path.join(folder, 'automation.db'));
    const sessionIds: string[] = [];
    try {
      const admin = harness.client();
      await admin.value('auth.setup', { email: 'root@example.test', password: SETUP_PASSWORD });
      sessionIds.push(admin.sessionId!);
      const member = insertUser(harness.db, { role: 'member', businessId: null, email: 'member@example.test' });

      const refused = await harness.client().call('auth.login', { email: member.email, password: WRONG_PASSWORD });
      expect(refused.ok).toBe(false);
      const unknown = await harness.client().call('auth.login', { email: 'nobody@example.test', password: WRONG_PASSWORD });
      expect(unknown.ok).toBe(false);

      const signedIn = harness.client();
      await signedIn.value('auth.login', { email: member.email, password: TEST_PASSWORD });
      sessionIds.push(signedIn.sessionId!);
      await admin.value('users.setPassword', { id: member.id, password: NEW_PASSWORD });
      const again = harness.client();
      await again.value('auth.login', { email: member.email, password: NEW_PASSWORD });
      sessionIds.push(again.sessionId!);
      await again.value('auth.logout', {});

      // What a shell or a handler might put in a line: the page's address, a request's headers, an error that quotes them.
      const token = harness.shell?.token ?? null;
      const headers = { Authorization: `Bearer ${token ?? 'none'}`, [SESSION_HEADER]: sessionIds[0], body: { email: member.email, password: WRONG_PASSWORD } };
      log.error(
        `[test] a request failed for ${harness.shell?.pageUrl ?? 'the window'}:`,
        new Error(`refused session ${sessionIds[1]!}, sent with Authorization: Bearer ${token ?? sessionIds[2]!}`),
        { headers },
      );
      log.debug(`[test] sessions seen: ${sessionIds.join(', ')}`);

      const text = fs.readFileSync(file, 'utf8');
      // The lines the flows leave.
      expect(text).toMatch(new RegExp(`\\[warn\\] +\\[auth\\] a sign-in of user ${member.id} was refused: wrong_password`));
      expect(text).toMatch(/\[warn\] +\[auth\] a sign-in was refused: unknown_email/);
      expect(text).toMatch(new RegExp(`\\[info\\] +\\[auth\\] user ${member.id} signed in`));
      expect(text).toMatch(new RegExp(`\\[info\\] +\\[sessions\\] a session of user ${member.id} ended`));
      expect(text).toMatch(/\[error\] +\[test\] a request failed for .*Error: refused session \[redacted\]/);
      expect(text).toMatch(/\[debug\] +\[test\] sessions seen: \[redacted\], \[redacted\], \[redacted\]/);
      // And none of the secrets.
      expect(sessionIds).toHaveLength(3);
      const secrets = [SETUP_PASSWORD, WRONG_PASSWORD, NEW_PASSWORD, TEST_PASSWORD, ...sessionIds, ...(token ? [token] : [])];
      for (const secret of secrets) expect(text, `the log holds ${secret}`).not.toContain(secret);
    } finally {
      await harness.close();
    }
  });
});
