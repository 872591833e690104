import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { englishT, saidWords } from '../../src/shared/i18n';
import * as mock from '../mocks/electron';
import { Assistant, NullInput, NullOutput } from '../../src/engine';
import type { AssistantEvent, AssistantState, NoticeSaid, SettingsResult, SettingsView } from '../../src/shared/ipc';
import { runKaiwa, type KaiwaApp } from '../../src/main/app';
import { rendererIndexPath } from '../../src/main/paths';
import { CONTENT_SECURITY_POLICY } from '../../src/main/security';
import { waitForState } from './fixtures/app-state';

vi.mock('electron', () => import('../mocks/electron'));

// Everything here is real (settings files, the engine, the in-process simulator on 127.0.0.1,
// the engine's null audio devices, not the sound card) except the `electron` module.
const devices = () => ({ input: new NullInput(), output: new NullOutput() });

let dir: string;
let kaiwa: KaiwaApp;
let logLines: string[];

async function launch(argv: string[] = ['kaiwa', '--hidden'], env: Record<string, string> = {}): Promise<KaiwaApp> {
  const started = await runKaiwa({ argv, env, log: (line) => logLines.push(line), userDataDir: dir, devices });
  if (!started) throw new Error('did not start');
  kaiwa = started;
  return started;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaiwa-app-'));
  mock.resetElectronMock(dir);
  logLines = [];
});

