import { app, clipboard, powerMonitor, session, shell, systemPreferences, type BrowserWindow } from 'electron';
import type { AssistantEvent, PushChannels } from '../shared/ipc';
import { parseLaunchArgs, type LaunchRequest } from './argv';
import { listAudioDevices } from './audio-devices';
import { applyLoginItem, loginItemDeps } from './login-item';
import { KaiwaController, type ControllerOptions } from './controller';
import { ChromiumDecoder } from './chromium-decoder';
import { EventBatcher } from './event-batcher';
import { Hotkeys } from './hotkeys';
import { KeyHook } from './key-hook';
import { registerIpcHandlers, sendToWindows, type Handlers } from './ipc';
import { devServerUrl, isAppUrl } from './paths';
import { hardenEveryWebContents, hardenSession, lockDownWindow } from './security';
import { KaiwaTray } from './tray';
import { ScreenShare } from './screen-share/sharing';
import { createDesktopToolHost } from './tools-host';
import { createMainWindow, createQuickTalkWindow, showQuickTalkNearTray } from './windows';
import { messageWords } from '../shared/i18n';
import { Updates, type UpdatesOptions } from './updates';
import { installedPaths, type UpdaterPaths } from './updates/updater';

export interface KaiwaAppOptions {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  log: (line: string) => void;
  /** Defaults to app.getPath('userData'). */
  userDataDir?: string;
  /** Defaults to the app's device factory (audio-devices.ts). */
  devices?: ControllerOptions['devices'];
  /** Hold-to-talk's keyboard hook; defaults to uiohook-napi, checked against this session. */
  keyHook?: KeyHook;
  /** Where the updater finds app-update.yml and keeps downloads; defaults to the installed app's. */
  updatePaths?: UpdaterPaths;
  /** When it checks (tests make it short). */
  updateTiming?: UpdatesOptions['timing'];
  /** The Microsoft Entra browser sign-in's credential (tests inject one; the browser flow cannot run there). */
  azureCredential?: ControllerOptions['azureCredential'];
}

/** Bound on the clean-up at quit: a stuck socket must not keep the app alive. */
const SHUTDOWN_TIMEOUT_MS = 3_000;
/** Notices and errors kept for a window that has not loaded yet. */
const BACKLOG_LIMIT = 20;

/**
 * The desktop app: windows, tray, hotkeys and IPC around one KaiwaController. Created after the
 * single-instance lock is ours and the app is ready (see `runKaiwa`).
 */
export class KaiwaApp {
  readonly controller: KaiwaController;
  readonly hotkeys: Hotkeys;
  /** Sharing a screen or window, and "look at this". */
  readonly share: ScreenShare;
  tray!: KaiwaTray;
  mainWindow: BrowserWindow | undefined;
  quickTalkWindow: BrowserWindow | undefined;
  updates!: Updates;

  private readonly batcher: EventBatcher;
  /** m4a/AAC for the voice endpoint, by Chromium's decoders in a hidden window (opened on first use). */
  private readonly decoder: ChromiumDecoder;
  private readonly loaded = new WeakSet<BrowserWindow>();
  private backlog: AssistantEvent[] = [];
  private quitting = false;
  private shutDown = false;
  private removeIpc: (() => void) | undefined;

  constructor(private readonly options: KaiwaAppOptions) {
    this.decoder = new ChromiumDecoder({ log: options.log });
    this.controller = new KaiwaController({
      userDataDir: options.userDataDir ?? app.getPath('userData'),
      env: options.env,
      log: options.log,
      locale: app.getLocale(),
      ...(options.devices ? { devices: options.devices } : {}),
      toolHost: createDesktopToolHost((said) => messageWords(this.controller.t, said)),
      decodeAac: this.decoder.decode,
      ...(options.azureCredential ? { azureCredential: options.azureCredential } : {}),
    });
    const keyHook =
      options.keyHook ??
      new KeyHook({
        platform: process.platform,
        env: options.env,
        // Asks macOS to show its permission prompt the first time (hold-to-talk on, manual turns).
        accessibilityTrusted: () => systemPreferences.isTrustedAccessibilityClient(true),
      });
    this.hotkeys = new Hotkeys(
      {
        talk: () => void this.controller.talkHotkey(),
        interrupt: () => this.controller.interrupt(),
        media: () => void this.controller.mediaKey(),
        look: () => void this.share.hotkey(),
        holdStart: () => void this.controller.holdTalkStart(),
        holdStop: () => void this.controller.holdTalkStop(),
        talking: () => this.controller.isTalking,
      },
      this.controller.t,
      keyHook,
    );
    this.batcher = new EventBatcher((events) => this.deliver(events));
    this.share = new ScreenShare({
      windows: () => this.windows(),
      show: (picture) => this.controller.showPicture(picture),
      pictures: () => this.controller.settings.pictures,
      notice: (said) => this.controller.notice(said),
      log: options.log,
    });
  }

