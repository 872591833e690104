import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UiohookKey } from 'uiohook-napi';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Assistant, NullInput, NullOutput } from '../../src/engine';
import { runKaiwa, type KaiwaApp } from '../../src/main/app';
import { KeyHook } from '../../src/main/key-hook';
import { TAP_MS } from '../../src/main/talk-key-hold';
import { englishT, saidWords } from '../../src/shared/i18n';
import type { AssistantEvent, SettingsResult, SettingsView } from '../../src/shared/ipc';
import * as mock from '../mocks/electron';
import { FakeUiohook, X11_SESSION, fakeHookModule } from '../mocks/uiohook';
import { waitForState } from './fixtures/app-state';

vi.mock('electron', () => import('../mocks/electron'));

// The desktop app's key handling end to end: real controller, engine and in-process simulator,
// null audio devices; the `electron` double, and a stand-in for the native keyboard hook where a
// test needs key-up events (this machine has no X server for the real one).

const TALK = 'CommandOrControl+Shift+Space';
const ctrlShift = { ctrlKey: true, shiftKey: true };
const devices = () => ({ input: new NullInput(), output: new NullOutput({ speed: 4 }) });
/** The first key press starts the assistant (simulator, socket, session): slower than a second on a busy machine. */
const STARTED = { timeout: 10_000 };

let dir: string;
let kaiwa: KaiwaApp | undefined;

async function launch(settings: object, keyHook?: KeyHook): Promise<KaiwaApp> {
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings));
  const started = await runKaiwa({ argv: ['kaiwa', '--hidden'], env: {}, log: () => undefined, userDataDir: dir, devices, ...(keyHook ? { keyHook } : {}) });
  if (!started) throw new Error('did not start');
  kaiwa = started;
  return started;
}

const notices = () =>
  mock.electronMock.sent
    .filter((m) => m.channel === 'assistant:events')
    .flatMap((m) => m.payload[0] as AssistantEvent[])
    .flatMap((e) => (e.type === 'notice' ? [saidWords(englishT(), e)] : []));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaiwa-holdkeys-'));
  mock.resetElectronMock(dir);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await kaiwa?.shutdown();
  kaiwa = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('hold-to-talk in the app', () => {
  it('holding the talk key starts the assistant and talks; the release sends the turn and the reply comes', async () => {
    const startTalking = vi.spyOn(Assistant.prototype, 'startTalking');
    const stopTalking = vi.spyOn(Assistant.prototype, 'stopTalking');
    const fake = new FakeUiohook();
    const app = await launch({ turnDetection: { mode: 'manual' } }, new KeyHook(X11_SESSION, () => fakeHookModule(fake)));
    expect(app.controller.view().hotkeys[0]).toEqual({ action: 'talk', accelerator: TALK, registered: true, hold: true });

    fake.press(UiohookKey.Space, ctrlShift);
    await vi.waitFor(() => expect(startTalking).toHaveBeenCalledOnce(), STARTED);
    expect(app.controller.running).toBe(true);
    expect(app.controller.isTalking).toBe(true);
    await sleep(TAP_MS + 50);
    const answered = waitForState(app, 'thinking');
    fake.release(UiohookKey.Space, ctrlShift);
    await vi.waitFor(() => expect(stopTalking).toHaveBeenCalledOnce());
    await answered;
    expect(app.controller.isTalking).toBe(false);
    expect(startTalking).toHaveBeenCalledOnce();
    await waitForState(app, 'speaking');
  });

  it('a tap toggles talking on and the next tap sends, like the old push-to-talk', async () => {
    const startTalking = vi.spyOn(Assistant.prototype, 'startTalking');
    const stopTalking = vi.spyOn(Assistant.prototype, 'stopTalking');
    const fake = new FakeUiohook();
    const app = await launch({ turnDetection: { mode: 'manual' } }, new KeyHook(X11_SESSION, () => fakeHookModule(fake)));
    fake.press(UiohookKey.Space, ctrlShift);
    fake.release(UiohookKey.Space, ctrlShift);
    await vi.waitFor(() => expect(startTalking).toHaveBeenCalledOnce(), STARTED);
    expect(app.controller.isTalking).toBe(true);
    expect(stopTalking).not.toHaveBeenCalled();
    fake.press(UiohookKey.Space, ctrlShift);
    fake.release(UiohookKey.Space, ctrlShift);
    await vi.waitFor(() => expect(stopTalking).toHaveBeenCalledOnce());
    expect(app.controller.isTalking).toBe(false);
  });

  it('the screen locking or the system suspending mid-hold sends what was said', async () => {
    const stopTalking = vi.spyOn(Assistant.prototype, 'stopTalking');
    for (const event of ['lock-screen', 'suspend']) {
      const fake = new FakeUiohook();
      const app = await launch({ turnDetection: { mode: 'manual' } }, new KeyHook(X11_SESSION, () => fakeHookModule(fake)));
      fake.press(UiohookKey.Space, ctrlShift);
      await vi.waitFor(() => expect(app.controller.isTalking).toBe(true), STARTED);
      mock.powerMonitor.emit(event);
      await vi.waitFor(() => expect(app.controller.isTalking).toBe(false));
      await app.shutdown();
      mock.resetElectronMock(dir);
    }
    expect(stopTalking).toHaveBeenCalledTimes(2);
  });

  it('the hook is stopped when the app shuts down', async () => {
    const fake = new FakeUiohook();
    const app = await launch({ turnDetection: { mode: 'manual' } }, new KeyHook(X11_SESSION, () => fakeHookModule(fake)));
    expect(fake.running).toBe(true);
    await app.shutdown();
    expect(fake.running).toBe(false);
    expect(fake.listenerCount('keydown')).toBe(0);
  });

  it('on this headless machine (the real hook, no X server): the toggle, and the notice once', async () => {
    const startTalking = vi.spyOn(Assistant.prototype, 'startTalking');
    const stopTalking = vi.spyOn(Assistant.prototype, 'stopTalking');
    const app = await launch({ turnDetection: { mode: 'manual' } });
    const window = app.showMainWindow() as unknown as mock.BrowserWindow;
    window.webContents.finishLoad();
    const told = () => notices().filter((line) => line.startsWith('Hold-to-talk is not available'));
    await vi.waitFor(() => expect(told()).toEqual([expect.stringContaining('there is no X11 display')]));
    expect(app.controller.view().hotkeys[0]).toMatchObject({ registered: true, hold: false, holdError: 'there is no X11 display to watch the keyboard on' });

    mock.globalShortcut.press(TALK);
    await vi.waitFor(() => expect(startTalking).toHaveBeenCalledOnce(), STARTED);
    mock.globalShortcut.press(TALK);
    await vi.waitFor(() => expect(stopTalking).toHaveBeenCalledOnce());

    // Another key, then hold-to-talk off and on again: the same reason is not told twice.
    const update = (patch: unknown) => mock.ipcMain.invoke('settings:update', { webContents: window.webContents }, patch) as Promise<SettingsResult>;
    await update({ hotkeys: { talk: 'Alt+K' } });
    await update({ hotkeys: { holdToTalk: false } });
    const off = (await mock.ipcMain.invoke('settings:get', { webContents: window.webContents })) as SettingsView;
    expect(off.hotkeys[0]).toEqual({ action: 'talk', accelerator: 'Alt+K', registered: true });
    await update({ hotkeys: { holdToTalk: true } });
    await sleep(50); // the event batcher's flush
    expect(told()).toHaveLength(1);
  });
});

