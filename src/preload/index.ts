import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CONTRACT, type KaiwaBridge } from '../shared/ipc';

/**
 * `window.kaiwa`, generated from the contract: exactly one method per channel of IPC_CONTRACT, an
 * invoke for a request and a subscription for a push. The renderer never sees ipcRenderer or an IPC
 * event object, only payloads.
 */
export function buildBridge(): KaiwaBridge {
  const bridge: Record<string, unknown> = {};
  for (const [channel, { kind, method }] of Object.entries(IPC_CONTRACT)) {
    bridge[method] =
      kind === 'push'
        ? (listener: (payload: unknown) => void) => {
            if (typeof listener !== 'function') throw new TypeError(`${method} needs a listener function`);
            const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
            ipcRenderer.on(channel, forward);
            return () => {
              ipcRenderer.removeListener(channel, forward);
            };
          }
        : (...args: unknown[]) => ipcRenderer.invoke(channel, ...args);
  }
  return Object.freeze(bridge) as unknown as KaiwaBridge;
}

contextBridge.exposeInMainWorld('kaiwa', buildBridge());
