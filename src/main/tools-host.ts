import { Notification, clipboard, shell } from 'electron';
import type { EngineMessage, Words } from '../engine/messages';
import type { ToolHost } from '../engine/tools/types';

/** Longest text a tool may put on the clipboard or show in a notification (a runaway model reply is not pasted whole). */
const MAX_CLIPBOARD_CHARS = 100_000;
const MAX_NOTIFICATION_CHARS = 1_000;

export class ToolHostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolHostError';
  }
}

/**
 * The address a tool may open: http or https only. `shell.openExternal` would also start
 * file:, javascript: or an app's own scheme (`ms-settings:`, `vscode:`), which reach far beyond
 * "open a web page": those are refused here, whatever the tool checked before.
 */
export function webAddress(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ToolHostError('not a web address');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ToolHostError(`only http and https addresses are opened, not ${url.protocol}`);
  if (url.username || url.password) throw new ToolHostError('addresses with a user name or password are not opened');
  return url.href;
}

/**
 * The desktop's side of the built-in tools: Electron's clipboard, the default browser, the
 * system's notifications. `words` puts what the engine says (a notification's title) into the
 * user's language; the model's own text passes as it is.
 */
export function createDesktopToolHost(words: (said: EngineMessage) => string): ToolHost {
  return {
    readClipboard: () => Promise.resolve(clipboard.readText()),
    writeClipboard: (text) => {
      if (text.length > MAX_CLIPBOARD_CHARS) return Promise.reject(new ToolHostError(`the text is longer than ${MAX_CLIPBOARD_CHARS} characters`));
      clipboard.writeText(text);
      return Promise.resolve();
    },
    openUrl: async (text) => {
      await shell.openExternal(webAddress(text), { activate: true });
    },
    notify: (title: Words, body: Words) => {
      if (!Notification.isSupported()) return Promise.reject(new ToolHostError('this desktop shows no notifications'));
      const text = (said: Words) => (typeof said === 'string' ? said : words(said)).slice(0, MAX_NOTIFICATION_CHARS);
      new Notification({ title: text(title), body: text(body) }).show();
      return Promise.resolve();
    },
  };
}
