// How the HTTP shell answers: the security headers on every response, an envelope's HTTP status, JSON and text bodies.
import type http from 'node:http';
import { type ErrorCode, type Envelope } from '../../src-shared/errors';
import { CONTENT_SECURITY_POLICY_HEADER } from '../security';

const STATUS_FOR_CODE: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VALIDATION: 400,
  CONFLICT: 409,
  INTERNAL: 500,
};

export const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY_HEADER,
  'X-Content-Type-Options': 'nosniff',
  // The page URL carries the token: never send it anywhere as a referrer.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function sendEnvelope(res: http.ServerResponse, envelope: Envelope<unknown>, status?: number, headers: Record<string, string> = {}): void {
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

export function sendText(res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}