  /** Everything that needs a ready app: session, IPC, tray, hotkeys, the first window. */
  start(launch: LaunchRequest): void {
    const { controller } = this;
    hardenSession(session.defaultSession, devServerUrl() !== undefined);
    hardenEveryWebContents();
    const notices = controller.init();

    controller.hotkeyStatus = () => this.hotkeys.status;
    let startAtLogin = controller.settings.startAtLogin;
    controller.onSettingsApplied = (settings) => {
      if (settings.startAtLogin !== startAtLogin) {
        startAtLogin = settings.startAtLogin;
        void this.applyLoginItem(startAtLogin);
      }
      this.updates.apply(settings.updates);
      const before = JSON.stringify(this.hotkeys.status);
      this.hotkeys.apply(settings);
      return JSON.stringify(this.hotkeys.status) === before ? [] : this.hotkeys.failures();
    };
    controller.onEvent((event) => {
      this.batcher.push(event);
      if (event.type === 'state') {
        this.tray.update(event.state, controller.muted);
        this.share.onState(event.state);
        this.updates.busyChanged();
      }
      if (event.type === 'consent.request') this.showConsentWindow();
    });
    controller.onSettingsChanged((view) => {
      this.push('settings:changed', view);
      this.tray.update(controller.state, controller.muted); // its words follow the language setting
    });

    this.updates = this.createUpdates();
    this.removeIpc = registerIpcHandlers(this.handlers(), { windows: () => this.windows(), isAppUrl: (url) => isAppUrl(url) }, this.options.log);

    this.tray = new KaiwaTray(controller.t, {
      toggle: () => void controller.toggle(),
      interrupt: () => controller.interrupt(),
      setMuted: (muted) => this.setMuted(muted),
      quickTalk: () => this.quickTalk(),
      showWindow: () => this.showMainWindow(),
      showSettings: () => this.showMainWindow('settings'),
      stopSharing: () => this.share.stop('user'),
      restartToUpdate: () => this.updates.restart(),
      openUpdateDownload: () => void this.updates.openDownload(),
      quit: () => app.quit(),
    });
    this.share.onStatus((status) => {
      this.tray.setSharing(status);
      this.push('share:status', status);
    });
    this.updates.apply(controller.settings.updates);

    this.hotkeys.apply(controller.settings);
    notices.push(...this.hotkeys.failures());
    // A held talk key's release may never reach the hook once the screen locks or the system sleeps.
    powerMonitor.on('lock-screen', () => {
      this.hotkeys.abandonHold();
      this.share.stop('lock');
    });
    powerMonitor.on('suspend', () => this.hotkeys.abandonHold());
    // Re-asserted at start (the entry may have been removed); never removed at start, so a
    // development run cannot delete an installed copy's entry.
    if (startAtLogin) void this.applyLoginItem(true);
    for (const message of notices) controller.notice(message);

    app.on('activate', () => this.showMainWindow());
    // A tray app: closing the windows does not quit.
    app.on('window-all-closed', () => undefined);
    app.on('before-quit', () => {
      this.quitting = true;
    });
    app.on('will-quit', (event) => {
      if (this.shutDown) return;
      event.preventDefault();
      void this.shutdown().finally(() => app.quit());
    });

    void controller.applyServe();
    this.handleLaunch(launch);
  }

