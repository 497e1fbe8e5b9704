// The preload (sandboxed, CommonJS): `window.api`, built from the contract's channel names and nothing
// else. No ipcRenderer reaches the page; listeners never see the IPC event.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNELS, DEEP_LINK_IPC_CHANNEL, DESKTOP_CHANNELS, eventIpcChannel, isAppEventName } from '../../src-shared/channels';

const invokers = Object.fromEntries(CHANNELS.map((channel) => [channel, (input: unknown) => ipcRenderer.invoke(channel, input)]));

function on(event: unknown, listener: unknown): () => void {
  if (!isAppEventName(event)) throw new Error(`There is no event named ${JSON.stringify(event)}.`);
  if (typeof listener !== 'function') throw new Error('The listener must be a function.');
  const ipcChannel = eventIpcChannel(event);
  const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
  ipcRenderer.on(ipcChannel, forward);
  return () => {
    ipcRenderer.removeListener(ipcChannel, forward);
  };
}

/** A link of the app opened while it runs: the page gets its path (main checked it: src-shared/deep-links.ts). */
function onDeepLink(listener: unknown): () => void {
  if (typeof listener !== 'function') throw new Error('The listener must be a function.');
  const forward = (_event: IpcRendererEvent, path: unknown) => {
    if (typeof path === 'string') listener(path);
  };
  ipcRenderer.on(DEEP_LINK_IPC_CHANNEL, forward);
  return () => {
    ipcRenderer.removeListener(DEEP_LINK_IPC_CHANNEL, forward);
  };
}

const desktop = {
  saveExport: (fileName: unknown) => ipcRenderer.invoke(DESKTOP_CHANNELS.saveExport, fileName),
  showInFolder: (path: unknown) => ipcRenderer.invoke(DESKTOP_CHANNELS.showInFolder, path),
  onDeepLink,
};

// The renderer sees this as ContractClient (src-shared/contract.ts); only names are imported here, no schemas.
contextBridge.exposeInMainWorld('api', { ...invokers, ...desktop, on });
