import { BrowserWindow, screen, type Rectangle, type WebPreferences } from 'electron';
import { QUICK_TALK_SIZE } from '../shared/window-sizes';
import { devServerUrl, preloadPath, rendererIndexPath } from './paths';

/** The quick-talk window loads the same page with this hash; the renderer shows its compact view. */
export const QUICK_TALK_HASH = 'quick-talk';


export function secureWebPreferences(): WebPreferences {
  return {
    preload: preloadPath(),
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  };
}

function loadApp(window: BrowserWindow, hash?: string): void {
  const dev = devServerUrl();
  const load = dev
    ? window.loadURL(hash ? `${dev}#${hash}` : dev)
    : window.loadFile(rendererIndexPath(), hash ? { hash } : undefined);
  // A failed load shows an empty window; the log says why.
  load.catch(() => undefined);
}

export function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    title: 'Kaiwa',
    width: 480,
    height: 720,
    minWidth: 360,
    minHeight: 480,
    show: false,
    backgroundColor: '#111318',
    webPreferences: secureWebPreferences(),
  });
  window.once('ready-to-show', () => window.show());
  loadApp(window);
  return window;
}

/**
 * `escapeHides` says whether Esc should hide the window now. While the assistant speaks, Esc is
 * left to the page, which interrupts (the renderer's InterruptButton); otherwise main hides the
 * window before the page sees the key, so Esc works even if the page is stuck.
 */
export function createQuickTalkWindow(escapeHides: () => boolean, title: string): BrowserWindow {
  const window = new BrowserWindow({
    title,
    ...QUICK_TALK_SIZE,
    show: false,
    frame: false,
    resizable: false,
    movable: false,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    skipTaskbar: true,
    alwaysOnTop: true,
    transparent: false,
    backgroundColor: '#111318',
    webPreferences: secureWebPreferences(),
  });
  window.setAlwaysOnTop(true, 'pop-up-menu');
  window.on('blur', () => window.hide());
  window.webContents.on('before-input-event', (event, input) => {
    if (input.type === 'keyDown' && input.key === 'Escape' && escapeHides()) {
      event.preventDefault();
      window.hide();
    }
  });
  loadApp(window, QUICK_TALK_HASH);
  return window;
}

/**
 * Where the quick-talk window goes: centred on the tray icon, on the side of the screen the panel
 * is on (below a top panel, above a bottom one), kept inside the work area. Linux tray
 * implementations often report empty bounds: then the top-right corner of the work area.
 */
export function quickTalkPosition(
  tray: Rectangle,
  size: { width: number; height: number },
  workArea: Rectangle,
  margin = 8,
): { x: number; y: number } {
  const clampX = (x: number) => Math.min(Math.max(x, workArea.x + margin), workArea.x + workArea.width - size.width - margin);
  const clampY = (y: number) => Math.min(Math.max(y, workArea.y + margin), workArea.y + workArea.height - size.height - margin);
  if (tray.width <= 0 || tray.height <= 0) {
    return { x: clampX(workArea.x + workArea.width), y: clampY(workArea.y) };
  }
  const x = clampX(Math.round(tray.x + tray.width / 2 - size.width / 2));
  const trayIsLow = tray.y + tray.height / 2 > workArea.y + workArea.height / 2;
  const y = clampY(trayIsLow ? tray.y - size.height - margin : tray.y + tray.height + margin);
  return { x: Math.round(x), y: Math.round(y) };
}

export function showQuickTalkNearTray(window: BrowserWindow, trayBounds: Rectangle): void {
  const centre = { x: Math.round(trayBounds.x + trayBounds.width / 2), y: Math.round(trayBounds.y + trayBounds.height / 2) };
  const display = trayBounds.width > 0 ? screen.getDisplayNearestPoint(centre) : screen.getDisplayNearestPoint(screen.getCursorScreenPoint());
  const { x, y } = quickTalkPosition(trayBounds, QUICK_TALK_SIZE, display.workArea);
  window.setPosition(x, y, false);
  window.show();
  window.focus();
}