  /** `kaiwa --toggle`, `kaiwa --interrupt`, or a plain launch, first or second instance. */
  handleLaunch(launch: LaunchRequest): void {
    for (const action of launch.actions) {
      if (action === 'toggle') void this.controller.talkHotkey();
      else this.controller.interrupt();
    }
    if (launch.showWindow) this.showMainWindow();
  }

  windows(): BrowserWindow[] {
    return [this.mainWindow, this.quickTalkWindow].filter((w): w is BrowserWindow => w !== undefined && !w.isDestroyed());
  }

  showMainWindow(view?: PushChannels['app:navigate']): BrowserWindow {
    let window = this.mainWindow;
    if (!window || window.isDestroyed()) {
      window = createMainWindow();
      this.adopt(window);
      window.on('close', (event) => {
        if (this.quitting) return;
        event.preventDefault();
        window?.hide();
      });
      this.mainWindow = window;
    } else {
      window.show();
      window.focus();
    }
    if (view) this.sendWhenLoaded(window, 'app:navigate', view);
    return window;
  }

  /** The tray icon: the quick-talk window next to it, and listening starts. */
  quickTalk(): void {
    let window = this.quickTalkWindow;
    if (!window || window.isDestroyed()) {
      window = createQuickTalkWindow(() => this.controller.state !== 'speaking', this.controller.t('main.window.quickTalk'));
      this.adopt(window);
      window.on('close', (event) => {
        if (this.quitting) return;
        event.preventDefault();
        window?.hide();
      });
      this.quickTalkWindow = window;
    }
    showQuickTalkNearTray(window, this.tray.tray.getBounds());
    if (!this.controller.running) void this.controller.start();
  }

  /**
   * A tool asks for consent: the main window comes up (made if there is none, restored if
   * minimised) and the question is on top. The window rather than a notification: the answer has a
   * 30 s deadline, a notification needs one more click to reach the prompt, and notification
   * clicks are not delivered on every Linux desktop. The quick-talk window is too small for the
   * arguments, so the question is always asked in the main window.
   */
  showConsentWindow(): void {
    const window = this.showMainWindow();
    if (window.isMinimized()) window.restore();
  }

  setMuted(muted: boolean): void {
    this.controller.setMuted(muted);
    this.tray.update(this.controller.state, this.controller.muted);
  }

  /** Start at login, via the OS (macOS, Windows) or an XDG autostart file (Linux). */
  async applyLoginItem(enabled: boolean): Promise<void> {
    const result = await applyLoginItem(enabled, { ...loginItemDeps(app), env: this.options.env });
    if (!result.ok) this.controller.notice(result.said);
    else if (result.changed) this.options.log(`login item: ${enabled ? 'enabled' : 'disabled'} (${result.via})`);
  }

