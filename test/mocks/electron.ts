/**
 * A test double of the `electron` module (after electron/fiddle's tests/mocks/electron.ts): the
 * parts Kaiwa's main and preload use, recording what they are asked to do. Inject it with
 *   vi.mock('electron', () => import('../mocks/electron'));
 * It stands in for Electron only; everything else in a test is real. `electronMock` holds the
 * recordings and the knobs (what safeStorage, globalShortcut and the tray report).
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { request as httpRequest, type ClientRequest, type OutgoingHttpHeaders } from 'node:http';


// ---- recordings and knobs ----

export interface SentMessage {
  webContentsId: number;
  channel: string;
  payload: unknown[];
}

export const electronMock = {
  userDataDir: '',
  appPath: process.cwd(),
  singleInstanceLock: true,
  encryptionAvailable: true,
  storageBackend: 'gnome_libsecret' as string,
  /** Accelerators another application "has": register returns false. */
  takenAccelerators: new Set<string>(),
  trayBounds: { x: 1800, y: 0, width: 24, height: 24 },
  workArea: { x: 0, y: 28, width: 1920, height: 1052 },
  /** Every webContents.send, in order. */
  sent: [] as SentMessage[],
  quitCalls: 0,
  /** What `app.getLocale()` answers: the system's language, as Chromium sees it. */
  locale: 'en-US',
  exposed: new Map<string, unknown>(),
  invoked: [] as Array<{ channel: string; args: unknown[] }>,
  invokeResult: undefined as unknown,
  /** Every ipcRenderer.send (the decoder window's preload answers main with it), in order. */
  rendererSent: [] as Array<{ channel: string; payload: unknown[] }>,
};

let nextId = 1;

// ---- app ----

class FakeApp extends EventEmitter {
  isPackaged = false;
  private ready = true;

  getPath(name: string): string {
    if (name === 'userData') return electronMock.userDataDir;
    return `/tmp/kaiwa-mock/${name}`;
  }
  getAppPath(): string {
    return electronMock.appPath;
  }
  getName(): string {
    return 'Kaiwa';
  }
  getVersion(): string {
    return '0.0.0-test';
  }
  getLocale(): string {
    return electronMock.locale;
  }
  requestSingleInstanceLock(): boolean {
    return electronMock.singleInstanceLock;
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  isReady(): boolean {
    return this.ready;
  }
  quit(): void {
    electronMock.quitCalls += 1;
  }
  relaunches = 0;
  relaunch(): void {
    this.relaunches += 1;
  }
  exit(): void {
    electronMock.quitCalls += 1;
  }
  loginItemSettings: { openAtLogin: boolean; args?: string[] } = { openAtLogin: false };
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void {
    this.loginItemSettings = { ...settings };
  }
  getLoginItemSettings(): { openAtLogin: boolean } {
    return { ...this.loginItemSettings };
  }
  setAppUserModelId(): void {}
}

export const app = new FakeApp();

// ---- webContents, frames, windows ----

export class FakeWebFrameMain {
  readonly processId = 1;
  readonly routingId = nextId++;
  constructor(
    public url: string,
    readonly parent: FakeWebFrameMain | null = null,
  ) {}
}

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  readonly mainFrame = new FakeWebFrameMain('about:blank');
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  destroyed = false;
  /** `webContents.ipc`: what this page alone sends main (a test emits `(channel, event, ...payload)`). */
  readonly ipc = new EventEmitter();

  send(channel: string, ...payload: unknown[]): void {
    // Electron serialises with the structured clone algorithm: so do we (and keep a snapshot).
    electronMock.sent.push({ webContentsId: this.id, channel, payload: structuredClone(payload) });
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Test helper: the page finished loading. */
  finishLoad(): void {
    this.emit('did-finish-load');
  }
}

export interface WindowOptions {
  webPreferences?: Record<string, unknown>;
  [key: string]: unknown;
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.instances.filter((w) => !w.destroyed);
  }
  static fromWebContents(contents: FakeWebContents): BrowserWindow | null {
    return BrowserWindow.instances.find((w) => w.webContents === contents) ?? null;
  }

  readonly webContents = new FakeWebContents();
  readonly options: WindowOptions;
  visible = false;
  focused = false;
  destroyed = false;
  position: [number, number] = [0, 0];
  alwaysOnTop = false;
  /** `setContentProtection`: whether the window asks to be left out of captures. */
  contentProtected = false;
  loaded: { file?: string; url?: string; hash?: string } = {};

