// Password hashing for local accounts: scrypt from node:crypto, run on libuv's thread pool (never scryptSync
// on the main thread, which would freeze every window for the ~100 ms a hash takes).
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const SCHEME = 'scrypt';
const COST = 2 ** 15;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Stored hashes with a cost outside these bounds are treated as malformed, so a planted hash cannot stall sign-in. */
const MAX_COST = 2 ** 16;
const MAX_BLOCK_SIZE = 16;
const MAX_PARALLELISM = 4;

/** `scrypt$N$r$p$saltB64$hashB64`, with a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, KEY_BYTES, { N: COST, r: BLOCK_SIZE, p: PARALLELISM });
  return [SCHEME, COST, BLOCK_SIZE, PARALLELISM, salt.toString('base64'), key.toString('base64')].join('$');
}

/** True when the password matches; false for a wrong password and for a stored hash this module cannot read. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseStoredHash(stored);
  if (!parsed) return false;
  const key = await deriveKey(password, parsed.salt, parsed.key.length, parsed.params);
  return timingSafeEqual(key, parsed.key);
}

/**
 * A well-formed hash with the current parameters that no password matches (its key is random bytes).
 * Verifying against it costs what a real check costs, so an unknown email takes as long as a wrong password.
 */
export function unmatchableHash(): string {
  const salt = randomBytes(SALT_BYTES).toString('base64');
  return [SCHEME, COST, BLOCK_SIZE, PARALLELISM, salt, randomBytes(KEY_BYTES).toString('base64')].join('$');
}

interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

function parseStoredHash(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  if (typeof stored !== 'string') return null;
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== SCHEME) return null;
  const [N, r, p] = parts.slice(1, 4).map((part) => (/^[1-9]\d{0,7}$/.test(part) ? Number(part) : NaN)) as [number, number, number];
  const isPowerOfTwo = N > 1 && (N & (N - 1)) === 0;
  if (!isPowerOfTwo || N > MAX_COST || !(r >= 1 && r <= MAX_BLOCK_SIZE) || !(p >= 1 && p <= MAX_PARALLELISM)) return null;
  const salt = decodeBase64(parts[4]!);
  const key = decodeBase64(parts[5]!);
  if (!salt || !key || salt.length < 8 || key.length < 16 || key.length > 128) return null;
  return { params: { N, r, p }, salt, key };
}

/** Strict base64: Buffer.from silently skips characters that are not base64. */
function decodeBase64(text: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : null;
}

function deriveKey(password: string, salt: Buffer, length: number, params: ScryptParams): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is exactly that at N=2^15, r=8, and OpenSSL refuses it.
  const options: ScryptOptions = { ...params, maxmem: 2 * 128 * params.N * params.r * params.p };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
