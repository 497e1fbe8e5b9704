// Signed-in sessions, in memory: a session names a user and the switcher's selection, nothing else. Who the
// user is (role, business, disabled) is loaded from the database on every request, never kept here.
import crypto from 'node:crypto';
import type { ScopeSelection } from '../src-shared/schemas/accounts';
import { log } from './log';
import { rememberSecret } from './redact';

/** A session ends after this long without a request. */
export const SESSION_IDLE_MS = 8 * 60 * 60 * 1000;

export interface Session {
  /** 32 random bytes, base64url: the HTTP shell's X-Session-Token; the Electron shell never lets it leave main. */
  readonly id: string;
  readonly userId: number;
  /**
   * A system admin's switcher choice. Null for a member or business admin without a business: there is
   * nothing to select, and every tenant channel refuses them.
   */
  selection: ScopeSelection | null;
  readonly createdAt: number;
  lastSeenAt: number;
}

export interface SessionStore {
  begin(userId: number, selection: ScopeSelection | null): Session;
  /** The live session with this id, its idle clock reset; null when unknown or expired (which ends it). */
  touch(id: string): Session | null;
  /** Like touch, without counting as activity: event streams look, they do not keep a session alive. */
  peek(id: string): Session | null;
  setSelection(id: string, selection: ScopeSelection): void;
  end(id: string): void;
  /** A disabled or deleted user, or a changed password: every window and tab of theirs signs out (but `exceptId`). */
  endAllForUser(userId: number, exceptId?: string): void;
  /** Every live session (a restore ends them all). */
  all(): Session[];
  /** Called with each session that ends, by sign-out, expiry or endAllForUser. Returns the unsubscribe function. */
  onEnded(listener: (session: Session) => void): () => void;
  readonly size: number;
}

export interface SessionStoreOptions {
  idleMs?: number;
  now?: () => number;
}

export function createSessionStore(options: SessionStoreOptions = {}): SessionStore {
  const idleMs = options.idleMs ?? SESSION_IDLE_MS;
  const now = options.now ?? Date.now;
  const sessions = new Map<string, Session>();
  const endedListeners = new Set<(session: Session) => void>();

  function end(id: string): void {
    const session = sessions.get(id);
    if (!session) return;
    sessions.delete(id);
    log.info(`[sessions] a session of user ${session.userId} ended`);
    for (const listener of [...endedListeners]) {
      try {
        listener(session);
      } catch (error) {
        log.error('[sessions] a listener of a session end failed:', error);
      }
    }
  }

  function live(id: string): Session | null {
    if (typeof id !== 'string') return null;
    const session = sessions.get(id);
    if (!session) return null;
    if (now() - session.lastSeenAt > idleMs) {
      end(id);
      return null;
    }
    return session;
  }

  return {
    begin(userId, selection) {
      // Sessions of closed tabs are never asked for again: sweep the expired ones as new ones begin.
      for (const id of [...sessions.keys()]) live(id);
      const at = now();
      const session: Session = { id: crypto.randomBytes(32).toString('base64url'), userId, selection, createdAt: at, lastSeenAt: at };
      sessions.set(session.id, session);
      // The id is a credential: never in the log, wherever a caller puts it.
      rememberSecret(session.id);
      return session;
    },
    touch(id) {
      const session = live(id);
      if (session) session.lastSeenAt = now();
      return session;
    },
    peek: live,
    setSelection(id, selection) {
      const session = sessions.get(id);
      if (session) session.selection = selection;
    },
    end,
    endAllForUser(userId, exceptId) {
      for (const session of [...sessions.values()]) if (session.userId === userId && session.id !== exceptId) end(session.id);
    },
    all() {
      return [...sessions.keys()].map(live).filter((session): session is Session => session !== null);
    },
    onEnded(listener) {
      endedListeners.add(listener);
      return () => endedListeners.delete(listener);
    },
    get size() {
      return sessions.size;
    },
  };
}

/**
 * What a request knows of its session, implemented by each shell: the Electron shell keeps one session per
 * window, the HTTP shell one per X-Session-Token. Handlers use only this.
 */
export interface SessionHandle {
  current(): Session | null;
  /** Signs in: replaces the caller's session (if any) with a new one, so an old id never gains a user. */
  begin(userId: number, selection: ScopeSelection | null): Session;
  end(): void;
}

/** Where a shell keeps the session id of one caller (a window, a request's header). */
export interface SessionSlot {
  read(): string | null;
  write(id: string | null): void;
}

/** The one SessionHandle both shells use, over their own slot. */
export function sessionHandle(store: SessionStore, slot: SessionSlot): SessionHandle {
  return {
    current() {
      const id = slot.read();
      if (id === null) return null;
      const session = store.touch(id);
      // Ended (signed out elsewhere, expired, its user disabled): the caller forgets it, so nothing asks with it again.
      if (!session) slot.write(null);
      return session;
    },
    begin(userId, selection) {
      const previous = slot.read();
      if (previous !== null) store.end(previous);
      const session = store.begin(userId, selection);
      slot.write(session.id);
      return session;
    },
    end() {
      const id = slot.read();
      if (id !== null) store.end(id);
      slot.write(null);
    },
  };
}