  constructor(options: WindowOptions = {}) {
    super();
    this.options = options;
    this.alwaysOnTop = options.alwaysOnTop === true;
    BrowserWindow.instances.push(this);
  }

  loadFile(file: string, options?: { hash?: string }): Promise<void> {
    this.loaded = { file, ...(options?.hash ? { hash: options.hash } : {}) };
    this.webContents.mainFrame.url = `file://${file}${options?.hash ? `#${options.hash}` : ''}`;
    return Promise.resolve();
  }
  loadURL(url: string): Promise<void> {
    this.loaded = { url };
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
    this.emit('show');
  }
  hide(): void {
    this.visible = false;
    this.emit('hide');
  }
  focus(): void {
    this.focused = true;
    this.emit('focus');
  }
  isVisible(): boolean {
    return this.visible;
  }
  minimized = false;
  minimize(): void {
    this.minimized = true;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
    this.visible = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setPosition(x: number, y: number): void {
    this.position = [x, y];
  }
  getPosition(): [number, number] {
    return this.position;
  }
  setAlwaysOnTop(flag: boolean): void {
    this.alwaysOnTop = flag;
  }
  setContentProtection(enable: boolean): void {
    this.contentProtected = enable;
  }
  /** The id desktopCapturer gives this window's source (`window:ID:0`). */
  getMediaSourceId(): string {
    return `window:${this.webContents.id}:0`;
  }
  close(): void {
    const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    this.emit('close', event);
    if (!event.defaultPrevented) this.destroy();
  }
  destroy(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

// ---- tray and menus ----

export interface FakeMenuItem {
  id?: string;
  label?: string;
  type?: string;
  checked?: boolean;
  enabled?: boolean;
  role?: string;
  click?: (item: FakeMenuItem, ...rest: unknown[]) => void;
}

export class FakeMenu {
  constructor(readonly items: FakeMenuItem[]) {}

  item(id: string): FakeMenuItem {
    const found = this.items.find((i) => i.id === id);
    if (!found) throw new Error(`no menu item ${id}`);
    return found;
  }

  /** Clicks like Electron does: a checkbox flips before its click handler runs. */
  click(id: string): void {
    const item = this.item(id);
    if (item.enabled === false) throw new Error(`menu item ${id} is disabled`);
    const live = { ...item };
    if (item.type === 'checkbox') live.checked = !item.checked;
    item.click?.(live);
  }
}

export const Menu = {
  buildFromTemplate(template: FakeMenuItem[]): FakeMenu {
    return new FakeMenu(template.map((i) => ({ ...i })));
  },
  setApplicationMenu(): void {},
};

export class FakeNativeImage {
  /**
   * `path`: an image loaded from a file (tray icons). `pixels`: a captured picture, as PNG or JPEG
   * bytes and its size (desktopCapturer thumbnails); encoding returns those bytes.
   */
  constructor(
    readonly path: string | undefined,
    readonly pixels?: { png: Buffer; jpeg?: Buffer; width: number; height: number },
  ) {}
  isEmpty(): boolean {
    if (this.pixels) return this.pixels.width === 0 || this.pixels.height === 0;
    return this.path === undefined || !existsSync(this.path);
  }
  getSize(): { width: number; height: number } {
    return { width: this.pixels?.width ?? 0, height: this.pixels?.height ?? 0 };
  }
  toPNG(): Buffer {
    return Buffer.from(this.pixels?.png ?? Buffer.alloc(0));
  }
  toJPEG(_quality: number): Buffer {
    return Buffer.from(this.pixels?.jpeg ?? this.pixels?.png ?? Buffer.alloc(0));
  }
  toDataURL(): string {
    return `data:image/png;base64,${this.toPNG().toString('base64')}`;
  }
}

export const nativeImage = {
  createFromPath(path: string): FakeNativeImage {
    return new FakeNativeImage(path);
  },
  createEmpty(): FakeNativeImage {
    return new FakeNativeImage(undefined);
  },
};

// ---- desktopCapturer: the screens and windows a test puts on the "desktop" ----

/** A screen or window on the fake desktop; `frame` is what a capture of it shows now. */
export interface FakeDesktopSource {
  id: string;
  name: string;
  /** Screens: the display's id (as a string, like Electron). */
  display_id?: string;
  frame: { png: Buffer; jpeg?: Buffer; width: number; height: number };
}

export const desktopCapturer = {
  /** The desktop, front-most window first (the order Electron lists them on Windows and macOS). */
  sources: [] as FakeDesktopSource[],
  /** Every getSources call's options, in order. */
  calls: [] as Array<{ types: string[]; thumbnailSize?: { width: number; height: number } }>,
  /** When set, getSources rejects with it (no capture permission, the portal was cancelled). */
  failure: undefined as Error | undefined,
  async getSources(options: { types: string[]; thumbnailSize?: { width: number; height: number }; fetchWindowIcons?: boolean }) {
    this.calls.push({ types: [...options.types], ...(options.thumbnailSize ? { thumbnailSize: { ...options.thumbnailSize } } : {}) });
    if (this.failure) throw this.failure;
    const box = options.thumbnailSize ?? { width: 150, height: 150 };
    const listed = this.sources.filter((s) => options.types.includes(s.id.split(':')[0]!));
    // Like Chromium: a window that belongs to this app is listed too (its own ids come from getMediaSourceId).
    const own = BrowserWindow.getAllWindows().map((w) => ({ id: w.getMediaSourceId(), name: String(w.options.title ?? 'Kaiwa'), frame: { png: Buffer.from('kaiwa'), width: 480, height: 720 } }));
    const all = options.types.includes('window') ? [...own, ...listed] : listed;
    return all.map((s) => {
      // The thumbnail fits the box, keeping the aspect ratio (never larger than the source).
      const scale = Math.min(1, box.width / s.frame.width, box.height / s.frame.height);
      const width = Math.round(s.frame.width * scale);
      const height = Math.round(s.frame.height * scale);
      return {
        id: s.id,
        name: s.name,
        display_id: 'display_id' in s ? (s.display_id ?? '') : '',
        appIcon: null,
        thumbnail: new FakeNativeImage(undefined, { ...s.frame, width, height }),
      };
    });
  },
};

export class Tray extends EventEmitter {
  static instances: Tray[] = [];
  image: FakeNativeImage;
  images: FakeNativeImage[] = [];
  toolTip = '';
  menu: FakeMenu | undefined;
  menus: FakeMenu[] = [];
  destroyed = false;

  constructor(image: FakeNativeImage) {
    super();
    this.image = image;
    this.images.push(image);
    Tray.instances.push(this);
  }
  setImage(image: FakeNativeImage): void {
    this.image = image;
    this.images.push(image);
  }
  setToolTip(text: string): void {
    this.toolTip = text;
  }
  setContextMenu(menu: FakeMenu): void {
    this.menu = menu;
    this.menus.push(menu);
  }
  getBounds(): { x: number; y: number; width: number; height: number } {
    return { ...electronMock.trayBounds };
  }
  destroy(): void {
    this.destroyed = true;
  }
}

// ---- globalShortcut ----

export const globalShortcut = {
  registered: new Map<string, () => void>(),
  calls: [] as Array<{ op: 'register' | 'unregister'; accelerator: string }>,
  register(accelerator: string, callback: () => void): boolean {
    this.calls.push({ op: 'register', accelerator });
    // Electron throws on a malformed accelerator.
    if (!/^[A-Za-z0-9+\s]+$/.test(accelerator) || accelerator.endsWith('+')) {
      throw new TypeError(`Error processing argument at index 0, conversion failure from ${accelerator}`);
    }
    if (electronMock.takenAccelerators.has(accelerator) || this.registered.has(accelerator)) return false;
    this.registered.set(accelerator, callback);
    return true;
  },
  unregister(accelerator: string): void {
    this.calls.push({ op: 'unregister', accelerator });
    this.registered.delete(accelerator);
  },
  unregisterAll(): void {
    this.registered.clear();
  },
  isRegistered(accelerator: string): boolean {
    return this.registered.has(accelerator);
  },
  /** Test helper: the user pressed it. */
  press(accelerator: string): void {
    const callback = this.registered.get(accelerator);
    if (!callback) throw new Error(`${accelerator} is not registered`);
    callback();
  },
};

// ---- powerMonitor: the test emits 'lock-screen', 'suspend' ----

export const powerMonitor = new EventEmitter();

// ---- systemPreferences (macOS) ----

export const systemPreferences = {
  /** Whether Kaiwa is a trusted accessibility client (may watch the keyboard); `prompt` asks the system to show its dialog. */
  trusted: true,
  prompts: 0,
  isTrustedAccessibilityClient(prompt: boolean): boolean {
    if (prompt && !this.trusted) this.prompts += 1;
    return this.trusted;
  },
};

// ---- ipcMain ----

type InvokeHandler = (event: unknown, ...args: unknown[]) => unknown;

export const ipcMain = {
  handlers: new Map<string, InvokeHandler>(),
  handle(channel: string, handler: InvokeHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  },
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  },
  /**
   * Test helper: what ipcRenderer.invoke from `sender` would do. Arguments go through structured
   * clone, as over real IPC.
   */
  async invoke(channel: string, sender: { webContents: FakeWebContents; frame?: FakeWebFrameMain | null }, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    const event = { sender: sender.webContents, senderFrame: sender.frame === undefined ? sender.webContents.mainFrame : sender.frame };
    const result = await handler(event, ...structuredClone(args));
    return structuredClone(result);
  },
};

// ---- safeStorage: reversible fake encryption ----

const SEAL = Buffer.from('fake-keychain:');

export const safeStorage = {
  isEncryptionAvailable(): boolean {
    return electronMock.encryptionAvailable;
  },
  getSelectedStorageBackend(): string {
    return electronMock.storageBackend;
  },
  encryptString(text: string): Buffer {
    if (!electronMock.encryptionAvailable) throw new Error('Encryption is not available.');
    const body = Buffer.from(text, 'utf8').map((b) => b ^ 0x5a);
    return Buffer.concat([SEAL, body]);
  },
  decryptString(sealed: Buffer): string {
    if (!electronMock.encryptionAvailable) throw new Error('Decryption is not available.');
    if (!sealed.subarray(0, SEAL.length).equals(SEAL)) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return Buffer.from(sealed.subarray(SEAL.length).map((b) => b ^ 0x5a)).toString('utf8');
  },
};

// ---- clipboard: what was last written ----

export const clipboard = {
  text: '',
  writeText(text: string): void {
    clipboard.text = text;
  },
  readText(): string {
    return clipboard.text;
  },
};

// ---- screen, session, dialog, shell ----

export const screen = {
  /** The display a point is on (the test sets which, by id). */
  cursorDisplayId: 1,
  getDisplayNearestPoint(): { id: number; workArea: typeof electronMock.workArea; bounds: typeof electronMock.workArea } {
    return { id: screen.cursorDisplayId, workArea: { ...electronMock.workArea }, bounds: { ...electronMock.workArea } };
  },
  getPrimaryDisplay(): { workArea: typeof electronMock.workArea } {
    return { workArea: { ...electronMock.workArea } };
  },
  getCursorScreenPoint(): { x: number; y: number } {
    return { x: 100, y: 100 };
  },
};

type PermissionRequestHandler = (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void;
type HeadersListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
) => void;

export const session = {
  defaultSession: {
    permissionRequestHandler: undefined as PermissionRequestHandler | undefined,
    permissionCheckHandler: undefined as ((...args: unknown[]) => boolean) | undefined,
    devicePermissionHandler: undefined as ((...args: unknown[]) => boolean) | undefined,
    headersListener: undefined as HeadersListener | undefined,
    setPermissionRequestHandler(handler: PermissionRequestHandler): void {
      this.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: (...args: unknown[]) => boolean): void {
      this.permissionCheckHandler = handler;
    },
    setDevicePermissionHandler(handler: (...args: unknown[]) => boolean): void {
      this.devicePermissionHandler = handler;
    },
    webRequest: {
      onHeadersReceived(listener: HeadersListener): void {
        session.defaultSession.headersListener = listener;
      },
    },
  },
  /** The partitions asked for (electron-updater's own, for its requests). */
  partitions: [] as string[],
  fromPartition(partition: string): { partition: string } {
    session.partitions.push(partition);
    return { partition };
  },
};

// ---- net: Electron's HTTP client, here Node's, for 127.0.0.1 only ----

export interface NetRequestOptions {
  protocol?: string;
  hostname?: string;
  host?: string;
  port?: number | string;
  path?: string;
  method?: string;
  headers?: OutgoingHttpHeaders;
  session?: unknown;
  redirect?: string;
}

/**
 * `net.request` over Node's http: the same events a caller of Electron's ClientRequest listens to
 * ('response', 'error'; the response streams its body). Anything but http://127.0.0.1 fails like
 * an unreachable host would, so no test can reach the network through it.
 */
export const net = {
  /** Every request made: its URL, headers and the session it was made in. */
  requests: [] as Array<{ url: string; headers: OutgoingHttpHeaders; session: unknown }>,
  request(options: NetRequestOptions): ClientRequest {
    const hostname = options.hostname ?? options.host ?? '';
    const url = `${options.protocol ?? 'http:'}//${hostname}${options.port ? `:${options.port}` : ''}${options.path ?? '/'}`;
    net.requests.push({ url, headers: { ...options.headers }, session: options.session });
    const local = (options.protocol ?? 'http:') === 'http:' && hostname === '127.0.0.1';
    const request = httpRequest({
      protocol: 'http:',
      hostname: '127.0.0.1',
      // Elsewhere: destroyed below before it connects.
      port: local ? options.port : 9,
      path: options.path ?? '/',
      method: options.method ?? 'GET',
      headers: options.headers ?? {},
      agent: false,
    });
    if (!local) queueMicrotask(() => request.destroy(Object.assign(new Error(`net::ERR_NAME_NOT_RESOLVED (the test double reaches 127.0.0.1 only: ${url})`), { code: 'ENOTFOUND' })));
    return request;
  },
};

export const dialog = {
  errorBoxes: [] as Array<{ title: string; content: string }>,
  showErrorBox(title: string, content: string): void {
    this.errorBoxes.push({ title, content });
  },
  showMessageBox(): Promise<{ response: number }> {
    return Promise.resolve({ response: 0 });
  },
};

export const shell = {
  opened: [] as string[],
  openExternal(url: string): Promise<void> {
    this.opened.push(url);
    return Promise.resolve();
  },
};

// ---- Notification: every one shown, in order ----

export class Notification extends EventEmitter {
  static supported = true;
  /** Every notification shown. */
  static shown: Array<{ title: string; body: string }> = [];
  static isSupported(): boolean {
    return Notification.supported;
  }
  constructor(readonly options: { title?: string; body?: string } = {}) {
    super();
  }
  show(): void {
    Notification.shown.push({ title: this.options.title ?? '', body: this.options.body ?? '' });
  }
  close(): void {}
}

// ---- preload side: contextBridge and ipcRenderer ----

export const contextBridge = {
  exposeInMainWorld(key: string, api: unknown): void {
    electronMock.exposed.set(key, api);
  },
};

class FakeIpcRenderer extends EventEmitter {
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    electronMock.invoked.push({ channel, args });
    return Promise.resolve(electronMock.invokeResult);
  }
  send(channel: string, ...payload: unknown[]): void {
    electronMock.rendererSent.push({ channel, payload: structuredClone(payload) });
  }
  /** Test helper: main pushed a message. */
  push(channel: string, payload: unknown): void {
    this.emit(channel, { sender: this }, payload);
  }
}

export const ipcRenderer = new FakeIpcRenderer();

/** Back to a fresh Electron: call in beforeEach. */
export function resetElectronMock(userDataDir = ''): void {
  Object.assign(electronMock, {
    userDataDir,
    appPath: process.cwd(),
    singleInstanceLock: true,
    encryptionAvailable: true,
    storageBackend: 'gnome_libsecret',
    takenAccelerators: new Set<string>(),
    trayBounds: { x: 1800, y: 0, width: 24, height: 24 },
    workArea: { x: 0, y: 28, width: 1920, height: 1052 },
    sent: [],
    quitCalls: 0,
    locale: 'en-US',
    exposed: new Map(),
    invoked: [],
    invokeResult: undefined,
    rendererSent: [],
  });
  app.removeAllListeners();
  app.isPackaged = false;
  app.loginItemSettings = { openAtLogin: false };
  BrowserWindow.instances = [];
  Tray.instances = [];
  globalShortcut.registered.clear();
  globalShortcut.calls = [];
  powerMonitor.removeAllListeners();
  desktopCapturer.sources = [];
  desktopCapturer.calls = [];
  desktopCapturer.failure = undefined;
  screen.cursorDisplayId = 1;
  systemPreferences.trusted = true;
  systemPreferences.prompts = 0;
  ipcMain.handlers.clear();
  ipcRenderer.removeAllListeners();
  app.relaunches = 0;
  session.partitions = [];
  net.requests = [];
  dialog.errorBoxes = [];
  shell.opened = [];
  clipboard.text = '';
  Notification.supported = true;
  Notification.shown = [];
  Object.assign(session.defaultSession, {
    permissionRequestHandler: undefined,
    permissionCheckHandler: undefined,
    devicePermissionHandler: undefined,
    headersListener: undefined,
  });
}


const electron = {
  app,
  BrowserWindow,
  Tray,
  Menu,
  nativeImage,
  desktopCapturer,
  globalShortcut,
  ipcMain,
  safeStorage,
  clipboard,
  screen,
  session,
  dialog,
  shell,
  net,
  Notification,
  contextBridge,
  ipcRenderer,
};
export default electron;
