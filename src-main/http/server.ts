// The loopback HTTP shell: the same dispatcher as the Electron shell, for development and browser tests.
// 127.0.0.1 only, a per-run token on every API call, the built renderer as static files. No business logic.
// Sessions: one per X-Session-Token header. A sign-in answers with the new token in that response header
// (the contract's output stays the same in both shells); the renderer keeps it and sends it on every call.
// This file routes; the parts: tokens.ts (the shell's token, the session header), channel.ts (one API call),
// event-stream.ts (a session's events), static.ts (the renderer's files, from ../renderer-files.ts), respond.ts (headers and bodies),
// limits.ts (the cap on connections, the timeouts, the per-token limits).
import http from 'node:http';
import path from 'node:path';
import { LAUNCH_COMMAND_HEADER } from '../../src-shared/channels';
import { errorEnvelope } from '../../src-shared/errors';
import { type AppCore } from '../app-core';
import { callChannel } from './channel';
import { createEventStreams, type EventStreams } from './event-stream';
import { capConnections, createRequestLimiter, DEFAULT_SHELL_LIMITS, serverTimeouts, type RequestLimiter, type ShellLimits } from './limits';
import { sendEnvelope, sendText } from './respond';
import { serveStatic } from './static';
import { bearerTokenCheck, createToken, sessionToken } from './tokens';
import { log } from '../log';
import { rememberSecret } from '../redact';

export { findRendererRoot, rendererFilePath } from '../renderer-files';
export { createToken, SESSION_HEADER } from './tokens';
export { DEFAULT_SHELL_LIMITS, type ShellLimits } from './limits';

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
  /** DEFAULT_SHELL_LIMITS, with these replaced. */
  limits?: Partial<ShellLimits>;
}

export interface HttpShell {
  /** Always HTTP_HOST: the shell is never reachable from another machine. */
  readonly address: string;
  readonly port: number;
  readonly token: string;
  /** The address to open: the page, with the token the renderer reads and then sends as a header. */
  readonly pageUrl: string;
  /** Connections open now (at most the limits' maxConnections). */
  readonly openConnections: number;
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
  limiter: RequestLimiter;
}

export async function startHttpShell(options: HttpShellOptions): Promise<HttpShell> {
  const token = options.token ?? createToken();
  rememberSecret(token);
  const limits: ShellLimits = { ...DEFAULT_SHELL_LIMITS, ...options.limits };
  const routes: Routes = {
    port: 0,
    core: options.core,
    hasToken: bearerTokenCheck(token),
    streams: createEventStreams(options.core, options.heartbeatMs ?? HEARTBEAT_MS),
    staticRoot: path.resolve(options.staticRoot),
    launchCommand: options.launchCommand,
    limiter: createRequestLimiter(limits),
  };
  const server = http.createServer(serverTimeouts(limits), (req, res) => {
    route(routes, req, res).catch((error: unknown) => {
      // A caller that went away mid-request (its socket closed, the timeouts closed it) is not the app failing.
      if (req.socket.destroyed) return;
      log.error('[http] request failed:', error);
      if (!res.headersSent) sendEnvelope(res, errorEnvelope('INTERNAL', 'Something went wrong inside the app. The details are in its log.'));
      else res.destroy();
    });
  });
  const connections = capConnections(server, limits.maxConnections);
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
    get openConnections() {
      return connections.open;
    },
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
    if (!admitted(routes, req, res, rawPath === '/api/events')) return;
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

/**
 * Takes the request against its token's limits: a live session's own, or the one everyone signed out shares (a
 * made-up session token is signed out, so inventing tokens buys no more). Refused: 429 with an envelope that says
 * which limit, and Retry-After. An event stream holds its place only while it opens.
 */
function admitted(routes: Routes, req: http.IncomingMessage, res: http.ServerResponse, eventStream: boolean): boolean {
  const session = sessionToken(req);
  const key = session !== null && routes.core.sessions.peek(session) ? `session ${session}` : 'signed out';
  const admission = routes.limiter.admit(key);
  if (!admission.admitted) {
    const who = key === 'signed out' ? 'while signed out' : 'from this session';
    const message = `Too many requests ${who}: ${admission.reason}. Try again in a moment.`;
    sendEnvelope(res, errorEnvelope('CONFLICT', message), 429, { 'Retry-After': String(admission.retryAfterSeconds) });
    return false;
  }
  if (eventStream) admission.done();
  else res.once('close', admission.done);
  return true;
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
