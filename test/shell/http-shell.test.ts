// The loopback HTTP shell, against a real server on 127.0.0.1 and a real database file.
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { findRendererRoot, portFlag, rendererFilePath, SESSION_HEADER } from '../../src-main/http/server';
import { type AppStatus } from '../../src-shared/contract';
import { type Envelope } from '../../src-shared/errors';
import { insertUser, TEST_PASSWORD } from '../helpers/contract-data';
import { createLegacyDatabase } from '../helpers/legacy-fixtures';
import { databaseFromTheFuture, journalLength, notASqliteFile, seededDatabase, someoneElsesSqliteFile } from '../helpers/shell-data';
import { SECRET_OUTSIDE_ROOT, startTestShell, TEST_INDEX_HTML } from '../helpers/shell-server';
import { tempDbPath } from '../helpers/temp';

type TestShell = Awaited<ReturnType<typeof startTestShell>>;

/** app.status as `as` sees it: signed out, or signed in with that role (a user made for it). */
async function statusAs(shell: TestShell, as: 'signed out' | 'member' | 'system_admin'): Promise<AppStatus> {
  let session: string | undefined;
  if (as !== 'signed out') {
    const startup = await shell.core.started;
    if (startup.state !== 'ready') throw new Error('the database did not open');
    const businessId = as === 'member' ? (startup.db.sqlite.prepare('SELECT min(id) FROM businesses').pluck().get() as number | null) : null;
    session = shell.core.sessions.begin(insertUser(startup.db, { role: as, businessId }).id, null).id;
  }
  const response = await shell.call('app.status', {}, { session });
  expect(response.status).toBe(200);
  const envelope = response.json() as Envelope<AppStatus>;
  if (!envelope.ok) throw new Error(`app.status failed: ${envelope.error.message}`);
  return envelope.value;
}

/** What a system admin reads of the database: the whole status, its database info and startup filled in. */
async function status(shell: TestShell) {
  // A file that failed to open has no accounts: its failure is told to anyone.
  const opened = (await shell.core.started).state === 'ready';
  const value = await statusAs(shell, opened ? 'system_admin' : 'signed out');
  if (value.state !== 'ready') return value;
  if (!value.info || !value.startup) throw new Error('a system admin reads the database');
  return { ...value, info: value.info, startup: value.startup };
}

