// Starts the real core and HTTP shell on 127.0.0.1 over a real database file, with a tiny static folder,
// and stops both after the current test.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach } from 'vitest';
import { type AppCore, createAppCore } from '../../src-main/app-core';
import { type HttpShell, SESSION_HEADER, type ShellLimits, startHttpShell } from '../../src-main/http/server';
import { MIGRATIONS_FOLDER, tempDir } from './temp';

const running: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

export const TEST_INDEX_HTML = '<!doctype html><title>test renderer</title><script type="module" src="./assets/app.js"></script>';
export const SECRET_OUTSIDE_ROOT = 'secret outside the static root';

/** A static root with index.html and one asset, beside a file the server must never serve. */
export function makeStaticRoot(): string {
  const parent = tempDir('automation-static-');
  fs.writeFileSync(path.join(parent, 'secret.txt'), SECRET_OUTSIDE_ROOT);
  const root = path.join(parent, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), TEST_INDEX_HTML);
  fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log("app");\n');
  fs.writeFileSync(path.join(root, '.hidden'), 'hidden');
  return root;
}

export interface TestShell {
  core: AppCore;
  shell: HttpShell;
  /** POST /api/<channel> with the token (or the given authorization header, or none), and a session token if given. */
  call(channel: string, input: unknown, options?: { authorization?: string | null; session?: string }): Promise<RawResponse>;
  request(options: RawRequest): Promise<RawResponse>;
}

export async function startTestShell(dbPath: string, options: { heartbeatMs?: number; limits?: Partial<ShellLimits> } = {}): Promise<TestShell> {
  const core = createAppCore({ argv: ['--db', dbPath], env: {}, migrationsFolder: MIGRATIONS_FOLDER, checkOutput: true, engine: { start: false } });
  running.push(() => core.close());
  const shell = await startHttpShell({ core, staticRoot: makeStaticRoot(), heartbeatMs: options.heartbeatMs, limits: options.limits });
  running.push(() => shell.close());
  const request = (req: RawRequest) => rawRequest(shell.port, req);
  return {
    core,
    shell,
    request,
    call: (channel, input, callOptions = {}) => {
      const authorization = callOptions.authorization === undefined ? `Bearer ${shell.token}` : callOptions.authorization;
      return request({
        method: 'POST',
        path: `/api/${channel}`,
        headers: {
          'Content-Type': 'application/json',
          ...(authorization === null ? {} : { Authorization: authorization }),
          ...(callOptions.session === undefined ? {} : { [SESSION_HEADER]: callOptions.session }),
        },
        body: JSON.stringify(input),
      });
    },
  };
}

export interface RawRequest {
  method?: string;
  /** Sent as is: no normalization of "..", unlike fetch. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  host?: string;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json(): unknown;
}

export function rawRequest(port: number, req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request({ host: req.host ?? '127.0.0.1', port, method: req.method ?? 'GET', path: req.path, headers: req.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
      });
      res.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}
