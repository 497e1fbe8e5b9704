// The contract, called the two ways the renderer calls it: in process through the one dispatcher (with a
// session slot standing in for a window), and over the real HTTP shell on 127.0.0.1 (fetch, the run token,
// X-Session-Token). Suites run over both with describe.each(TRANSPORTS).
import { type AppCore, createAppCore } from '../../src-main/app-core';
import { type AppDatabase } from '../../src-main/db/connection';
import { type AppEvent } from '../../src-main/ipc/events';
import { type HttpShell, SESSION_HEADER, startHttpShell } from '../../src-main/http/server';
import { sessionHandle } from '../../src-main/sessions';
import { type AppEventName, type Channel } from '../../src-shared/channels';
import { type ChannelOutput } from '../../src-shared/contract';
import { type Envelope } from '../../src-shared/errors';
import { TEST_PASSWORD } from './contract-data';
import { makeStaticRoot } from './shell-server';
import { MIGRATIONS_FOLDER } from './temp';

export type TransportName = 'in-process' | 'http';
export const TRANSPORTS: readonly TransportName[] = ['in-process', 'http'];

/** One caller: a window (in process) or a browser tab (HTTP), signed out until it signs in. */
export interface ContractClient {
  call<C extends Channel>(channel: C, input: unknown): Promise<Envelope<ChannelOutput<C>>>;
  /** Calls and returns the value; throws with the error's code and message otherwise. */
  value<C extends Channel>(channel: C, input: unknown): Promise<ChannelOutput<C>>;
  /** This caller's session id (the HTTP token; the slot's content in process), null when signed out. */
  readonly sessionId: string | null;
  /** Starts receiving this caller's events, as its shell delivers them. */
  listen(): Promise<EventRecorder>;
}

export interface EventRecorder {
  readonly events: AppEvent[];
  of<E extends AppEventName>(name: E): Extract<AppEvent, { name: E }>['payload'][];
  /** For HTTP: true once the server closed the stream. */
  readonly closed: boolean;
  stop(): void;
}

export interface Harness {
  readonly transport: TransportName;
  readonly core: AppCore;
  readonly db: AppDatabase;
  /** Only for the HTTP transport. */
  readonly shell: HttpShell | null;
  client(): ContractClient;
  close(): Promise<void>;
}

/** A caller of `harness` signed in as `email` (every test user has TEST_PASSWORD). */
export async function signedInClient(harness: Harness, email: string): Promise<ContractClient> {
  const client = harness.client();
  await client.value('auth.login', { email, password: TEST_PASSWORD });
  return client;
}

/**
 * `allowFailedStart`: serve a database that could not be opened (then `db` throws). `engine`: start the real
 * runner and scheduler; off by default, so runs stay as a test created them.
 */
export async function startHarness(
  transport: TransportName,
  dbPath: string,
  options: { allowFailedStart?: boolean; engine?: boolean } = {},
): Promise<Harness> {
  const core = createAppCore({
    argv: ['--db', dbPath],
    env: {},
    migrationsFolder: MIGRATIONS_FOLDER,
    checkOutput: true,
    engine: { start: options.engine ?? false },
  });
  const startup = await core.started;
  if (startup.state !== 'ready' && !options.allowFailedStart) throw new Error(`the test database did not open: ${startup.failure.message}`);
  const shell = transport === 'http' ? await startHttpShell({ core, staticRoot: makeStaticRoot() }) : null;
  const recorders: EventRecorder[] = [];
  return {
    transport,
    core,
    get db() {
      if (startup.state !== 'ready') throw new Error('the test database did not open');
      return startup.db;
    },
    shell,
    client: () => {
      const client = shell ? httpClient(shell, recorders) : inProcessClient(core, recorders);
      return client;
    },
    async close() {
      for (const recorder of recorders.splice(0)) recorder.stop();
      await shell?.close();
      await core.close();
    },
  };
}

