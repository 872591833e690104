import { beforeEach, describe, expect, it, vi } from 'vitest';
import { pathToFileURL } from 'node:url';
import type { BrowserWindow } from 'electron';
import { INVOKE_CHANNELS } from '../../src/shared/ipc';

import * as mock from '../mocks/electron';
import { registerIpcHandlers, sendToWindows } from '../../src/main/ipc';
import { isAppUrl, rendererIndexPath } from '../../src/main/paths';

vi.mock('electron', () => import('../mocks/electron'));

function handlerSpies() {
  const handlers = Object.fromEntries(INVOKE_CHANNELS.map((c) => [c, vi.fn(() => undefined)])) as unknown as Record<
    (typeof INVOKE_CHANNELS)[number],
    ReturnType<typeof vi.fn>
  >;
  return handlers;
}

let ours: InstanceType<typeof mock.BrowserWindow>;
let handlers: ReturnType<typeof handlerSpies>;
let logLines: string[];

beforeEach(async () => {
  mock.resetElectronMock();
  ours = new mock.BrowserWindow({});
  await ours.loadFile(rendererIndexPath(), { hash: 'quick-talk' });
  handlers = handlerSpies();
  logLines = [];
  registerIpcHandlers(
    handlers as unknown as Parameters<typeof registerIpcHandlers>[0],
    { windows: () => [ours as unknown as BrowserWindow], isAppUrl: (url) => isAppUrl(url, undefined) },
    (line) => logLines.push(line),
  );
});

const fromOurs = () => ({ webContents: ours.webContents });

describe('IPC: sender check', () => {
  it('registers exactly the contract channels', () => {
    expect([...mock.ipcMain.handlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
  });

  it('our window’s top frame is served, with the window passed to the handler', async () => {
    await mock.ipcMain.invoke('assistant:set-muted', fromOurs(), true);
    expect(handlers['assistant:set-muted']).toHaveBeenCalledWith(ours, true);
  });

  it.each([
    ['a webContents that is not one of our windows', () => ({ webContents: new mock.FakeWebContents() })],
    [
      'a subframe of our window',
      () => ({ webContents: ours.webContents, frame: new mock.FakeWebFrameMain(ours.webContents.mainFrame.url, ours.webContents.mainFrame) }),
    ],
    ['a frame that is gone', () => ({ webContents: ours.webContents, frame: null })],
  ])('drops %s: rejected, handler not called, logged', async (_what, sender) => {
    await expect(mock.ipcMain.invoke('assistant:interrupt', sender())).rejects.toThrow(/refused/);
    expect(handlers['assistant:interrupt']).not.toHaveBeenCalled();
    expect(logLines).toEqual([expect.stringMatching(/^ipc: dropped assistant:interrupt: /)]);
  });

  it.each([
    ['a web page', 'https://evil.example/page'],
    ['another local file', pathToFileURL('/tmp/evil.html').href],
  ])('drops our own window when it shows %s', async (_what, url) => {
    ours.webContents.mainFrame.url = url;
    await expect(mock.ipcMain.invoke('settings:get', fromOurs())).rejects.toThrow(/foreign page/);
    expect(handlers['settings:get']).not.toHaveBeenCalled();
  });
});

describe('IPC: argument validation', () => {
  it.each([
    ['a wrong type', 'assistant:set-muted', ['yes']],
    ['a missing argument', 'assistant:set-muted', []],
    ['an extra argument', 'assistant:interrupt', [1]],
    ['an unknown settings key', 'settings:update', [{ voice: 'cedar', nodeIntegration: true }]],
    ['an unknown nested key', 'settings:update', [{ hotkeys: { talk: 'Alt+K', exec: 'rm -rf /' } }]],
    ['an oversize string', 'settings:update', [{ instructions: 'x'.repeat(8_001) }]],
    ['a value outside an enum', 'settings:update', [{ voice: 'HAL' }]],
    ['a non-object patch', 'settings:update', ['voice=cedar']],
    ['an oversize API key', 'settings:set-api-key', ['k'.repeat(5_000)]],
    ['an API key with spaces', 'settings:set-api-key', ['sk-abc def-ghi']],
    ['a path as a conversation id', 'conversations:open', ['../../etc/passwd']],
  ] as const)('rejects %s without calling the handler', async (_what, channel, args) => {
    const call = mock.ipcMain.invoke(channel, fromOurs(), ...args);
    await expect(call).rejects.toThrow(new RegExp(`^${channel}: invalid arguments: `));
    expect(handlers[channel]).not.toHaveBeenCalled();
  });

  it('never echoes the rejected value (it may be a key)', async () => {
    const secret = 'sk-secret with a space';
    const error = await mock.ipcMain.invoke('settings:set-api-key', fromOurs(), secret).catch((e: Error) => e);
    expect(String(error)).not.toContain('secret');
    expect(logLines.join('\n')).not.toContain('secret');
  });

  it('passes valid arguments through', async () => {
    const patch = { voice: 'cedar', turnDetection: { mode: 'manual' }, inputDevice: 'USB' };
    await mock.ipcMain.invoke('settings:update', fromOurs(), patch);
    expect(handlers['settings:update']).toHaveBeenCalledWith(ours, patch);
    await mock.ipcMain.invoke('settings:set-api-key', fromOurs(), null);
    expect(handlers['settings:set-api-key']).toHaveBeenCalledWith(ours, null);
    await mock.ipcMain.invoke('conversations:open', fromOurs(), '2026-01-01T00-00-00-000Z-abc123');
    expect(handlers['conversations:open']).toHaveBeenCalledOnce();
  });
});

describe('isAppUrl', () => {
  const index = rendererIndexPath();
  it('accepts our index.html with any hash or query, and only that file', () => {
    expect(isAppUrl(`${pathToFileURL(index).href}#quick-talk`, undefined)).toBe(true);
    expect(isAppUrl(`${pathToFileURL(index).href}?x=1`, undefined)).toBe(true);
    expect(isAppUrl(pathToFileURL(`${index}.evil.html`).href, undefined)).toBe(false);
    expect(isAppUrl('http://localhost:5173/', undefined)).toBe(false);
    expect(isAppUrl('not a url', undefined)).toBe(false);
  });
  it('accepts the dev server origin when there is one', () => {
    expect(isAppUrl('http://localhost:5173/#quick-talk', 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
  });
});

describe('sendToWindows', () => {
  it('skips destroyed windows', () => {
    const gone = new mock.BrowserWindow({});
    gone.destroy();
    sendToWindows([ours, gone] as unknown as BrowserWindow[], 'app:navigate', 'settings');
    expect(mock.electronMock.sent).toEqual([{ webContentsId: ours.webContents.id, channel: 'app:navigate', payload: ['settings'] }]);
  });
});
