import { describe, expect, it } from 'vitest';
import { hashPassword, unmatchableHash, verifyPassword } from '../../src-main/accounts/passwords';

describe('password hashing', () => {
  it('a password verifies against its own hash, and nothing else does', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('stores scrypt with N=2^15, r=8, p=1 and a fresh 16-byte salt each time', async () => {
    const [a, b] = await Promise.all([hashPassword('same password twice'), hashPassword('same password twice')]);
    const [scheme, n, r, p, salt, key] = a.split('$');
    expect([scheme, n, r, p]).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
    expect(Buffer.from(key!, 'base64').length).toBeGreaterThanOrEqual(32);
    expect(b).not.toBe(a);
    expect(await verifyPassword('same password twice', b)).toBe(true);
  });

  it('a malformed stored hash is simply not a match', async () => {
    const good = await hashPassword('a real password here');
    const [, , , , salt, key] = good.split('$');
    const malformed = [
      '',
      'not a hash',
      `bcrypt$32768$8$1$${salt}$${key}`,
      `scrypt$32768$8$1$${salt}`,
      `scrypt$30000$8$1$${salt}$${key}`,
      `scrypt$1073741824$8$1$${salt}$${key}`,
      `scrypt$32768$0$1$${salt}$${key}`,
      `scrypt$32768$8$1$${salt}$!!!not-base64!!!`,
      `scrypt$32768$8$1$${salt}$${key!.slice(0, 8)}`,
      `scrypt$-1$8$1$${salt}$${key}`,
    ];
    for (const stored of malformed) expect(await verifyPassword('a real password here', stored), stored).toBe(false);
  });

  it('a hash that matches no password still costs a real check', async () => {
    const started = performance.now();
    expect(await verifyPassword('anything at all', unmatchableHash())).toBe(false);
    expect(performance.now() - started).toBeGreaterThan(5);
  });

  it('hashing runs off the main thread: timers keep firing meanwhile', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await hashPassword('does not freeze the window');
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });
});