  async shutdown(): Promise<void> {
    if (this.shutDown) return;
    this.quitting = true;
    this.share.stop('user');
    this.hotkeys.unregisterAll();
    this.updates?.dispose();
    this.batcher.dispose();
    this.removeIpc?.();
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_TIMEOUT_MS).unref());
    await Promise.race([this.controller.dispose().catch(() => undefined), timeout]);
    this.decoder.close();
    this.tray?.destroy();
    this.shutDown = true;
  }

  private handlers(): Handlers {
    const c = this.controller;
    return {
      'assistant:start': () => c.start(),
      'assistant:stop': () => c.stop(),
      'assistant:toggle': () => c.toggle(),
      'assistant:interrupt': () => c.interrupt(),
      'assistant:talk-start': () => c.talkStart(),
      'assistant:talk-stop': () => c.talkStop(),
      'assistant:set-muted': (_origin, muted) => this.setMuted(muted),
      'assistant:get-state': () => ({ state: c.state, muted: c.muted }),
      'settings:get': () => c.view(),
      'settings:update': (_origin, patch) => c.updateSettings(patch),
      'settings:set-api-key': (_origin, key) => c.setApiKey(key),
      'devices:list': () => listAudioDevices(this.options.log),
      'conversations:list': () => c.conversations.list(),
      'conversations:open': (_origin, id) => c.conversations.open(id),
      'window:hide': (origin) => origin.hide(),
      'serve:reveal-token': () => c.serveToken(),
      'serve:copy-token': () => clipboard.writeText(c.serveToken()),
      'serve:new-token': () => c.renewServeToken(),
      'consent:answer': (_origin, id, answer) => c.consent.answer(id, answer),
      'settings:set-mcp-header': (_origin, label, header, value) => c.setMcpHeader(label, header, value),
      'assistant:send-text': async (_origin, text) => {
        await this.share.beforeTypedTurn();
        return c.sendText(text);
      },
      'picture:show': (_origin, picture) => c.showPicture(picture),
      'share:sources': () => this.share.listSources(),
      'share:start': (_origin, id) => this.share.start(id),
      'share:stop': () => this.share.stop('user'),
      'share:look': () => this.share.look(),
      'updates:get': () => this.updates.status,
      'updates:check': () => this.updates.check(),
      'updates:restart': () => void this.updates.restart(),
      'updates:open-download': async () => void (await this.updates.openDownload()),
      'azure:sign-in': () => c.signInAzure(),
    };
  }

  /** The updater (updates/): its state goes to every window and the tray. */
  private createUpdates(): Updates {
    const paths = this.options.updatePaths ?? installedPaths();
    return new Updates({
      version: app.getVersion(),
      install: { platform: process.platform, isPackaged: app.isPackaged, env: this.options.env, resourcesPath: paths.resources },
      paths,
      log: this.options.log,
      busy: () => this.controller.running,
      onStatus: (status) => {
        this.push('updates:changed', status);
        this.tray?.setUpdate(status);
      },
      openExternal: (url) => shell.openExternal(url),
      quit: () => app.quit(),
      ...(this.options.updateTiming ? { timing: this.options.updateTiming } : {}),
    });
  }

  private adopt(window: BrowserWindow): void {
    lockDownWindow(window, (url) => isAppUrl(url), this.options.log);
    this.share.adopt(window);
    window.webContents.on('did-finish-load', () => {
      this.loaded.add(window);
      if (this.share.sharing) window.webContents.send('share:status', this.share.status);
      if (this.backlog.length > 0) {
        window.webContents.send('assistant:events', this.backlog);
        this.backlog = [];
      }
      // Questions asked before this page loaded (or before a reload), with the time left on each.
      const open = this.controller.consent.pending();
      if (open.length > 0) window.webContents.send('assistant:events', open);
    });
  }

  private deliver(events: AssistantEvent[]): void {
    const ready = this.windows().filter((w) => this.loaded.has(w));
    if (ready.length === 0) {
      // Nobody sees these now; keep what matters for the first window.
      this.backlog.push(...events.filter((e) => e.type === 'notice' || e.type === 'error'));
      this.backlog = this.backlog.slice(-BACKLOG_LIMIT);
      return;
    }
    sendToWindows(ready, 'assistant:events', events);
  }

  private push<C extends keyof PushChannels>(channel: C, payload: PushChannels[C]): void {
    sendToWindows(this.windows(), channel, payload);
  }

  private sendWhenLoaded<C extends keyof PushChannels>(window: BrowserWindow, channel: C, payload: PushChannels[C]): void {
    if (this.loaded.has(window)) window.webContents.send(channel, payload);
    else window.webContents.once('did-finish-load', () => window.webContents.send(channel, payload));
  }
}

/**
 * The process entry: one instance only (a second launch passes its argv to the first and quits),
 * then the app once Electron is ready.
 */
export async function runKaiwa(options: KaiwaAppOptions): Promise<KaiwaApp | undefined> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return undefined;
  }
  // A second launch can arrive before we are ready: keep it for then.
  const early: LaunchRequest[] = [];
  const started: { app?: KaiwaApp } = {};
  app.on('second-instance', (_event, argv) => {
    const request = parseLaunchArgs(argv);
    if (started.app) started.app.handleLaunch(request);
    else early.push(request);
  });
  await app.whenReady();
  const kaiwa = new KaiwaApp(options);
  kaiwa.start(parseLaunchArgs(options.argv));
  started.app = kaiwa;
  for (const request of early) kaiwa.handleLaunch(request);
  return kaiwa;
}