describe('HTTP shell: the token', () => {
  it('refuses an API call without a token', async () => {
    const shell = await startTestShell(tempDbPath());
    const response = await shell.call('app.status', {}, { authorization: null });
    expect(response.status).toBe(401);
    expect(response.json()).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
  });

  it('refuses a wrong token, a token of the wrong scheme, and one sent as a query parameter', async () => {
    const shell = await startTestShell(tempDbPath());
    for (const authorization of ['Bearer wrong', `Bearer ${shell.shell.token}x`, `Basic ${shell.shell.token}`, shell.shell.token, 'Bearer ']) {
      expect((await shell.call('app.status', {}, { authorization })).status, authorization).toBe(401);
    }
    const viaQuery = await shell.request({
      method: 'POST',
      path: `/api/app.status?token=${shell.shell.token}`,
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(viaQuery.status).toBe(401);
  });

  it('refuses the event stream without the token', async () => {
    const shell = await startTestShell(tempDbPath());
    expect((await shell.request({ path: '/api/events' })).status).toBe(401);
  });

  it('refuses the event stream without a session, and with a session named only in the query', async () => {
    const shell = await startTestShell(tempDbPath());
    const auth = { Authorization: `Bearer ${shell.shell.token}` };
    expect((await shell.request({ path: '/api/events', headers: auth })).status).toBe(401);
    expect((await shell.request({ path: '/api/events', headers: { ...auth, [SESSION_HEADER]: 'made-up' } })).status).toBe(401);
    const startup = await shell.core.started;
    if (startup.state !== 'ready') throw new Error('the database did not open');
    const session = shell.core.sessions.begin(insertUser(startup.db, { role: 'system_admin', businessId: null }).id, { kind: 'all' });
    expect((await shell.request({ path: `/api/events?session=${session.id}`, headers: auth })).status).toBe(401);
  });

  it('uses a different token on every run', async () => {
    const a = await startTestShell(tempDbPath());
    const b = await startTestShell(tempDbPath());
    expect(a.shell.token).not.toBe(b.shell.token);
    expect(a.shell.token.length).toBeGreaterThanOrEqual(40);
    expect((await a.call('app.status', {}, { authorization: `Bearer ${b.shell.token}` })).status).toBe(401);
  });
});

describe('HTTP shell: app.status', () => {
  it('tells only a role that reads the database about it: nothing about the file or its accounts signed out or to a member', async () => {
    const file = await seededDatabase({ businesses: 2, businessRuns: 3, systemRuns: 1, orphanRuns: 1 });
    const shell = await startTestShell(file);
    for (const as of ['signed out', 'member'] as const) {
      const value = await statusAs(shell, as);
      expect(value, as).toEqual({ state: 'ready', info: null, startup: null });
      expect(JSON.stringify(value), as).not.toContain(file);
    }
    expect((await status(shell)).state).toBe('ready');
  });

  it('reports a ready database with its real counts', async () => {
    const file = await seededDatabase({ businesses: 3, businessRuns: 7, systemRuns: 2, orphanRuns: 4 });
    const shell = await startTestShell(file);
    const value = await status(shell);
    if (value.state !== 'ready') throw new Error(`expected ready, got ${value.state}: ${value.message}`);
    expect(value.info.path).toBe(file);
    expect(value.info.schemaVersion).toBe(journalLength());
    expect(value.info.counts).toEqual({ businesses: 3, users: 1, runs: 13, systemRuns: 2, orphanRuns: 4, schedules: 0, auditEvents: 0 });
    expect(value.startup).toEqual({ created: false, migrated: null, adoption: null });
  });

  it('reports a new database as created and migrated from 0', async () => {
    const shell = await startTestShell(tempDbPath());
    const value = await status(shell);
    if (value.state !== 'ready') throw new Error(value.message);
    expect(value.startup).toEqual({ created: true, migrated: { from: 0, to: journalLength(), backupPath: null }, adoption: null });
    expect(value.info.counts.runs).toBe(0);
  });

  it('reports a database adopted from the server edition, with its orphans', async () => {
    const file = tempDbPath();
    const legacy = createLegacyDatabase(file, { revision: 'pre_tenant', businesses: 2, users: 3, runs: 9 });
    const shell = await startTestShell(file);
    const value = await status(shell);
    if (value.state !== 'ready') throw new Error(`expected ready, got ${value.state}: ${value.message}`);
    // Before tenancy no run had a business: every one is an orphan now, and the report says so.
    expect(value.info.counts.runs).toBe(legacy.runCount);
    expect(value.info.counts.orphanRuns).toBe(legacy.runCount);
    expect(value.info.adoption).toMatchObject({ shape: 'pre_tenant', runs: legacy.runCount, orphans: legacy.runCount });
    expect(value.startup.adoption).toEqual(value.info.adoption);
  });

  it('answers VALIDATION for unknown fields and bad JSON, NOT_FOUND for unknown channels', async () => {
    const shell = await startTestShell(tempDbPath());
    const unknownField = await shell.call('app.status', { businessId: 2 });
    expect(unknownField.status).toBe(400);
    expect(unknownField.json()).toEqual({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('businessId'), fields: [{ path: 'businessId', message: expect.any(String) }] } });
    const badJson = await shell.request({
      method: 'POST',
      path: '/api/app.status',
      headers: { Authorization: `Bearer ${shell.shell.token}`, 'Content-Type': 'application/json' },
      body: '{"unterminated',
    });
    expect(badJson.status).toBe(400);
    expect((badJson.json() as Envelope<unknown>).ok).toBe(false);
    const unknown = await shell.call('jobs.deleteEverything', {});
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: expect.any(String) } });
  });

  it('accepts JSON only, by POST only', async () => {
    const shell = await startTestShell(tempDbPath());
    const auth = { Authorization: `Bearer ${shell.shell.token}` };
    const form = await shell.request({ method: 'POST', path: '/api/app.status', headers: { ...auth, 'Content-Type': 'text/plain' }, body: '{}' });
    expect(form.status).toBe(415);
    expect((await shell.request({ method: 'GET', path: '/api/app.status', headers: auth })).status).toBe(405);
  });

  it('refuses a body over the size limit, in people’s words, and keeps serving', async () => {
    const shell = await startTestShell(tempDbPath());
    const response = await shell.call('app.status', { padding: 'x'.repeat(2 * 1024 * 1024) });
    expect(response.status).toBe(413);
    expect(response.json()).toEqual({ ok: false, error: { code: 'VALIDATION', message: 'The input is too large: an API call takes at most 1 MiB of JSON.' } });
    expect((await shell.call('app.status', {})).status).toBe(200);
  });

  it('answers VALIDATION naming the field to a body nested deeper than any parser recursion, and to one that is not JSON', async () => {
    const shell = await startTestShell(tempDbPath());
    const depth = 200_000;
    const body = `{"email":${'['.repeat(depth)}${']'.repeat(depth)},"password":"correct horse battery"}`;
    const deep = await shell.request({ method: 'POST', path: '/api/auth.login', headers: { Authorization: `Bearer ${shell.shell.token}`, 'Content-Type': 'application/json' }, body });
    expect(deep.status).toBe(400);
    expect(deep.json()).toEqual({ ok: false, error: { code: 'VALIDATION', message: 'Email must be text.', fields: [{ path: 'email', message: 'Email must be text.' }] } });
    for (const notJson of ['', 'undefined', '{"a":1', '\u0000', 'NaN', '{"__proto__":']) {
      const response = await shell.request({ method: 'POST', path: '/api/auth.login', headers: { Authorization: `Bearer ${shell.shell.token}`, 'Content-Type': 'application/json' }, body: notJson });
      expect(response.status, JSON.stringify(notJson)).toBe(400);
      expect((response.json() as Envelope<unknown>).ok).toBe(false);
    }
  });
});

