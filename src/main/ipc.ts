import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent, type WebFrameMain } from 'electron';
import type { z } from 'zod';
import {
  INVOKE_CHANNELS,
  type InvokeChannel,
  type InvokeChannels,
  type PushChannel,
  type PushChannels,
} from '../shared/ipc';
import { INVOKE_SCHEMAS, describeIssues } from './ipc-schemas';

/**
 * The one way main answers the renderer (after electron/fiddle's typed ipc, mattermost's
 * ipcValidate and VS Code's validatedIpcMain): the sender must be the top frame of one of our
 * windows showing our page, and every argument must pass its zod schema, before the handler runs.
 */

export type Handler<C extends InvokeChannel> = (
  origin: BrowserWindow,
  ...args: InvokeChannels[C]['args']
) => InvokeChannels[C]['result'] | Promise<InvokeChannels[C]['result']>;

export type Handlers = { [C in InvokeChannel]: Handler<C> };

export interface SenderPolicy {
  /** Our live windows. */
  windows(): readonly BrowserWindow[];
  /** Our own page: the packaged file:// index.html or the dev server. */
  isAppUrl(url: string): boolean;
}

export class IpcRejection extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IpcRejection';
  }
}

/** Returns our window the call came from, or why the sender is not trusted. */
export function checkSender(event: IpcMainInvokeEvent, policy: SenderPolicy): BrowserWindow | string {
  const frame = event.senderFrame;
  if (!frame) return 'the sending frame is gone';
  const window = policy.windows().find((w) => !w.isDestroyed() && w.webContents === event.sender);
  if (!window) return 'the sender is not one of our windows';
  if (!sameFrame(frame, window.webContents.mainFrame)) return 'the sender is not the top frame';
  if (!policy.isAppUrl(frame.url)) return `the sender shows a foreign page (${safeOrigin(frame.url)})`;
  return window;
}

export function handle<C extends InvokeChannel>(
  channel: C,
  schema: z.ZodType<InvokeChannels[C]['args']>,
  handler: Handler<C>,
  policy: SenderPolicy,
  log: (line: string) => void,
): void {
  ipcMain.handle(channel, async (event, ...args: unknown[]) => {
    const origin = checkSender(event, policy);
    if (typeof origin === 'string') {
      log(`ipc: dropped ${channel}: ${origin}`);
      throw new IpcRejection(`${channel}: refused, ${origin}`);
    }
    const parsed = schema.safeParse(args);
    if (!parsed.success) {
      const issues = describeIssues(parsed.error);
      log(`ipc: rejected ${channel}: ${issues.join('; ')}`);
      throw new IpcRejection(`${channel}: invalid arguments: ${issues.join('; ')}`);
    }
    return handler(origin, ...parsed.data);
  });
}

/** Registers a handler for every invoke channel of the contract (the type demands all of them). */
export function registerIpcHandlers(handlers: Handlers, policy: SenderPolicy, log: (line: string) => void): () => void {
  for (const channel of INVOKE_CHANNELS) {
    handle(channel, INVOKE_SCHEMAS[channel] as z.ZodType<never>, handlers[channel] as Handler<typeof channel>, policy, log);
  }
  return () => {
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
  };
}

/** Sends a push message to every live window of ours. */
export function sendToWindows<C extends PushChannel>(windows: readonly BrowserWindow[], channel: C, payload: PushChannels[C]): void {
  for (const window of windows) {
    if (window.isDestroyed() || window.webContents.isDestroyed()) continue;
    window.webContents.send(channel, payload);
  }
}

/** Electron hands out one WebFrameMain per frame; the ids are the fallback if that ever changes. */
function sameFrame(a: WebFrameMain, b: WebFrameMain): boolean {
  return a === b || (a.processId === b.processId && a.routingId === b.routingId);
}

function safeOrigin(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'file:' ? 'a file' : parsed.origin;
  } catch {
    return 'an invalid URL';
  }
}
