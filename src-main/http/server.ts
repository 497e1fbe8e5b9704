// The loopback HTTP shell: the same dispatcher as the Electron shell, for development and browser tests.
// 127.0.0.1 only, a per-run token on every API call, the built renderer as static files. No business logic.
// Sessions: one per X-Session-Token header. A sign-in answers with the new token in that response header
// (the contract's output stays the same in both shells); the renderer keeps it and sends it on every call.
// This file routes; the parts: tokens.ts (the shell's token, the session header), channel.ts (one API call),
// event-stream.ts (a session's events), static.ts (the renderer's files), respond.ts (headers and bodies).
import http from 'node:http';
import path from 'node:path';
import { LAUNCH_COMMAND_HEADER } from '../../src-shared/channels';
import { errorEnvelope } from '../../src-shared/errors';
import { type AppCore } from '../app-core';
import { callChannel } from './channel';
import { createEventStreams, type EventStreams } from './event-stream';
import { sendEnvelope, sendText } from './respond';
import { serveStatic } from './static';
import { bearerTokenCheck, createToken } from './tokens';

export { findRendererRoot, staticFilePath } from './static';
export { createToken, SESSION_HEADER } from './tokens';

export const HTTP_HOST = '127.0.0.1';
export const HEARTBEAT_MS = 15_000;

export interface HttpShellOptions {
  core: Pick<AppCore, 'dispatcher' | 'sessions' | 'subscribeSession'>;
  /** The built renderer (out/renderer), or any folder with an index.html. */
  staticRoot: string;
  /** 0 or absent: a free port chosen by the system. */
  port?: number;
  /** Absent: a fresh random token for this run. */
  token?: string;
  /** The command that started this process (`npm start`, `npm run serve`): the page names it when it cannot reach the app. */
  launchCommand?: string;
  heartbeatMs?: number;
}

export interface HttpShell {
  /** Always HTTP_HOST: the shell is never reachable from another machine. */
  readonly address: string;
  readonly port: number;
  readonly token: string;
  /** The address to open: the page, with the token the renderer reads and then sends as a header. */
  readonly pageUrl: string;
  close(): Promise<void>;
}

/** What routing a request needs; the port is known once the server listens. */
interface Routes {
  port: number;
  core: HttpShellOptions['core'];
  hasToken: (req: http.IncomingMessage) => boolean;
  streams: EventStreams;
  staticRoot: string;
  launchCommand: string | undefined;
}

export async function startHttpShell(options: HttpShellOptions): Promise<HttpShell> {
  const token = options.token ?? createToken();
  const routes: Routes = {
    port: 0,
    core: options.core,
    hasToken: bearerTokenCheck(token),
    streams: createEventStreams(options.core, options.heartbeatMs ?? HEARTBEAT_MS),
    staticRoot: path.resolve(options.staticRoot),
    launchCommand: options.launchCommand,
  };
  const server = http.createServer((req, res) => {
    route(routes, req, res).catch((error: unknown) => {
      console.error('[http] request failed:', error);
      if (!res.headersSent) sendEnvelope(res, errorEnvelope('INTERNAL', 'Something went wrong inside the app. The details are in its log.'));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HTTP_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as { address: string; port: number };
  const port = bound.port;
  routes.port = port;

  return {
    address: bound.address,
    port,
    token,
    pageUrl: `http://${HTTP_HOST}:${port}/?token=${encodeURIComponent(token)}`,
    close: () =>
      new Promise<void>((resolve) => {
        routes.streams.endAll();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** /api/events (GET, a session's stream), /api/<channel> (POST), both with the token; anything else a static file. */
async function route(routes: Routes, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const { port } = routes;
  // A page on another site that resolves its own name to 127.0.0.1 (DNS rebinding) sends its own Host.
  const host = req.headers.host;
  if (host !== `${HTTP_HOST}:${port}` && host !== `localhost:${port}`) return sendText(res, 421, 'Unknown host.');
  const rawPath = (req.url ?? '/').split('?')[0]!;
  if (rawPath === '/api' || rawPath.startsWith('/api/')) {
    if (routes.launchCommand) res.setHeader(LAUNCH_COMMAND_HEADER, routes.launchCommand);
    if (!routes.hasToken(req)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return sendEnvelope(res, errorEnvelope('UNAUTHENTICATED', 'This address needs the token printed when the app started.'));
    }
    if (rawPath === '/api/events') {
      if (req.method !== 'GET') return sendText(res, 405, 'Method not allowed.', { Allow: 'GET' });
      return routes.streams.open(req, res);
    }
    if (req.method !== 'POST') return sendText(res, 405, 'Method not allowed.', { Allow: 'POST' });
    return callChannel(routes.core, req, res, rawPath.slice('/api/'.length));
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed.', { Allow: 'GET, HEAD' });
  return serveStatic(routes.staticRoot, req, res, rawPath);
}

/** Reads `--port N` or `--port=N`; throws on a value that is not a port. */
export function portFlag(argv: readonly string[]): number | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = arg === '--port' ? argv[i + 1] : arg.startsWith('--port=') ? arg.slice('--port='.length) : undefined;
    if (value === undefined && arg !== '--port') continue;
    const port = Number(value);
    if (!value || !/^\d+$/.test(value) || port > 65535) throw new Error('--port needs a number from 0 to 65535, e.g. --port 5174');
    return port;
  }
  return undefined;
}