describe('HTTP shell: a database that cannot be opened', () => {
  it('reports a file that is not a SQLite database as failed, and keeps serving the page', async () => {
    const file = notASqliteFile();
    const shell = await startTestShell(file);
    const value = await status(shell);
    expect(value).toMatchObject({ state: 'failed', reason: 'cannot_open', path: file, backupPath: null });
    if (value.state === 'failed') expect(value.message).toMatch(/not a SQLite database/);
    expect((await shell.request({ path: '/' })).status).toBe(200);
  });

  it('reports a SQLite file of another program as not an app database', async () => {
    const shell = await startTestShell(someoneElsesSqliteFile());
    expect(await status(shell)).toMatchObject({ state: 'failed', reason: 'not_an_app_database' });
  });

  it('refuses a database from the future (more migrations than this app knows)', async () => {
    const file = await databaseFromTheFuture();
    const shell = await startTestShell(file);
    const value = await status(shell);
    expect(value).toMatchObject({ state: 'failed', reason: 'newer_schema', path: file });
    if (value.state === 'failed') expect(value.message).toContain(`schema version ${journalLength() + 1}`);
  });
});

describe('HTTP shell: static files', () => {
  it('serves index.html at / with the CSP and no-referrer headers, without a token', async () => {
    const shell = await startTestShell(tempDbPath());
    const page = await shell.request({ path: `/?token=${shell.shell.token}` });
    expect(page.status).toBe(200);
    expect(page.body).toBe(TEST_INDEX_HTML);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'; script-src 'self';/);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const script = await shell.request({ path: '/assets/app.js' });
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/assets%2f..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/.%2e/secret.txt',
    '/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/index.html%00.js',
    '/.hidden',
    '/assets',
    '/nope.html',
    '/%E0%A4%A',
  ])('answers 404 to %s', async (path) => {
    const shell = await startTestShell(tempDbPath());
    const response = await shell.request({ path });
    expect(response.status).toBe(404);
    expect(response.body).not.toContain(SECRET_OUTSIDE_ROOT);
  });

  it('keeps every resolved path inside the root', () => {
    expect(rendererFilePath('/srv/r', '/')).toBe('/srv/r/index.html');
    expect(rendererFilePath('/srv/r', '/assets/a.js')).toBe('/srv/r/assets/a.js');
    expect(rendererFilePath('/srv/r', '/../r2/x')).toBeNull();
    expect(rendererFilePath('/srv/r', 'relative')).toBeNull();
  });

  it('refuses a Host header that is not its own (DNS rebinding)', async () => {
    const shell = await startTestShell(tempDbPath());
    const response = await shell.request({ path: '/', headers: { Host: `evil.example:${shell.shell.port}` } });
    expect(response.status).toBe(421);
  });
});

