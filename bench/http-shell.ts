// The app's core and its HTTP shell on a bench file, as the HTTP items call them: output validation off, as in the
// packaged app (it is on in development builds), a placeholder renderer, and calls over loopback with keep-alive.
import fs from 'node:fs';
import path from 'node:path';
import { type AppCore, type AppCoreOptions, createAppCore } from '../src-main/app-core';
import { type AppDatabase } from '../src-main/db/connection';
import { SESSION_HEADER, startHttpShell } from '../src-main/http/server';

export interface BenchShell {
  core: AppCore;
  db: AppDatabase;
  /** `http://127.0.0.1:PORT/api` */
  base: string;
  token: string;
  /** Calls a channel; throws on a refusal. */
  call(channel: string, input: unknown, session?: string): Promise<{ response: Response; value: unknown }>;
  /** Signs in and returns the session token. */
  signIn(email: string, password: string): Promise<string>;
}

/** Calls to an HTTP shell at `base` (`http://127.0.0.1:PORT/api`) with its token, over keep-alive. */
export function httpClient(base: string, token: string): Pick<BenchShell, 'call' | 'signIn'> {
  const call: BenchShell['call'] = async (channel, input, session) => {
    const response = await fetch(`${base}/${channel}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, ...(session ? { [SESSION_HEADER]: session } : {}) },
      body: JSON.stringify(input),
    });
    const envelope = (await response.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
    if (!envelope.ok) throw new Error(`${channel}: ${envelope.error?.message ?? response.status}`);
    return { response, value: envelope.value };
  };
  const signIn: BenchShell['signIn'] = async (email, password) => {
    const { response } = await call('auth.login', { email, password });
    const session = response.headers.get(SESSION_HEADER);
    if (!session) throw new Error(`auth.login for ${email} answered without a session header`);
    return session;
  };
  return { call, signIn };
}

/** Runs `work` against the core and HTTP shell on `file` (`scratch` holds the placeholder renderer), closing both after. */
export async function withHttpShell<T>(
  file: string,
  scratch: string,
  options: Pick<AppCoreOptions, 'engine' | 'reads'>,
  work: (shell: BenchShell) => Promise<T>,
): Promise<T> {
  const staticRoot = path.join(scratch, 'renderer');
  fs.mkdirSync(staticRoot, { recursive: true });
  fs.writeFileSync(path.join(staticRoot, 'index.html'), '<!doctype html><title>bench</title>');
  const core = createAppCore({ argv: ['--db', file], env: {}, migrationsFolder: path.resolve(__dirname, '../drizzle'), checkOutput: false, ...options });
  try {
    const started = await core.started;
    if (started.state !== 'ready') throw new Error(`The app did not start: ${started.failure.message}`);
    const shell = await startHttpShell({ core, staticRoot });
    try {
      const base = `http://127.0.0.1:${shell.port}/api`;
      const { call, signIn } = httpClient(base, shell.token);
      return await work({ core, db: started.db, base, token: shell.token, call, signIn });
    } finally {
      await shell.close();
    }
  } finally {
    await core.close();
  }
}
