// The two tokens a request carries: the shell's per-run token (Authorization: Bearer, on every API call) and the
// caller's session (the X-Session-Token header).
import crypto from 'node:crypto';
import type http from 'node:http';
import { SESSION_TOKEN_HEADER } from '../../src-shared/channels';

/** Request: the caller's session. Response: the session a sign-in began, or empty when the call ended it. */
export const SESSION_HEADER = SESSION_TOKEN_HEADER;

export function createToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** Whether a request carries the shell's token, compared in constant time. */
export function bearerTokenCheck(token: string): (req: http.IncomingMessage) => boolean {
  const tokenDigest = sha256(`Bearer ${token}`);
  return (req) => {
    const given = req.headers.authorization;
    return typeof given === 'string' && crypto.timingSafeEqual(sha256(given), tokenDigest);
  };
}

/** The session token of a request: its header only, never a query parameter (URLs end up in logs and history). */
export function sessionToken(req: http.IncomingMessage): string | null {
  const given = req.headers[SESSION_HEADER.toLowerCase()];
  return typeof given === 'string' && given.length > 0 && given.length <= 100 ? given : null;
}

function sha256(text: string): Buffer {
  return crypto.createHash('sha256').update(text).digest();
}
