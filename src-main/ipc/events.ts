// Events main pushes to the renderer. The bus carries every event; each shell delivers one only to the
// sessions in its audience (IPC send per window, server-sent events per stream): an event is a leak too.
import { reachOf } from '../../src-shared/access';
import { type AppEventName } from '../../src-shared/channels';
import { type AppEventPayload } from '../../src-shared/contract';
import { AppError } from '../../src-shared/errors';
import { type AppDatabase } from '../db/connection';
import { loadActor } from '../accounts/accounts';
import { isRunInScope } from '../tenancy/owner-sql';
import type { Session } from '../sessions';
import { sessionTenantScope } from '../access/policy';
import { log } from '../log';

export type AppEvent = { [E in AppEventName]: { name: E; payload: AppEventPayload<E> } }[AppEventName];

export interface AppEventBus {
  publish<E extends AppEventName>(name: E, payload: AppEventPayload<E>): void;
  /** Every event, unfiltered: for the shells' delivery and tests. Returns the unsubscribe function. */
  subscribe(listener: (event: AppEvent) => void): () => void;
}

export function createEventBus(): AppEventBus {
  const listeners = new Set<(event: AppEvent) => void>();
  return {
    publish(name, payload) {
      const event = { name, payload } as AppEvent;
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          log.error(`[events] a listener of ${name} failed:`, error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Whether a session may receive an event. */
export type EventAudience = (session: Session | null, event: AppEvent) => boolean;

/**
 * Decided at delivery, from the session's user as the database says now and its current selection: a user
 * disabled, moved to another business, or switched to another scope since subscribing gets only what they
 * may see now. `jobs.changed` and `schedules.changed` follow the run's or schedule's tenant; `database.changed` (users and businesses) goes to
 * system admins only, the only role whose views list every business and user; `account.changed` to its user alone.
 */
export function eventAudience(db: AppDatabase): EventAudience {
  return (session, event) => {
    if (!session) return false;
    // Before the actor is loaded: a user disabled or deleted has none, and is told so.
    if (event.name === 'account.changed') return session.userId === event.payload.userId;
    const actor = loadActor(db, session.userId);
    if (!actor) return false;
    switch (event.name) {
      case 'jobs.changed':
        try {
          return isRunInScope(event.payload.run, sessionTenantScope(actor, session.selection));
        } catch (error) {
          // FORBIDDEN: a member or business admin without a business sees no run at all.
          if (error instanceof AppError) return false;
          throw error;
        }
      case 'schedules.changed':
        try {
          return isRunInScope(event.payload, sessionTenantScope(actor, session.selection, 'schedules.read'));
        } catch (error) {
          if (error instanceof AppError) return false;
          throw error;
        }
      case 'database.changed':
        return reachOf(actor.role, 'businesses.manage') === 'any';
    }
  };
}
