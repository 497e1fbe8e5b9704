// The preload (sandboxed, CommonJS): `window.api`, built from the contract's channel names and nothing
// else. No ipcRenderer reaches the page; listeners never see the IPC event.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNELS, DESKTOP_CHANNELS, eventIpcChannel, isAppEventName } from '../../src-shared/channels';

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

const desktop = {
  saveExport: (fileName: unknown) => ipcRenderer.invoke(DESKTOP_CHANNELS.saveExport, fileName),
  showInFolder: (path: unknown) => ipcRenderer.invoke(DESKTOP_CHANNELS.showInFolder, path),
};

// The renderer sees this as ContractClient (src-shared/contract.ts); only names are imported here, no schemas.
contextBridge.exposeInMainWorld('api', { ...invokers, ...desktop, on });
