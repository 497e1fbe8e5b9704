// How the HTTP shell answers: the security headers on every response, an envelope's HTTP status, JSON and text bodies.
import type http from 'node:http';
import { type ErrorCode, type Envelope } from '../../src-shared/errors';
import { SECURITY_HEADERS } from '../security';

const STATUS_FOR_CODE: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VALIDATION: 400,
  CONFLICT: 409,
  INTERNAL: 500,
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
