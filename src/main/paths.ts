import { app } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Every path the app resolves at run time, in one place. The built layout (electron-vite) is
 * out/main/index.js, out/preload/index.cjs (and decoder.cjs, the hidden decoder window's),
 * out/renderer/index.html; icons live in assets/.
 */

const here = dirname(fileURLToPath(import.meta.url));

export const preloadPath = (): string => join(here, '..', 'preload', 'index.cjs');

export const decoderPreloadPath = (): string => join(here, '..', 'preload', 'decoder.cjs');

export const rendererIndexPath = (): string => join(here, '..', 'renderer', 'index.html');

/** The dev server (electron-vite dev) when not packaged. */
export function devServerUrl(): string | undefined {
  const url = process.env.ELECTRON_RENDERER_URL;
  return !app.isPackaged && url ? url : undefined;
}

/** `sharing`: a screen or window is shared (whatever the assistant's state). */
export type TrayIconState = 'idle' | 'listening' | 'speaking' | 'sharing';

/**
 * assets/tray-STATE.png in resources (packaged: extraResources) or next to the app (development);
 * undefined when missing. macOS menu bars take monochrome "Template" images.
 */
export function trayIconPath(state: TrayIconState, platform: NodeJS.Platform = process.platform): string | undefined {
  const name = platform === 'darwin' ? `trayTemplate-${state}.png` : `tray-${state}.png`;
  const candidates = [join(app.getAppPath(), 'assets', name)];
  if (typeof process.resourcesPath === 'string') candidates.push(join(process.resourcesPath, 'assets', name));
  return candidates.find((p) => existsSync(p));
}

/** Is `url` our own page (ignoring its hash and query)? */
export function isAppUrl(url: string, dev = devServerUrl(), index = rendererIndexPath()): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (dev) {
    try {
      if (parsed.origin === new URL(dev).origin) return true;
    } catch {
      // A malformed ELECTRON_RENDERER_URL trusts nothing.
    }
  }
  return parsed.protocol === 'file:' && parsed.pathname === pathToFileURL(index).pathname;
}
