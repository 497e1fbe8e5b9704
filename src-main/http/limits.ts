// How the HTTP shell holds its ground: a cap on open connections (an idle one gives way to a new one), short
// timeouts for headers, a request and the pause between keep-alive requests, and per-token limits on requests.
// Every socket is a file descriptor, and the database, its WAL, backups and exports need descriptors too: a flood
// of idle sockets must never leave the app unable to open a file.
import type http from 'node:http';
import type net from 'node:net';

export interface ShellLimits {
  /** Open connections at most; past it, the connection idle the longest is closed for the new one (none idle: the new one is). */
  maxConnections: number;
  /** A connection must send a request's headers within this (one that never sends anything is closed then: 408). */
  headersTimeoutMs: number;
  /** ...and the whole request, body included, within this. */
  requestTimeoutMs: number;
  /** A kept-alive connection is closed after this long without a new request. */
  keepAliveTimeoutMs: number;
  /** How often Node checks the two request timeouts (its default, 30 s, would let an idle socket live that long). */
  timeoutCheckMs: number;
  /** Requests a second per token (each signed-in session; everyone signed out shares one), sustained... */
  requestsPerSecond: number;
  /** ...with bursts up to this many at once. */
  burst: number;
  /** Requests of one token being answered at once (an event stream counts only while it opens). */
  inFlightPerToken: number;
}

export const DEFAULT_SHELL_LIMITS: ShellLimits = {
  maxConnections: 128,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  timeoutCheckMs: 1_000,
  requestsPerSecond: 1_000,
  burst: 2_000,
  inFlightPerToken: 32,
};

/** The server options that carry the timeouts. */
export function serverTimeouts(limits: ShellLimits): http.ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.timeoutCheckMs,
  };
}

interface Tracked {
  /** Requests on this connection not answered yet (an open event stream stays one). */
  active: number;
  idleSince: number;
}

/**
 * Caps the server's open connections. Node's own maxConnections refuses the new connection, which lets a flood of
 * idle sockets lock the app's own page out until they time out; here an idle one (never sent a request, or between
 * keep-alive requests) is closed instead, the longest idle first, so a real request still gets through.
 */
export function capConnections(server: http.Server, maxConnections: number, now: () => number = Date.now): { readonly open: number } {
  const tracked = new Map<net.Socket, Tracked>();
  const evictIdlest = (): boolean => {
    let idlest: [net.Socket, Tracked] | null = null;
    for (const entry of tracked) if (entry[1].active === 0 && (!idlest || entry[1].idleSince < idlest[1].idleSince)) idlest = entry;
    if (!idlest) return false;
    tracked.delete(idlest[0]);
    idlest[0].destroy();
    return true;
  };
  server.on('connection', (socket: net.Socket) => {
    if (tracked.size >= maxConnections && !evictIdlest()) {
      socket.destroy();
      return;
    }
    tracked.set(socket, { active: 0, idleSince: now() });
    socket.once('close', () => tracked.delete(socket));
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const entry = tracked.get(req.socket);
    if (!entry) return;
    entry.active++;
    res.once('close', () => {
      entry.active--;
      entry.idleSince = now();
    });
  });
  return {
    get open() {
      return tracked.size;
    },
  };
}

export type Admission = { admitted: true; done: () => void } | { admitted: false; retryAfterSeconds: number; reason: string };

interface Bucket {
  tokens: number;
  updatedAt: number;
  inFlight: number;
}

/** How many tokens' buckets are kept before the full, quiet ones are forgotten (a bucket that is full is a fresh one). */
const BUCKETS_KEPT = 1_000;

/**
 * Per-token limits: a token bucket (requestsPerSecond, refilled continuously, up to burst) and a cap on requests in
 * flight. `admit(key)` takes one request; its `done` gives the in-flight place back.
 */
export function createRequestLimiter(limits: Pick<ShellLimits, 'requestsPerSecond' | 'burst' | 'inFlightPerToken'>, now: () => number = Date.now) {
  const buckets = new Map<string, Bucket>();
  const refill = (bucket: Bucket, at: number) => {
    bucket.tokens = Math.min(limits.burst, bucket.tokens + ((at - bucket.updatedAt) / 1000) * limits.requestsPerSecond);
    bucket.updatedAt = at;
  };
  const forgetQuiet = (at: number) => {
    for (const [key, bucket] of buckets) {
      refill(bucket, at);
      if (bucket.inFlight === 0 && bucket.tokens >= limits.burst) buckets.delete(key);
    }
  };
  return {
    admit(key: string): Admission {
      const at = now();
      let bucket = buckets.get(key);
      if (!bucket) {
        if (buckets.size >= BUCKETS_KEPT) forgetQuiet(at);
        bucket = { tokens: limits.burst, updatedAt: at, inFlight: 0 };
        buckets.set(key, bucket);
      }
      refill(bucket, at);
      if (bucket.inFlight >= limits.inFlightPerToken) {
        return { admitted: false, retryAfterSeconds: 1, reason: `at most ${limits.inFlightPerToken} requests at once` };
      }
      if (bucket.tokens < 1) {
        const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / limits.requestsPerSecond));
        return { admitted: false, retryAfterSeconds, reason: `at most ${limits.requestsPerSecond.toLocaleString('en-US')} requests a second` };
      }
      bucket.tokens -= 1;
      bucket.inFlight++;
      const taken = bucket;
      let given = false;
      return {
        admitted: true,
        done: () => {
          if (given) return;
          given = true;
          taken.inFlight--;
        },
      };
    },
  };
}

export type RequestLimiter = ReturnType<typeof createRequestLimiter>;
