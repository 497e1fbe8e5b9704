// The loopback HTTP shell: the same dispatcher as the Electron shell, for development and browser tests.
// 127.0.0.1 only, a per-run token on every API call, the built renderer as static files. No business logic.
// Sessions: one per X-Session-Token header. A sign-in answers with the new token in that response header
// (the contract's output stays the same in both shells); the renderer keeps it and sends it on every call.
import crypto from 'node:crypto';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { SESSION_TOKEN_HEADER } from '../../src-shared/channels';
import { type ErrorCode, errorEnvelope, type Envelope } from '../../src-shared/errors';
import { type AppCore } from '../app-core';
import { CONTENT_SECURITY_POLICY_HEADER } from '../security';
import { sessionHandle, type SessionSlot } from '../sessions';

export const HTTP_HOST = '127.0.0.1';
export const HEARTBEAT_MS = 15_000;
const MAX_BODY_BYTES = 1024 * 1024;
/** Request: the caller's session. Response: the session a sign-in began, or empty when the call ended it. */
export const SESSION_HEADER = SESSION_TOKEN_HEADER;

export interface HttpShellOptions {
  core: Pick<AppCore, 'dispatcher' | 'sessions' | 'subscribeSession'>;
  /** The built renderer (out/renderer), or any folder with an index.html. */
  staticRoot: string;
  /** 0 or absent: a free port chosen by the system. */
  port?: number;
  /** Absent: a fresh random token for this run. */
  token?: string;
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

const STATUS_FOR_CODE: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VALIDATION: 400,
  CONFLICT: 409,
  INTERNAL: 500,
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY_HEADER,
  'X-Content-Type-Options': 'nosniff',
  // The page URL carries the token: never send it anywhere as a referrer.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function createToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

export async function startHttpShell(options: HttpShellOptions): Promise<HttpShell> {
  const { core } = options;
  const token = options.token ?? createToken();
  const tokenDigest = sha256(`Bearer ${token}`);
  const staticRoot = path.resolve(options.staticRoot);
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  const streams = new Set<http.ServerResponse>();
  let port = 0;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('[http] request failed:', error);
      if (!res.headersSent) sendEnvelope(res, errorEnvelope('INTERNAL', 'Something went wrong inside the app. The details are in its log.'));
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // A page on another site that resolves its own name to 127.0.0.1 (DNS rebinding) sends its own Host.
    const host = req.headers.host;
    if (host !== `${HTTP_HOST}:${port}` && host !== `localhost:${port}`) return sendText(res, 421, 'Unknown host.');
    const rawPath = (req.url ?? '/').split('?')[0]!;
    if (rawPath === '/api' || rawPath.startsWith('/api/')) {
      if (!hasToken(req)) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        return sendEnvelope(res, errorEnvelope('UNAUTHENTICATED', 'This address needs the token printed when the app started.'));
      }
      if (rawPath === '/api/events') {
        if (req.method !== 'GET') return sendText(res, 405, 'Method not allowed.', { Allow: 'GET' });
        return openEventStream(req, res);
      }
      if (req.method !== 'POST') return sendText(res, 405, 'Method not allowed.', { Allow: 'POST' });
      return callChannel(req, res, rawPath.slice('/api/'.length));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed.', { Allow: 'GET, HEAD' });
    return serveStatic(req, res, rawPath);
  }

  function hasToken(req: http.IncomingMessage): boolean {
    const given = req.headers.authorization;
    return typeof given === 'string' && crypto.timingSafeEqual(sha256(given), tokenDigest);
  }

