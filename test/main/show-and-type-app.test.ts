import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NullInput, NullOutput } from '../../src/engine';
import type { KaiwaApp } from '../../src/main/app';
import type { AssistantEvent, PictureOutcome, ShareSource, ShareStatus } from '../../src/shared/ipc';
import * as mock from '../mocks/electron';
import { launchWithWindow } from './fixtures/launch-window';

vi.mock('electron', () => import('../mocks/electron'));

// Typing, pictures and sharing end to end in main: IPC from our window, the real controller,
// engine and in-process simulator (127.0.0.1), null audio; the `electron` double for Electron.

const devices = () => ({ input: new NullInput(), output: new NullOutput({ speed: 4 }) });
let dir: string;
let kaiwa: KaiwaApp | undefined;

async function launch(settings: object = {}) {
  const launched = await launchWithWindow(dir, settings, { devices });
  kaiwa = launched.app;
  return launched;
}

const sent = (): AssistantEvent[] => mock.electronMock.sent.filter((m) => m.channel === 'assistant:events').flatMap((m) => m.payload[0] as AssistantEvent[]);
const shareStatuses = () => mock.electronMock.sent.filter((m) => m.channel === 'share:status').map((m) => m.payload[0] as ShareStatus);
const picture = (colour: string) => sharp({ create: { width: 640, height: 400, channels: 3, background: colour } }).png().toBuffer();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaiwa-show-type-'));
  mock.resetElectronMock(dir);
});
afterEach(async () => {
  await kaiwa?.shutdown();
  kaiwa = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('typing and pictures over IPC', () => {
  it('typed words start a conversation and are answered; the transcript marks them typed', async () => {
    const { invoke } = await launch();
    await expect(invoke('assistant:send-text', 'What time is it in Kyoto?')).resolves.toEqual({ accepted: true });
    await vi.waitFor(() => expect(sent().some((e) => e.type === 'transcript.final' && e.speaker === 'assistant' && /You typed/.test(e.text))).toBe(true), { timeout: 15_000 });
    expect(sent()).toContainEqual(expect.objectContaining({ type: 'transcript.final', speaker: 'user', text: 'What time is it in Kyoto?', typed: true }));
  });

  it('a dropped picture joins the conversation (its thumbnail reaches the window); originals are kept only when asked', async () => {
    const { app, invoke } = await launch({ pictures: { keepOriginals: true } });
    const data = new Uint8Array(await picture('#3366aa'));
    const outcome = (await invoke('picture:show', { data, source: 'drop', name: 'blue.png' })) as PictureOutcome;
    expect(outcome).toMatchObject({ status: 'sent', picture: { width: 640, height: 400, source: 'drop', name: 'blue.png' } });
    await vi.waitFor(() => expect(sent()).toContainEqual(expect.objectContaining({ type: 'picture' })));
    const id = app.controller.conversations.current!;
    const entry = app.controller.conversations.open(id).find((e) => e.kind === 'picture')!;
    expect(entry).toMatchObject({ kind: 'picture', thumbnail: expect.stringMatching(/^data:image\/jpeg;base64,/), file: expect.stringMatching(/\.png$/) });
    expect(readFileSync(join(dir, 'conversations', (entry as { file: string }).file))).toEqual(Buffer.from(data));

    // Off: only the thumbnail stays.
    await invoke('settings:update', { pictures: { keepOriginals: false } });
    await invoke('picture:show', { data: new Uint8Array(await picture('#aa3333')), source: 'paste' });
    const entries = app.controller.conversations.open(app.controller.conversations.current!).filter((e) => e.kind === 'picture');
    expect(entries.at(-1)).not.toHaveProperty('file');
    expect(readdirSync(join(dir, 'conversations', id))).toHaveLength(1);
  });

  it('refuses malformed picture payloads and foreign senders before anything runs', async () => {
    const { invoke } = await launch();
    await expect(invoke('picture:show', { data: 'not bytes', source: 'drop' })).rejects.toThrow(/not bytes/);
    await expect(invoke('picture:show', { data: new Uint8Array(0), source: 'drop' })).rejects.toThrow(/empty/);
    await expect(invoke('picture:show', { data: new Uint8Array(4), source: 'screen' })).rejects.toThrow(/invalid arguments/);
    await expect(invoke('picture:show', { data: new Uint8Array(4), source: 'drop', name: '../../etc/passwd' })).rejects.toThrow(/not a file name/);
    await expect(invoke('picture:show', { data: new Uint8Array(4), source: 'drop', path: '/etc/passwd' })).rejects.toThrow(/invalid arguments/);
    await expect(invoke('share:start', 'javascript:alert(1)')).rejects.toThrow(/not a screen or window id/);
    const stranger = new mock.BrowserWindow({});
    await expect(mock.ipcMain.invoke('assistant:send-text', { webContents: stranger.webContents }, 'hi')).rejects.toThrow(/not one of our windows/);
    expect(sent().some((e) => e.type === 'picture' || e.type === 'transcript.final')).toBe(false);
  });
});

describe('sharing in the app', () => {
  it('the window and the tray show sharing the whole time; the screen locking stops it', async () => {
    const { window, invoke } = await launch();
    mock.desktopCapturer.sources = [{ id: 'screen:1:0', name: 'Entire screen', display_id: '1', frame: { png: await picture('#20a060'), width: 640, height: 400 } }];
    const sources = (await invoke('share:sources')) as ShareSource[];
    expect(sources.map((s) => s.id)).toEqual(['screen:1:0']); // Kaiwa's own window is not offered
    await expect(invoke('share:start', 'screen:1:0')).resolves.toEqual({ sharing: true, sourceName: 'Entire screen' });
    expect(shareStatuses().at(-1)).toEqual({ sharing: true, sourceName: 'Entire screen' });
    const tray = mock.Tray.instances[0]!;
    expect(tray.toolTip).toMatch(/sharing “Entire screen”/);
    expect(tray.image.path).toMatch(/sharing/);
    expect(tray.menu!.item('share-stop').label).toBe('Stop sharing');
    expect(window.contentProtected).toBe(true);
    await vi.waitFor(() => expect(sent().some((e) => e.type === 'picture' && e.picture.source === 'screen')).toBe(true), { timeout: 15_000 });

    mock.powerMonitor.emit('lock-screen');
    expect(shareStatuses().at(-1)).toEqual({ sharing: false });
    expect(tray.toolTip).not.toMatch(/sharing/);
    expect(() => tray.menu!.item('share-stop')).toThrow();
    expect(window.contentProtected).toBe(false);
  });

  it('the tray item and the look hotkey stop a share; the conversation ending stops it too', async () => {
    const { app, invoke } = await launch();
    mock.desktopCapturer.sources = [{ id: 'window:77:0', name: 'Editor', frame: { png: await picture('#777777'), width: 640, height: 400 } }];
    await invoke('share:sources');
    await invoke('share:start', 'window:77:0');
    mock.Tray.instances[0]!.menu!.click('share-stop');
    expect(app.share.sharing).toBe(false);

    await invoke('share:start', 'window:77:0');
    mock.globalShortcut.press('CommandOrControl+Shift+L');
    expect(app.share.sharing).toBe(false);

    await invoke('share:start', 'window:77:0');
    await app.controller.stop();
    expect(app.share.sharing).toBe(false);
  });
});
