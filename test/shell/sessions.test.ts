// The session store and the scope a session works in: ids, idle expiry, sign-out everywhere, and the
// selection each role may have.
import { describe, expect, it, vi } from 'vitest';
import { selectionAtSignIn, sessionTenantScope, visibleSelection, type Actor } from '../../src-main/access/policy';
import { createSessionStore, SESSION_IDLE_MS, sessionHandle } from '../../src-main/sessions';
import { AppError } from '../../src-shared/errors';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('session store', () => {
  it('makes ids of 32 random bytes, base64url, never the same twice', () => {
    const store = createSessionStore();
    const ids = new Set(Array.from({ length: 200 }, () => store.begin(1, { kind: 'all' }).id));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('ends a session after 8 hours without a request; each request restarts the clock, looking does not', () => {
    const time = clock();
    const store = createSessionStore({ now: time.now });
    const session = store.begin(7, null);
    time.advance(SESSION_IDLE_MS - 1);
    expect(store.touch(session.id)).toBe(session);
    time.advance(SESSION_IDLE_MS - 1);
    expect(store.peek(session.id)).toBe(session);
    time.advance(2);
    expect(store.peek(session.id)).toBeNull();
    expect(store.touch(session.id)).toBeNull();
    expect(store.size).toBe(0);
  });

  it('signs a user out everywhere (but the window that asked), and tells who listens', () => {
    const store = createSessionStore();
    const ended = vi.fn();
    store.onEnded(ended);
    const [a, b, c] = [store.begin(1, { kind: 'all' }), store.begin(1, { kind: 'system' }), store.begin(1, { kind: 'orphans' })];
    const other = store.begin(2, null);
    store.endAllForUser(1, c.id);
    expect([a, b, c, other].map((session) => store.peek(session.id) !== null)).toEqual([false, false, true, true]);
    expect(ended.mock.calls.map(([session]) => session.id)).toEqual([a.id, b.id]);
  });

  it('forgets expired sessions that nobody asks for again', () => {
    const time = clock();
    const store = createSessionStore({ now: time.now });
    store.begin(1, null);
    store.begin(2, null);
    time.advance(SESSION_IDLE_MS + 1);
    store.begin(3, null);
    expect(store.size).toBe(1);
  });

  it('answers nothing for ids it never made', () => {
    const store = createSessionStore();
    for (const id of ['', 'x', '__proto__', 'constructor', 'A'.repeat(43)]) expect(store.touch(id)).toBeNull();
  });
});

describe('session handle', () => {
  it('begins a fresh session on every sign-in, ending the one the caller had', () => {
    const store = createSessionStore();
    let slot: string | null = null;
    const handle = sessionHandle(store, { read: () => slot, write: (id) => (slot = id) });
    expect(handle.current()).toBeNull();
    const first = handle.begin(1, { kind: 'all' });
    expect(slot).toBe(first.id);
    const second = handle.begin(2, null);
    expect(store.peek(first.id)).toBeNull();
    expect(handle.current()).toBe(second);
    handle.end();
    expect(slot).toBeNull();
    expect(store.size).toBe(0);
  });
});

describe('a session’s scope', () => {
  const admin: Actor = { userId: 1, email: 'root@x.test', role: 'system_admin', businessId: null, businessDisabled: false };
  const member: Actor = { userId: 2, email: 'm@x.test', role: 'member', businessId: 5, businessDisabled: false };
  const unlinked: Actor = { userId: 3, email: 'u@x.test', role: 'business_admin', businessId: null, businessDisabled: false };

  it('starts at everything for a system admin, the own business for others, nothing without one', () => {
    expect(selectionAtSignIn(admin)).toEqual({ kind: 'all' });
    expect(selectionAtSignIn(member)).toEqual({ kind: 'business', businessId: 5 });
    expect(selectionAtSignIn(unlinked)).toBeNull();
  });

  it('ignores a stored selection for anyone but a system admin', () => {
    expect(visibleSelection(member, { kind: 'all' })).toEqual({ kind: 'business', businessId: 5 });
    expect(sessionTenantScope(member, { kind: 'all' })).toEqual({ kind: 'business', businessId: 5 });
    expect(sessionTenantScope(admin, { kind: 'orphans' })).toEqual({ kind: 'orphans' });
    expect(sessionTenantScope(admin, null)).toEqual({ kind: 'all' });
  });

  it('is FORBIDDEN for a member or business admin without a business, whatever is stored', () => {
    for (const selection of [null, { kind: 'all' as const }, { kind: 'business' as const, businessId: 5 }]) {
      expect(() => sessionTenantScope(unlinked, selection)).toThrow(AppError);
      expect(() => sessionTenantScope({ ...member, businessId: null }, selection)).toThrow(/not linked to a business/);
    }
  });
});