  async function callChannel(req: http.IncomingMessage, res: http.ServerResponse, encodedChannel: string): Promise<void> {
    // Only JSON: a cross-site form cannot send it without a preflight that this server never answers.
    if (!/^application\/json(;|$)/i.test(req.headers['content-type'] ?? '')) {
      return sendEnvelope(res, errorEnvelope('VALIDATION', 'Send the input as JSON (Content-Type: application/json).'), 415);
    }
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === null) {
      res.setHeader('Connection', 'close');
      return sendEnvelope(res, errorEnvelope('VALIDATION', `The input is larger than ${MAX_BODY_BYTES} bytes.`), 413);
    }
    let input: unknown;
    try {
      input = body.length === 0 ? undefined : JSON.parse(body.toString('utf8'));
    } catch {
      return sendEnvelope(res, errorEnvelope('VALIDATION', 'The input is not valid JSON.'));
    }
    let channel: string;
    try {
      channel = decodeURIComponent(encodedChannel);
    } catch {
      return sendEnvelope(res, errorEnvelope('NOT_FOUND', 'There is no such channel.'));
    }
    // The slot is this request's header; a sign-in or sign-out writes the answer's header instead.
    let sessionId = sessionToken(req);
    let answered: string | null | undefined;
    const slot: SessionSlot = {
      read: () => sessionId,
      write: (id) => {
        sessionId = answered = id;
      },
    };
    const envelope = await core.dispatcher.dispatch(channel, input, { shell: 'http', session: sessionHandle(core.sessions, slot) });
    sendEnvelope(res, envelope, undefined, answered === undefined ? {} : { [SESSION_HEADER]: answered ?? '' });
  }

  /** A stream belongs to one session: it carries only what that session may see, and closes when it ends. */
  function openEventStream(req: http.IncomingMessage, res: http.ServerResponse): void {
    const sessionId = sessionToken(req);
    const session = sessionId === null ? null : core.sessions.touch(sessionId);
    if (!session) return sendEnvelope(res, errorEnvelope('UNAUTHENTICATED', `Sign in first: the event stream needs the ${SESSION_HEADER} header.`));
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    streams.add(res);
    const unsubscribe = core.subscribeSession(
      () => core.sessions.peek(session.id),
      (event) => res.write(`event: ${event.name}\ndata: ${JSON.stringify(event.payload)}\n\n`),
    );
    const stopOnEnd = core.sessions.onEnded((ended) => {
      if (ended.id === session.id) res.end();
    });
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      stopOnEnd();
      streams.delete(res);
    });
  }

  async function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, rawPath: string): Promise<void> {
    const file = staticFilePath(staticRoot, rawPath);
    const stat = file ? await fs.stat(file).catch(() => null) : null;
    if (!file || !stat?.isFile()) return sendText(res, 404, 'Not found.');
    const body = await fs.readFile(file);
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HTTP_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as { address: string; port: number };
  port = bound.port;

  return {
    address: bound.address,
    port,
    token,
    pageUrl: `http://${HTTP_HOST}:${port}/?token=${encodeURIComponent(token)}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams) stream.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The file a request path names inside `root`, or null for anything that could step outside it or
 * into a hidden file: "..", ".", encoded slashes or backslashes, NUL bytes, dot-files.
 */
export function staticFilePath(root: string, rawPath: string): string | null {
  if (!rawPath.startsWith('/')) return null;
  const segments: string[] = [];
  for (const encoded of rawPath.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(encoded);
    } catch {
      return null;
    }
    if (segment === '') continue;
    if (segment.startsWith('.') || /[/\\\0:]/.test(segment)) return null;
    segments.push(segment);
  }
  if (segments.length === 0) segments.push('index.html');
  const file = path.join(root, ...segments);
  return file.startsWith(root + path.sep) ? file : null;
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(null);
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The session token of a request: its header only, never a query parameter (URLs end up in logs and history). */
function sessionToken(req: http.IncomingMessage): string | null {
  const given = req.headers[SESSION_HEADER.toLowerCase()];
  return typeof given === 'string' && given.length > 0 && given.length <= 100 ? given : null;
}

function sendEnvelope(res: http.ServerResponse, envelope: Envelope<unknown>, status?: number, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(envelope);
  res.writeHead(status ?? (envelope.ok ? 200 : STATUS_FOR_CODE[envelope.error.code]), {
    ...SECURITY_HEADERS,
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

function sendText(res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

function sha256(text: string): Buffer {
  return crypto.createHash('sha256').update(text).digest();
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

/** The built renderer: out/renderer beside this module's build output, or under a checkout's root. */
export function findRendererRoot(from: string = __dirname): string | null {
  for (let dir = from; ; dir = path.dirname(dir)) {
    for (const candidate of [path.join(dir, 'renderer'), path.join(dir, 'out', 'renderer')]) {
      if (fsSync.existsSync(path.join(candidate, 'index.html'))) return candidate;
    }
    if (path.dirname(dir) === dir) return null;
  }
}
