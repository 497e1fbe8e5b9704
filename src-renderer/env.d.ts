// `window.api`, exposed by the Electron preload (src-main/electron/preload.ts); absent in a browser.
import { type ContractClient } from '../src-shared/contract';

declare global {
  interface Window {
    api?: ContractClient;
  }
}

export {};