describe('HTTP shell: the network', () => {
  it('listens on 127.0.0.1 only', async () => {
    const shell = await startTestShell(tempDbPath());
    expect(shell.shell.address).toBe('127.0.0.1');
    const others = Object.values(os.networkInterfaces())
      .flat()
      .filter((info): info is os.NetworkInterfaceInfo => info !== undefined && !info.internal && info.family === 'IPv4')
      .map((info) => info.address);
    for (const address of [...others, '::1']) {
      await expect(canConnect(address, shell.shell.port), address).resolves.toBe(false);
    }
    await expect(canConnect('127.0.0.1', shell.shell.port)).resolves.toBe(true);
  });
});

describe('HTTP shell: events', () => {
  it('streams a system admin’s events and heartbeats to a client with the token and a session', async () => {
    const shell = await startTestShell(tempDbPath(), { heartbeatMs: 50 });
    const startup = await shell.core.started;
    if (startup.state !== 'ready') throw new Error('the database did not open');
    const admin = insertUser(startup.db, { role: 'system_admin', businessId: null });
    const login = await shell.call('auth.login', { email: admin.email, password: TEST_PASSWORD });
    const session = login.headers[SESSION_HEADER.toLowerCase()];
    if (typeof session !== 'string' || session === '') throw new Error('auth.login returned no session token');
    const received = await new Promise<string>((resolve, reject) => {
      const req = http.get(
        {
          host: '127.0.0.1',
          port: shell.shell.port,
          path: '/api/events',
          headers: { Authorization: `Bearer ${shell.shell.token}`, [SESSION_HEADER]: session },
        },
        (res) => {
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
            if (text.includes(': connected') && !text.includes('event:')) shell.core.events.publish('database.changed', { tables: ['job_runs'] });
            if (text.includes('event: database.changed') && text.includes(': heartbeat')) {
              req.destroy();
              resolve(text);
            }
          });
        },
      );
      req.on('error', reject);
    });
    expect(received).toContain('event: database.changed\ndata: {"tables":["job_runs"]}\n\n');
  });
});

describe('serve command line', () => {
  it('reads --port', () => {
    expect(portFlag(['node', 'serve.js'])).toBeUndefined();
    expect(portFlag(['--db', 'x.db', '--port', '5174'])).toBe(5174);
    expect(portFlag(['--port=0'])).toBe(0);
    for (const bad of [['--port'], ['--port', '--db'], ['--port=abc'], ['--port', '70000'], ['--port=-1']]) {
      expect(() => portFlag(bad), bad.join(' ')).toThrow(/--port needs a number/);
    }
  });

  it('finds no renderer where there is none', () => {
    expect(findRendererRoot('/')).toBeNull();
  });
});

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