afterEach(async () => {
  vi.restoreAllMocks();
  await kaiwa?.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

const tray = () => mock.Tray.instances[0] as mock.Tray;
const menu = () => tray().menu as mock.FakeMenu;
const windowWith = (predicate: (w: mock.BrowserWindow) => boolean) => mock.BrowserWindow.instances.find(predicate);
const quickTalkWindow = () => windowWith((w) => w.options.frame === false);
const mainWindow = () => windowWith((w) => w.options.frame !== false);
const sentEvents = (): AssistantEvent[] =>
  mock.electronMock.sent.filter((m) => m.channel === 'assistant:events').flatMap((m) => m.payload[0] as AssistantEvent[]);

function showLoadedMainWindow(app: KaiwaApp): mock.BrowserWindow {
  app.showMainWindow();
  const window = mainWindow() as mock.BrowserWindow;
  window.webContents.finishLoad();
  return window;
}

describe('lifecycle and windows', () => {
  it('quits when another instance holds the lock', async () => {
    mock.electronMock.singleInstanceLock = false;
    expect(await runKaiwa({ argv: ['kaiwa'], env: {}, log: () => undefined, userDataDir: dir })).toBeUndefined();
    expect(mock.electronMock.quitCalls).toBe(1);
    expect(mock.Tray.instances).toHaveLength(0);
  });

  it('a plain launch shows the main window with secure webPreferences and our page', async () => {
    await launch(['kaiwa']);
    const window = mainWindow() as mock.BrowserWindow;
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(String(window.options.webPreferences?.preload)).toMatch(/preload[/\\]index\.cjs$/);
    expect(window.loaded.file).toBe(rendererIndexPath());
  });

  it('denies navigation away, new windows, and every permission; sets the CSP header', async () => {
    await launch(['kaiwa']);
    const contents = (mainWindow() as mock.BrowserWindow).webContents;
    const navigate = (url: string) => {
      const event = { url, defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
      contents.emit('will-navigate', event, url);
      return event.defaultPrevented;
    };
    expect(navigate('https://evil.example/')).toBe(true);
    expect(navigate(pathToFileURL('/etc/passwd').href)).toBe(true);
    expect(navigate(`${pathToFileURL(rendererIndexPath()).href}#settings`)).toBe(false);
    expect(contents.windowOpenHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });

    const stranger = new mock.FakeWebContents();
    mock.app.emit('web-contents-created', {}, stranger);
    expect(stranger.windowOpenHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    const webview = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    stranger.emit('will-attach-webview', webview);
    expect(webview.defaultPrevented).toBe(true);

    const ses = mock.session.defaultSession;
    const granted = vi.fn();
    ses.permissionRequestHandler?.(contents, 'media', granted);
    expect(granted).toHaveBeenCalledWith(false);
    expect(ses.permissionCheckHandler?.(contents, 'media')).toBe(false);
    let headers: Record<string, string[]> | undefined;
    ses.headersListener?.({ url: 'file:///x', responseHeaders: { 'X-A': ['1'] } }, (r) => (headers = r.responseHeaders));
    expect(headers).toEqual({ 'X-A': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  it('window:hide hides the window that asked', async () => {
    const app = await launch(['kaiwa']);
    const window = showLoadedMainWindow(app);
    window.show();
    await mock.ipcMain.invoke('window:hide', { webContents: window.webContents });
    expect(window.isVisible()).toBe(false);
  });

  it('the tray icons come from assets/ (missing files would be empty images)', async () => {
    await launch();
    expect(tray().image.path).toMatch(/assets[/\\]tray-idle\.png$/);
    expect(tray().image.isEmpty()).toBe(false);
  });

  it('missing icon files: an empty image, no crash', async () => {
    mock.electronMock.appPath = dir;
    await launch();
    expect(tray().image.path).toBeUndefined();
    expect(tray().image.isEmpty()).toBe(true);
  });

  it('closing the main window hides it (the app lives in the tray)', async () => {
    await launch(['kaiwa']);
    const window = mainWindow() as mock.BrowserWindow;
    window.show();
    window.close();
    expect(window.isDestroyed()).toBe(false);
    expect(window.isVisible()).toBe(false);
  });
});

describe('tray', () => {
  it('clicking the icon shows quick talk next to it and starts listening', async () => {
    mock.electronMock.trayBounds = { x: 1200, y: 0, width: 24, height: 24 };
    const app = await launch();
    const listening = waitForState(app, 'listening');
    tray().emit('click');
    const quick = quickTalkWindow() as mock.BrowserWindow;
    expect(quick.options).toMatchObject({ frame: false, alwaysOnTop: true, skipTaskbar: true });
    expect(quick.loaded.hash).toBe('quick-talk');
    expect(quick.isVisible()).toBe(true);
    // Centred under the icon (x 1200..1224) in a top panel; the work area starts at y 28.
    expect(quick.position).toEqual([1212 - 180, 28 + 8]);
    await listening;
  });

  it('quick talk hides on Esc and on blur', async () => {
    const app = await launch();
    tray().emit('click');
    await waitForState(app, 'listening');
    const quick = quickTalkWindow() as mock.BrowserWindow;
    const esc = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    quick.webContents.emit('before-input-event', esc, { type: 'keyDown', key: 'Escape' });
    expect(esc.defaultPrevented).toBe(true);
    expect(quick.isVisible()).toBe(false);
    tray().emit('click');
    expect(quick.isVisible()).toBe(true);
    quick.emit('blur');
    expect(quick.isVisible()).toBe(false);
  });

  it('Talk starts, the menu is rebuilt with Stop, Stop stops; the icon follows the state', async () => {
    const app = await launch();
    expect(menu().item('talk').label).toBe('Talk');
    expect(menu().item('interrupt').enabled).toBe(false);
    const listening = waitForState(app, 'listening');
    menu().click('talk');
    await listening;
    expect(menu().item('talk').label).toBe('Stop');
    expect(menu().item('interrupt').enabled).toBe(true);
    expect(tray().image.path).toMatch(/tray-listening\.png$/);
    expect(tray().toolTip).toMatch(/listening/i);
    const idle = waitForState(app, 'idle');
    menu().click('talk');
    await idle;
    expect(menu().item('talk').label).toBe('Talk');
    expect(tray().image.path).toMatch(/tray-idle\.png$/);
  });

  it('Interrupt calls assistant.interrupt; Mute toggles the microphone', async () => {
    const interrupt = vi.spyOn(Assistant.prototype, 'interrupt');
    const setMuted = vi.spyOn(Assistant.prototype, 'setMuted');
    const app = await launch();
    const listening = waitForState(app, 'listening');
    menu().click('talk');
    await listening;
    menu().click('interrupt');
    expect(interrupt).toHaveBeenCalledOnce();

    setMuted.mockClear();
    showLoadedMainWindow(app);
    expect(menu().item('mute').checked).toBe(false);
    menu().click('mute');
    expect(setMuted).toHaveBeenLastCalledWith(true);
    expect(app.controller.muted).toBe(true);
    expect(menu().item('mute').checked).toBe(true);
    menu().click('mute');
    expect(setMuted).toHaveBeenLastCalledWith(false);
    expect(menu().item('mute').checked).toBe(false);
    // The windows learn of it too, in order, whoever toggled it.
    await vi.waitFor(() => {
      expect(sentEvents().filter((e) => e.type === 'muted')).toEqual([
        { type: 'muted', muted: true },
        { type: 'muted', muted: false },
      ]);
    });
  });

  it('Settings shows the main window and navigates it to the settings view', async () => {
    const app = await launch();
    showLoadedMainWindow(app).hide();
    menu().click('settings');
    expect(mainWindow()?.isVisible()).toBe(true);
    expect(mock.electronMock.sent.filter((m) => m.channel === 'app:navigate').map((m) => m.payload)).toEqual([['settings']]);
  });

  it('Quit quits', async () => {
    await launch();
    menu().click('quit');
    expect(mock.electronMock.quitCalls).toBe(1);
  });
});

describe('hotkeys', () => {
  it('registers the accelerators from the settings; the interrupt key interrupts', async () => {
    const interrupt = vi.spyOn(Assistant.prototype, 'interrupt');
    const app = await launch();
    expect([...mock.globalShortcut.registered.keys()]).toEqual(['CommandOrControl+Shift+Space', 'CommandOrControl+Shift+X', 'CommandOrControl+Shift+L']);
    const listening = waitForState(app, 'listening');
    mock.globalShortcut.press('CommandOrControl+Shift+Space');
    await listening;
    mock.globalShortcut.press('CommandOrControl+Shift+X');
    expect(interrupt).toHaveBeenCalledOnce();
    const idle = waitForState(app, 'idle');
    mock.globalShortcut.press('CommandOrControl+Shift+Space');
    await idle;
  });

  it('re-registers on a settings change, and reports a failed registration in the view and as a notice', async () => {
    const app = await launch();
    const window = showLoadedMainWindow(app);
    const update = (patch: unknown) => mock.ipcMain.invoke('settings:update', { webContents: window.webContents }, patch) as Promise<SettingsResult>;

    const moved = await update({ hotkeys: { talk: 'Alt+K' } });
    expect(moved.ok && moved.view.hotkeys).toEqual([
      { action: 'talk', accelerator: 'Alt+K', registered: true },
      { action: 'interrupt', accelerator: 'CommandOrControl+Shift+X', registered: true },
      { action: 'look', accelerator: 'CommandOrControl+Shift+L', registered: true },
    ]);
    expect([...mock.globalShortcut.registered.keys()].sort()).toEqual(['Alt+K', 'CommandOrControl+Shift+L', 'CommandOrControl+Shift+X']);

    mock.electronMock.takenAccelerators.add('Alt+J');
    const taken = await update({ hotkeys: { talk: 'Alt+J', interrupt: 'Alt+' } });
    if (!taken.ok) throw new Error(JSON.stringify(taken.problems));
    const [talk, interrupt] = taken.view.hotkeys;
    expect(talk).toMatchObject({ action: 'talk', accelerator: 'Alt+J', registered: false, error: expect.stringMatching(/another application/) });
    expect(interrupt).toMatchObject({ action: 'interrupt', accelerator: 'Alt+', registered: false, error: expect.stringMatching(/not a valid shortcut/) });
    expect([...mock.globalShortcut.registered.keys()]).toEqual(['CommandOrControl+Shift+L']);

    await vi.waitFor(() => {
      const notices = sentEvents().flatMap((e) => (e.type === 'notice' ? [saidWords(englishT(), e)] : []));
      expect(notices.some((m) => m.includes('Alt+J') && m.includes('kaiwa --toggle') && m.includes('kaiwa --interrupt'))).toBe(true);
    });
    const pushed = mock.electronMock.sent.filter((m) => m.channel === 'settings:changed').at(-1)?.payload[0] as SettingsView;
    expect(pushed.hotkeys[0]?.registered).toBe(false);
    const view = (await mock.ipcMain.invoke('settings:get', { webContents: window.webContents })) as SettingsView;
    expect(view.hotkeys).toEqual(taken.view.hotkeys);
  });

  it('push-to-talk (manual turn detection): one press starts talking, the next stops', async () => {
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ turnDetection: { mode: 'manual' } }));
    const startTalking = vi.spyOn(Assistant.prototype, 'startTalking');
    const stopTalking = vi.spyOn(Assistant.prototype, 'stopTalking');
    const app = await launch();
    mock.globalShortcut.press('CommandOrControl+Shift+Space');
    await vi.waitFor(() => expect(startTalking).toHaveBeenCalledOnce());
    expect(app.controller.running).toBe(true);
    mock.globalShortcut.press('CommandOrControl+Shift+Space');
    await vi.waitFor(() => expect(stopTalking).toHaveBeenCalledOnce());
    expect(startTalking).toHaveBeenCalledOnce();
    expect(app.controller.running).toBe(true);
  });
});

describe('command line', () => {
  it('a second instance with --toggle starts listening, --interrupt interrupts, a plain one shows the window', async () => {
    const interrupt = vi.spyOn(Assistant.prototype, 'interrupt');
    const app = await launch();
    expect(mainWindow()).toBeUndefined();
    const listening = waitForState(app, 'listening');
    mock.app.emit('second-instance', {}, ['/usr/bin/kaiwa', '--toggle'], '/home/me');
    await listening;
    mock.app.emit('second-instance', {}, ['/usr/bin/kaiwa', '--interrupt'], '/home/me');
    expect(interrupt).toHaveBeenCalledOnce();
    expect(mainWindow()).toBeUndefined();
    mock.app.emit('second-instance', {}, ['/usr/bin/kaiwa'], '/home/me');
    const window = mainWindow() as mock.BrowserWindow;
    expect(window.isVisible()).toBe(false);
    window.emit('ready-to-show');
    expect(window.isVisible()).toBe(true);
  });

  it('the same flags act at first launch', async () => {
    const started = runKaiwa({ argv: ['kaiwa', '--toggle'], env: {}, log: () => undefined, userDataDir: dir, devices });
    kaiwa = (await started) as KaiwaApp;
    await waitForState(kaiwa, 'listening');
    expect(mainWindow()).toBeUndefined();
  });
});

describe('settings and secrets', () => {
  it('a corrupt settings file: defaults, the file kept as .bak, and a notice shown once a window loads', async () => {
    writeFileSync(join(dir, 'settings.json'), '{"voice": "ced');
    const app = await launch();
    expect(app.controller.settings.voice).toBe('marin');
    expect(readFileSync(join(dir, 'settings.json.bak'), 'utf8')).toBe('{"voice": "ced');
    // No window yet: nothing is lost, it waits for one.
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(sentEvents()).toEqual([]);
    showLoadedMainWindow(app);
    const damaged = sentEvents().find((e) => e.type === 'notice' && e.key === 'main.settings.damaged');
    expect(damaged && saidWords(englishT(), damaged as NoticeSaid)).toMatch(/settings file was damaged/);
  });

  it('environment variables override stored settings and are listed read-only', async () => {
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ voice: 'cedar', model: 'stored-model' }));
    const app = await launch(['kaiwa', '--hidden'], { KAIWA_MODEL: 'env-model', OPENAI_API_KEY: 'sk-env-0123456789' });
    const view = app.controller.view();
    expect(view.settings).toMatchObject({ provider: 'openai', model: 'env-model', voice: 'cedar' });
    expect(view.envOverrides.sort()).toEqual(['apiKey', 'model', 'provider']);
    expect(view.hasApiKey).toBe(true);
    expect(JSON.stringify(view)).not.toContain('sk-env-0123456789');
  });

  it('every override the environment applies is listed', async () => {
    const forced = await launch(['kaiwa', '--hidden'], { KAIWA_PROTOCOL: 'live', KAIWA_URL: 'wss://example.test/live' });
    expect(forced.controller.view().envOverrides.sort()).toEqual(['protocol', 'provider', 'url']);
    expect(forced.controller.settings).toMatchObject({ protocol: 'live', provider: 'custom' });
  });

  it('an environment that does not parse overrides nothing', async () => {
    const refused = await launch(['kaiwa', '--hidden'], { KAIWA_DIALECT: 'klingon' });
    expect(refused.controller.view().envOverrides).toEqual([]);
    expect(refused.controller.settings.dialect).toBe('ga');
  });

  it('a settings update is saved and answered; an invalid one is refused with its problems by key', async () => {
    const app = await launch();
    const window = showLoadedMainWindow(app);
    const ok = (await mock.ipcMain.invoke('settings:update', { webContents: window.webContents }, { voice: 'sage' })) as SettingsResult;
    expect(ok.ok && ok.view.settings.voice).toBe('sage');
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).voice).toBe('sage');
    const bad = (await mock.ipcMain.invoke('settings:update', { webContents: window.webContents }, { url: 'http://not-ws' })) as SettingsResult;
    expect(bad).toEqual({ ok: false, problems: [{ path: 'url', said: { key: 'setting.notWsUrl' } }] });
  });

  it('the newer settings (protocol, language, transcription language, a GPT-Live voice) are saved through IPC', async () => {
    const app = await launch();
    const window = showLoadedMainWindow(app);
    const patch = { protocol: 'live', language: 'ja', transcriptionLanguage: 'ja', voice: 'harema' };
    const result = (await mock.ipcMain.invoke('settings:update', { webContents: window.webContents }, patch)) as SettingsResult;
    expect(result.ok && result.view.settings).toMatchObject(patch);
    expect(result.ok && result.view.protocol).toBe('live');
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toMatchObject(patch);
  });

  it('a connection setting restarts a running assistant; a session setting only updates it', async () => {
    const updateSettings = vi.spyOn(Assistant.prototype, 'updateSettings');
    const app = await launch();
    const window = showLoadedMainWindow(app);
    const listening = waitForState(app, 'listening');
    await app.controller.start();
    await listening;
    const states: AssistantState[] = [];
    app.controller.onEvent((e) => e.type === 'state' && states.push(e.state));

    await mock.ipcMain.invoke('settings:update', { webContents: window.webContents }, { voice: 'sage', instructions: 'Be brief.' });
    expect(updateSettings).toHaveBeenLastCalledWith(expect.objectContaining({ voice: 'sage', instructions: 'Be brief.' }));
    expect(states).toEqual([]);

    await mock.ipcMain.invoke('settings:update', { webContents: window.webContents }, { model: 'gpt-realtime-mini' });
    await waitForState(app, 'listening');
    expect(states).toEqual(['idle', 'connecting', 'listening']);
    expect(updateSettings).toHaveBeenCalledOnce();
  });

  it('the API key never reaches a webContents, a log line or the settings file', async () => {
    const KEY = 'sk-proj-NEVER-LEAK-0123456789abcdef';
    const { startSimulator } = await import('../../src/simulator');
    const guarded = await startSimulator({ port: 0, requireApiKey: KEY, record: false });
    try {
      const app = await launch(['kaiwa']);
      const window = showLoadedMainWindow(app);
      const from = { webContents: window.webContents };
      const results: unknown[] = [];
      const invoke = async (channel: string, ...args: unknown[]) => {
        results.push(await mock.ipcMain.invoke(channel, from, ...args));
      };
      await invoke('settings:set-api-key', KEY);
      expect(results[0]).toEqual({ hasApiKey: true });
      await invoke('settings:update', { provider: 'custom', url: guarded.url });
      await invoke('settings:get');
      // The key really is used: the guarded simulator accepts the connection.
      const listening = waitForState(app, 'listening');
      await invoke('assistant:start');
      await listening;
      await invoke('assistant:get-state');
      await invoke('assistant:stop');
      // A wrong key fails with an auth error: the message must not carry either key.
      await invoke('settings:set-api-key', `${KEY}-WRONG`);
      const failed = waitForState(app, 'error');
      await invoke('assistant:start');
      await failed;
      await new Promise((resolve) => setTimeout(resolve, 40));

      expect(sentEvents()).toContainEqual(expect.objectContaining({ type: 'error', code: 'auth' }));
      const everything = JSON.stringify([mock.electronMock.sent, results, logLines]);
      expect(everything).not.toContain(KEY);
      expect(everything).not.toContain('NEVER-LEAK');
      for (const file of readdirSync(dir)) {
        if (file.endsWith('.json')) expect(readFileSync(join(dir, file), 'utf8')).not.toContain('NEVER-LEAK');
      }
      expect(readFileSync(join(dir, 'api-key.enc')).toString('latin1')).not.toContain('NEVER-LEAK');
    } finally {
      await guarded.close();
    }
  });

  it('start at login writes and removes the XDG autostart entry (Linux), launching hidden', async () => {
    const config = join(dir, 'xdg-config');
    const app = await launch(['kaiwa', '--hidden'], { XDG_CONFIG_HOME: config });
    const window = showLoadedMainWindow(app);
    const entry = join(config, 'autostart', 'kaiwa.desktop');
    await mock.ipcMain.invoke('settings:update', { webContents: window.webContents }, { startAtLogin: true });
    await vi.waitFor(() => expect(readFileSync(entry, 'utf8')).toMatch(/^Exec=.* --hidden$/m));
    await mock.ipcMain.invoke('settings:update', { webContents: window.webContents }, { startAtLogin: false });
    await vi.waitFor(() => expect(existsSync(entry)).toBe(false));
  });

  it('without a keychain the key is kept for the session and the user is told', async () => {
    mock.electronMock.encryptionAvailable = false;
    const app = await launch();
    const window = showLoadedMainWindow(app);
    const result = await mock.ipcMain.invoke('settings:set-api-key', { webContents: window.webContents }, 'sk-session-only-123456');
    expect(result).toEqual({ hasApiKey: true });
    await vi.waitFor(() => expect(sentEvents()).toContainEqual({ type: 'notice', key: 'main.key.sessionOnly' }));
    expect(readdirSync(dir)).not.toContain('api-key.enc');
  });
});

describe('events to the renderer', () => {
  it('levels are coalesced: at most one IPC message per ~16 ms, each with at most one levels event', async () => {
    const app = await launch();
    showLoadedMainWindow(app);
    const listening = waitForState(app, 'listening');
    await app.controller.start();
    await listening;
    mock.electronMock.sent = [];
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const elapsed = performance.now() - started;
    const messages = mock.electronMock.sent.filter((m) => m.channel === 'assistant:events');
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.length).toBeLessThanOrEqual(Math.ceil(elapsed / 16) + 1);
    for (const message of messages) {
      expect((message.payload[0] as AssistantEvent[]).filter((e) => e.type === 'levels').length).toBeLessThanOrEqual(1);
    }
  });
});
