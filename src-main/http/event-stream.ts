// GET /api/events: a server-sent event stream for one session.
import type http from 'node:http';
import { errorEnvelope } from '../../src-shared/errors';
import { type AppCore } from '../app-core';
import { SECURITY_HEADERS } from '../security';
import { sendEnvelope } from './respond';
import { SESSION_HEADER, sessionToken } from './tokens';

export interface EventStreams {
  /** Answers the request with a stream, or UNAUTHENTICATED without a live session. */
  open(req: http.IncomingMessage, res: http.ServerResponse): void;
  /** Ends every open stream (the shell closes). */
  endAll(): void;
}

export function createEventStreams(core: Pick<AppCore, 'sessions' | 'subscribeSession'>, heartbeatMs: number): EventStreams {
  const streams = new Set<http.ServerResponse>();
  return {
    open(req, res) {
      openEventStream(core, streams, heartbeatMs, req, res);
    },
    endAll() {
      for (const stream of streams) stream.end();
    },
  };
}

/** A stream belongs to one session: it carries only what that session may see, and closes when it ends. */
function openEventStream(
  core: Pick<AppCore, 'sessions' | 'subscribeSession'>,
  streams: Set<http.ServerResponse>,
  heartbeatMs: number,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): void {
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
