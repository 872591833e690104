import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { BRIDGE_METHODS, PUSH_CHANNELS, type KaiwaBridge, type PushChannel } from '../shared/ipc';

/**
 * `window.kaiwa`, generated from the contract: exactly one method per BRIDGE_METHODS entry, an
 * invoke for requests and a subscription for pushes. The renderer never sees ipcRenderer or an IPC
 * event object, only payloads.
 */

const isPush = (channel: string): channel is PushChannel => (PUSH_CHANNELS as readonly string[]).includes(channel);

export function buildBridge(): KaiwaBridge {
  const bridge: Record<string, unknown> = {};
  for (const [method, channel] of Object.entries(BRIDGE_METHODS)) {
    bridge[method] = isPush(channel)
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
