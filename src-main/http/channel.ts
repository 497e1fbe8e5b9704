// One API call: POST /api/<channel> with a JSON body, handed to the dispatcher with the caller's session.
import type http from 'node:http';
import { errorEnvelope } from '../../src-shared/errors';
import { type AppCore } from '../app-core';
import { sessionHandle, type SessionSlot } from '../sessions';
import { sendEnvelope } from './respond';
import { SESSION_HEADER, sessionToken } from './tokens';

/** The largest input an API call takes: far above any the contract accepts (params are at most 64 KiB of JSON). */
export const MAX_BODY_BYTES = 1024 * 1024;
const TOO_LARGE_MESSAGE = 'The input is too large: an API call takes at most 1 MiB of JSON.';

export async function callChannel(core: Pick<AppCore, 'dispatcher' | 'sessions'>, req: http.IncomingMessage, res: http.ServerResponse, encodedChannel: string): Promise<void> {
  // Only JSON: a cross-site form cannot send it without a preflight that this server never answers.
  if (!/^application\/json(;|$)/i.test(req.headers['content-type'] ?? '')) {
    return sendEnvelope(res, errorEnvelope('VALIDATION', 'Send the input as JSON (Content-Type: application/json).'), 415);
  }
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body === 'too_large') {
    res.setHeader('Connection', 'close');
    return sendEnvelope(res, errorEnvelope('VALIDATION', TOO_LARGE_MESSAGE), 413);
  }
  if (body === 'broken') {
    res.setHeader('Connection', 'close');
    return sendEnvelope(res, errorEnvelope('VALIDATION', 'The input did not arrive whole. Send it again.'));
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

/**
 * The request's body, or why not: larger than `limit` bytes (said by its Content-Length before reading, or found
 * while reading), or broken off (the connection failed or closed before its end).
 */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | 'too_large' | 'broken'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve('too_large');
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve('too_large');
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    // After 'end' these settle nothing: a promise resolves once.
    req.on('error', () => resolve('broken'));
    req.on('close', () => resolve('broken'));
  });
}