function withValue(call: ContractClient['call']): ContractClient['value'] {
  return async (channel, input) => {
    const envelope = await call(channel, input);
    if (!envelope.ok) throw new Error(`${channel} failed: ${envelope.error.code}: ${envelope.error.message}`);
    return envelope.value;
  };
}

function recorder(stop: () => void): EventRecorder & { push(event: AppEvent): void; close(): void } {
  const events: AppEvent[] = [];
  let closed = false;
  return {
    events,
    of: ((name: AppEventName) => events.filter((event) => event.name === name).map((event) => event.payload)) as EventRecorder['of'],
    get closed() {
      return closed;
    },
    stop,
    push: (event) => events.push(event),
    close: () => {
      closed = true;
    },
  };
}

function inProcessClient(core: AppCore, recorders: EventRecorder[]): ContractClient {
  let sessionId: string | null = null;
  const context = {
    shell: 'electron' as const,
    session: sessionHandle(core.sessions, {
      read: () => sessionId,
      write: (id) => {
        sessionId = id;
      },
    }),
  };
  // A JSON round trip, as both real shells do (structured clone in Electron is at least as strict).
  const call: ContractClient['call'] = (channel, input) =>
    core.dispatcher.dispatch(channel, input === undefined ? undefined : JSON.parse(JSON.stringify(input)), context) as never;
  return {
    call,
    value: withValue(call),
    get sessionId() {
      return sessionId;
    },
    async listen() {
      let unsubscribe = () => {};
      const events = recorder(() => unsubscribe());
      // Like the Electron shell: the window's session is read as each event is sent.
      unsubscribe = core.subscribeSession(() => (sessionId === null ? null : core.sessions.peek(sessionId)), events.push);
      recorders.push(events);
      return events;
    },
  };
}

function httpClient(shell: HttpShell, recorders: EventRecorder[]): ContractClient {
  let sessionId: string | null = null;
  const base = `http://127.0.0.1:${shell.port}`;
  const headers = (): Record<string, string> => ({
    'Content-Type': 'application/json',
    Authorization: `Bearer ${shell.token}`,
    ...(sessionId === null ? {} : { [SESSION_HEADER]: sessionId }),
  });
  const call: ContractClient['call'] = async (channel, input) => {
    const response = await fetch(`${base}/api/${channel}`, {
      method: 'POST',
      headers: headers(),
      body: input === undefined ? undefined : JSON.stringify(input),
    });
    const issued = response.headers.get(SESSION_HEADER);
    if (issued !== null) sessionId = issued === '' ? null : issued;
    return (await response.json()) as never;
  };
  return {
    call,
    value: withValue(call),
    get sessionId() {
      return sessionId;
    },
    async listen() {
      const abort = new AbortController();
      const events = recorder(() => abort.abort());
      const response = await fetch(`${base}/api/events`, { headers: headers(), signal: abort.signal });
      if (!response.ok || !response.body) throw new Error(`the event stream was refused: ${response.status} ${await response.text()}`);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      let connected!: () => void;
      const ready = new Promise<void>((resolve) => (connected = resolve));
      void (async () => {
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += value;
            let end: number;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const frame = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              if (frame.startsWith(': connected')) connected();
              const name = /^event: (.+)$/m.exec(frame)?.[1];
              const data = /^data: (.+)$/m.exec(frame)?.[1];
              if (name && data) events.push({ name, payload: JSON.parse(data) } as AppEvent);
            }
          }
        } catch {
          // aborted by stop()
        }
        events.close();
        connected();
      })();
      await ready;
      recorders.push(events);
      return events;
    },
  };
}

/** Waits until `done()` holds (checked every few ms), then `settleMs` more so that anything extra would show. */
export async function eventually(done: () => boolean, { timeoutMs = 3000, settleMs = 30 } = {}): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
  await new Promise((resolve) => setTimeout(resolve, settleMs));
}