describe('the media key in the app', () => {
  it('off by default; turned on, it starts and stops listening with server VAD', async () => {
    const app = await launch({});
    expect(mock.globalShortcut.isRegistered('MediaPlayPause')).toBe(false);
    const window = app.showMainWindow() as unknown as mock.BrowserWindow;
    const result = (await mock.ipcMain.invoke('settings:update', { webContents: window.webContents }, { hotkeys: { mediaKey: true } })) as SettingsResult;
    expect(result.ok && result.view.hotkeys).toContainEqual({ action: 'media', accelerator: 'MediaPlayPause', registered: true });
    const listening = waitForState(app, 'listening');
    mock.globalShortcut.press('MediaPlayPause');
    await listening;
    const idle = waitForState(app, 'idle');
    mock.globalShortcut.press('MediaPlayPause');
    await idle;
  });

  it('manual turns: it toggles talking, and interrupts the reply while it speaks', async () => {
    const interrupt = vi.spyOn(Assistant.prototype, 'interrupt');
    const startTalking = vi.spyOn(Assistant.prototype, 'startTalking');
    const stopTalking = vi.spyOn(Assistant.prototype, 'stopTalking');
    const app = await launch({ turnDetection: { mode: 'manual' }, hotkeys: { mediaKey: true, holdToTalk: false } });
    mock.globalShortcut.press('MediaPlayPause');
    await vi.waitFor(() => expect(startTalking).toHaveBeenCalledOnce(), STARTED);
    const speaking = waitForState(app, 'speaking');
    mock.globalShortcut.press('MediaPlayPause');
    await vi.waitFor(() => expect(stopTalking).toHaveBeenCalledOnce());
    await speaking;
    expect(interrupt).not.toHaveBeenCalled();
    mock.globalShortcut.press('MediaPlayPause');
    expect(interrupt).toHaveBeenCalledOnce();
    await vi.waitFor(() => expect(app.controller.state).not.toBe('speaking'));
    // Interrupting is all it did: no new turn was started.
    expect(startTalking).toHaveBeenCalledOnce();
    expect(app.controller.running).toBe(true);
  });
});
