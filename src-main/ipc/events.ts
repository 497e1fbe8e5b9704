// Events main pushes to the renderer. Both shells subscribe and deliver (IPC send, server-sent events).
import { type AppEventName } from '../../src-shared/channels';
import { type AppEventPayload } from '../../src-shared/contract';

export type AppEvent = { [E in AppEventName]: { name: E; payload: AppEventPayload<E> } }[AppEventName];

export interface AppEventBus {
  publish<E extends AppEventName>(name: E, payload: AppEventPayload<E>): void;
  /** Returns the unsubscribe function. */
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
          console.error(`[events] a listener of ${name} failed:`, error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
