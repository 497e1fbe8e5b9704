// The typed client of the IPC contract: Electron's preload (`window.api`) when present, else the HTTP
// shell (POST /api/<channel> with the token the page was opened with, and the session token a sign-in
// returned). Both typed from src-shared. In Electron the session stays in main; nothing is kept here.
import { CHANNELS, isAppEventName, LAUNCH_COMMAND_HEADER, SESSION_TOKEN_HEADER, type AppEventName, type Channel } from '../src-shared/channels';
import {
  type AppEventListener,
  type AppEventPayload,
  type ChannelCall,
  type ChannelInput,
  type ChannelOutput,
  type ContractInvokers,
} from '../src-shared/contract';
import { errorEnvelope, okEnvelope, type Envelope } from '../src-shared/errors';
import { launchCommandText, useConnection } from './stores/connection';

/** How an export reached the person: a browser download, a file saved through the desktop's dialog, or not saved (dialog closed). */
export type ExportDelivery = { kind: 'downloaded'; fileName: string } | { kind: 'saved'; path: string } | { kind: 'not-saved' };

export interface AppClient {
  readonly transport: 'electron' | 'http';
  call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<Envelope<ChannelOutput<C>>>;
  /** Returns the unsubscribe function. */
  on<E extends AppEventName>(event: E, listener: AppEventListener<E>): () => void;
  /** Hands an export's file (exports.download) to the person: a download in the browser, the save dialog on the desktop. */
  deliverExport(fileName: string): Promise<Envelope<ExportDelivery>>;
  /** The desktop only: shows a file deliverExport saved in the system's file manager. */
  showInFolder?: (path: string) => Promise<Envelope<null>>;
  /** The desktop only: links of the app opened while it runs, as the path to go to (src-shared/deep-links.ts). */
  onDeepLink?: (listener: (path: string) => void) => () => void;
}

export function createClient(): AppClient {
  const preload = window.api;
  if (preload) {
    const invokers: ContractInvokers = preload;
    return {
      transport: 'electron',
      call<C extends Channel>(channel: C, input: ChannelInput<C>) {
        const invoke: ChannelCall<C> = invokers[channel];
        return invoke(input);
      },
      on: (event, listener) => preload.on(event, listener),
      async deliverExport(fileName) {
        const saved = await preload.saveExport(fileName);
        if (!saved.ok) return saved;
        return okEnvelope(saved.value.savedPath === null ? { kind: 'not-saved' } : { kind: 'saved', path: saved.value.savedPath });
      },
      showInFolder: (path) => preload.showInFolder(path),
      onDeepLink: (listener) => preload.onDeepLink(listener),
    };
  }
  return createHttpClient(readToken());
}

const TOKEN_KEY = 'automation-console.token';
const SESSION_KEY = 'automation-console.session';
const SESSION_HEADER = SESSION_TOKEN_HEADER;

/** The token arrives in the page URL once; it is kept for reloads and taken out of the address bar. */
function readToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

/** The session token, per tab (sessionStorage): a sign-in sets it, a sign-out clears it. */
const sessionToken = {
  get: (): string | null => sessionStorage.getItem(SESSION_KEY),
  set(value: string): void {
    if (value) sessionStorage.setItem(SESSION_KEY, value);
    else sessionStorage.removeItem(SESSION_KEY);
  },
};

function createHttpClient(token: string | null): AppClient {
  const headers = (): Record<string, string> => {
    const current: Record<string, string> = { 'Content-Type': 'application/json' };
    if (token) current.Authorization = `Bearer ${token}`;
    const session = sessionToken.get();
    if (session) current[SESSION_HEADER] = session;
    return current;
  };
  const events = createHttpEventStream(headers);

  const client: AppClient = {
    transport: 'http',
    async call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<Envelope<ChannelOutput<C>>> {
      if (!(CHANNELS as readonly string[]).includes(channel)) return errorEnvelope('NOT_FOUND', `There is no channel named ${channel}.`);
      let response: Response;
      const connection = useConnection.getState();
      const unreachable = () => {
        connection.lost();
        return errorEnvelope<ChannelOutput<C>>('INTERNAL', `Cannot reach the app. Is ${launchCommandText(useConnection.getState().launchCommand)} still running?`);
      };
      try {
        response = await fetch(`/api/${encodeURIComponent(channel)}`, { method: 'POST', headers: headers(), body: JSON.stringify(input) });
      } catch {
        return unreachable();
      }
      // Present after a sign-in (the new token) or a sign-out (empty): the event stream follows the session.
      const issued = response.headers.get(SESSION_HEADER);
      if (issued !== null) {
        sessionToken.set(issued);
        events.sessionChanged();
      }
      try {
        // The shell answers every API call with an envelope, errors included.
        const envelope = (await response.json()) as Envelope<ChannelOutput<C>>;
        connection.answered(response.headers.get(LAUNCH_COMMAND_HEADER));
        return envelope;
      } catch {
        // Not the shell's answer (a proxy's error page, a connection cut mid-answer): the app is not reachable.
        return unreachable();
      }
    },
    on: events.on,
    async deliverExport(fileName) {
      const file = await client.call('exports.download', { fileName });
      if (!file.ok) return file;
      downloadText(file.value.fileName, file.value.content, 'text/csv;charset=utf-8');
      return okEnvelope({ kind: 'downloaded', fileName: file.value.fileName });
    },
  };
  return client;
}

/** The browser's own download of text made in the page: an object URL behind a link with `download`, clicked once. */
function downloadText(fileName: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked once the browser has surely started reading it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

type AnyListener = (payload: unknown) => void;

/**
 * Server-sent events read with fetch, not EventSource: EventSource cannot send the Authorization and session
 * headers. One stream per session while anyone listens; it reconnects after a drop and when the session changes.
 */
function createHttpEventStream(headers: () => Record<string, string>) {
  const listeners = new Map<AppEventName, Set<AnyListener>>();
  let abort: AbortController | null = null;

  const listenerCount = () => [...listeners.values()].reduce((n, set) => n + set.size, 0);

  function deliver(frame: string): void {
    let name = '';
    const data: string[] = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith('event:')) name = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (!isAppEventName(name) || data.length === 0) return;
    let payload: unknown;
    try {
      payload = JSON.parse(data.join('\n'));
    } catch {
      return;
    }
    for (const listener of listeners.get(name) ?? []) listener(payload);
  }

  async function connect(controller: AbortController): Promise<void> {
    while (!controller.signal.aborted) {
      try {
        // Without a session there is nothing to receive: sessionChanged() connects after a sign-in.
        if (!headers()[SESSION_HEADER]) return;
        const response = await fetch('/api/events', { headers: headers(), signal: controller.signal });
        if (!response.ok || !response.body) return;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n/g, '\n');
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            deliver(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        if (controller.signal.aborted) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }

  function restart(): void {
    abort?.abort();
    abort = null;
    if (listenerCount() === 0) return;
    abort = new AbortController();
    void connect(abort);
  }

  return {
    sessionChanged: restart,
    on<E extends AppEventName>(event: E, listener: AppEventListener<E>): () => void {
      const forward: AnyListener = (payload) => listener(payload as AppEventPayload<E>);
      const set = listeners.get(event) ?? new Set<AnyListener>();
      listeners.set(event, set);
      set.add(forward);
      if (!abort) {
        abort = new AbortController();
        void connect(abort);
      }
      return () => {
        set.delete(forward);
        if (listenerCount() === 0 && abort) {
          abort.abort();
          abort = null;
        }
      };
    },
  };
}
